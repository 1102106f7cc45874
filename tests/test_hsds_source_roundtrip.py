"""Export then import keeps an agency's original source (issue #17: ids that stay with their
organization). Our export carries the source directory's id and name for each agency
(`x_referral.source`); importing the export, into the same catalog or a new one, keeps them,
so the original directory's next import still finds the same agency."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
HSDS = Path(__file__).parent / "fixtures" / "hsds-3.0"
ORIGINAL_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"  # the official example organization


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def _imported(run: Run, source: Path, target: Path) -> Result:
    result = run("catalog", "import-hsds", str(source), "--data", str(target))
    assert result.exit_code == 0, result.output
    return result


def _source(target: Path) -> tuple[str, str]:
    agency = load_catalog(target).agencies["example-organization-inc"]
    assert agency.source is not None
    return agency.source.id, agency.source.name


@pytest.mark.parametrize("form", ["organizations.json", "csv"])
def test_export_then_import_keeps_the_original_source(run: Run, tmp_path: Path, form: str) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _imported(run, HSDS / "examples-json", first)
    assert _source(first) == (ORIGINAL_ID, "Example Organization Inc.")
    assert run("catalog", "export-hsds", str(tmp_path / "out"), "--data", str(first)).exit_code == 0

    again = _imported(run, tmp_path / "out" / form, first)  # was refused as a possible move
    assert "0 new, 0 updated, 1 unchanged" in again.output
    assert _source(first) == (ORIGINAL_ID, "Example Organization Inc.")

    _imported(run, tmp_path / "out" / form, second)  # another coalition's new catalog
    assert _source(second) == (ORIGINAL_ID, "Example Organization Inc.")
    original = _imported(run, HSDS / "examples-json", second)  # the directory's next export
    assert "0 new" in original.output
    assert list(load_catalog(second).agencies) == ["example-organization-inc"]


def test_the_export_says_where_each_agency_came_from(run: Run, tmp_path: Path) -> None:
    _imported(run, HSDS / "examples-json", tmp_path / "cat")
    run("catalog", "export-hsds", str(tmp_path / "out"), "--data", str(tmp_path / "cat"))
    page = json.loads((tmp_path / "out" / "organizations.json").read_text())
    orgs = page["contents"] if isinstance(page, dict) else page
    assert orgs[0]["x_referral"]["source"] == {
        "id": ORIGINAL_ID,
        "name": "Example Organization Inc.",
    }
