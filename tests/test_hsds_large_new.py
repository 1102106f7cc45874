"""A new catalog of more than 500 imported agencies (one file each) is judged before it is
written, in memory; it is refused as before when it would be invalid, and nothing is left."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog.load import default_data_dir
from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def source(tmp_path: Path, count: int = 501) -> Path:
    orgs = [
        {
            "id": f"org-{n}",
            "name": f"Shelter {n}",
            "phones": [{"id": f"ph-{n}", "number": "503-555-0100"}],
            "services": [
                {"id": f"svc-{n}", "name": "Emergency Shelter", "status": "active"},
            ],
            "languages": [],
        }
        for n in range(count)
    ]
    path = tmp_path / "orgs.json"
    path.write_text(json.dumps(orgs))
    return path


def test_a_large_new_catalog_is_written_one_file_each_and_loads(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    result = run("catalog", "import-hsds", str(source(tmp_path)), "--data", str(target))
    assert result.exit_code == 0, result.output
    assert len(list((target / "agencies").glob("*.yaml"))) == 501
    catalog = load_catalog(target)
    assert catalog.agencies["shelter-7"].phone == "503-555-0100"


def test_a_large_new_catalog_that_would_be_invalid_is_refused(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    target.mkdir()
    services = (default_data_dir() / "services.yaml").read_text()
    first = services.index("  - id: ")
    end = services.index("  - id: ", first + 1)
    twice = services[:end] + services[first:end] + services[end:]  # the first service twice
    (target / "services.yaml").write_text(twice)
    result = run("catalog", "import-hsds", str(source(tmp_path)), "--data", str(target))
    assert result.exit_code == 1
    assert "would leave the catalog invalid" in result.output + result.stderr
    assert "duplicate id" in result.output + result.stderr
    assert not (target / "agencies").exists() and not (target / "agencies.yaml").exists()
    assert (target / "services.yaml").read_text() == twice
