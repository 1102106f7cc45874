"""`import-hsds` and whole files: --skip-invalid skips records, never a file it cannot read."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
HSDS = Path(__file__).parent / "fixtures" / "hsds-3.0"
FIXTURES = Path(__file__).parent / "fixtures" / "hsds"


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def _import(run: Run, source: Path, target: Path, *extra: str) -> Result:
    return run("catalog", "import-hsds", str(source), "--data", str(target), *extra)


@pytest.mark.parametrize("skip", [(), ("--skip-invalid",)])
def test_a_file_that_is_not_json_is_an_error_even_with_skip_invalid(
    run: Run, tmp_path: Path, skip: tuple[str, ...]
) -> None:
    result = _import(run, FIXTURES / "not_json.json", tmp_path / "cat", *skip)
    assert result.exit_code == 1
    assert "not_json.json:2: not valid JSON" in result.stderr
    assert "Imported" not in result.output
    assert not (tmp_path / "cat" / "agencies.yaml").exists()


def test_json_lines_are_read_one_object_a_line(run: Run, tmp_path: Path) -> None:
    org = json.loads((HSDS / "examples-json" / "organization_full.json").read_text())
    other = {**org, "id": "second", "name": "Second Organization"}
    source = tmp_path / "orgs.jsonl"
    source.write_text(json.dumps(org) + "\n" + json.dumps(other) + "\n")
    result = _import(run, source, tmp_path / "cat", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "Imported 2 agencies" in result.output


def test_no_organizations_at_all_is_an_error_not_zero_imported(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "empty.json"
    source.write_text("[]")
    result = _import(run, source, tmp_path / "cat", "--skip-invalid")
    assert result.exit_code == 1
    assert "no HSDS organizations found" in result.stderr


def test_latin1_csv_names_the_line_and_says_save_as_utf8(run: Run, tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(HSDS / "examples-csv", package)
    lines = (package / "organizations.csv").read_text(encoding="utf-8").splitlines(True)
    lines[1] = lines[1].replace("Example Organization", "Organización Ejemplo")
    (package / "organizations.csv").write_bytes("".join(lines).encode("latin-1"))
    for skip in ((), ("--skip-invalid",)):
        result = _import(run, package, tmp_path / "cat", *skip)
        assert result.exit_code == 1
        assert "organizations.csv line 2: not UTF-8 text (byte 0xf3)" in result.stderr
        assert "save the file as UTF-8" in result.stderr
        assert "Traceback" not in result.output


def test_stale_datapackage_paths_fall_back_to_the_file_beside_it(run: Run, tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(HSDS / "examples-csv", package)
    described = json.loads((package / "datapackage.json").read_text())
    for resource in described["resources"]:
        resource["path"] = "old-export/" + resource["path"]
    (package / "datapackage.json").write_text(json.dumps(described))
    result = _import(run, package, tmp_path / "cat")
    assert result.exit_code == 0, result.output
    assert "listed at 'old-export/organizations.csv', which does not exist" in result.output
    assert "Imported 1 agency" in result.output
    assert list(load_catalog(tmp_path / "cat").agencies) == ["example-organization-inc"]
