"""`import-hsds` drops nothing silently: phones by type, every schedule row, honest defaults."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from referral_cli.catalog.models import Agency
from referral_cli.hsds.fields import near_transit
from referral_cli.hsds.schedules import hours
from referral_cli.hsds.values import phone_text
from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def organization(**service: Any) -> dict[str, Any]:
    """One HSDS 3.0 organization with an emergency shelter service (fields overridable)."""
    location = {
        "id": "l1",
        "location_type": "physical",
        "addresses": [{"id": "a1", "city": "Oakland", "address_type": "physical"}],
    }
    location.update(service.pop("location", {}))
    return {
        "id": "org-1",
        "name": "Harbor Youth Shelter",
        "description": "A shelter.",
        "services": [
            {
                "id": "s1",
                "name": "Emergency Shelter",
                "status": "active",
                "service_at_locations": [{"id": "sal1", "location": location}],
                **service,
            }
        ],
    }


def imported(run: Run, tmp_path: Path, org: dict[str, Any]) -> tuple[Agency, str]:
    source = tmp_path / "org.json"
    source.write_text(json.dumps(org))
    result = run("catalog", "import-hsds", str(source), "--data", str(tmp_path / "cat"))
    assert result.exit_code == 0, result.output
    return load_catalog(tmp_path / "cat").agencies["harbor-youth-shelter"], result.output


@pytest.mark.parametrize(
    ("number", "extension", "expected"),
    [
        ("415-274-0311 X 304", None, "415-274-0311 x304"),
        ("(503) 555-0100, ext. 228", None, "(503) 555-0100 x228"),
        ("503-555-0100 extension 12", None, "503-555-0100 x12"),
        ("503-555-0100", 7, "503-555-0100 x7"),
        ("503-555-0100", "44", "503-555-0100 x44"),
        ("call us", None, None),
    ],
)
def test_phone_extensions_are_kept(number: str, extension: Any, expected: str | None) -> None:
    assert phone_text({"number": number, "extension": extension}) == expected


def test_a_voice_line_wins_over_a_fax_listed_first(run: Run, tmp_path: Path) -> None:
    phones = [
        {"id": "p1", "number": "510-555-0100", "type": "fax"},
        {"id": "p2", "number": "510-555-0101 ext. 3", "type": "voice"},
    ]
    agency, _ = imported(run, tmp_path, organization(phones=phones))
    assert agency.phone == "510-555-0101 x3"


@pytest.mark.parametrize(
    ("phones", "note"),
    [
        ([], "phone: none in HSDS; add one before referring a youth"),
        (
            [{"id": "p1", "number": "510-555-0100", "type": "fax"}],
            "phone: HSDS lists only a fax number; add a number a worker can call",
        ),
    ],
)
def test_no_callable_phone_imports_the_agency_with_a_review_note(
    run: Run, tmp_path: Path, phones: list[dict[str, Any]], note: str
) -> None:
    agency, output = imported(run, tmp_path, organization(phones=phones))
    assert agency.phone is None
    assert f"needs review: {note}" in output


def test_every_schedule_row_goes_into_the_hours() -> None:
    rows = [
        {"id": f"h{d}", "byday": d, "opens_at": "09:00", "closes_at": "17:00"}
        for d in ("MO", "TU", "WE", "TH", "FR")
    ] + [
        {"id": "sa", "byday": "SA", "opens_at": "10:00:00", "closes_at": "14:00:00"},
        {"id": "su", "byday": "SU"},
    ]
    found, review = hours(rows)
    assert found["regular"] == "Mon-Fri 09:00-17:00; Sat 10:00-14:00; Sun times not stated"
    assert review == ["hours: HSDS names Sun without times; check"]


def test_legacy_weekday_names_are_days() -> None:
    found, _ = hours([{"id": "x", "byday": "Tuesday", "opens_at": "08:30", "closes_at": "12:00"}])
    assert found["regular"] == "Tue 08:30-12:00"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("No public transit nearby", False),
        ("Not on a bus line", False),
        ("Bus 22 stops at the door", True),
        ("Two blocks from the BART station", True),
        ("Parking in the rear", None),
    ],
)
def test_transit_only_from_positive_wording(words: str, expected: bool | None) -> None:
    assert near_transit(words) is expected


def test_no_transit_wording_is_not_transit_and_is_listed(run: Run, tmp_path: Path) -> None:
    org = organization(
        phones=[{"id": "p", "number": "510-555-0100"}],
        location={"transportation": "No public transit nearby"},
    )
    agency, output = imported(run, tmp_path, org)
    assert agency.access.transit is False
    assert "needs review: transit: HSDS says 'No public transit nearby'" in output


@pytest.mark.parametrize(
    ("fees", "cost"),
    [(None, "unknown"), ("Sliding scale based on income", "sliding-scale"), ("Free", "free")],
)
def test_cost_is_unknown_when_the_source_is_silent(
    run: Run, tmp_path: Path, fees: str | None, cost: str
) -> None:
    extra: dict[str, Any] = {"phones": [{"id": "p", "number": "510-555-0100"}]}
    if fees:
        extra["fees_description"] = fees
    agency, _ = imported(run, tmp_path, organization(**extra))
    assert agency.cost == cost


def test_languages_are_kept_by_iso_code_with_their_names(run: Run, tmp_path: Path) -> None:
    languages = [
        {"id": "1", "name": "Hindi"},
        {"id": "2", "code": "it"},
        {"id": "3", "code": "spa", "name": "Spanish"},
        {"id": "4", "name": "Zorblax"},
        {"id": "5", "name": "Urdu, Tagalog"},
    ]
    org = organization(phones=[{"id": "p", "number": "510-555-0100"}], languages=languages)
    agency, output = imported(run, tmp_path, org)
    assert agency.languages == ["hi", "it", "es", "ur", "tl"]
    services_yaml = (tmp_path / "cat" / "services.yaml").read_text()
    assert "hi: Hindi" in services_yaml and "it: Italian" in services_yaml
    assert "languages not recognised, left out: Zorblax" in output
    assert load_catalog(tmp_path / "cat").language_name("hi") == "Hindi"


def test_an_address_without_a_state_is_imported_with_a_note(run: Run, tmp_path: Path) -> None:
    agency, output = imported(
        run, tmp_path, organization(phones=[{"id": "p", "number": "510-555-0100"}])
    )
    assert agency.access.area == "Oakland"
    assert "needs review: area: HSDS gives no state for Oakland; check" in output
