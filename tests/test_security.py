"""Passphrase set-up, retention, locks, purge and the audit log, as a worker meets them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile import crypto
from referral_cli.casefile.records import Session
from referral_cli.casefile.store import load_session, save_session, session_path, shred
from tests.conftest import TEST_PASSPHRASE, RealClock

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "docs" / "answers-example.yaml")
AT = dt.datetime(2026, 10, 1, 9, 0)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "audit.log"
    }


def _plain_session(ref: str, **changes: object) -> Session:
    base = Session(reference=ref, worker="Sam", program="Outreach", created=AT, updated=AT)
    return base.model_copy(update=changes)


# --- passphrase ---------------------------------------------------------------------


def test_wrong_passphrase_is_a_clear_error_and_changes_nothing(
    run: Run, _private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("start", "--answers", EXAMPLE, "--no-input").exit_code == 0
    before = _digest(_private_home)
    monkeypatch.setenv("REFERRAL_PASSPHRASE", "guessing wrong")
    for args in (
        ["sessions"],
        ["summary", "AC-2041"],
        ["resume", "AC-2041"],
        ["purge", "--all", "--yes"],
        ["consent", "revoke", "AC-2041", "youth-harbor"],
        ["start", "--answers", EXAMPLE, "--no-input"],
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "Wrong passphrase" in result.output and "Traceback" not in result.output
        assert "Alder County" not in result.output
    assert _digest(_private_home) == before
    events = [json.loads(line)["event"] for line in (_private_home / "audit.log").open()]
    assert events.count("unlock-failed") == 6


def test_passphrase_is_asked_once_without_echo_when_not_in_the_environment(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_session(_plain_session("AC-1"))
    monkeypatch.delenv("REFERRAL_PASSPHRASE")
    crypto.forget()
    result = run("sessions", input=f"{TEST_PASSPHRASE}\n")
    assert result.exit_code == 0
    assert "AC-1" in result.output and TEST_PASSPHRASE not in result.output
    crypto.forget()
    assert run("sessions", input="nope nope\n").exit_code == 1
    crypto.forget()
    result = run("sessions", input="")
    assert result.exit_code == 1 and "REFERRAL_PASSPHRASE" in result.output


def test_case_commands_need_init_first_catalog_commands_do_not(
    run: Run, _private_home: Path
) -> None:
    (_private_home / "key.json").unlink()
    crypto.forget()
    for args in (["sessions"], ["start", "--answers", EXAMPLE, "--no-input"], ["audit"]):
        result = run(*args)
        assert result.exit_code == 1
        assert "Run `referral init` first" in result.output
    assert not list((_private_home / "sessions").glob("*"))
    checklist = run("checklist")
    assert checklist.exit_code == 0 and "If no referral is made" in checklist.output
    partners = run("vettings", "--format", "json")
    assert partners.exit_code == 0 and len(json.loads(partners.output)["rows"]) > 3


def test_init_sets_up_encryption_and_encrypts_earlier_plaintext_sessions(
    run: Run, _private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (_private_home / "key.json").unlink()
    crypto.forget()
    monkeypatch.delenv("REFERRAL_PASSPHRASE")
    old = _private_home / "sessions" / "AC-7.json"
    old.parent.mkdir()
    old.write_text(_plain_session("AC-7").model_dump_json())
    (_private_home / "sessions" / "junk.json").write_text("{not json")
    result = run("init", input="short\nshort\n")
    assert result.exit_code == 1 and "at least 8 characters" in result.output
    assert not (_private_home / "key.json").exists()
    result = run("init", "--retention-days", "30", input="a long passphrase\na long passphrase\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "if it is lost, the case files are gone" in out
    assert "Encrypted 1 earlier session(s): AC-7." in out
    assert "junk.json. Check it, then delete it." in out  # one file: "it"
    assert "deleted 30 days after they close" in out
    assert (_private_home / "key.json").stat().st_mode & 0o777 == 0o600
    assert not old.exists()
    monkeypatch.setenv("REFERRAL_PASSPHRASE", "a long passphrase")
    assert load_session("AC-7").worker == "Sam"
    # Running init again keeps the key (and so every case file) and changes only the setting.
    key_before = (_private_home / "key.json").read_bytes()
    result = run("init", "--retention-days", "60")
    assert result.exit_code == 0 and "deleted 60 days after" in result.output
    assert (_private_home / "key.json").read_bytes() == key_before


def test_change_passphrase(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    save_session(_plain_session("AC-1"))
    monkeypatch.setenv("REFERRAL_NEW_PASSPHRASE", "a brand new passphrase")
    result = run("init", "--change-passphrase")
    assert result.exit_code == 0 and "Passphrase changed" in result.output
    crypto.forget()
    assert run("sessions").exit_code == 1  # the old one no longer opens anything
    monkeypatch.setenv("REFERRAL_PASSPHRASE", "a brand new passphrase")
    assert "AC-1" in run("sessions").output


# --- retention -------------------------------------------------------------------------


def _referral(status: str) -> dict[str, object]:
    return {
        "agency": "harbor",
        "agency_name": "Harbor",
        "status": status,
        "history": [{"status": status, "at": AT.isoformat(), "by": "Sam"}],
    }


def test_retention_purges_closed_sessions_at_start_up(
    run: Run, _private_home: Path, real_clock: RealClock
) -> None:
    assert run("init", "--retention-days", "30").exit_code == 0
    real_clock.set(AT)
    save_session(_plain_session("AC-1", finished=True, step=9))  # closed 53 days ago
    save_session(_plain_session("AC-2", step=3))  # a draft: never purged automatically
    save_session(
        Session.model_validate(
            {
                **_plain_session("AC-3").model_dump(),
                "finished": True,
                "step": 9,
                "referrals": [_referral("requested")],
            }
        )
    )  # finished, but its referral is still open
    real_clock.set(dt.datetime(2026, 11, 20, 9, 0))
    save_session(_plain_session("AC-4", finished=True, step=9))  # closed 3 days ago
    real_clock.set(dt.datetime(2026, 11, 23, 9, 0))
    result = run("sessions")
    assert result.exit_code == 0
    assert "Retention: deleted 1 closed session older than 30 days: AC-1." in result.output
    assert not session_path("AC-1").exists()
    for kept in ("AC-2", "AC-3", "AC-4"):
        assert kept in result.output and session_path(kept).exists()
    assert "Retention" not in run("sessions").output  # nothing more to do
    real_clock.set(dt.datetime(2026, 12, 31, 9, 0))
    result = run("summary", "AC-4")
    assert result.exit_code == 1 and "AC-4" in result.output and "No session AC-4" in result.output


# --- locks ------------------------------------------------------------------------------

HOLDER = """
import time
from referral_cli.casefile.store import lock_session
lock_session("AC-2041")
print("locked", flush=True)
time.sleep(60)
"""
CLI = "from referral_cli.cli import main; main()"


@pytest.fixture
def hold() -> Iterator[Callable[[], subprocess.Popen[str]]]:
    """Start another process that holds AC-2041's lock, as a second terminal would."""
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


