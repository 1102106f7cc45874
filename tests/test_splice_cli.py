"""An edit of agencies.yaml is spliced into the cache: `show` prints it at once, never stale.

A coordinator edits one agency in a 58 MB agencies.yaml; the next `show` must print the new
text without re-reading the whole file, and an edit that breaks the catalog must give the same
one-line error (file and line) as a full check.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog import cachekey
from referral_cli.catalog import load as catalog_load
from referral_cli.commands import hotpath

Run = Callable[..., Result]
CLINIC = "alder-community-health-clinic"
HARBOR = "alder-county-youth-harbor"  # has vettings


@pytest.fixture
def warm(data_copy: Path, run: Run) -> Path:
    """The shipped catalog, cached (its files are as old as the checkout: never racy)."""
    assert run("agencies", "--data", str(data_copy)).exit_code == 0
    return data_copy


@pytest.fixture
def no_full_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the whole catalog is parsed again."""

    def whole(*args: object) -> object:
        raise AssertionError("the whole catalog was parsed again")

    monkeypatch.setattr(catalog_load, "check_catalog", whole)


def edit(root: Path, old: str, new: str) -> None:
    path = root / "agencies.yaml"
    text = path.read_text()
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1))


def shown(data: Path, agency: str, capsys: pytest.CaptureFixture[str]) -> str:
    """`show AGENCY` as the warm path answers it before typer loads; "" if it stepped aside."""
    capsys.readouterr()
    done = hotpath.answer(["show", agency, "--data", str(data)])
    text = capsys.readouterr().out
    assert done == bool(text)
    return text


def file_row(data: Path) -> tuple[object, ...]:
    with sqlite3.connect(cachekey.cache_path(data)) as db:
        row = db.execute(
            f"SELECT {cachekey.FILE_COLUMNS} FROM file WHERE name = 'agencies.yaml'"
        ).fetchone()
    db.close()
    return tuple(row)


