"""`import-hsds` into the files layout: one agencies/<id>.yaml per agency, put back on failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from referral_cli.catalog import layout
from referral_cli.errors import CatalogProblem
from referral_cli.hsds import write
from referral_cli.vetting import rules
from referral_cli.vetting.rules import load_catalog
from tests.conftest import SHIPPED

Run = Callable[..., Result]
FIXTURES = Path(__file__).parent / "fixtures" / "hsds"
CEDAR = "cedar-path-survivor-services"


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def _import(run: Run, source: Path, target: Path, *extra: str) -> Result:
    return run("catalog", "import-hsds", str(source), "--data", str(target), *extra)


def _cedar_update(run: Run, catalog: Path, tmp_path: Path) -> Path:
    """An HSDS file with one organization: Cedar Path with a new phone number."""
    run("catalog", "export-hsds", str(tmp_path / "hsds"), "--data", str(catalog))
    page = json.loads((tmp_path / "hsds" / "organizations.json").read_text())
    org = next(o for o in page["contents"] if o["x_referral"]["agency_id"] == CEDAR)
    for item in [org, *org["services"]]:
        item.pop("x_referral", None)
    org["phones"][0]["number"] = "503-555-0199"
    (tmp_path / "one.json").write_text(json.dumps(org))
    return tmp_path / "one.json"


def test_a_large_directory_into_a_new_catalog_gets_one_file_per_agency(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "FILES_LAYOUT_ABOVE", 10)  # the example has 25 agencies
    run("catalog", "export-hsds", str(tmp_path / "hsds"))
    target = tmp_path / "back"
    result = _import(run, tmp_path / "hsds" / "csv", target)
    assert result.exit_code == 0, result.output
    assert "25 new" in result.output
    assert len(list((target / "agencies").glob("*.yaml"))) == 25
    assert "agencies" not in yaml.safe_load((target / "agencies.yaml").read_text())
    assert load_catalog(target).agencies == load_catalog(SHIPPED).agencies


def test_a_small_directory_into_a_new_catalog_stays_in_agencies_yaml(
    run: Run, tmp_path: Path
) -> None:
    run("catalog", "export-hsds", str(tmp_path / "hsds"))
    target = tmp_path / "back"
    assert _import(run, tmp_path / "hsds" / "csv", target).exit_code == 0
    assert not (target / "agencies").exists()
    assert len(yaml.safe_load((target / "agencies.yaml").read_text())["agencies"]) == 25


def test_a_files_layout_catalog_gets_new_and_changed_agencies_as_files(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    layout.split(data_copy)
    head = (data_copy / "agencies.yaml").read_text()
    result = _import(run, _cedar_update(run, data_copy, tmp_path), data_copy)
    assert result.exit_code == 0, result.output
    assert "updated   cedar-path-survivor-services" in result.output
    result = _import(run, FIXTURES / "valid_and_invalid.json", data_copy, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert (data_copy / "agencies.yaml").read_text() == head  # the catalog: section only
    catalog = load_catalog(data_copy)
    assert len(catalog.agencies) == 26
    assert catalog.agencies[CEDAR].phone == "503-555-0199"
    assert "503-555-0199" in (data_copy / "agencies" / f"{CEDAR}.yaml").read_text()
    assert len(list((data_copy / "agencies").glob("*.yaml"))) == 26


def test_an_import_that_leaves_problems_puts_every_file_back(
    run: Run, tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout.split(data_copy)
    source = _cedar_update(run, data_copy, tmp_path)
    before = {p: p.read_bytes() for p in data_copy.rglob("*.yaml")}
    found = [CatalogProblem("agencies/x.yaml", 3, "id", "a problem found after writing")]
    monkeypatch.setattr(rules, "check_catalog", lambda root: (None, found))
    result = _import(run, source, data_copy)
    assert result.exit_code == 1
    assert "nothing was changed" in result.output + result.stderr
    assert {p: p.read_bytes() for p in data_copy.rglob("*.yaml")} == before


def test_an_interrupted_import_into_a_new_catalog_leaves_nothing(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "FILES_LAYOUT_ABOVE", 10)
    run("catalog", "export-hsds", str(tmp_path / "hsds"))
    target = tmp_path / "back"
    written: list[Path] = []
    real = layout.write_atomic

    def interrupted(path: Path, text: str) -> None:
        if len(written) == 5:
            raise KeyboardInterrupt
        real(path, text)
        written.append(path)

    monkeypatch.setattr(layout, "write_atomic", interrupted)
    result = _import(run, tmp_path / "hsds" / "csv", target)  # Ctrl-C after five files
    assert result.exit_code != 0
    assert len(written) == 5
    assert not (target / "agencies").exists()
    assert not (target / "agencies.yaml").exists()


def test_an_agency_agencies_yaml_lists_is_edited_there_in_a_mixed_catalog(
    run: Run, tmp_path: Path, data_copy: Path
) -> None:
    cedar = load_catalog(data_copy).agencies[CEDAR]
    extra = cedar.model_copy(update={"id": "zz-extra", "name": "Extra Youth Services"})
    layout.write_agency_files(data_copy, [extra])  # one agency in its own file, 25 listed
    result = _import(run, _cedar_update(run, data_copy, tmp_path), data_copy)
    assert result.exit_code == 0, result.output
    assert not (data_copy / "agencies" / f"{CEDAR}.yaml").exists()
    text = (data_copy / "agencies.yaml").read_text()
    assert "503-555-0199" in text
    assert "# *** EVERY AGENCY IN THIS FILE IS A FICTIONAL EXAMPLE. ***" in text
    assert load_catalog(data_copy).agencies[CEDAR].phone == "503-555-0199"