def test_a_session_open_in_another_terminal_is_refused_clearly(
    run: Run, hold: Callable[[], subprocess.Popen[str]]
) -> None:
    save_session(_plain_session("AC-2041", step=2))
    before = session_path("AC-2041").read_bytes()
    other = hold()
    for args in (
        ["resume", "AC-2041", "--no-input"],
        ["consent", "revoke", "AC-2041", "youth-harbor"],
        ["purge", "AC-2041", "--yes"],
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "Traceback" not in result.output
        assert "Session AC-2041 is in use since " in result.output
        assert f"by another referral process (pid {other.pid})." in result.output
    assert session_path("AC-2041").read_bytes() == before
    # When the other process dies (even by kill -9), its lock is taken over.
    other.kill()
    other.wait()
    result = run("purge", "AC-2041", "--yes")
    assert result.exit_code == 0, result.output
    assert f"left locked by pid {other.pid}, which is no longer running" in result.output
    assert "Deleted AC-2041." in result.output


def test_a_running_session_holds_its_lock(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """While `start` runs in one terminal, `resume` of the same case in another is refused."""
    import referral_cli.session.flow as flow
    from referral_cli.session.steps.context import Context

    seen: list[subprocess.CompletedProcess[str]] = []
    original = flow.RUNNERS[2]

    def find_and_probe(ctx: Context) -> str | None:
        seen.append(
            subprocess.run(
                [sys.executable, "-c", CLI, "resume", "AC-2041", "--no-input"],
                capture_output=True,
                text=True,
                check=False,
            )
        )
        return original(ctx)

    monkeypatch.setitem(flow.RUNNERS, 2, find_and_probe)
    result = run("start", "--answers", EXAMPLE, "--no-input")
    assert result.exit_code == 0, result.output
    [probe] = seen
    assert probe.returncode == 1 and "Traceback" not in probe.stderr
    assert "is in use since" in probe.stderr and f"(pid {os.getpid()})" in probe.stderr
    assert not list(session_path("AC-2041").parent.glob("*.lock"))  # released at the end


# --- purge and the audit log ----------------------------------------------------------------


def test_shred_overwrites_before_deleting(tmp_path: Path) -> None:
    target = tmp_path / "case.bin"
    target.write_bytes(b"A" * 100_000)
    alias = tmp_path / "alias.bin"
    os.link(target, alias)  # a second name for the same blocks, to look at them afterwards
    assert shred(target)
    assert not target.exists()
    left = alias.read_bytes()
    assert len(left) == 100_000 and left.count(b"A") < 1000
    assert not shred(target)


def test_audit_log_records_events_never_content(run: Run, _private_home: Path) -> None:
    assert run("start", "--answers", EXAMPLE, "--no-input").exit_code == 0
    out_file = _private_home.parent / "handoff.md"
    result = run(
        "summary", "AC-2041", "--for", "youth-harbor", "-f", "markdown", "-o", str(out_file)
    )
    assert result.exit_code == 0
    assert f"Wrote {out_file}" in result.output and "not encrypted" in result.output
    assert run("consent", "revoke", "AC-2041", "youth-harbor").exit_code == 0
    assert run("purge", "AC-2041", "--yes").exit_code == 0
    log = _private_home / "audit.log"
    assert log.stat().st_mode & 0o777 == 0o600
    text = log.read_text()
    for secret in ("AC-2041", "Sam", "Harbor", "harbor", "shelter", "Outreach", str(out_file)):
        assert secret not in text
    events = [json.loads(line) for line in text.splitlines()]
    assert [e["event"] for e in events] == [
        "session-created",
        "exported",
        "consent-revoked",
        "purged",
    ]
    assert len({e["case"] for e in events}) == 1
    listed = run("audit", "--case", "ac-2041").output.splitlines()
    assert [line.split("  ", 1)[1] for line in listed] == [
        "session created  AC-2041",
        "summary written to a file  AC-2041",
        "consent revoked  AC-2041",
        "session purged  AC-2041",
    ]
    assert run("audit", "--case", "AC-9999").output.strip() == "No events recorded."


def test_nothing_decrypted_is_left_on_disk(run: Run, _private_home: Path) -> None:
    assert run("start", "--answers", EXAMPLE, "--no-input").exit_code == 0
    for fmt in ("text", "markdown", "json"):
        assert run("summary", "AC-2041", "-f", fmt).exit_code == 0
    assert run("sessions", "-f", "json").exit_code == 0
    names = sorted(p.relative_to(_private_home).as_posix() for p in _private_home.rglob("*"))
    assert names == [
        "audit.head",
        "audit.log",
        "key.json",
        "sessions",
        "sessions/AC-2041.json.enc",
    ]
    for path in _private_home.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert b"Emergency shelter" not in raw and b"Alder County" not in raw


def test_first_start_sets_up_encryption_before_the_session(
    run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = tmp_path / "fresh-home"
    monkeypatch.setenv("REFERRAL_HOME", str(fresh))
    result = run("start", input="")
    assert "First run: case files are encrypted" in result.output
    assert (fresh / "key.json").is_file()
    assert (fresh / "key.json").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("REFERRAL_HOME", str(tmp_path / "scripted-home"))
    example = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"
    scripted = run("start", "--no-input", "--answers", str(example))
    assert scripted.exit_code == 1
    assert "Run `referral init` first" in scripted.stderr
