"""With `referral catalog watch` running on a catalog kept in one agencies.yaml, an edit there is
spliced into the cache by the watcher, and the next warm `show` asks it instead of comparing the
file itself; without the watcher, the command does that work and answers the same.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from referral_cli.commands import hotpath
from tests.test_watch import cached, edit, referral, watcher

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux")

PANTRY = "alder-community-pantry"


@pytest.fixture
def single(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example catalog (one agencies.yaml), cached (see test_watch.cached)."""
    with cached(data_copy, monkeypatch, split=False) as root:
        yield root


def test_show_after_an_edit_of_agencies_yaml_is_answered_from_the_watchers_splice(
    single: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spliced_here: list[Path] = []
    monkeypatch.setattr(
        "referral_cli.catalog.update.refresh_agencies_file",
        lambda root, rules: spliced_here.append(root) or False,
    )
    agencies = single / "agencies.yaml"
    with watcher(single):
        edit(agencies, "name: Alder Community Pantry", "name: Alder Pantry Renamed")
        assert hotpath.answer(["show", PANTRY, "--data", str(single)])
        assert "Alder Pantry Renamed" in capsys.readouterr().out
        edit(agencies, "name: Alder Pantry Renamed", "name: Alder Pantry Twice")
        assert hotpath.answer(["show", PANTRY, "--data", str(single)])
        assert "Alder Pantry Twice" in capsys.readouterr().out
    assert spliced_here == []  # the watcher spliced both edits in, not this command
    edit(agencies, "name: Alder Pantry Twice", "name: Alder Pantry Again")
    by_user = referral("show", PANTRY, "--data", str(single))
    assert by_user.returncode == 0 and "Alder Pantry Again" in by_user.stdout  # no watcher


def test_an_edit_that_breaks_agencies_yaml_is_not_vouched_for(
    single: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agencies = single / "agencies.yaml"
    with watcher(single):
        edit(agencies, "id: alder-community-pantry", "id: Not An Id!")
        assert not hotpath.answer(["show", PANTRY, "--data", str(single)])
        by_user = referral("show", PANTRY, "--data", str(single))
    assert by_user.returncode == 1 and "agencies.yaml" in by_user.stderr
    assert "Traceback" not in by_user.stderr
