"""Multi-site organizations (issue 17, point 4): every site kept on import, shown, exported
back, and picked by the youth in the session; the site's city and phone reach the records."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog
from tests.helpers import example_answers, write_answers

Run = Callable[..., Result]
HSDS_1 = Path(__file__).parent / "fixtures" / "hsds-1.1"
HARBOR = "alder-county-youth-harbor"


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def location(n: int, city: str, phone: str, byday: str, **extra: Any) -> dict[str, Any]:
    """An HSDS 3.0 location with one address, one phone and one schedule row."""
    lid = f"loc-{n}"
    return {
        "id": lid,
        "location_type": "physical",
        "name": f"{city} site",
        "addresses": [
            {
                "id": f"addr-{n}",
                "location_id": lid,
                "address_1": f"{n} Main St",
                "city": city,
                "state_province": "OR",
                "postal_code": "97201",
                "country": "US",
                "address_type": "physical",
            }
        ],
        "phones": [{"id": f"ph-{n}", "location_id": lid, "number": phone, "type": "voice"}],
        "schedules": [
            {"id": f"sch-{n}", "location_id": lid, "byday": byday, "opens_at": "09:00"}
            | {"closes_at": "17:00"}
        ],
        **extra,
    }


def multi_site_org(*, locations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "org-1",
        "name": "Three Rivers Youth Services",
        "description": "Drop-in centres.",
        "phones": [{"id": "ph-main", "number": "503-555-0100", "type": "voice"}],
        "locations": locations,
        "services": [
            {
                "id": "svc-1",
                "name": "Emergency Shelter",
                "status": "active",
                "organization_id": "org-1",
            }
        ],
    }


SITES = [
    location(1, "Portland", "503-555-0111", "MO,TU"),
    location(2, "Gresham", "503-555-0122 x12", "WE"),
    location(3, "Salem", "503-555-0133", "FR"),
    {"id": "loc-web", "location_type": "virtual", "name": "Online chat"},
]


def import_json(run: Run, tmp_path: Path, org: dict[str, Any], target: Path) -> Result:
    source = tmp_path / "orgs.json"
    source.write_text(json.dumps([org]))
    return run("catalog", "import-hsds", str(source), "--data", str(target))


def test_every_physical_site_is_kept_with_its_city_phone_hours_and_source_id(
    run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "cat"
    result = import_json(run, tmp_path, multi_site_org(locations=SITES), target)
    assert result.exit_code == 0, result.output
    [agency] = load_catalog(target).agencies.values()
    assert [(s.name, s.area, s.phone, s.hours, s.source) for s in agency.sites] == [
        ("Portland site", "Portland, OR", "503-555-0111", "Mon-Tue 09:00-17:00", "loc-1"),
        ("Gresham site", "Gresham, OR", "503-555-0122 x12", "Wed 09:00-17:00", "loc-2"),
        ("Salem site", "Salem, OR", "503-555-0133", "Fri 09:00-17:00", "loc-3"),
    ]  # the online chat is no place to go
    assert agency.phone == "503-555-0100"
    assert agency.access.area == "Portland, OR"
    assert "Main St" not in (target / "agencies.yaml").read_text()  # never a street address


def test_one_place_makes_no_site_list(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    result = import_json(run, tmp_path, multi_site_org(locations=SITES[:1]), target)
    assert result.exit_code == 0, result.output
    [agency] = load_catalog(target).agencies.values()
    assert agency.sites == []
    assert "sites" not in (target / "agencies.yaml").read_text()


def test_a_reimport_without_locations_keeps_the_sites_a_coordinator_has(
    run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "cat"
    import_json(run, tmp_path, multi_site_org(locations=SITES), target)
    result = import_json(run, tmp_path, multi_site_org(locations=[]), target)
    assert result.exit_code == 0, result.output
    [agency] = load_catalog(target).agencies.values()
    assert len(agency.sites) == 3


def test_an_hsds_1_package_keeps_every_site(run: Run, tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(HSDS_1, package)
    # a second location of the Sanctuary, with its own address, phone and weekday schedule
    with (package / "locations.csv").open("a") as f:
        f.write("east-site,1899600a-649c-11e6-8b77-86f30ca893d3,East Sanctuary,,,,,\n")
    addresses = (package / "physical_addresses.csv").read_text().splitlines()
    columns = addresses[0].split(",")
    row = dict.fromkeys(columns, "")
    row |= {"id": "east-addr", "location_id": "east-site", "city": "Albany", "state_province": "NY"}
    row |= {"address_1": "1 East St", "country": "US", "postal_code": "12207"}
    with (package / "physical_addresses.csv").open("a") as f:
        f.write(",".join(row[c] for c in columns) + "\n")
    phones = (package / "phones.csv").read_text().splitlines()[0].split(",")
    row = dict.fromkeys(phones, "") | {"id": "east-ph", "location_id": "east-site"}
    row |= {"number": "518-555-0144", "type": "voice"}
    with (package / "phones.csv").open("a") as f:
        f.write(",".join(row[c] for c in phones) + "\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("services:\n  crisis-intervention:\n    names: [helpline]\n")
    target = tmp_path / "cat"
    result = run(
        "catalog", "import-hsds", str(package), "--data", str(target), "--mapping", str(mapping)
    )
    assert result.exit_code == 0, result.output
    agency = load_catalog(target).agencies["sanctuary-example-city"]
    assert [(s.area, s.phone, s.source) for s in agency.sites][-1] == (
        "Albany, NY",
        "518-555-0144",
        "east-site",
    )
    assert agency.sites[0].area == "New York City, NY"


@pytest.mark.parametrize("form", ["organizations.json", "csv"])
def test_export_then_import_keeps_every_site(run: Run, tmp_path: Path, form: str) -> None:
    first = tmp_path / "first"
    import_json(run, tmp_path, multi_site_org(locations=SITES), first)
    assert (
        run("catalog", "export-hsds", str(tmp_path / "hsds"), "--data", str(first)).exit_code == 0
    )
    exported = json.loads((tmp_path / "hsds" / "organizations.json").read_text())
    [org] = exported["contents"]
    assert [loc["name"] for loc in org["locations"]] == [
        "Portland site",
        "Gresham site",
        "Salem site",
    ]
    assert org["locations"][1]["phones"][0]["number"] == "503-555-0122 x12"
    back = tmp_path / "back"
    result = run("catalog", "import-hsds", str(tmp_path / "hsds" / form), "--data", str(back))
    assert result.exit_code == 0, result.output
    # the same agency, sites and all (its source is now the export it was read from)
    [before], [after] = load_catalog(first).agencies.values(), load_catalog(back).agencies.values()
    assert after.model_dump(exclude={"source"}) == before.model_dump(exclude={"source"})


def write_sites(data: Path, sites: str) -> None:
    """Give the shipped example's Alder County Youth Harbor some sites."""
    path = data / "agencies.yaml"
    text = path.read_text()
    anchor = "    phone: 503-555-0110\n"
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + sites))


