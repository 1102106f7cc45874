"""Issue #14, cases 9-12 (the catalog, vetting and HSDS parts): two recorders at once, inputs
that are not regular files, duplicate YAML keys, encoding errors, follow-on errors, numbers
too long to be data. Each ends in the fix or one clear line, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.vetting.record import save_vetting
from referral_cli.vetting.rules import load_catalog
from tests.helpers import AGENCIES_HEAD, agency, write_catalog

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "docs" / "answers-example.yaml")
Run = Callable[..., Result]


def _one_clean_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Error" in result.output
    for word in words:
        assert word in result.output, result.output


# --- 9. two `vet --record` at once --------------------------------------------------------


def test_9_two_recorders_at_once_never_overwrite_each_other(data_copy: Path) -> None:
    catalog = load_catalog(data_copy)
    ident = next(a for a, history in catalog.vettings.items() if history)
    vetting = catalog.vettings_of(ident)[-1]
    for pair in range(20):  # fails on the first pair that shares one file
        gate = threading.Barrier(2)
        saved: list[Path] = []

        def record(gate: threading.Barrier, saved: list[Path]) -> None:
            gate.wait()
            saved.append(save_vetting(data_copy, vetting))

        threads = [threading.Thread(target=record, args=(gate, saved)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(saved)) == 2, f"pair {pair}: both saved {saved[0].name}"
    assert len(load_catalog(data_copy).vettings_of(ident)) == len(catalog.vettings_of(ident)) + 40


# --- 10. inputs that are not regular files ------------------------------------------------


def _special(tmp_path: Path, kind: str) -> Path:
    """A path that is not a regular file: a link to a device, a FIFO, a folder."""
    path = tmp_path / f"{kind}.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(f"/dev/{kind}")
    return path


KINDS = ["zero", "urandom", "fifo"]


@pytest.mark.parametrize("kind", KINDS)
def test_10_a_catalog_file_linked_to_a_device_or_fifo_is_refused(
    run: Run, data_copy: Path, tmp_path: Path, kind: str
) -> None:
    (data_copy / "agencies.yaml").unlink()
    (data_copy / "agencies.yaml").symlink_to(_special(tmp_path, kind))
    result = run("catalog", "validate", "--data", str(data_copy))
    assert result.exit_code == 1 and "not a regular file" in result.output
    assert "no agency has the id" not in result.output  # case 12: no follow-on errors
    assert len(result.output.strip().splitlines()) == 2


@pytest.mark.parametrize("kind", [*KINDS, "folder"])
def test_10_an_answers_file_that_is_not_a_regular_file_is_refused(
    run: Run, tmp_path: Path, kind: str
) -> None:
    path = _special(tmp_path, kind)
    for args in (["start"], ["vet", "alder-county-youth-harbor", "--record"]):
        _one_clean_error(run(*args, "--answers", str(path), "--no-input"), str(path))


@pytest.mark.parametrize("kind", KINDS)
def test_10_an_hsds_import_from_a_device_or_fifo_is_refused(
    run: Run, data_copy: Path, tmp_path: Path, kind: str
) -> None:
    before = (data_copy / "agencies.yaml").read_bytes()
    result = run("catalog", "import-hsds", str(_special(tmp_path, kind)), "--data", str(data_copy))
    _one_clean_error(result, "not a regular file")
    assert (data_copy / "agencies.yaml").read_bytes() == before


def test_10_a_regular_file_over_the_cap_is_refused(
    run: Run, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from referral_cli.catalog import yamlfile

    monkeypatch.setattr(yamlfile, "MAX_FILE_BYTES", 1000)
    result = run("catalog", "validate", "--data", str(data_copy))
    assert result.exit_code == 1 and "too large to be a catalog" in result.output


# --- 11. duplicate YAML keys --------------------------------------------------------------


def test_11_a_key_given_twice_in_an_agency_is_an_error_naming_both_lines(
    run: Run, tmp_path: Path
) -> None:
    twice = agency().replace(
        "    confidential_address: true\n",
        "    confidential_address: true\n    confidential_address: false\n",
    )
    root = write_catalog(tmp_path / "data", agencies=AGENCIES_HEAD + twice)
    lines = (root / "agencies.yaml").read_text().splitlines()
    first = lines.index("    confidential_address: true") + 1
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert (
        f"agencies.yaml:{first + 1}: duplicate key 'confidential_address' on lines "
        f"{first} and {first + 1}" in result.output
    )
    assert "Address listed" not in run("show", "harbor", "--data", str(root)).output


def test_11_a_second_agencies_key_is_an_error(run: Run, tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "data", agencies=AGENCIES_HEAD + agency() + "agencies: []\n")
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1 and "duplicate key 'agencies' on lines 4 and" in result.output


def test_11_duplicates_are_caught_on_the_aliased_path_and_merges_still_work(
    run: Run, tmp_path: Path
) -> None:
    aliased = AGENCIES_HEAD + agency().replace(
        "    phone:", "    hours: &h {regular: x}\n    phone:"
    )
    root = write_catalog(tmp_path / "data", agencies=aliased)
    result = run("catalog", "validate", "--data", str(root))
    assert "duplicate key 'hours'" in result.output  # `hours` was already given above
    answers = tmp_path / "answers.yaml"
    answers.write_text("base: &b {x: 1, y: 2}\nmerged:\n  <<: *b\n  y: 3\n")
    from referral_cli.prompt.answers import load_answers

    assert load_answers(answers)["merged"] == {"x": 1, "y": 3}
    answers.write_text("opening:\n  reference: AC-1\n  reference: AC-2\n")
    _one_clean_error(run("start", "--answers", str(answers), "--no-input"), "duplicate key")


# --- 12. the rest: encoding errors, follow-on errors, long numbers ------------------------


def test_12_a_yaml_encoding_error_names_its_line(run: Run, tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "data")
    path = root / "agencies.yaml"
    text = path.read_bytes().replace(b"Harbor House", b"Harbor \xff House")
    path.write_bytes(text)
    line = text[: text.index(b"\xff")].count(b"\n") + 1
    result = run("catalog", "validate", "--data", str(root))
    assert f"agencies.yaml:{line}: not valid UTF-8 text" in result.output
    assert "position" not in result.output


def test_12_one_broken_agencies_file_gives_one_error(run: Run, data_copy: Path) -> None:
    (data_copy / "agencies.yaml").write_text("agencies: [\n")
    result = run("catalog", "validate", "--data", str(data_copy))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "1 problem in " + str(data_copy) + ":"


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "9" * 400, "1e999", "NaN", "-1e999"],
    ids=["5000", "400", "inf", "nan", "-inf"],
)
def test_12_numbers_too_long_or_not_finite_in_hsds_are_handled(
    run: Run, data_copy: Path, tmp_path: Path, value: str
) -> None:
    org = json.loads(
        (ROOT / "tests/fixtures/hsds-3.0/examples-json/organization_full.json").read_text()
    )
    text = json.dumps(org)
    for field in ("amount", "extension", "year_incorporated"):
        text = text.replace(f'"{field}": ', f'"{field}": {value}, "_was_{field}": ')
    path = tmp_path / "org.json"
    path.write_text(text)
    result = run("catalog", "import-hsds", str(path), "--data", str(data_copy), "--dry-run")
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output  # imported, or one clear problem list
    if value == "9" * 5000:
        assert "holds a number far too long to be real data" in result.output
