"""Issue #14, cases 1-8: no date, clock, restore or race may re-open a revoked consent or lose
a case. Each test is one numbered case, tried as the issue's attacker tried it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile.store import (
    load_session,
    lock_session,
    save_session,
    session_locks,
    session_path,
)
from tests.conftest import RealClock

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "docs" / "answers-example.yaml")
AGENCY = "alder-county-youth-harbor"
SHARED = "Emergency shelter"  # an item the example's release shares with AGENCY
Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _training_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


@pytest.fixture
def case(run: Run) -> str:
    """AC-2041 from the example answers: a release to AGENCY given 2026-11-23, until 12-23."""
    result = run("start", "--answers", EXAMPLE, "--no-input")
    assert result.exit_code == 0, result.output
    return "AC-2041"


def _closed(run: Run) -> None:
    result = run("status", "AC-2041", "cancelled", "--note", "youth moved away")
    assert result.exit_code == 0, result.output


def _agency_copy(run: Run, *args: str) -> Result:
    return run("summary", "AC-2041", "--for", AGENCY, *args)


# --- 1. a future-dated revocation ------------------------------------------------------


def test_1_a_future_revocation_is_refused_and_a_stale_one_never_blocks_today(
    run: Run, case: str
) -> None:
    result = run("consent", "revoke", case, AGENCY, "--on", "2062-12-01")
    assert result.exit_code == 1
    assert "--on 2062-12-01 is in the future" in result.output
    assert SHARED in _agency_copy(run).output  # nothing was recorded
    # A file from before this rule, holding a revocation dated 2062:
    with session_locks():
        session = load_session(lock_session(case))
        session.releases[0].revoked = dt.date(2062, 12, 1)
        save_session(session)
    assert SHARED not in _agency_copy(run).output  # a recorded revocation counts at once
    result = run("consent", "revoke", case, AGENCY)
    assert result.exit_code == 0 and "revoked on 2026-11-23" in result.output
    assert load_session(case).releases[0].revoked == dt.date(2026, 11, 23)
    assert load_session(case).updated.year == 2026
    again = run("consent", "revoke", case, AGENCY)
    assert "already revoked on 2026-11-23" in again.output


def test_1_a_later_date_never_moves_a_revocation_later(run: Run, case: str) -> None:
    assert run("consent", "revoke", case, AGENCY, "--on", "2026-11-20").exit_code == 0
    result = run("consent", "revoke", case, AGENCY, "--on", "2026-11-22")
    assert "already revoked on 2026-11-20" in result.output
    assert run("consent", "revoke", case, AGENCY, "--on", "2026-11-19").exit_code == 0
    assert load_session(case).releases[0].revoked == dt.date(2026, 11, 19)


# --- 2. a backdated revocation -----------------------------------------------------------


def test_2_a_backdated_revocation_is_recorded_as_typed_but_deletes_nothing(
    run: Run, case: str, real_clock: RealClock
) -> None:
    _closed(run)
    long_ago = (dt.date(2026, 11, 23) - dt.timedelta(days=200)).isoformat()
    result = run("consent", "revoke", case, AGENCY, "--on", long_ago)
    assert result.exit_code == 0, result.output
    session = load_session(case)
    assert session.releases[0].revoked == dt.date.fromisoformat(long_ago)
    assert session.updated.date() == dt.date(2026, 11, 23)  # the real day of the change
    listed = run("sessions")
    assert "Retention" not in listed.output and case in listed.output
    # Retention still runs, from the real last change: 90 real days later.
    real_clock.set(dt.datetime(2027, 2, 22, 9, 0))
    assert "Retention: deleted 1 closed session" in run("sessions").output


# --- 3. the clock ------------------------------------------------------------------------


def test_3_no_date_typed_reopens_a_revoked_consent(
    run: Run, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("consent", "revoke", case, AGENCY).exit_code == 0
    before = _agency_copy(run, "--today", "2026-11-22", "-f", "json").output
    assert SHARED not in before and '"consent": "revoked"' in before
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")
    for fmt in ("text", "markdown", "json"):
        assert SHARED not in _agency_copy(run, "-f", fmt).output


def test_3_an_expired_consent_stays_expired_whatever_today_says(
    run: Run, case: str, real_clock: RealClock
) -> None:
    real_clock.set(dt.datetime(2026, 12, 24, 9, 0))  # the release ended on 12-23
    out = _agency_copy(run, "--today", "2026-11-30").output
    assert "consent expired after 2026-12-23" in out and SHARED not in out


def test_3_a_future_today_deletes_nothing(run: Run, case: str) -> None:
    _closed(run)
    for args in (
        ["summary", case, "--today", "2030-01-01"],
        ["resume", case, "--today", "2030-01-01"],
        ["sessions"],
    ):
        assert "Retention" not in run(*args).output
    assert session_path(case).exists()
    result = run("purge", "--older-than", "30", "--yes")
    assert result.output.startswith("Deleted 0 sessions") and session_path(case).exists()


# --- 4. a restored older case file, and the ledger ---------------------------------------


def test_4_a_restored_older_case_file_does_not_reopen_consent(run: Run, case: str) -> None:
    backup = session_path(case).read_bytes()
    assert run("consent", "revoke", case, AGENCY, "--on", "2026-11-22").exit_code == 0
    session_path(case).write_bytes(backup)  # a backup or a sync conflict brings it back
    assert load_session(case).releases[0].revoked is None
    for fmt in ("text", "markdown", "json"):
        result = _agency_copy(run, "-f", fmt)
        assert result.exit_code == 0 and SHARED not in result.output
        assert "revoked" in result.output
        note = "the audit log records that consent to Alder County Youth Harbor was revoked on"
        assert f"{note} 2026-11-22" in result.output and "older copy restored?" in result.output
    mine = run("summary", case)  # the worker's own copy says so too
    assert mine.exit_code == 0 and "older copy restored?" in mine.output
    result = run("consent", "revoke", case, AGENCY)
    assert "already revoked on 2026-11-22" in result.output
    assert load_session(case).releases[0].revoked == dt.date(2026, 11, 22)  # put back


def _log_lines(home: Path) -> list[str]:
    return (home / "audit.log").read_text().splitlines()


@pytest.mark.parametrize("damage", ["delete", "edit", "truncate", "head"])
def test_4_a_damaged_ledger_shares_nothing_until_resealed(
    run: Run, case: str, _private_home: Path, tmp_path: Path, damage: str
) -> None:
    backup = session_path(case).read_bytes()
    assert run("consent", "revoke", case, AGENCY).exit_code == 0
    assert run("summary", case, "-o", str(tmp_path / "mine.md")).exit_code == 0  # one more line
    assert run("audit").exit_code == 0 and "damaged" not in run("audit").output
    session_path(case).write_bytes(backup)
    lines = _log_lines(_private_home)
    revocation = next(i for i, line in enumerate(lines) if "consent-revoked" in line)
    if damage == "delete":  # the revocation line removed from the middle
        del lines[revocation]
    elif damage == "edit":  # its agency or date changed
        entry = json.loads(lines[revocation])
        entry["on"] = "2026-12-31"
        lines[revocation] = json.dumps(entry, sort_keys=True)
    elif damage == "truncate":  # the tail cut off, revocation and all
        lines = lines[:revocation]
    if damage == "head":
        (_private_home / "audit.head").unlink()
    else:
        (_private_home / "audit.log").write_text("".join(f"{ln}\n" for ln in lines))
    result = _agency_copy(run)
    assert result.exit_code == 1 and SHARED not in result.output
    assert "The audit log" in result.output and "is damaged" in result.output
    assert "referral audit --reseal" in result.output and "Traceback" not in result.output
    assert "Warning: the audit log is damaged" in run("audit").output
    mine = run("summary", case)  # the worker's own copy is never shared: a warning only
    assert mine.exit_code == 0 and "Warning: The audit log" in mine.output
    resealed = run("audit", "--reseal")
    assert resealed.exit_code == 0 and "Resealed" in resealed.output
    after = _agency_copy(run).output
    assert "damaged" not in after
    if damage in ("edit", "head"):  # the revocation is still in the log, and still counts
        assert SHARED not in after
    assert "nothing to reseal" in run("audit", "--reseal").output


def test_4_the_ledger_holds_no_references_or_agency_ids(
    run: Run, case: str, _private_home: Path
) -> None:
    assert run("consent", "revoke", case, AGENCY).exit_code == 0
    text = (_private_home / "audit.log").read_text()
    assert case not in text and "harbor" not in text and "alder" not in text
    entry = json.loads(next(ln for ln in text.splitlines() if "consent-revoked" in ln))
    assert entry["agency"].startswith("agency-") and entry["on"] == "2026-11-23"


# --- 5. a purge racing a writer ----------------------------------------------------------

PURGER = """
import datetime as dt
from referral_cli.casefile.store import purge_sessions
print("purging", flush=True)
while True:
    purge_sessions(dt.datetime(2016, 1, 1))  # like purge --older-than 3650: deletes nothing
