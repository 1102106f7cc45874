"""The watcher says `unknown` whenever it cannot account for every change file by file, and
vouches again only after checking everything by stat; its refusals are one plain line."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog import cachekey, watch, watchclient
from referral_cli.catalog.cache import store
from referral_cli.catalog.cachekey import Key
from referral_cli.vetting.rules import RULES, load_catalog
from tests.test_watch import cached

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux")

Run = Callable[..., Result]
PANTRY = "agencies/alder-community-pantry.yaml"


@pytest.fixture
def files(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example catalog in the files layout, cached (see test_watch.cached)."""
    with cached(data_copy, monkeypatch) as root:
        yield root.resolve()


@pytest.fixture
def watcher(files: Path) -> Iterator[watch.Watcher]:
    """A watcher that has checked the catalog (no socket: questions are asked directly)."""
    found = watch.Watcher(files, RULES)
    assert found.recheck()
    yield found
    found.close()


def ask(watcher: watch.Watcher) -> bytes:
    return watcher.answer(watchclient.request(watcher.root))


def current(watcher: watch.Watcher) -> bytes:
    return f"current {watcher.token}\n".encode()


def test_an_untouched_catalog_is_vouched_for_with_the_token_in_the_cache(
    watcher: watch.Watcher,
) -> None:
    assert ask(watcher) == current(watcher)
    with sqlite3.connect(cachekey.cache_path(watcher.root)) as db:
        (token,) = db.execute("SELECT value FROM meta WHERE name = 'watcher'").fetchone()
    assert watchclient.parse_reply(ask(watcher)) == token


def test_a_question_about_another_catalog_is_unknown(
    watcher: watch.Watcher, tmp_path: Path
) -> None:
    assert watcher.answer(watchclient.request(tmp_path)) == watch.UNKNOWN
    assert watcher.answer(b"sync\n") == watch.UNKNOWN
    assert ask(watcher) == current(watcher)  # and the watcher still trusts the cache


def test_lost_events_are_unknown_until_checked_again(watcher: watch.Watcher) -> None:
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    one, other = watcher.root / PANTRY, watcher.root / "agencies/alder-county-youth-harbor.yaml"
    for n in range(limit // 2 + 10):  # alternating, so the kernel cannot merge them
        os.utime(one, ns=(n, n))
        os.utime(other, ns=(n, n))
    assert ask(watcher) == watch.UNKNOWN
    assert watcher.token is None and watcher.dirty
    watcher.settle(pytest.fail)  # checks everything by stat (and re-reads what changed)
    assert ask(watcher) == current(watcher)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "services.yaml").write_text((root / "services.yaml").read_text()),
        lambda root: (root / "agencies.yaml").touch(),
        lambda root: (root / "vettings").rename(root / "vettings-old"),
        lambda root: (root / "agencies").chmod(0o750),
        lambda root: (root / "agencies/folder.yaml").mkdir(),
    ],
    ids=["services.yaml", "agencies.yaml", "vettings moved", "agencies folder", "folder.yaml"],
)
def test_changes_it_cannot_follow_file_by_file_are_unknown(
    watcher: watch.Watcher, change: Callable[[Path], object]
) -> None:
    change(watcher.root)
    assert ask(watcher) == watch.UNKNOWN
    assert ask(watcher) == watch.UNKNOWN  # until it has checked everything again


def test_a_catalog_folder_moved_away_and_replaced_is_unknown(
    watcher: watch.Watcher, tmp_path: Path
) -> None:
    root = watcher.root
    root.rename(tmp_path / "moved")
    shutil.copytree(tmp_path / "moved", root)
    assert ask(watcher) == watch.UNKNOWN


