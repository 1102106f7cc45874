"""A report written piece by piece (the HSDS review list) lands whole or not at all: its text
as written (UTF-8, newlines kept), its mode, fsynced before it replaces the old file, and no
temp file left when the writer fails."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TextIO

import pytest

from referral_cli.casefile.files import atomic_write


def _fill(out: TextIO) -> None:
    out.write("name,city\r\n")
    out.write("Café Jeunesse,Montréal\n")


def test_a_streamed_report_lands_whole_with_its_newlines_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "review.csv"
    atomic_write(path, _fill, mode=0o640)
    assert path.read_bytes() == "name,city\r\nCafé Jeunesse,Montréal\n".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["review.csv"]
    atomic_write(path, lambda out: out.write("new\n"))  # replaces, private by default
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_data_is_fsynced_before_it_replaces_the_file_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "review.md"
    events: list[str] = []
    real_fsync, real_replace = os.fsync, Path.replace

    def fsync(fd: int) -> None:
        events.append("fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        events.append("replace")
        assert Path(target) == path
        return real_replace(self, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "replace", replace)
    atomic_write(path, _fill)
    assert events == ["fsync-file", "replace", "fsync-dir"]
    assert path.read_text(encoding="utf-8").endswith("Montréal\n")


def test_a_failing_writer_leaves_the_old_report_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "review.md"
    path.parent.mkdir()
    path.write_text("old\n")

    def broken(out: TextIO) -> None:
        out.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, broken)
    assert path.read_text() == "old\n"
    assert [p.name for p in path.parent.iterdir()] == ["review.md"]


def test_a_failed_rename_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out" / "review.md"

    def refuse(self: Path, target: object) -> Path:
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(PermissionError):
        atomic_write(path, _fill)
    assert list(path.parent.iterdir()) == []