TWO_SITES = """\
    sites:
      - name: North house
        area: North Alder
        phone: 503-555-0181
        hours: 24/7
        source: hsds-loc-7
      - name: "[bold red]River[/] house"
        area: Riverside
        phone: 503-555-0182 x4
"""


def test_show_lists_the_sites_escaped_and_in_60_columns(
    run: Run, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_sites(data_copy, TWO_SITES)
    monkeypatch.setenv("COLUMNS", "60")
    result = run("show", HARBOR, "--data", str(data_copy))
    assert result.exit_code == 0, result.output
    flowing = " ".join(result.output.replace("│", " ").split())
    assert (
        "Sites North house, North Alder: 503-555-0181; 24/7 "
        "[bold red]River[/] house, Riverside: 503-555-0182 x4 Access"  # data, never markup
    ) in flowing
    assert max(len(line) for line in result.output.splitlines()) <= 60


def test_a_bad_site_is_an_error_with_file_and_line(run: Run, data_copy: Path) -> None:
    write_sites(data_copy, "    sites:\n      - name: East\n        phone: call us\n")
    result = run("show", HARBOR, "--data", str(data_copy))
    assert result.exit_code == 1
    line = 1 + (data_copy / "agencies.yaml").read_text().splitlines().index(
        "        phone: call us"
    )
    assert f"agencies.yaml:{line}" in result.output
    assert "sites[0].phone" in result.output


def session_with_site(
    run: Run, tmp_path: Path, data: Path, pick: str | None, ref: str = "AC-2041"
) -> Result:
    answers = example_answers()
    answers["opening"]["reference"] = ref
    if pick is not None:
        answers["discuss"][HARBOR]["site"] = pick
    run("profile", "--name", "Maya Reyes", "--program", "Harbor", "--phone", "503-555-0142")
    return run(
        "start", "--answers", write_answers(tmp_path, answers), "--no-input", "--data", str(data)
    )


def test_the_youth_picks_the_site_and_the_records_name_it(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    write_sites(data_copy, TWO_SITES)
    result = session_with_site(run, tmp_path, data_copy, "2")
    assert result.exit_code == 0, result.output
    assert "Alder County Youth Harbor has 2 sites." in result.output
    assert "  1  North house, North Alder: 503-555-0181; 24/7\n" in result.output
    worker = run("summary", "AC-2041", "--data", str(data_copy)).output
    assert "[bold red]River[/] house, Riverside; phone: 503-555-0182 x4" in worker
    packet = run("summary", "AC-2041", "--for", HARBOR, "--data", str(data_copy)).output
    assert "Site" in packet and "Riverside; phone: 503-555-0182 x4" in packet
    assert "North house" not in packet
    card = run("summary", "AC-2041", "--youth", "--language", "en", "--data", str(data_copy))
    assert "503-555-0182 x4" in card.output  # the number at the site the youth goes to
    assert "River" not in card.output  # the card names no site


def test_the_site_question_has_a_key_and_is_asked_only_for_several_sites(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    write_sites(data_copy, TWO_SITES)
    missing = session_with_site(run, tmp_path, data_copy, None)
    assert missing.exit_code == 1
    assert "discuss.alder-county-youth-harbor.site" in missing.output
    one = data_copy.parent / "one"
    shutil.copytree(data_copy, one)
    single = (one / "agencies.yaml").read_text().replace(TWO_SITES, "")
    (one / "agencies.yaml").write_text(single)
    result = session_with_site(run, tmp_path, one, None, "AC-2042")
    assert result.exit_code == 0, result.output
    assert "sites." not in result.output
