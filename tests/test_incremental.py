"""After agency or vetting files change, the cache re-reads only those, and is never stale.

Each test changes a files-layout catalog the way a coordinator (or a `git pull`) would, then
checks the loaded catalog against a fresh parse of every file, and that only the changed
files were parsed again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog import cachekey, layout, update, yamlfile
from referral_cli.catalog import load as catalog_load
from referral_cli.catalog.load import Catalog
from referral_cli.errors import CatalogError
from referral_cli.vetting.rules import check_catalog, load_catalog

Run = Callable[..., Result]
PANTRY = "agencies/alder-community-pantry.yaml"
CLINIC_VETTING = "vettings/alder-community-health-clinic--2026-09-15.yaml"


@pytest.fixture
def files(data_copy: Path) -> Path:
    """The example catalog in the files layout, cached."""
    layout.split(data_copy)
    load_catalog(data_copy)
    return data_copy


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed from here on, and a failure if the whole catalog is re-read."""
    seen: list[str] = []
    real = yamlfile.parse_yaml

    def counted(path: Path, shown: str) -> object:
        seen.append(Path(path).as_posix().rsplit("/data/", 1)[-1])
        return real(path, shown)

    def whole(*args: object) -> object:
        raise AssertionError("the whole catalog was parsed again")

    monkeypatch.setattr(update, "parse_yaml", counted)
    monkeypatch.setattr(catalog_load, "check_catalog", whole)
    return seen


def current_check(root: Path) -> Catalog:
    """Loaded through the cache, and equal to a fresh parse of every file."""
    loaded = load_catalog(root)
    found, problems = check_catalog(root)
    assert found is not None, problems
    assert list(loaded.agencies) == list(found.agencies)
    assert list(loaded.agencies.values()) == list(found.agencies.values())
    assert dict(loaded.vettings) == dict(found.vettings)
    return loaded


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_edited_agency_file_is_re_read_alone(files: Path, parsed: list[str]) -> None:
    edit(files / PANTRY, "name: Alder Community Pantry", "name: Alder Food Pantry")
    loaded = load_catalog(files)
    assert parsed == [PANTRY]
    assert loaded.agencies["alder-community-pantry"].name.startswith("Alder Food Pantry")
    current_check(files)


def test_added_renamed_and_deleted_agency_files(files: Path, parsed: list[str]) -> None:
    text = (files / PANTRY).read_text().replace("id: alder-community-pantry", "id: new-pantry")
    (files / "agencies" / "new-pantry.yaml").write_text(text)
    assert "new-pantry" in load_catalog(files).agencies
    assert parsed == ["agencies/new-pantry.yaml"]
    current_check(files)

    parsed.clear()
    renamed = text.replace("id: new-pantry", "id: aaa-pantry")
    (files / "agencies" / "new-pantry.yaml").rename(files / "agencies" / "aaa-pantry.yaml")
    (files / "agencies" / "aaa-pantry.yaml").write_text(renamed)
    loaded = load_catalog(files)
    assert parsed == ["agencies/aaa-pantry.yaml"]
    assert next(iter(loaded.agencies)) == "aaa-pantry" and "new-pantry" not in loaded.agencies
    current_check(files)

    parsed.clear()
    (files / "agencies" / "aaa-pantry.yaml").unlink()
    assert "aaa-pantry" not in load_catalog(files).agencies
    assert parsed == []
    current_check(files)


def test_a_changed_vetting_re_reads_that_agencys_vettings(files: Path, parsed: list[str]) -> None:
    edit(files / CLINIC_VETTING, "date: 2026-09-15", "date: 2026-09-16")
    edit(files / CLINIC_VETTING, "2026-09-16", "2026-09-15")  # same text, new stat
    load_catalog(files)
    assert parsed == [CLINIC_VETTING]
    current_check(files)


def test_a_new_problem_is_reported_with_file_and_line_then_fixed(
    files: Path,
) -> None:
    edit(files / PANTRY, "sector: ", "sectr: ")
    with pytest.raises(CatalogError) as raised:
        load_catalog(files)
    found = [(Path(p.file).name, p.line, p.field) for p in raised.value.problems]
    assert ("alder-community-pantry.yaml", 3, "sectr") in found
    edit(files / PANTRY, "sectr: ", "sector: ")
    current_check(files)


