"""The case-file store, pinned where mutation testing showed a change would pass unnoticed
(issue #21): what `referral sessions` reports, what a purge shreds and keeps, the lock a
purge holds, the files a vetting recorder creates, where the home folder is."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile import store
from referral_cli.casefile.files import atomic_write, create_new, home_dir, private_home
from referral_cli.casefile.records import Session
from referral_cli.casefile.store import (
    SessionInUse,
    load_session,
    lock_session,
    migrate_plaintext,
    purge_session,
    purge_sessions,
    save_session,
    session_exists,
    session_locks,
    session_path,
    sessions_dir,
    shred,
)
from referral_cli.errors import ReferralError
from tests.conftest import RealClock

Run = Callable[..., Result]
AT = dt.datetime(2026, 10, 1, 9, 0)


def _session(ref: str, updated: dt.datetime = AT) -> Session:
    return Session(reference=ref, worker="Sam", program="Outreach", created=AT, updated=updated)


def _save_at(real_clock: RealClock, ref: str, at: dt.datetime) -> None:
    """Save as if the real clock read `at` (saves stamp the real time)."""
    real_clock.set(at - dt.timedelta(seconds=1))
    save_session(_session(ref))


def _leftover(ref: str, pid: int = 4_000_000) -> Path:
    """A temp file a killed writer of `ref` left behind (named as atomic_write names it)."""
    path = sessions_dir() / f".{ref}.json.enc.{pid}.x1y2.tmp"
    path.write_bytes(b"half of a case file")
    return path


def _old(path: Path, days: int = 400) -> None:
    then = (AT - dt.timedelta(days=days)).timestamp()
    os.utime(path, (then, then))


# --- what `referral sessions` says about the other files in the folder ----------------------


def test_sessions_names_every_stray_file_and_only_those(run: Run, _private_home: Path) -> None:
    save_session(_session("AC-1"))
    folder = sessions_dir()
    (folder / "AC-2.json").write_text("{}")  # from before encryption
    (folder / "AC-3 (copy).json.enc").write_bytes(b"x")  # a sync conflict
    (folder / "old cases").mkdir()
    (folder / "notes.txt").write_text("x")
    (folder / "AC-5.json.enc.4000.x1y2.tmp").write_text("x")  # not hidden: not one of ours
    (folder / "AC-1.lock").write_text("")  # a lock nobody holds: not worth a word
    (folder / ".notes.tmp").write_text("x")  # hidden, but not named like our temp files
    (folder / ".AC-6.json.enc.abc.x1y2.tmp").write_text("x")  # no process id in it
    _leftover("AC-4")  # a killed writer's temp file: not a stray file
    result = run("sessions")
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("Unreadable: ")]
    assert said == [
        "Unreadable: .AC-6.json.enc.abc.x1y2.tmp: not a referral-cli file.",
        "Unreadable: .notes.tmp: not a referral-cli file.",
        "Unreadable: AC-2.json: plaintext from before encryption: run `referral init`.",
        "Unreadable: AC-3 (copy).json.enc: not named like a case file (a copy, or a sync "
        "conflict?).",
        "Unreadable: AC-5.json.enc.4000.x1y2.tmp: not a referral-cli file.",
        "Unreadable: notes.txt: not a referral-cli file.",
        "Unreadable: old cases: a folder, not a case file.",
    ]
    assert "AC-1" in result.stdout


def test_a_stray_file_named_like_a_temp_file_still_blocks_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "shared"
    home.mkdir(mode=0o755)
    (home / "report.1.final.tmp").write_text("someone else's")  # no leading dot: not ours
    monkeypatch.setenv("REFERRAL_HOME", str(home))
    with pytest.raises(ReferralError, match=r"holds other files \(report.1.final.tmp\)"):
        private_home()
    assert home.stat().st_mode & 0o777 == 0o755  # refused, never chmod'ed


def test_the_home_folder_defaults_to_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README: without REFERRAL_HOME case files live in the platform's user data folder."""
    monkeypatch.delenv("REFERRAL_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform == "linux":
        assert home_dir() == tmp_path / "xdg" / "referral-cli"
    assert home_dir().name == "referral-cli"


# --- purge: what is shredded, what is kept ----------------------------------------------------


def test_purging_one_case_shreds_its_leftovers_and_no_others(_private_home: Path) -> None:
    save_session(_session("AC-1"))
    save_session(_session("AC-2"))
    mine, theirs = _leftover("AC-1"), _leftover("AC-2")
    assert purge_session("AC-1") is True
    assert not mine.exists() and theirs.exists()
    assert session_exists("AC-2")


def test_a_case_changed_exactly_at_the_cutoff_is_kept(_private_home: Path) -> None:
    save_session(_session("AC-1"))
    changed = load_session("AC-1").updated
    assert purge_sessions(older_than=changed) == ([], [])
    assert purge_sessions(older_than=changed + dt.timedelta(microseconds=1)) == (["AC-1"], [])


def test_purge_with_a_cutoff_shreds_old_copies_and_keeps_recent_ones(
    _private_home: Path, real_clock: RealClock
) -> None:
    _save_at(real_clock, "AC-2", AT)
    folder = sessions_dir()
    old_copy, new_copy = folder / "AC-1 (old).json.enc", folder / "AC-1 (new).json.enc"
    old_copy.write_bytes(b"copy")
    new_copy.write_bytes(b"copy")
    _old(old_copy)
    (folder / "AC-0 (a folder).json.enc").mkdir()  # named like a copy, but not a file
    gone, copies = purge_sessions(older_than=AT - dt.timedelta(days=30))
    assert (gone, copies) == ([], ["AC-1 (old).json.enc"])
    assert not old_copy.exists() and new_copy.exists() and session_exists("AC-2")
    # copies sort before the cases: purging them never stops the purge of the cases after
    assert purge_sessions() == (["AC-2"], ["AC-1 (new).json.enc"])
    assert [p.name for p in folder.iterdir()] == ["AC-0 (a folder).json.enc"]


def test_purge_shreds_what_killed_first_saves_left_even_past_other_leftovers(
    _private_home: Path,
) -> None:
    """A writer killed during a case's first save leaves a temp file and no case file."""
    stray = sessions_dir() / ".AAA.json.enc.4000000.x1y2.tmp"  # not a case name: left alone
    stray.write_bytes(b"x")
    first, second = _leftover("AC-1"), _leftover("AC-2")
    assert purge_sessions() == ([], [])
    assert not first.exists() and not second.exists()
    assert sorted(p.name for p in sessions_dir().iterdir()) == [stray.name]  # no lock left


def test_purge_is_marked_brief_in_its_lock(
    _private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another terminal that meets a purge's lock waits a moment instead of refusing: the
    purge says so in the lock file, for the case itself and for a sweep of leftovers."""
    save_session(_session("AC-1"))
    _leftover("AC-1")
    _leftover("AC-2")  # no case file: only the sweep sees it
    seen: dict[str, object] = {}
    real_shred = store.shred

    def looking_shred(path: Path) -> bool:
        ref = path.name.lstrip(".").split(".json.enc")[0]
        seen[path.name] = json.loads((sessions_dir() / f"{ref}.lock").read_text()).get("brief")
        return real_shred(path)

    monkeypatch.setattr(store, "shred", looking_shred)
    assert purge_sessions() == (["AC-1"], [])
    assert len(seen) == 3 and set(seen.values()) == {True}, seen


def test_a_cases_own_lock_is_not_brief(_private_home: Path) -> None:
    """A command working on a case says who holds it, and is not mistaken for a purge (which
    another terminal would wait out, then refuse 5 s later instead of at once)."""
    with session_locks():
        lock_session("AC-1")
        assert set(json.loads((sessions_dir() / "AC-1.lock").read_text())) == {"pid", "since"}


def test_migrated_sessions_keep_their_last_change_time(_private_home: Path) -> None:
    """Encrypting a pre-encryption session must not restart its retention period."""
    (sessions_dir() / "AC-7.json").write_text(_session("AC-7", AT).model_dump_json())
    assert migrate_plaintext() == (["AC-7"], [])
    assert load_session("AC-7").updated == AT


# --- shred -------------------------------------------------------------------------------------


def test_shred_overwrites_every_byte_even_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []
    real_write = os.write

    def counting_write(fd: int, data: bytes) -> int:
        written.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counting_write)
    for size in (1, 65_537):
        victim = tmp_path / f"case-{size}"
        victim.write_bytes(b"S" * size)
        written.clear()
        assert shred(victim) is True
        assert sum(written) == size


def test_shred_deletes_a_file_it_may_not_write_without_touching_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a normal user (the suite may run as root, who can write anything): a read-only
    file is still deleted, and nothing is written or closed in its place."""
    stuck = tmp_path / "read-only"
    stuck.write_bytes(b"secret")
    real_open, touched = os.open, []

    def refusing_open(path: str | Path, flags: int, *args: int) -> int:
        if Path(path) == stuck:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    def recorded(name: str) -> Callable[..., object]:
        real = getattr(os, name)

        def call(fd: int, *args: object) -> object:
            touched.append((name, fd))
            return real(fd, *args)

        return call

    monkeypatch.setattr(os, "open", refusing_open)
    for name in ("fstat", "write", "close"):
        monkeypatch.setattr(os, name, recorded(name))
    assert shred(stuck) is True and not stuck.exists()
    assert [name for name, _ in touched] == ["close"], touched  # the folder's, after its fsync


def test_shred_of_a_file_deleted_meanwhile_says_it_did_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "case"
    victim.write_bytes(b"S" * 10)
    real_unlink = Path.unlink

    def raced(self: Path, missing_ok: bool = False) -> None:
        real_unlink(self)  # someone else deleted it between the overwrite and our unlink
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(Path, "unlink", raced)
    assert shred(victim) is False


# --- a vetting file is created, never replaced ----------------------------------------------


def test_create_new_writes_a_whole_file_once_and_never_replaces_one(tmp_path: Path) -> None:
    target = tmp_path / "vettings" / "harbor--2026-11-23.yaml"
    create_new(target, b"first\n", mode=0o644)
    assert target.read_bytes() == b"first\n"
    assert target.stat().st_mode & 0o777 == 0o644  # vetting files are shared, not private
    assert target.parent.stat().st_mode & 0o777 == 0o755
    with pytest.raises(FileExistsError):
        create_new(target, b"second\n", mode=0o644)
    assert target.read_bytes() == b"first\n"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left
    private = tmp_path / "private" / "x.bin"
    create_new(private, b"x")
    assert private.stat().st_mode & 0o777 == 0o600
    assert private.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
def test_create_new_syncs_the_data_and_then_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync, real_link = os.fsync, os.link

    def fsync(fd: int) -> None:
        path = Path(f"/proc/self/fd/{fd}").readlink()
        synced.append("dir" if path.is_dir() else "temp" if path.name.endswith(".tmp") else "?")
        real_fsync(fd)

    def link(src: str | Path, dst: str | Path) -> None:
        synced.append("link")
        real_link(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "link", link)
    create_new(tmp_path / "v" / "a.yaml", b"x", mode=0o644)
    assert synced == ["temp", "link", "dir"]


# --- a lock held by a live process -----------------------------------------------------------

HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0)
os.pwrite(fd, sys.argv[2].encode(), 0)
print("locked", flush=True)
time.sleep(60)
"""


@pytest.fixture
def held() -> Iterator[Callable[[str, str], None]]:
    procs: list[subprocess.Popen[str]] = []

    def hold(ref: str, content: str) -> None:
        lock = sessions_dir() / f"{ref}.lock"
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(lock), content], stdout=subprocess.PIPE, text=True
        )
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"

    yield hold
    for proc in procs:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("content", ["not json", "[1, 2]"])
def test_a_lock_of_unknown_content_is_refused_at_once(
    _private_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    held: Callable[[str, str], None],
    content: str,
) -> None:
    import time

    save_session(_session("AC-1"))
    held("AC-1", content)
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    with pytest.raises(SessionInUse, match="Session AC-1 is in use by another referral process"):
        save_session(_session("AC-1"))
    assert waits == []  # only a purge's lock is waited for


def test_a_purge_skips_a_held_case_and_still_sweeps_the_others_leftovers(
    _private_home: Path, held: Callable[[str, str], None]
) -> None:
    held_left, free_left = _leftover("AC-1"), _leftover("AC-2")
    held("AC-1", json.dumps({"pid": 1, "since": "2026-01-01T00:00:00"}))
    assert purge_sessions() == ([], [])
    assert held_left.exists()  # its writer may still be running
    assert not free_left.exists()
    assert not (sessions_dir() / "AC-2.lock").exists()


# --- damaged or odd case files, as `referral sessions` shows them ----------------------------


def _encrypted(ref_label: str, body: bytes) -> bytes:
    from referral_cli.casefile import crypto

    return crypto.encrypt(crypto.data_key(), body, ref_label)


def test_sessions_says_why_each_damaged_case_cannot_be_read(run: Run, _private_home: Path) -> None:
    folder = sessions_dir()
    other = _session("AC-1").model_dump_json().encode()
    (folder / "AC-2.json.enc").write_bytes(_encrypted("AC-2", other))  # right key, other case
    (folder / "AC-3.json.enc").write_bytes(_encrypted("AC-3", b'{"reference": "AC-3"}'))
    (folder / "AC-4.json.enc").write_bytes(b"RCE1" + bytes(40))  # not from this key
    save_session(_session("AC-5"))
    result = run("sessions")
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("Unreadable: ")]
    assert said[0] == "Unreadable: AC-2.json.enc: holds another case (AC-1)."
    assert said[1].startswith("Unreadable: AC-3.json.enc: is damaged and cannot be read (")
    assert said[1].endswith(" errors).") and ".." not in said[1]
    assert said[2] == (
        "Unreadable: AC-4.json.enc: cannot be decrypted with this key (damaged or not this case)."
    )
    assert len(said) == 3 and "AC-5" in result.stdout
    with pytest.raises(ReferralError, match=r"AC-2.json.enc holds another case \(AC-1\)\.$"):
        load_session("AC-2")


def test_a_case_purged_while_the_list_is_read_does_not_hide_the_others(
    _private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for ref in ("AC-1", "AC-2", "AC-3"):
        save_session(_session(ref))
    gone = session_path("AC-1")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == gone:
            raise FileNotFoundError(2, "No such file or directory")  # purged a moment ago
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    found, odd = store.scan_sessions()
    assert sorted(s.reference for s in found) == ["AC-2", "AC-3"] and odd == []


# --- folders and file systems --------------------------------------------------------------


def test_a_folder_owned_by_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "theirs"
    home.mkdir()
    monkeypatch.setenv("REFERRAL_HOME", str(home))
    monkeypatch.setattr(os, "getuid", lambda: home.stat().st_uid + 1)
    with pytest.raises(ReferralError) as caught:
        private_home()
    assert str(caught.value) == (
        f"{home} holds another user's; case files need a folder of their own. "
        "Set REFERRAL_HOME to a new or empty folder."
    )


def test_saving_works_where_folders_cannot_be_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems (network shares, some FUSE mounts) refuse fsync on a folder."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "cases" / "AC-1.bin"
    atomic_write(target, b"saved")
    assert target.read_bytes() == b"saved"


def test_a_folder_made_by_another_writer_at_the_same_moment_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_mkdir = Path.mkdir

    def racing_mkdir(self: Path, mode: int = 0o777, *args: object, **kwargs: object) -> None:
        real_mkdir(self, mode)  # the other writer wins the race...
        real_mkdir(self, mode)  # ...so ours finds it there

    monkeypatch.setattr(Path, "mkdir", racing_mkdir)
    target = tmp_path / "new" / "harbor.yaml"
    create_new(target, b"x", mode=0o644)
    assert target.read_bytes() == b"x"


@pytest.mark.parametrize(
    ("names", "shown"),
    [(["a.txt", "b.txt", "c.txt"], "a.txt, b.txt, c.txt"), (["a", "b", "c", "d"], "a, b, c, ...")],
)
def test_a_folder_of_other_files_is_refused_naming_the_first_three(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str], shown: str
) -> None:
    home = tmp_path / "Documents"
    home.mkdir()
    for name in names:
        (home / name).write_text("not ours")
    monkeypatch.setenv("REFERRAL_HOME", str(home))
    with pytest.raises(ReferralError) as caught:
        private_home()
    assert str(caught.value) == (
        f"{home} holds other files ({shown}); case files need a folder of their own. "
        "Set REFERRAL_HOME to a new or empty folder."
    )


def test_every_byte_is_on_disk_when_the_data_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fsync covers only what reached the file: bytes still in Python's buffer at that
    moment would be lost by a power cut after the rename."""
    sizes: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            sizes.append(os.fstat(fd).st_size)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write(tmp_path / "case.bin", b"a small case file")  # well under one buffer
    create_new(tmp_path / "v.yaml", b"a vetting", mode=0o644)
    assert sizes == [len(b"a small case file"), len(b"a vetting")]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
def test_shred_syncs_the_overwrite_itself_and_closes_it_before_unlinking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the file's own fsync the random bytes may never reach the disk (the unlink
    would win); without the close, every purged case would leak a descriptor."""
    victim = tmp_path / "AC-1.json.enc"
    victim.write_bytes(b"S" * 5000)
    events: list[str] = []
    real_fsync, real_unlink = os.fsync, Path.unlink

    def fsync(fd: int) -> None:
        events.append("fsync " + Path(f"/proc/self/fd/{fd}").readlink().name)
        real_fsync(fd)

    def unlink(self: Path, missing_ok: bool = False) -> None:
        open_now = set()
        for fd in list(Path("/proc/self/fd").iterdir()):
            with contextlib.suppress(OSError):
                open_now.add(fd.readlink().name)
        events.append("unlink, still open" if self.name in open_now else "unlink")
        real_unlink(self, missing_ok)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "unlink", unlink)
    assert shred(victim) is True
    assert events == ["fsync AC-1.json.enc", "unlink", f"fsync {tmp_path.name}"]


def test_retention_purges_the_other_due_cases_past_one_held_open(
    _private_home: Path, real_clock: RealClock, held: Callable[[str, str], None]
) -> None:
    """A case open in another terminal waits for the next command; the others are deleted
    on the day they fall due, not whenever that terminal closes."""
    from referral_cli.casefile import retention

    retention.set_retention_days(1)
    for ref, day in (("AC-1", 1), ("AC-2", 2)):  # AC-2, the newer, is listed first
        real_clock.set(AT + dt.timedelta(days=day))
        save_session(_session(ref).model_copy(update={"finished": True}))
    held("AC-2", json.dumps({"pid": 1, "since": "2026-10-01T09:00:00"}))
    assert retention.apply(AT.date() + dt.timedelta(days=30)) == ["AC-1"]
    assert session_exists("AC-2") and not session_exists("AC-1")
