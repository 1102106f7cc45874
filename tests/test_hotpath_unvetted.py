"""A warm `vet` of an agency never vetted lists the factors still to assess from the cache, without
loading the rubric (pydantic and YAML): at 1,000 agencies it had taken 3-4x `import typer`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
TODAY = "2026-11-23"
SCRIPT = (
    "import sys\nfrom referral_cli.__main__ import main\ntry:\n    main()\nfinally:\n"
    "    print(sorted(m for m in ('typer', 'pydantic', 'referral_cli.vetting.rubric')"
    " if m in sys.modules), file=sys.stderr)"
)


def test_warm_vet_of_a_never_vetted_agency_needs_no_rubric(
    data_copy: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)
    catalog = load_catalog(data_copy)
    agency = next(a for a in catalog.agencies if not catalog.vettings.get(a))
    monkeypatch.setenv("REFERRAL_CACHE", str(tmp_path / "none-yet"))
    full = run("vet", agency, "--data", str(data_copy))  # no cache: the rubric itself
    assert full.exit_code == 0 and "not assessed" in full.output
    warm = subprocess.run(
        [sys.executable, "-c", SCRIPT, "vet", agency, "--data", str(data_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == full.output
    assert warm.stderr.strip() == "[]"
