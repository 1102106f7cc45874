"""Case references and session files: safe names, private files, purge for good."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from referral_cli.casefile.records import Session
from referral_cli.casefile.store import (
    check_reference,
    list_sessions,
    load_session,
    purge_session,
    purge_sessions,
    save_session,
)
from referral_cli.errors import NotFoundError, ReferralError
from tests.conftest import RealClock

AT = dt.datetime(2026, 11, 1, 9, 0)


@pytest.mark.parametrize("ref", ["AC-2041", "ys-77", "CASE9", "A1B", "T-3-B"])
def test_good_references(ref: str) -> None:
    assert check_reference(ref) == ref.upper()


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("Maria Lopez", "name"),
        ("Maria-Lopez-2", "name"),
        ("MariaLopez7", "name"),
        ("2009-03-14", "date"),
        ("03/14/2009", "date"),
        ("AC-20090314", "date"),
        ("140309", "date"),
        ("Mar-14", "date"),
        ("../etc/passwd1", "not a case reference"),
        ("AC 2041", "not a case reference"),
        ("ABCD", "at least one digit"),
        ("", "required"),
    ],
)
def test_refused_references(ref: str, why: str) -> None:
    with pytest.raises(ReferralError, match=why):
        check_reference(ref)


def session(ref: str, updated: dt.datetime = AT) -> Session:
    return Session(reference=ref, worker="Sam", program="Outreach", created=AT, updated=updated)


def test_save_load_list_private(_private_home: Path) -> None:
    saved = session("AC-1")
    path = save_session(saved)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert _private_home.stat().st_mode & 0o777 == 0o700
    assert load_session("ac-1") == saved
    (path.parent / "AC-9.json").write_text("{not json")
    assert [s.reference for s in list_sessions()] == ["AC-1"]
    with pytest.raises(NotFoundError, match="referral sessions"):
        load_session("AC-2")


def test_purge(_private_home: Path, real_clock: RealClock) -> None:
    real_clock.set(AT)
    save_session(session("AC-1"))
    real_clock.set(AT + dt.timedelta(days=20))
    save_session(session("AC-2"))
    assert purge_sessions(AT + dt.timedelta(days=10)) == (["AC-1"], [])
    assert purge_session("AC-2") and not purge_session("AC-2")
    assert list((_private_home / "sessions").iterdir()) == []
