"""`referral catalog validate` and catalog loading: each malformed input names file, line, field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import AGENCIES_HEAD, SERVICES, agency, write_catalog

Run = Callable[..., Result]


def broken(tmp_path: Path, old: str, new: str, *, in_services: bool = False) -> Path:
    """A catalog with one textual change, so the expected line is easy to state."""
    agencies = AGENCIES_HEAD + agency()
    services = SERVICES
    if in_services:
        assert old in services
        services = services.replace(old, new, 1)
    else:
        assert old in agencies
        agencies = agencies.replace(old, new, 1)
    return write_catalog(tmp_path / "cat", services=services, agencies=agencies)


def test_shipped_catalog_validates(run: Run) -> None:
    result = run("catalog", "validate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")
    assert "agencies" in result.output


def test_clean_fixture_reports_counts(run: Run, tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "cat")
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 0
    assert "OK: 2 services, 1 agency, 0 vettings, 1 hotline" in result.output


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "name: Harbor House",
            "name: [Harbor",
            "agencies.yaml:7: YAML syntax error",
        ),
        (
            "services: [housing-emergency, food]",
            "services: [housing-emergncy, food]",
            "agencies.yaml:8: agencies[0].services[0].id: unknown service 'housing-emergncy' "
            "(did you mean housing-emergency?)",
        ),
        (
            "age_min: 12",
            "age_min: twelve",
            "agencies.yaml:11: agencies[0].populations.age_min: must be a whole number",
        ),
        (
            "    sector: housing\n",
            "",
            "agencies.yaml:5: agencies[0].sector: is required but missing",
        ),
        (
            "    confidential_address: true",
            "    confidential_adress: true",
            "agencies.yaml:20: agencies[0].confidential_adress: is not a known field",
        ),
        (
            "phone: 503-555-0101",
            "phone: call us",
            "agencies.yaml:21: agencies[0].phone: is not a phone number",
        ),
        (
            "      role: Intake coordinator",
            "      role: Intake coordinator\n      email: not-an-email",
            "agencies.yaml:24: agencies[0].contact.email: is not an email address",
        ),
        (
            "languages: [en, es]",
            "languages: [en, xx]",
            "agencies.yaml:9: agencies[0].languages[1]: unknown language code 'xx'",
        ),
        (
            "sector: housing",
            "sector: housnig",
            "agencies.yaml:7: agencies[0].sector: input should be",
        ),
        (
            "    lgbtq_affirming: true",
            "    lgbtq_affirming: maybe",
            "agencies.yaml:13: agencies[0].populations.lgbtq_affirming: must be true or false",
        ),
    ],
)
def test_malformed_agencies_name_file_line_and_field(
    run: Run, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    root = broken(tmp_path, old, new)
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 1
    assert expected in result.output


def test_duplicate_ids_point_at_the_second(run: Run, tmp_path: Path) -> None:
    agencies = AGENCIES_HEAD + agency() + agency(name="Another Harbor")
    root = write_catalog(tmp_path / "cat", agencies=agencies)
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 1
    assert "agencies.yaml:24: agencies[1].id: duplicate id 'harbor'" in result.output


def test_services_errors_and_all_errors_at_once(run: Run, tmp_path: Path) -> None:
    services = SERVICES.replace("forms: [emergency]", "forms: [urgent]", 1).replace(
        "call: 1-888-373-7888", "call: call us"
    )
    agencies = (AGENCIES_HEAD + agency()).replace("age_max: 17", "age_max: old")
    root = write_catalog(tmp_path / "cat", services=services, agencies=agencies)
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 1
    assert "3 problems" in result.output
    assert "services.yaml:8: services[0].forms[0]: input should be 'emergency' or 'ongoing'" in (
        result.output
    )
    assert "services.yaml:21: hotlines[0].call: is not a phone number" in result.output
    assert "agencies.yaml:12: agencies[0].populations.age_max: must be a whole number" in (
        result.output
    )


def test_bad_date_in_a_vetting_file(run: Run, tmp_path: Path) -> None:
    vetting = "agency: harbor\ndate: 2026-13-01\nassessor: Sam\nmethod: [phone]\n"
    root = write_catalog(tmp_path / "cat", vettings={"harbor--2026-13-01.yaml": vetting})
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 1
    assert "harbor--2026-13-01.yaml:2: date: must be a date (YYYY-MM-DD)" in result.output


def test_vetting_of_unknown_agency(run: Run, tmp_path: Path) -> None:
    vetting = "agency: nowhere\ndate: 2026-01-01\nassessor: Sam\nmethod: [phone]\n"
    root = write_catalog(tmp_path / "cat", vettings={"nowhere--2026-01-01.yaml": vetting})
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 1
    assert "nowhere--2026-01-01.yaml:1: agency: no agency has the id 'nowhere'" in result.output


def test_empty_and_missing_files(run: Run, tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "cat", agencies="")
    (root / "services.yaml").unlink()
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 1
    assert "services.yaml: file not found" in result.output
    assert "agencies.yaml: file is empty" in result.output


def test_validate_json_output_for_ci(run: Run, tmp_path: Path) -> None:
    root = broken(tmp_path, "age_min: 12", "age_min: twelve")
    result = run("catalog", "validate", str(root), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["problems"][0]["line"] == 11
    assert report["problems"][0]["field"] == "agencies[0].populations.age_min"


def test_every_command_reports_a_broken_catalog_without_traceback(run: Run, tmp_path: Path) -> None:
    root = broken(tmp_path, "age_min: 12", "age_min: twelve")
    for args in (["agencies"], ["services"], ["show", "harbor"]):
        result = run(*args, "--data", str(root))
        assert result.exit_code == 1, args
        assert "agencies.yaml:11: agencies[0].populations.age_min" in result.stderr
        assert "Traceback" not in result.output


def test_referral_data_env_points_at_a_coalition_catalog(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_catalog(tmp_path / "cat")
    monkeypatch.setenv("REFERRAL_DATA", str(root))
    result = run("agencies")
    assert result.exit_code == 0
    assert "Harbor House" in result.output
    assert "1 agency" in result.output and "1 agencies" not in result.output


def test_yaml_is_loaded_safely(run: Run, tmp_path: Path) -> None:
    services = "!!python/object/apply:os.system ['echo hacked']\n"
    root = write_catalog(tmp_path / "cat", services=services)
    result = run("catalog", "validate", str(root))
    assert result.exit_code == 1
    assert "services.yaml:1: YAML syntax error" in result.output


def test_same_day_vettings_keep_recording_order(tmp_path: Path) -> None:
    from referral_cli.vetting.rules import load_catalog

    first = "agency: harbor\ndate: 2026-05-01\nassessor: Sam\nmethod: [phone]\nnote: first\n"
    second = first.replace("note: first", "note: second")
    root = write_catalog(
        tmp_path / "cat",
        vettings={"harbor--2026-05-01.yaml": first, "harbor--2026-05-01-2.yaml": second},
    )
    history = load_catalog(root).vettings_of("harbor")
    assert [v.note for v in history] == ["first", "second"]


def test_catalog_init_copies_the_example_to_edit(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "mine"
    result = run("catalog", "init", "mine")  # relative, as a coordinator types it
    assert result.exit_code == 0
    assert f"export REFERRAL_DATA={target}\n" in result.output  # works from any folder
    assert (target / "agencies.yaml").is_file()
    assert run("catalog", "validate", str(target)).exit_code == 0
    again = run("catalog", "init", str(target))
    assert again.exit_code == 1
    assert "not empty" in again.stderr


def test_an_agency_asked_for_by_part_of_its_name_is_suggested(run: Run) -> None:
    result = run("show", "sheriff")
    assert result.exit_code == 1
    assert "Did you mean: alder-county-sheriff-victim-services?" in result.output
