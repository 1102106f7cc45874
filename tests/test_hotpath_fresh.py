"""The answer given before typer loads is never stale: after an agency file is added,
edited, renamed or deleted (files layout), or agencies.yaml is edited (single layout), it is
what a fresh parse of every file says, or none (and the command answers)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog import cachekey, layout
from referral_cli.commands import hotpath
from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
PANTRY = "alder-community-pantry"


@pytest.fixture
def both(tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The example catalog in the single layout and in the files layout, both cached."""
    monkeypatch.setattr(cachekey, "RACY_NS", 0)  # the files were just written
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    files = tmp_path / "files"
    shutil.copytree(data_copy, files)
    layout.split(files)
    for root in (data_copy, files):
        load_catalog(root)
    return [data_copy, files]


def _answers(root: Path, argv: list[str], run: Run, capsys: pytest.CaptureFixture[str]) -> str:
    """What the hot path prints (or the command, when it steps aside): the command's output."""
    words = [*argv, "--data", str(root)]
    fast = capsys.readouterr().out if hotpath.answer(words) else None
    capsys.readouterr()
    slow = run(*words)
    assert slow.exit_code == 0, slow.output
    if fast is not None:
        assert fast == slow.output, words
    return slow.output


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_edit_is_seen_at_once_in_both_layouts(
    both: list[Path], run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    single, files = both
    _edit(single / "agencies.yaml", "name: Alder Community Pantry", "name: Alder Food Pantry")
    _edit(
        files / f"agencies/{PANTRY}.yaml", "name: Alder Community Pantry", "name: Alder Food Pantry"
    )
    for root in both:
        for argv in (["show", PANTRY], ["vet", PANTRY], ["agencies", "--service", "food"]):
            shown = _answers(root, argv, run, capsys)
            assert "Alder Food Pantry" in shown, (root, argv)
            assert "Alder Community Pantry" not in shown
    assert _answers(single, ["show", PANTRY], run, capsys) == _answers(
        files, ["show", PANTRY], run, capsys
    )


def test_added_renamed_and_deleted_agency_files(
    both: list[Path], run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    files = both[1]
    own = files / f"agencies/{PANTRY}.yaml"
    added = files / "agencies/alder-second-pantry.yaml"
    added.write_text(
        own.read_text()
        .replace(f"id: {PANTRY}", "id: alder-second-pantry")
        .replace("name: Alder Community Pantry", "name: Alder Second Pantry")
    )
    assert "Alder Second Pantry" in _answers(files, ["show", "alder-second-pantry"], run, capsys)
    assert "Alder Second Pantry" in _answers(files, ["agencies", "--service", "food"], run, capsys)
    renamed = files / "agencies/alder-third-pantry.yaml"
    added.rename(renamed)
    _edit(renamed, "id: alder-second-pantry", "id: alder-third-pantry")
    assert "alder-third-pantry" in _answers(files, ["agencies", "--service", "food"], run, capsys)
    assert not hotpath.answer(["show", "alder-second-pantry", "--data", str(files)])
    renamed.unlink()
    listing = _answers(files, ["agencies", "--service", "food"], run, capsys)
    assert "alder-third-pantry" not in listing and "Alder Second Pantry" not in listing
    assert not hotpath.answer(["show", "alder-third-pantry", "--data", str(files)])
    assert capsys.readouterr() == ("", "")
