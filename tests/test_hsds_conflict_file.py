"""The id-conflict refusal names the file that holds the agency (issue 17, point 3): in the
files layout that is agencies/<id>.yaml, not agencies.yaml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.test_hsds_ids import org, write

Run = Callable[..., Result]
CEDAR = "cedar-path-survivor-services"
TWINS = [
    org("cp-1", "Cedar Path Survivor Services", "Salem", "503-555-0111"),
    org("cp-2", "Cedar Path Survivor Services", "Bend", "541-555-0112"),
]


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


@pytest.mark.parametrize("layout", ["single", "files"])
def test_the_refusal_names_the_file_to_edit(run: Run, tmp_path: Path, layout: str) -> None:
    catalog = tmp_path / "cat"
    assert run("catalog", "init", str(catalog), "--layout", layout).exit_code == 0
    source = write(tmp_path / "twins.json", TWINS)
    refused = run("catalog", "import-hsds", str(source), "--data", str(catalog))
    assert refused.exit_code == 1
    holder = (
        catalog / "agencies" / f"{CEDAR}.yaml" if layout == "files" else catalog / "agencies.yaml"
    )
    assert holder.is_file()
    assert f"(in {holder})" in refused.stderr
    assert "to the right agency in the file named" in refused.stderr
    if layout == "files":
        assert f"(in {catalog / 'agencies.yaml'})" not in refused.stderr