"""


@pytest.fixture
def purger() -> Iterator[Callable[[], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-c", PURGER], stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "purging"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def test_5_a_purge_racing_writes_loses_none(
    run: Run, case: str, purger: Callable[[], subprocess.Popen[str]]
) -> None:
    other = purger()
    for n in range(1, 81):  # bounded; fails on the first lost write
        with session_locks():
            session = load_session(lock_session(case))
            session.considerations.append(f"note {n}")
            save_session(session)
        assert other.poll() is None, "the purger died"
        assert load_session(case).considerations[-1] == f"note {n}", f"write {n} was lost"
    assert case in run("sessions").output


# --- 6. -o onto the tool's own files -------------------------------------------------------


def test_6_output_never_goes_into_the_data_or_cache_folder(
    run: Run, case: str, _private_home: Path, tmp_path: Path
) -> None:
    key = (_private_home / "key.json").read_bytes()
    kept = session_path(case).read_bytes()
    link = tmp_path / "innocent.md"
    link.symlink_to(_private_home / "key.json")
    cache = Path(os.environ["REFERRAL_CACHE"])
    cache.mkdir(parents=True, exist_ok=True)
    for target in (
        _private_home / "key.json",
        session_path(case),
        _private_home / "sessions" / "new.md",
        link,
        cache / "out.md",
    ):
        result = run("summary", case, "-o", str(target))
        assert result.exit_code == 1, target
        assert "inside the tool's" in result.output and "Wrote" not in result.output
    hsds = ROOT / "tests" / "fixtures" / "hsds-3.0" / "examples-json" / "organization_full.json"
    review = _private_home / "key.md"  # the import's --review list goes nowhere near them
    result = run("catalog", "import-hsds", str(hsds), "--dry-run", "--review", str(review))
    assert result.exit_code == 1 and "inside the tool's" in result.output
    assert (_private_home / "key.json").read_bytes() == key
    assert session_path(case).read_bytes() == kept and link.is_symlink()
    assert SHARED in run("summary", case).output


def test_6_folders_made_by_output_are_private_whatever_the_umask(
    run: Run, case: str, tmp_path: Path
) -> None:
    target = tmp_path / "exports" / "today" / "handoff.md"
    old = os.umask(0)
    try:
        assert run("summary", case, "-o", str(target)).exit_code == 0
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o600
    for folder in (target.parent, target.parent.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    # A folder gets a file named for the copy (issue #16), private like the others.
    assert run("summary", case, "-o", str(tmp_path)).exit_code == 0
    assert (tmp_path / f"{case}-worker.txt").stat().st_mode & 0o777 == 0o600


# --- 7. temp copies left by a killed writer -----------------------------------------------


def _killed_writer_copy(case: str, pid: int = 4_000_000) -> Path:
    """What a writer killed between write and rename leaves: an encrypted copy."""
    path = session_path(case)
    temp = path.with_name(f".{path.name}.{pid}.x1y2z3.tmp")
    temp.write_bytes(path.read_bytes())
    return temp


def test_7_purge_and_retention_remove_every_copy(
    run: Run, case: str, real_clock: RealClock
) -> None:
    temp = _killed_writer_copy(case)
    assert run("purge", case, "--yes").exit_code == 0
    assert not temp.exists() and not session_path(case).exists()
    assert run("start", "--answers", EXAMPLE, "--no-input").exit_code == 0
    _closed(run)
    temp = _killed_writer_copy(case)
    real_clock.set(dt.datetime(2027, 3, 1, 9, 0))
    assert "Retention: deleted 1 closed session" in run("sessions").output
    assert not temp.exists() and not list(session_path(case).parent.iterdir())


def test_7_an_orphan_copy_is_swept_but_never_one_being_written(
    run: Run, case: str, hold: Callable[[], subprocess.Popen[str]]
) -> None:
    temp = _killed_writer_copy(case)
    other = hold()  # another process holds AC-2041: its temp file may be a write in progress
    assert run("sessions").exit_code == 0 and temp.exists()
    other.kill()
    other.wait()
    assert run("sessions").exit_code == 0 and not temp.exists()
    assert session_path(case).exists()


HOLDER = """
import time
from referral_cli.casefile.store import lock_session
lock_session("AC-2041")
print("locked", flush=True)
time.sleep(60)
"""


@pytest.fixture
def hold() -> Iterator[Callable[[], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


# --- 8. damaged and unexpected files ------------------------------------------------------


def test_8_damaged_files_are_listed_and_never_block_purge(
    run: Run, case: str, _private_home: Path
) -> None:
    folder = session_path(case).parent
    good = session_path(case).read_bytes()
    (folder / "AC-1.json.enc").write_bytes(good[:20])  # truncated
    flipped = bytearray(good)
    flipped[40] ^= 0x01
    (folder / "AC-2.json.enc").write_bytes(bytes(flipped))  # one bit flipped
    (folder / "AC-3.json.enc").write_bytes(good)  # AC-2041's file under another name
    (folder / "AC-4001 (conflicted copy).json.enc").write_bytes(good)
    (folder / "notes.txt").write_text("stray")
    result = run("sessions")
    assert result.exit_code == 0 and case in result.output
    for name, why in (
        ("AC-1.json.enc", "not an encrypted referral-cli file"),
        ("AC-2.json.enc", "cannot be decrypted"),
        ("AC-3.json.enc", "cannot be decrypted"),
        ("AC-4001 (conflicted copy).json.enc", "not named like a case file"),
        ("notes.txt", "not a referral-cli file"),
    ):
        assert f"Unreadable: {name}: {why}" in result.output
    assert "Unreadable" in run("sessions", "-f", "json").output
    result = run("purge", "--all", "--yes")
    assert result.exit_code == 0, result.output
    assert "Deleted 4 sessions: AC-1, AC-2, AC-2041, AC-3." in result.output
    assert "AC-4001 (conflicted copy).json.enc" in result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
