"""`import-hsds` reads the directories coalitions have: HSDS 1.x/2.x, Open Referral UK, and
says what Ohana API data is instead of refusing it row by row."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
# Open Referral's HSDS 1.1 sample package (CC BY-SA 4.0); see SOURCE.md beside it.
HSDS_1 = Path(__file__).parent / "fixtures" / "hsds-1.1"


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


@pytest.fixture
def helpline_mapping(tmp_path: Path) -> Path:
    """The sample's helpline as a crisis line, so that its organization is imported."""
    path = tmp_path / "mapping.yaml"
    path.write_text("services:\n  crisis-intervention:\n    names: [helpline]\n")
    return path


@pytest.mark.parametrize("with_datapackage", [True, False])
def test_an_hsds_1_package_is_read_and_said(
    run: Run, tmp_path: Path, helpline_mapping: Path, with_datapackage: bool
) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(HSDS_1, package)
    if not with_datapackage:
        (package / "datapackage.json").unlink()
    target = tmp_path / "cat"
    result = run(
        "catalog",
        "import-hsds",
        str(package),
        "--data",
        str(target),
        "--mapping",
        str(helpline_mapping),
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Read an HSDS 1.x tabular package: 10 organizations, 13 services"
    )
    assert "is required but missing" not in result.output
    agency = load_catalog(target).agencies["sanctuary-example-city"]
    assert agency.hours.regular == "Mon-Wed 09:00-17:00"  # regular_schedules, every row
    assert agency.access.area == "New York City, NY"  # physical_addresses.csv
    assert agency.access.transit is True  # "On the Number 41 bus route."
    assert agency.languages == ["en", "es"]  # languages.csv writes names
    assert agency.intake.documents == ["Sample required document"]
    assert agency.source is not None and agency.source.id == "1899600a-649c-11e6-8b77-86f30ca893d3"


def test_the_shipped_mapping_on_the_1_1_sample(run: Run, tmp_path: Path) -> None:
    result = run("catalog", "import-hsds", str(HSDS_1), "--data", str(tmp_path / "cat"))
    assert result.exit_code == 0, result.output
    agencies = load_catalog(tmp_path / "cat").agencies
    assert [s.id for s in agencies["example-cross-trust"].services] == ["food"]
    assert agencies["example-cross-trust"].phone == "(223) 346 12361"
    assert "Grocery Tax Break Donation" in result.output  # listed, not imported


def test_ohana_api_data_is_recognised_and_explained(run: Run, tmp_path: Path) -> None:
    """The shape of Ohana API's /locations (written for this test)."""
    location = {
        "id": 1,
        "name": "Admin Office",
        "slug": "admin-office",
        "short_desc": "Main office",
        "coordinates": [-122.2, 37.4],
        "organization": {"id": 1, "name": "Peninsula Family Service", "slug": "pfs"},
        "services": [{"id": 1, "name": "Counseling"}],
    }
    (tmp_path / "locations.json").write_text(json.dumps([location]))
    result = run(
        "catalog", "import-hsds", str(tmp_path / "locations.json"), "--data", str(tmp_path / "c")
    )
    assert result.exit_code == 1
    assert "looks like an Ohana API export" in result.stderr
    assert "Export it as CSV from Ohana" in result.stderr


def test_open_referral_uk_service_pages(run: Run, tmp_path: Path) -> None:
    """A page in the shape of the Open Referral UK API's /services (written for this test):
    one service with its organization inside (no id), one naming no organization at all."""
    page = {
        "totalElements": 2,
        "number": 0,
        "content": [
            {
                "id": "svc-1",
                "name": "Young People's Counselling",
                "status": "active",
                "organization": {"name": "Leeds Youth Trust", "description": "Youth charity"},
                "contacts": [{"id": "c1", "phones": [{"id": "p1", "number": "0113 496 0000"}]}],
            },
            {
                "id": "svc-2",
                "name": "Emergency Food Parcels",
                "status": "active",
                "phones": [{"id": "p2", "number": "0113 496 0001"}],
            },
        ],
    }
    (tmp_path / "services.json").write_text(json.dumps(page))
    target = tmp_path / "cat"
    result = run("catalog", "import-hsds", str(tmp_path / "services.json"), "--data", str(target))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Read Open Referral UK service pages: 2 organizations")
    assert "names no organization; imported as an agency of its own name" in result.output
    agencies = load_catalog(target).agencies
    assert [s.id for s in agencies["leeds-youth-trust"].services] == ["counselling-therapy"]
    assert [s.id for s in agencies["emergency-food-parcels"].services] == ["food"]
