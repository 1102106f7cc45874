"""Case files survive power loss, and what is deleted is gone: observed, not assumed.

A write is durable only if the data reaches the disk before the rename makes it visible, and
the rename is made durable by syncing the folder afterwards. The file system calls are
recorded in order here, so a missing or misplaced fsync fails a test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile import retention
from referral_cli.casefile.files import atomic_write, atomic_write_text, private_dir
from referral_cli.casefile.records import Session
from referral_cli.casefile.store import (
    SessionInUse,
    check_reference,
    list_sessions,
    load_session,
    lock_session,
    purge_session,
    purge_sessions,
    save_session,
    session_exists,
    session_locks,
    session_path,
    sessions_dir,
    shred,
)
from referral_cli.errors import NotFoundError, ReferralError

Run = Callable[..., Result]
AT = dt.datetime(2026, 10, 1, 9, 0)


def _session(ref: str, updated: dt.datetime = AT, **changes: object) -> Session:
    base = Session(reference=ref, worker="Sam", program="Outreach", created=AT, updated=updated)
    return base.model_copy(update=changes)


def real_day(at: dt.datetime) -> None:
    """Move the (pinned) real clock: retention runs on the real date only."""
    from referral_cli import clock

    clock.real_now.set(at)  # type: ignore[attr-defined]


def _save(session: Session) -> None:
    """Save as if the real clock read the session's `updated`: saves stamp the real time."""
    from referral_cli import clock

    clock.real_now.set(session.updated - dt.timedelta(seconds=1))  # type: ignore[attr-defined]
    save_session(session)


