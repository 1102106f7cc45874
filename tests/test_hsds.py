"""`referral catalog import-hsds` / `export-hsds`: Open Referral HSDS 3.0 in and out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog
from tests.conftest import SHIPPED

Run = Callable[..., Result]

# The official HSDS 3.0 schemas and examples (CC BY-SA 4.0, Open Referral), kept in the repo
# so that the tests run anywhere.
HSDS = Path(__file__).parent / "fixtures" / "hsds-3.0"
FIXTURES = Path(__file__).parent / "fixtures" / "hsds"


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def agencies_yaml(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((root / "agencies.yaml").read_text())
    return data


# --- importing the official examples ----------------------------------------------------


@pytest.mark.parametrize(
    "source",
    ["examples-json", "examples-json/organization_full.json", "examples-csv"],
)
def test_import_official_examples(run: Run, tmp_path: Path, source: str) -> None:
    target = tmp_path / "cat"
    result = run("catalog", "import-hsds", str(HSDS / source), "--data", str(target))
    assert result.exit_code == 0, result.output
    assert "Imported 1 agency" in result.output
    assert "Community Counselling -> counselling-therapy" in result.output
    assert "Languages added to services.yaml: ur (Urdu)" in result.output
    catalog = load_catalog(target)
    agency = catalog.agencies["example-organization-inc"]
    assert agency.name == "Example Organization Inc."
    assert "ur" in agency.languages  # kept by its ISO 639 code, not dropped
    assert "ur: Urdu" in (target / "services.yaml").read_text()
    assert [s.id for s in agency.services] == ["counselling-therapy"]
    assert (agency.populations.age_min, agency.populations.age_max) == (12, 100)
    assert agency.phone == "+44 1234 234567 x100"
    assert agency.contact.role == "Reception Manager"
    assert agency.access.area == "MyCity, MyState"
    assert "assured 2005-01-01" in agency.services[0].note
    assert "Main Street" not in (target / "agencies.yaml").read_text()  # no street address


def test_broken_links_in_the_official_csv_are_warnings(run: Run, tmp_path: Path) -> None:
    result = run("catalog", "import-hsds", str(HSDS / "examples-csv"), "--data", str(tmp_path))
    assert result.exit_code == 0
    assert "contacts.csv row 2: ignored broken link organization_id" in result.output


def test_dry_run_writes_nothing(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    result = run(
        "catalog", "import-hsds", str(HSDS / "examples-csv"), "--data", str(target), "--dry-run"
    )
    assert result.exit_code == 0
    assert "Would import 1 agency" in result.output
    assert not target.exists()


def test_import_needs_a_target_and_never_touches_the_shipped_catalog(run: Run) -> None:
    result = run("catalog", "import-hsds", str(FIXTURES / "missing_name.json"))
    assert result.exit_code == 1
    assert "--data FOLDER" in result.stderr


# --- malformed input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("missing_name.json", "missing_name.json: organization.name is required but missing"),
        (
            "wrong_types.json",
            "wrong_types.json: contents[0].services[0]: service.minimum_age must be a number, "
            "not text",
        ),
        (
            "wrong_types.json",
            "service.status must be one of active, inactive, defunct, temporarily closed, "
            "not 'open'",
        ),
        ("wrong_types.json", "contents[0].phones[0]: phone.number must be text, not a number"),
        (
            "broken_reference",
            "services.csv row 3: service links to nothing in the package: "
            "organization_id '2b3c4d5e-0000-4000-8000-00000000dead'",
        ),
        (
            "valid_and_invalid.json",
            "valid_and_invalid.json: [1].services[0]: service.status is required but missing",
        ),
    ],
)
def test_malformed_hsds_names_the_row_and_imports_nothing(
    run: Run, tmp_path: Path, fixture: str, expected: str
) -> None:
    target = tmp_path / "cat"
    result = run("catalog", "import-hsds", str(FIXTURES / fixture), "--data", str(target))
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert not (target / "agencies.yaml").exists()


def test_malformed_hsds_as_json_for_scripts(run: Run, tmp_path: Path) -> None:
    result = run(
        "catalog",
        "import-hsds",
        str(FIXTURES / "wrong_types.json"),
        "--data",
        str(tmp_path),
        "--format",
        "json",
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert len(report["problems"]) == 3
    assert report["agencies"] == []


def test_skip_invalid_imports_the_rest_and_reports_unmapped(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    result = run(
        "catalog",
        "import-hsds",
        str(FIXTURES / "valid_and_invalid.json"),
        "--data",
        str(target),
        "--skip-invalid",
    )
    assert result.exit_code == 0, result.output
    assert "Skipped as invalid (--skip-invalid): 1" in result.output
    assert "No Phone Services" in result.output
    # Unmapped services are reported, never dropped silently.
    assert "Astrology readings: UNMAPPED" in result.output
    assert "Stargazers Club" in result.output and "Telescope nights" in result.output
    assert "needs review: sector: not in HSDS; set to community" in result.output
    catalog = load_catalog(target)
    assert list(catalog.agencies) == ["eastside-bold-drop-in-bold-center"]
    agency = catalog.agencies["eastside-bold-drop-in-bold-center"]
    # Markup is kept as literal text; terminal escapes are removed.
    assert agency.name == "Eastside [bold]Drop-in[/bold] Center"
    assert agency.languages == ["es"]  # "spa" mapped through the mapping file
    assert agency.contact.role == "Intake"
    assert agency.access.area == "Unknown"


def test_custom_mapping_file(run: Run, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("services:\n  peer-support:\n    names: [telescope nights]\n")
    target = tmp_path / "cat"
    result = run(
        "catalog",
        "import-hsds",
        str(FIXTURES / "valid_and_invalid.json"),
        "--data",
        str(target),
        "--skip-invalid",
        "--mapping",
        str(mapping),
    )
    assert result.exit_code == 0, result.output
    assert "Telescope nights -> peer-support" in result.output
    assert "stargazers-club" in load_catalog(target).agencies


def test_bad_mapping_file_is_reported(run: Run, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("services:\n  telescopes:\n    names: [telescope]\n")
    result = run(
        "catalog",
        "import-hsds",
        str(FIXTURES / "missing_name.json"),
        "--data",
        str(tmp_path / "cat"),
        "--mapping",
        str(mapping),
    )
    assert result.exit_code == 1
    assert "services.telescopes: unknown service id 'telescopes'" in result.stderr


# --- export -------------------------------------------------------------------------------


def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    schemas = HSDS / "schema"
    registry: Registry[Any] = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()), DRAFT202012))
        for p in schemas.glob("*.json")
    )
    schema = json.loads((schemas / f"{kind}.json").read_text())
    return Draft202012Validator(schema, registry=registry)


def test_export_is_valid_hsds_and_writes_no_confidential_location(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "hsds"
    result = run("catalog", "export-hsds", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 25 organizations" in result.output
    page = json.loads((out / "organizations.json").read_text())
    assert page["total_items"] == 25 and len(page["contents"]) == 25
    organization, service = _validator("organization"), _validator("service")
    for org in page["contents"]:
        errors = [e.message for e in organization.iter_errors(org)]
        assert errors == [], (org["name"], errors)
        for item in org["services"]:
            assert [e.message for e in service.iter_errors(item)] == []
    catalog = load_catalog(SHIPPED)
    by_id = {o["x_referral"]["agency_id"]: o for o in page["contents"]}
    for agency in catalog.agencies.values():
        org = by_id[agency.id]
        assert "addresses" not in json.dumps(org)
        if agency.confidential_address:
            assert org["locations"] == []
        else:  # one location, or one per site of a multi-site agency
            assert len(org["locations"]) == max(1, len(agency.sites))
        where = {location["id"] for location in org["locations"]}
        for service in org["services"]:  # each service is given at each of its locations
            assert {s["location_id"] for s in service["service_at_locations"]} == where
    assert by_id["new-dawn-faith-home"]["x_referral"]["vetting"]["outcome"] == "do-not-refer"
    datapackage = json.loads((out / "csv" / "datapackage.json").read_text())
    for resource in datapackage["resources"]:
        assert (out / "csv" / resource["path"]).is_file()


def test_export_without_vetting(run: Run, tmp_path: Path) -> None:
    result = run("catalog", "export-hsds", str(tmp_path), "--no-vetting")
    assert result.exit_code == 0
    assert '"vetting"' not in (tmp_path / "organizations.json").read_text()
    assert "x_referral" in (tmp_path / "csv" / "organizations.csv").read_text()


def test_export_csv_rows_match_the_hsds_tables(run: Run, tmp_path: Path) -> None:
    import csv

    run("catalog", "export-hsds", str(tmp_path))
    official = json.loads((HSDS / "examples-csv" / "datapackage.json").read_text())
    columns = {r["path"]: {f["name"] for f in r["schema"]["fields"]} for r in official["resources"]}
    for path in (tmp_path / "csv").glob("*.csv"):
        with path.open() as handle:
            header = next(csv.reader(handle))
        assert set(header) - {"x_referral"} <= columns[path.name], path.name


# --- round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["organizations.json", "csv"])
def test_round_trip_gives_the_same_catalog(run: Run, tmp_path: Path, form: str) -> None:
    run("catalog", "export-hsds", str(tmp_path / "hsds"))
    target = tmp_path / "back"
    result = run("catalog", "import-hsds", str(tmp_path / "hsds" / form), "--data", str(target))
    assert result.exit_code == 0, result.output
    assert "25 new" in result.output
    assert "needs review" not in result.output
    original, back = load_catalog(SHIPPED), load_catalog(target)
    assert back.agencies == original.agencies
    # Vettings are never imported: another coalition's outcome is not our vetting.
    assert back.vettings == {}


def test_reimport_into_the_source_catalog_changes_nothing(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    before = (data_copy / "agencies.yaml").read_text()
    run("catalog", "export-hsds", str(tmp_path / "hsds"), "--data", str(data_copy))
    result = run("catalog", "import-hsds", str(tmp_path / "hsds" / "csv"), "--data", str(data_copy))
    assert result.exit_code == 0, result.output
    assert "0 new, 0 updated, 25 unchanged" in result.output
    assert (data_copy / "agencies.yaml").read_text() == before


def test_merge_appends_new_agencies_and_keeps_comments(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    result = run(
        "catalog",
        "import-hsds",
        str(FIXTURES / "valid_and_invalid.json"),
        "--data",
        str(data_copy),
        "--skip-invalid",
    )
    assert result.exit_code == 0, result.output
    text = (data_copy / "agencies.yaml").read_text()
    assert "# *** EVERY AGENCY IN THIS FILE IS A FICTIONAL EXAMPLE. ***" in text
    assert not (data_copy / "agencies.yaml.bak").exists()
    catalog = load_catalog(data_copy)
    assert len(catalog.agencies) == 26


def test_merge_keeps_what_a_coordinator_set_when_hsds_is_silent(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    """A third-party listing of an agency we have updates its facts, not our judgements."""
    run("catalog", "export-hsds", str(tmp_path / "hsds"), "--data", str(data_copy))
    page = json.loads((tmp_path / "hsds" / "organizations.json").read_text())
    org = next(
        o
        for o in page["contents"]
        if o["x_referral"]["agency_id"] == "cedar-path-survivor-services"
    )
    for item in [org, *org["services"]]:
        item.pop("x_referral", None)
    org["phones"][0]["number"] = "503-555-0199"
    (tmp_path / "one.json").write_text(json.dumps(org))
    result = run("catalog", "import-hsds", str(tmp_path / "one.json"), "--data", str(data_copy))
    assert result.exit_code == 0, result.output
    assert "updated   cedar-path-survivor-services" in result.output
    before = load_catalog(SHIPPED).agencies["cedar-path-survivor-services"]
    after = load_catalog(data_copy).agencies["cedar-path-survivor-services"]
    assert after.phone == "503-555-0199"
    assert after.sector == before.sector
    assert after.populations.lgbtq_affirming == before.populations.lgbtq_affirming
    assert after.contact.trauma_trained == before.contact.trauma_trained
    assert after.access.area == before.access.area  # HSDS gave no city
    text = (data_copy / "agencies.yaml").read_text()
    assert "# *** EVERY AGENCY IN THIS FILE IS A FICTIONAL EXAMPLE. ***" in text


def test_shipped_mapping_ids_exist_in_the_shipped_services() -> None:
    from referral_cli.hsds.mapping import default_mapping_path

    mapping = yaml.safe_load(default_mapping_path().read_text())
    services = yaml.safe_load((SHIPPED / "services.yaml").read_text())
    ids = {s["id"] for s in services["services"]}
    assert set(mapping["services"]) == ids


def test_longer_phrase_wins_over_a_shorter_overlapping_one() -> None:
    from referral_cli.hsds.mapping import load_mapping

    services = yaml.safe_load((SHIPPED / "services.yaml").read_text())
    mapping = load_mapping(
        None, {s["id"] for s in services["services"]}, set(services["languages"])
    )
    found = mapping.match_services(["Transitional Housing for Youth"], [])
    assert [m.target for m in found] == ["transitional-housing"]
    found = mapping.match_services(["Mental Health Care"], [])
    assert [m.target for m in found] == ["mental-health-care"]


def test_progress_bar_on_a_terminal_does_not_disturb_the_import(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    from referral_cli.hsds.importer import import_hsds
    from referral_cli.hsds.progress import Progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(Progress, "DELAY", 0.0)
    result = import_hsds(HSDS / "examples-csv", tmp_path / "cat", show_progress=True)
    assert [a.agency.id for a in result.agencies] == ["example-organization-inc"]
