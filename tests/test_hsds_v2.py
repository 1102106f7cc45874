"""An HSDS 2.0 tabular package is read and said as such (issue 17, point 1).

No real public 2.0 directory could be found, so tests/fixtures/hsds-2.0 is built on the
HSDS 2.0.1 datapackage.json template (see SOURCE.md beside it): 2.0's own tables
(schedules.csv with RRULE days, service_attributes.csv, taxonomy_terms.csv with `term`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
HSDS_2 = Path(__file__).parent / "fixtures" / "hsds-2.0"


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def imported(run: Run, tmp_path: Path, *, with_datapackage: bool = True) -> tuple[Result, Path]:
    package = tmp_path / "pkg"
    shutil.copytree(HSDS_2, package)
    if not with_datapackage:
        (package / "datapackage.json").unlink()
    target = tmp_path / "cat"
    return run("catalog", "import-hsds", str(package), "--data", str(target)), target


@pytest.mark.parametrize("with_datapackage", [True, False])
def test_an_hsds_2_package_is_read_and_said(
    run: Run, tmp_path: Path, with_datapackage: bool
) -> None:
    result, target = imported(run, tmp_path, with_datapackage=with_datapackage)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Read an HSDS 2.0 tabular package: 2 organizations, 4 services")
    assert "is required but missing" not in result.output
    assert set(load_catalog(target).agencies) == {"riverside-youth-drop-in", "valley-legal-aid"}


def test_2_0_terms_schedules_and_phones_are_read(run: Run, tmp_path: Path) -> None:
    result, target = imported(run, tmp_path)
    assert result.exit_code == 0, result.output
    agencies = load_catalog(target).agencies
    legal = agencies["valley-legal-aid"]
    # service_attributes.csv -> taxonomy_terms.csv `term`
    assert "Immigration Legal Services -> immigration-legal (term 'Immigration')" in result.output
    assert [s.id for s in legal.services] == ["immigration-legal"]
    assert "Volunteer Opportunities: UNMAPPED" in result.output
    assert legal.phone == "217-555-0191 x228"  # the voice line, not the fax listed first
    assert legal.hours.regular == "Mon, Wed 09:00-17:00"  # schedules.csv, RRULE byday
    assert legal.languages == ["es", "ur"]  # Urdu kept by its ISO 639 code
    assert legal.intake.documents == ["Any immigration papers you have"]
    drop_in = agencies["riverside-youth-drop-in"]
    assert drop_in.languages == ["en", "es"]  # the sites' phones' languages
    assert drop_in.cost == "free"
    assert drop_in.access.transit is True and drop_in.access.wheelchair is True
    assert "HSDS says 'No public transit nearby.'" in result.output


def test_a_2_0_organization_keeps_both_sites(run: Run, tmp_path: Path) -> None:
    result, target = imported(run, tmp_path)
    assert result.exit_code == 0, result.output
    drop_in = load_catalog(target).agencies["riverside-youth-drop-in"]
    assert [(s.name, s.area, s.phone, s.hours) for s in drop_in.sites] == [
        (
            "Riverside Drop-In Downtown",
            "Springfield, IL",
            "217-555-0140",
            "Mon-Fri 09:00-18:00; Sat 10:00-14:00",
        ),
        ("Riverside Drop-In Eastgate", "Chatham, IL", "217-555-0150 x12", "Tue, Thu 12:00-20:00"),
    ]
    assert drop_in.sites[1].source == "d1e2f3a4-0000-4b00-8000-000000000002"
    assert "2500 Eastgate Road" not in (target / "agencies.yaml").read_text()