class Recorder:
    """Records fsync, replace and write calls in order, with what each touched."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, str]] = []
        self.renames: list[tuple[Path, Path]] = []
        real_fsync, real_replace, real_write = os.fsync, os.replace, os.write

        def fsync(fd: int) -> None:
            self.calls.append(("fsync", self._name(fd)))
            real_fsync(fd)

        def replace(src: str | Path, dst: str | Path) -> None:
            self.calls.append(("replace", f"{Path(src).name}->{Path(dst).name}"))
            self.renames.append((Path(src), Path(dst)))
            real_replace(src, dst)

        def write(fd: int, data: bytes) -> int:
            self.calls.append(("write", self._name(fd)))
            return real_write(fd, data)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "write", write)

    @staticmethod
    def _name(fd: int) -> str:
        path = Path(f"/proc/self/fd/{fd}").readlink()
        return "dir:" + path.name if path.is_dir() else path.name

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.calls]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
def test_atomic_write_syncs_data_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "folder" / "case.bin"
    rec = Recorder(monkeypatch)
    atomic_write(target, b"new content")
    fsyncs = [(i, what) for i, (kind, what) in enumerate(rec.calls) if kind == "fsync"]
    renames = [i for i, (kind, _) in enumerate(rec.calls) if kind == "replace"]
    assert len(renames) == 1, rec.calls
    rename = renames[0]
    tmp_name = rec.calls[rename][1].split("->")[0]
    assert rec.calls[rename][1] == f"{tmp_name}->case.bin"
    assert tmp_name.startswith(".case.bin.") and tmp_name.endswith(".tmp")  # hidden
    assert rec.renames[0][0].parent == target.parent  # same folder: the rename is atomic
    before = [what for i, what in fsyncs if i < rename]
    after = [what for i, what in fsyncs if i > rename]
    assert before == [tmp_name], rec.calls  # the data itself, under its temporary name
    assert after == ["dir:folder"], rec.calls  # then the folder holding the new name
    assert target.read_bytes() == b"new content"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert list(target.parent.iterdir()) == [target]  # no temp file left behind


def test_atomic_write_keeps_the_old_content_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "cases" / "case.bin"
    atomic_write(target, b"old")

    def power_cut(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert list(target.parent.iterdir()) == [target]  # the half-written temp file is removed


def test_atomic_write_makes_missing_folders_and_keeps_a_mode(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "public.yaml"
    atomic_write_text(target, "é\n", mode=0o644)
    assert target.read_bytes() == "é\n".encode()
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_private_dir_tightens_an_existing_folder(tmp_path: Path) -> None:
    loose = tmp_path / "x" / "y"
    loose.mkdir(parents=True, mode=0o755)
    loose.chmod(0o755)
    assert private_dir(loose) == loose
    assert oct(loose.stat().st_mode & 0o777) == "0o700"
    fresh = private_dir(tmp_path / "new" / "deep")
    assert oct(fresh.stat().st_mode & 0o777) == "0o700"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
def test_shred_overwrites_and_syncs_before_unlinking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "case.json.enc"
    victim.write_bytes(b"S" * 70_000)  # more than one 64 KiB chunk
    seen: list[bytes] = []
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self == victim:
            seen.append(self.read_bytes())
        real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    rec = Recorder(monkeypatch)
    assert shred(victim) is True
    assert not victim.exists()
    assert len(seen) == 1 and len(seen[0]) == 70_000 and b"SSSS" not in seen[0]
    kinds = rec.kinds()
    assert kinds.count("write") >= 2 and kinds.index("fsync") > kinds.index("write")
    assert rec.calls[-1] == ("fsync", f"dir:{tmp_path.name}")  # the unlink made durable
    assert shred(victim) is False  # nothing there: nothing to do


def test_shred_of_an_empty_file_still_deletes_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert shred(empty) is True and not empty.exists()


def test_shred_deletes_a_file_it_cannot_open_for_writing(tmp_path: Path) -> None:
    stuck = tmp_path / "read-only"
    stuck.write_bytes(b"secret")
    stuck.chmod(0o400)
    if os.geteuid() == 0:
        pytest.skip("root can open any file for writing")
    assert shred(stuck) is True and not stuck.exists()


# --- the store: references, listing, purging ----------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "AC-19990101",  # YYYYMMDD
        "AC-01311999",  # MMDDYYYY
        "AC-31011999",  # DDMMYYYY
        "AC-20991231",
        "AC-19000101",
        "AC-21001231",
        "AC-123199",  # MMDDYY
        "AC-311299",  # DDMMYY
        "AC-991231",  # YYMMDD
        "AC-011299",
        "AC-120131",
        "AC-2009-03-14",
        "AC-03.14.2009",
        "AC-MAR14",
        "AC-sept5",
    ],
)
def test_references_that_read_as_dates_are_refused(ref: str) -> None:
    with pytest.raises(ReferralError, match="looks like a date"):
        check_reference(ref)


@pytest.mark.parametrize(
    "ref",
    [
        "AC-18991301",  # 8 digits, no valid date in any order
        "AC-21011399",
        "AC-99999999",
        "AC-133299",  # 6 digits: no month/day pair fits
        "AC-000000",
        "AC-4001",
        "AC-1",
        "ABC-12345",
        "A1B",
        "X" * 23 + "1",  # 24 characters: the longest allowed
    ],
)
def test_references_that_are_not_dates_are_kept(ref: str) -> None:
    assert check_reference(ref) == ref.upper()


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("Maria Lopez 1", "looks like a person's name"),
        ("maria lopez 1", "is not a case reference"),
        ("Maria 12", "is not a case reference"),
        ("X" * 24 + "1", "is not a case reference"),  # 25 characters
        ("A1", "is not a case reference"),
        ("MariaLopez1", "looks like a person's name"),
        ("ABC-DEF", "needs at least one digit"),
        ("  ", "is required"),
    ],
)
def test_references_refused_with_a_reason(ref: str, why: str) -> None:
    with pytest.raises(ReferralError, match=why):
        check_reference(ref)


def test_list_sessions_newest_first_skipping_damaged(_private_home: Path) -> None:
    for n, day in ((1, 3), (2, 9), (3, 5)):
        _save(_session(f"AC-{n}", AT + dt.timedelta(days=day)))
    (sessions_dir() / "AC-0.json.enc").write_bytes(b"RCE1" + b"\0" * 40)  # damaged, sorts first
    assert [s.reference for s in list_sessions()] == ["AC-2", "AC-3", "AC-1"]
    with pytest.raises(ReferralError, match="cannot be decrypted"):
        load_session("AC-0")
    with pytest.raises(NotFoundError, match="List them with: referral sessions"):
        load_session("AC-77")


def test_a_case_file_under_another_name_is_refused(_private_home: Path) -> None:
    save_session(_session("AC-1"))
    session_path("AC-1").rename(session_path("AC-2"))
    with pytest.raises(ReferralError) as caught:
        load_session("AC-2")
    assert "AC-2.json.enc" in str(caught.value)


def test_old_plaintext_file_says_to_run_init(_private_home: Path) -> None:
    (sessions_dir() / "AC-5.json").write_text(_session("AC-5").model_dump_json())
    with pytest.raises(ReferralError, match="run `referral init` to encrypt it"):
        load_session("AC-5")


def test_purge_older_than_keeps_the_boundary_and_shreds_leftovers(_private_home: Path) -> None:
    _save(_session("AC-1", AT))
    _save(_session("AC-2", AT + dt.timedelta(days=1)))
    damaged = sessions_dir() / "AC-3.json.enc"
    damaged.write_bytes(b"junk")
    old = (AT - dt.timedelta(days=30)).timestamp()
    os.utime(damaged, (old, old))  # a damaged file is judged by its age on disk
    leftover = sessions_dir() / ".AC-1.json.enc.4000000.abc.tmp"  # a killed writer's
    leftover.write_bytes(b"half a write")
    gone, copies = purge_sessions(older_than=AT + dt.timedelta(days=1))
    assert (gone, copies) == (["AC-1", "AC-3"], [])  # AC-2 changed exactly at the limit: kept
    assert session_exists("AC-2") and not session_exists("AC-1")
    assert not leftover.exists()
    assert purge_sessions() == (["AC-2"], [])
    assert purge_session("AC-2") is False
    events = [json.loads(line)["event"] for line in (_private_home / "audit.log").open()]
    assert events.count("purged") == 3


# --- retention ------------------------------------------------------------------------


def _closed(ref: str, updated: dt.datetime) -> Session:
    return _session(ref, updated, finished=True)


def test_retention_period_limits(_private_home: Path) -> None:
    assert retention.retention_days() == retention.DEFAULT_DAYS
    for days in (1, retention.MAX_DAYS):
        retention.set_retention_days(days)
        assert retention.retention_days() == days
    raw = json.loads(retention.settings_path().read_text())
    assert raw == {"retention_days": retention.MAX_DAYS}
    for bad in (0, retention.MAX_DAYS + 1):
        with pytest.raises(ReferralError, match=f"from 1 to {retention.MAX_DAYS}"):
            retention.set_retention_days(bad)
    retention.settings_path().write_text('{"retention_days": 0}')
    with pytest.raises(ReferralError, match=f"retention_days must be 1-{retention.MAX_DAYS}"):
        retention.retention_days()
    retention.settings_path().write_text("{}")
    with pytest.raises(ReferralError, match="is damaged"):
        retention.retention_days()


def test_retention_removes_closed_sessions_on_the_day_they_fall_due(
    _private_home: Path,
) -> None:
    retention.set_retention_days(10)
    _save(_closed("AC-1", AT))
    _save(_closed("AC-2", AT + dt.timedelta(days=1)))
    _save(_session("AC-3", AT - dt.timedelta(days=400)))  # a draft: never removed
    assert retention.apply(AT.date() + dt.timedelta(days=9)) == []
    assert retention.apply(AT.date() + dt.timedelta(days=10)) == ["AC-1"]
    assert [s.reference for s in list_sessions()] == ["AC-2", "AC-3"]
    events = [json.loads(line)["event"] for line in (_private_home / "audit.log").open()]
    assert events.count("purged-retention") == 1


def test_open_referral_keeps_a_finished_session(_private_home: Path) -> None:
    from referral_cli.casework.lifecycle import new_referral

    referral = new_referral("harbor", "Harbor", "requested", "Sam", AT)
    session = _closed("AC-1", AT).model_copy(update={"referrals": [referral]})
    assert retention.closed_on(session) is None
    done = referral.model_copy(update={"status": "completed"})
    closed = session.model_copy(update={"referrals": [referral, done]})
    assert retention.closed_on(closed) is None  # one still open is enough
    closed = session.model_copy(update={"referrals": [done]})
    assert retention.closed_on(closed) == AT.date()
    assert retention.due(closed, AT.date() + dt.timedelta(days=5), 5)
    assert not retention.due(closed, AT.date() + dt.timedelta(days=4), 5)


def test_startup_says_what_retention_removed(
    _private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retention.set_retention_days(1)
    _save(_closed("AC-1", AT))
    real_day(AT + dt.timedelta(days=1))
    assert retention.case_command_startup() == ["AC-1"]
    err = capsys.readouterr().err
    assert err.strip() == "Retention: deleted 1 closed session older than 1 days: AC-1."
    _save(_closed("AC-2", AT))
    _save(_closed("AC-3", AT))
    real_day(AT + dt.timedelta(days=2))
    assert retention.case_command_startup() == ["AC-2", "AC-3"]
    err = capsys.readouterr().err
    assert "deleted 2 closed sessions older than 1 days: AC-2, AC-3." in err
    real_day(AT + dt.timedelta(days=3))
    assert retention.case_command_startup() == []
    assert capsys.readouterr().err == ""


# --- locks: who holds a case, and what a stale lock says ------------------------------------

HOLDER = """
import fcntl, json, os, sys, time
path, since = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0)
os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": since}).encode(), 0)
print("locked", flush=True)
time.sleep(60)
"""


def _held_by_another(ref: str, since: str) -> subprocess.Popen[str]:
    lock = sessions_dir() / f"{ref}.lock"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock), since], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.parametrize("today", [True, False])
def test_a_held_case_names_the_holder_and_when(_private_home: Path, today: bool) -> None:
    since = dt.datetime.now().replace(hour=7, minute=5, second=0, microsecond=0)
    if not today:
        since -= dt.timedelta(days=3)
    save_session(_session("AC-1"))
    proc = _held_by_another("AC-1", since.isoformat())
    try:
        with pytest.raises(SessionInUse) as caught:
            save_session(_session("AC-1", worker="Someone else"))
        when = "07:05" if today else since.strftime("%Y-%m-%d 07:05")
        assert str(caught.value) == (
            f"Session AC-1 is in use since {when} by another referral process (pid {proc.pid})."
        )
        save_session(_session("AC-2"))
        assert purge_sessions() == (["AC-2"], [])  # the held case is left alone, the rest go
    finally:
        proc.kill()
        proc.wait()
    assert load_session("AC-1").worker == "Sam"  # the refused save changed nothing


@pytest.mark.parametrize(
    ("left", "note"),
    [
        ('{"pid": 999999999, "since": "2026-01-01T00:00:00"}', True),
        ("not json", False),
        ('{"since": "x"}', False),
        ('{"pid": null}', False),
    ],
)
def test_a_stale_lock_is_taken_over(
    _private_home: Path, capsys: pytest.CaptureFixture[str], left: str, note: bool
) -> None:
    (sessions_dir() / "AC-1.lock").write_text(left)
    save_session(_session("AC-1"))
    err = capsys.readouterr().err
    said = "AC-1 was left locked by pid 999999999, which is no longer running"
    assert (said in err) is note
    assert not (sessions_dir() / "AC-1.lock").exists()  # released after the save


def test_the_lock_names_this_process_while_held(_private_home: Path) -> None:
    with session_locks():
        lock_session("AC-1")
        lock = sessions_dir() / "AC-1.lock"
        mine = json.loads(lock.read_text())
        assert mine["pid"] == os.getpid()
        assert "." not in mine["since"] and dt.datetime.fromisoformat(mine["since"])
        assert oct(lock.stat().st_mode & 0o777) == "0o600"
    assert not lock.exists()
    save_session(_session("AC-1"))
    assert purge_session("AC-1") is True
    assert list(sessions_dir().iterdir()) == []  # no lock file left behind either


def test_plaintext_sessions_are_encrypted_and_logged(_private_home: Path) -> None:
    from referral_cli.casefile.store import migrate_plaintext

    folder = sessions_dir()
    (folder / "AC-1.json").write_text(_session("AC-2").model_dump_json())  # wrong name
    (folder / "AC-3.json").write_text(_session("AC-3").model_dump_json())
    (folder / "AC-4.json").write_text("{broken")
    assert migrate_plaintext() == (["AC-3"], ["AC-1.json", "AC-4.json"])
    assert load_session("AC-3").reference == "AC-3"
    assert not (folder / "AC-3.json").exists() and (folder / "AC-1.json").exists()
    lines = [json.loads(line) for line in (_private_home / "audit.log").open()]
    migrated = [line for line in lines if line["event"] == "migrated"]
    assert len(migrated) == 1 and migrated[0]["case"].startswith("case-")