def test_show_after_an_in_place_edit_prints_the_new_text(
    warm: Path, no_full_read: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "clinic.teen@example.org" in shown(warm, CLINIC, capsys)
    edit(warm, "clinic.teen@example.org", "teen.desk@example.org")
    out = shown(warm, CLINIC, capsys)
    assert "teen.desk@example.org" in out and "clinic.teen@" not in out
    # Edited just now: its stat cannot be trusted yet, so it is held to the baseline copy.
    assert file_row(warm)[5] == cachekey.BASELINE
    assert "teen.desk@example.org" in shown(warm, CLINIC, capsys)


def test_the_ordinary_path_splices_too(warm: Path, run: Run, no_full_read: None) -> None:
    edit(warm, "name: Alder Community Health Clinic", "name: Alder Community Health Centre")
    result = run("agencies", "--service", "medical-care", "--data", str(warm))
    assert result.exit_code == 0, result.output
    assert "Alder Community Health Centre" in result.output


def test_a_recent_edit_with_an_unchanged_stat_is_still_seen(
    warm: Path, no_full_read: None, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(warm, "name: Alder Community Health Clinic", "name: Alder Community Health Centre")
    assert "Health Centre" in shown(warm, CLINIC, capsys)
    # A second edit of the same size in the same clock tick: size, mtime, ctime and inode
    # as recorded, only the content differs (git's "racily clean" case).
    edit(warm, "Health Centre", "Health Center")
    entry = cachekey.file_entry(os.fspath(warm), "agencies.yaml")
    with sqlite3.connect(cachekey.cache_path(warm)) as db:
        db.execute(
            "UPDATE file SET size = ?, mtime = ?, ctime = ?, inode = ? WHERE name = ?",
            (*entry[1:5], "agencies.yaml"),
        )
    db.close()
    assert "Alder Community Health Center" in shown(warm, CLINIC, capsys)


def test_once_old_enough_the_stat_is_trusted_again(
    warm: Path, no_full_read: None, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(warm, "name: Alder Community Health Clinic", "name: Alder Community Health Centre")
    assert "Health Centre" in shown(warm, CLINIC, capsys)
    assert file_row(warm)[5] == cachekey.BASELINE
    old = 1_700_000_000
    os.utime(warm / "agencies.yaml", (old, old))
    assert "Health Centre" in shown(warm, CLINIC, capsys)
    assert file_row(warm)[5] == ""  # compared with the baseline once more, then trusted


def _error_now_and_without_cache(run: Run, data: Path, agency: str) -> tuple[Result, Result]:
    spliced = run("show", agency, "--data", str(data))
    shutil.rmtree(cachekey.cache_dir())
    return spliced, run("show", agency, "--data", str(data))


def test_an_invalid_edit_gives_the_full_checks_error(
    warm: Path, run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(warm, "      - reproductive-health", "      - reproductive-helth")
    assert shown(warm, CLINIC, capsys) == ""  # the warm path steps aside, printing nothing
    spliced, fresh = _error_now_and_without_cache(run, warm, CLINIC)
    assert spliced.exit_code == fresh.exit_code == 1
    assert spliced.output == fresh.output
    lines = (warm / "agencies.yaml").read_text().splitlines()
    line = next(i for i, x in enumerate(lines, 1) if "reproductive-helth" in x)
    assert f"agencies.yaml:{line}" in " ".join(spliced.output.split())
    assert "unknown service 'reproductive-helth'" in spliced.output
    assert "Traceback" not in spliced.output


def test_renaming_a_vetted_agency_gives_the_full_checks_error(warm: Path, run: Run) -> None:
    edit(warm, f"id: {HARBOR}", "id: alder-youth-harbor")
    spliced, fresh = _error_now_and_without_cache(run, warm, CLINIC)
    assert spliced.exit_code == fresh.exit_code == 1
    assert spliced.output == fresh.output
    assert f"no agency has the id '{HARBOR}'" in " ".join(spliced.output.split())


def test_an_added_agency_is_found_by_the_full_read(warm: Path, run: Run) -> None:
    text = (warm / "agencies.yaml").read_text()
    start = text.index(f"  - id: {CLINIC}")
    end = text.index("\n  - id:", start + 1) + 1
    copy = text[start:end].replace(f"id: {CLINIC}", "id: second-clinic", 1)
    (warm / "agencies.yaml").write_text(text[:end] + copy + text[end:])
    result = run("show", "second-clinic", "--data", str(warm))
    assert result.exit_code == 0, result.output
    assert "Alder Community Health Clinic" in result.output


def test_an_agency_appended_at_the_end_is_spliced_in(
    warm: Path, run: Run, no_full_read: None
) -> None:
    text = (warm / "agencies.yaml").read_text()
    start = text.index(f"  - id: {CLINIC}")
    end = text.index("\n  - id:", start + 1) + 1
    copy = text[start:end].replace(f"id: {CLINIC}", "id: last-clinic", 1)
    copy = copy.replace("name: Alder Community Health Clinic", "name: Last Clinic", 1)
    (warm / "agencies.yaml").write_text(text + "\n" + copy)
    result = run("show", "last-clinic", "--data", str(warm))
    assert result.exit_code == 0, result.output
    assert "Last Clinic" in result.output
    copies = list(cachekey.cache_dir().glob("*.base-*.yaml"))  # a new copy, the old one gone
    assert len(copies) == 1 and copies[0].read_text() == text + "\n" + copy
    (warm / "agencies.yaml").write_text(text)  # and taken away again
    result = run("show", "last-clinic", "--data", str(warm))
    assert result.exit_code == 1 and "No agency called 'last-clinic'" in result.output


def test_a_line_that_only_looks_like_an_entry_keeps_no_baseline(data_copy: Path, run: Run) -> None:
    # A quoted scalar may run over lines, so "  - id: ..." can be text inside a string: the
    # scan for entry starts then finds more than the parse found agencies, and no baseline is
    # kept (every edit is a full read), rather than splitting the file in the wrong place.
    edit(
        data_copy,
        "description: >-\n"
        "      Community health center with a teen clinic: primary care, sexual and reproductive\n"
        "      health, routine dental care.",
        'description: "Teen clinic.\n  - id: not-an-entry"',
    )
    result = run("show", CLINIC, "--data", str(data_copy))
    assert result.exit_code == 0, result.output
    assert "Teen clinic. - id: not-an-entry" in " ".join(result.output.split())
    assert not list(cachekey.cache_dir().glob("*.base-*.yaml"))
    edit(data_copy, "Teen clinic.", "Teen clinic, Wednesdays.")
    result = run("show", CLINIC, "--data", str(data_copy))
    assert "Teen clinic, Wednesdays. - id: not-an-entry" in " ".join(result.output.split())