def test_an_edit_the_update_declines_is_unknown_then_fixed(watcher: watch.Watcher) -> None:
    pantry = watcher.root / PANTRY
    good = pantry.read_text()
    pantry.write_text(good + "services: [\n")
    assert ask(watcher) == watch.UNKNOWN
    problems: list[str] = []
    watcher.settle(problems.append)
    assert problems == [
        "The catalog has problems (see: referral catalog validate); warm commands check each"
        " file until they are fixed."
    ]
    assert ask(watcher) == watch.UNKNOWN
    pantry.write_text(good)
    assert ask(watcher) == watch.UNKNOWN  # it notices the fix, and checks again
    watcher.settle(pytest.fail)
    assert ask(watcher) == current(watcher)


def test_a_cache_rebuilt_meanwhile_is_not_vouched_for(watcher: watch.Watcher) -> None:
    root = watcher.root
    store(load_catalog(root), Key(root), {}, [])  # another process rebuilt it: no token in it
    assert ask(watcher) == watch.UNKNOWN


def test_a_hard_linked_agency_file_stops_the_watcher(watcher: watch.Watcher) -> None:
    os.link(watcher.root / PANTRY, watcher.root / "pantry-elsewhere.yaml")
    (watcher.root / PANTRY).touch()
    assert ask(watcher) == watch.UNKNOWN
    with pytest.raises(watch.ReferralError, match=f"^{PANTRY} is a link"):
        watcher.settle(pytest.fail)


def test_a_removed_vetting_and_an_added_one_are_applied(watcher: watch.Watcher) -> None:
    vettings = sorted((watcher.root / "vettings").iterdir())
    moved = vettings[0].read_text()
    vettings[0].unlink()
    assert ask(watcher) == current(watcher)
    vettings[0].write_text(moved)
    assert ask(watcher) == current(watcher)
    with sqlite3.connect(cachekey.cache_path(watcher.root)) as db:
        (count,) = db.execute("SELECT count(*) FROM file WHERE name LIKE 'vettings/%'").fetchone()
    assert count == len(vettings)


def test_on_other_systems_it_says_it_needs_linux(
    run: Run, monkeypatch: pytest.MonkeyPatch, data_copy: Path
) -> None:
    monkeypatch.setattr(watch.sys, "platform", "darwin")
    result = run("catalog", "watch", "--data", str(data_copy))
    assert result.exit_code == 1
    assert "needs Linux" in result.output


def test_a_socket_path_too_long_is_refused(
    run: Run, monkeypatch: pytest.MonkeyPatch, data_copy: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("REFERRAL_CACHE", str(tmp_path / ("c" * 120)))
    result = run("catalog", "watch", "--data", str(data_copy))
    assert result.exit_code == 1
    assert "too long for a Unix socket" in result.output
    assert "REFERRAL_CACHE" in result.output


MOUNTS = """\
22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
40 22 0:35 / /srv/shared rw,relatime shared:20 - nfs4 fs:/export rw,vers=4.2
41 40 253:1 / /srv/shared/local rw,relatime shared:21 - ext4 /dev/vdb rw
42 22 0:36 / /home/a\\040b rw,relatime shared:22 - fuse.sshfs host: rw
"""


@pytest.mark.parametrize(
    ("folder", "kind"),
    [
        ("/srv/shared/catalog", "nfs4"),
        ("/srv/shared", "nfs4"),
        ("/srv/shared/local/catalog", None),  # a local disk mounted inside the share
        ("/srv/sharedx/catalog", None),  # only a name that starts the same
        ("/home/a b/catalog", "fuse.sshfs"),
        ("/tmp/catalog", None),
    ],
)
def test_network_and_fuse_file_systems_are_refused(folder: str, kind: str | None) -> None:
    from referral_cli.catalog.watchfs import remote_type

    assert remote_type(Path(folder), MOUNTS) == kind


def test_a_catalog_on_a_network_file_system_is_refused_in_one_line(
    run: Run, monkeypatch: pytest.MonkeyPatch, data_copy: Path
) -> None:
    monkeypatch.setattr(watch, "remote_type", lambda root: "nfs4")
    result = run("catalog", "watch", "--data", str(data_copy))
    assert result.exit_code == 1
    assert "is on a nfs4 file system" in result.output
