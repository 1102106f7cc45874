"""`import-hsds` ids stay with their organization, whatever order the source lists them in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def org(ident: str, name: str, city: str, phone: str) -> dict[str, Any]:
    """A minimal HSDS 3.0 organization offering an emergency shelter."""
    location = {
        "id": f"loc-{ident}",
        "location_type": "physical",
        "addresses": [{"id": f"adr-{ident}", "city": city, "state_province": "CA"}],
    }
    return {
        "id": ident,
        "name": name,
        "phones": [{"id": f"ph-{ident}", "number": phone}],
        "services": [
            {
                "id": f"svc-{ident}",
                "name": "Emergency Shelter",
                "status": "active",
                "service_at_locations": [{"id": f"sal-{ident}", "location": location}],
            }
        ],
    }


def write(path: Path, orgs: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(orgs))
    return path


SALVATION = [
    org("sa-oakland", "Salvation Army", "Oakland", "510-555-0101"),
    org("sa-fresno", "Salvation Army", "Fresno", "559-555-0102"),
    org("sa-reno", "Salvation Army", "Reno", "775-555-0103"),
]


def test_same_named_organizations_keep_their_ids_in_another_order(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    first = run(
        "catalog", "import-hsds", str(write(tmp_path / "a.json", SALVATION)), "--data", str(target)
    )
    assert first.exit_code == 0, first.output
    before = {a.source.id: a.id for a in load_catalog(target).agencies.values() if a.source}
    assert sorted(before.values()) == ["salvation-army", "salvation-army-2", "salvation-army-3"]
    again = run(
        "catalog",
        "import-hsds",
        str(write(tmp_path / "b.json", SALVATION[::-1])),
        "--data",
        str(target),
    )
    assert again.exit_code == 0, again.output
    assert "0 new, 0 updated, 3 unchanged" in again.output
    agencies = load_catalog(target).agencies
    after = {a.source.id: a.id for a in agencies.values() if a.source}
    assert after == before
    assert agencies[before["sa-fresno"]].access.area == "Fresno, CA"
    assert agencies[before["sa-fresno"]].source.name == "Salvation Army"  # type: ignore[union-attr]


def test_a_new_organization_never_takes_a_known_agency_id(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    run(
        "catalog",
        "import-hsds",
        str(write(tmp_path / "a.json", SALVATION[:1])),
        "--data",
        str(target),
    )
    other = org("sa-new", "Salvation Army", "Modesto", "209-555-0104")
    result = run(
        "catalog", "import-hsds", str(write(tmp_path / "b.json", [other])), "--data", str(target)
    )
    assert result.exit_code == 0, result.output
    agencies = load_catalog(target).agencies
    assert agencies["salvation-army"].access.area == "Oakland, CA"
    assert agencies["salvation-army-2"].access.area == "Modesto, CA"


def test_an_ambiguous_match_that_could_move_a_vetting_is_refused_unless_told(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    """Cedar Path is vetted and has no source id; two organizations of that name arrive."""
    twins = [
        org("cp-1", "Cedar Path Survivor Services", "Salem", "503-555-0111"),
        org("cp-2", "Cedar Path Survivor Services", "Bend", "541-555-0112"),
    ]
    source = write(tmp_path / "twins.json", twins)
    before = (data_copy / "agencies.yaml").read_text()
    refused = run("catalog", "import-hsds", str(source), "--data", str(data_copy))
    assert refused.exit_code == 1
    assert "agency cedar-path-survivor-services (vetted) has no source id" in refused.stderr
    assert "(source id cp-1) and 'Cedar Path Survivor Services' (source id cp-2)" in refused.stderr
    assert (data_copy / "agencies.yaml").read_text() == before
    told = run("catalog", "import-hsds", str(source), "--data", str(data_copy), "--allow-moves")
    assert told.exit_code == 0, told.output
    agencies = load_catalog(data_copy).agencies
    assert agencies["cedar-path-survivor-services"].source.id == "cp-1"  # type: ignore[union-attr]
    assert agencies["cedar-path-survivor-services-2"].source.id == "cp-2"  # type: ignore[union-attr]