def test_deleting_an_agency_that_still_has_vettings_is_an_error(files: Path) -> None:
    (files / "agencies" / "alder-community-health-clinic.yaml").unlink()
    with pytest.raises(CatalogError) as raised:
        load_catalog(files)
    assert "no agency has the id 'alder-community-health-clinic'" in str(raised.value)
    assert CLINIC_VETTING.split("/")[1] in str(raised.value)


def test_edits_to_services_or_agencies_yaml_re_read_everything(files: Path) -> None:
    edit(files / "agencies.yaml", "region: Alder County", "region: Alder Co.")
    assert current_check(files).info.region.startswith("Alder Co.")


def test_warm_show_sees_an_edit_of_the_agencys_own_file_at_once(
    files: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cachekey, "RACY_NS", 0)  # the files were just written by split
    load_catalog(files)
    edit(files / PANTRY, "name: Alder Community Pantry", "name: Alder Food Pantry")
    result = run("show", "alder-community-pantry", "--data", str(files))
    assert result.exit_code == 0 and "Alder Food Pantry" in result.output
    current_check(files)


def test_agencies_by_service_sees_a_service_added_in_any_agency_file(
    files: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cachekey, "RACY_NS", 0)
    load_catalog(files)
    before = run("agencies", "--service", "repatriation", "--data", str(files)).output
    assert "alder-community-pantry" not in before
    edit(files / PANTRY, "services:\n", "services:\n  - repatriation\n")
    after = run("agencies", "--service", "repatriation", "--data", str(files))
    assert after.exit_code == 0 and "alder-community-pantry" in after.output


CLINIC = "alder-community-health-clinic"


def flat(text: str) -> str:
    """Output with the terminal's line wrapping undone."""
    return " ".join(text.split())


def test_a_vetting_added_by_an_update_is_caught_when_the_clock_is_set_back(
    files: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache's latest vetting date follows an update, so the warm path steps aside."""
    monkeypatch.setattr(cachekey, "RACY_NS", 0)
    load_catalog(files)
    later = files / "vettings" / f"{CLINIC}--2026-11-20.yaml"
    later.write_text((files / CLINIC_VETTING).read_text().replace("2026-09-15", "2026-11-20"))
    assert run("vet", CLINIC, "--data", str(files)).exit_code == 0  # re-read into the cache
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-10")
    for command in (["vet", CLINIC], ["show", CLINIC], ["agencies", "--service", "medical-care"]):
        result = run(*command, "--data", str(files))
        assert result.exit_code == 1, command
        assert "2026-11-20 is in the future (today is 2026-11-10)" in flat(result.output)


def test_a_future_vetting_pulled_in_is_an_error_with_its_file(files: Path) -> None:
    later = files / "vettings" / f"{CLINIC}--2027-01-05.yaml"
    later.write_text((files / CLINIC_VETTING).read_text().replace("2026-09-15", "2027-01-05"))
    with pytest.raises(CatalogError) as raised:
        load_catalog(files)
    assert [Path(p.file).name for p in raised.value.problems] == [later.name]
    assert "2027-01-05 is in the future" in str(raised.value)


def test_a_service_listed_twice_in_an_agency_file_is_an_error(files: Path) -> None:
    edit(files / PANTRY, "  - food\n", "  - food\n  - food\n")
    with pytest.raises(CatalogError) as raised:
        load_catalog(files)
    assert "'food' is listed twice" in str(raised.value)
    assert {Path(p.file).name for p in raised.value.problems} == {Path(PANTRY).name}


def test_an_unreadable_agency_file_is_one_error_not_one_per_vetting(files: Path) -> None:
    own = files / "agencies" / f"{CLINIC}.yaml"
    own.write_text(own.read_text() + "phone: 503-555-0100\n")  # a duplicate key: not read
    with pytest.raises(CatalogError) as raised:
        load_catalog(files)
    assert [Path(p.file).name for p in raised.value.problems] == [own.name]
    assert "duplicate key 'phone'" in str(raised.value)
