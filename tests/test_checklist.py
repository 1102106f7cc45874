"""The referral lifecycle: allowed moves, reasons, follow-up dates, who and when."""

from __future__ import annotations

import datetime as dt

import pytest

from referral_cli.casefile.records import is_open
from referral_cli.casework.lifecycle import TRANSITIONS, move, new_referral
from referral_cli.clock import today
from referral_cli.errors import ReferralError
from referral_cli.session.checklist import STEPS

AT = dt.datetime(2026, 11, 23, 9, 30)


def test_eight_steps_in_order() -> None:
    assert [s.key for s in STEPS] == [
        "needs",
        "find",
        "ask",
        "discuss",
        "contact",
        "share",
        "handoff",
        "escort",
    ]


def test_every_status_is_in_the_table() -> None:
    for targets in TRANSITIONS.values():
        assert targets <= set(TRANSITIONS)


def test_a_referral_walks_the_lifecycle_with_timestamps_and_follow_ups() -> None:
    r = new_referral("harbor", "Harbor", "consent_pending", "Sam", AT)
    assert r.follow_up == dt.date(2026, 11, 30)
    for status in ("requested", "accepted", "handoff_scheduled"):
        r = move(r, status, "Sam", AT)  # type: ignore[arg-type]
        assert r.follow_up is not None
    r = move(
        r,
        "in_progress",
        "Lee",
        AT,
        first_contact=dt.date(2026, 11, 25),
        follow_up=dt.date(2026, 12, 1),
    )
    assert r.follow_up == dt.date(2026, 12, 1)
    r = move(r, "completed", "Lee", AT)
    assert r.follow_up is None and not is_open(r.status)
    assert [(c.status, c.by) for c in r.history][-2:] == [
        ("in_progress", "Lee"),
        ("completed", "Lee"),
    ]


def test_refused_moves() -> None:
    r = new_referral("harbor", "Harbor", "requested", "Sam", AT)
    with pytest.raises(ReferralError, match="cannot become completed"):
        move(r, "completed", "Sam", AT)
    with pytest.raises(ReferralError, match="Say why"):
        move(r, "rejected", "Sam", AT)
    accepted = move(r, "accepted", "Sam", AT)
    started = move(accepted, "in_progress", "Sam", AT)
    with pytest.raises(ReferralError, match="confirmed first contact"):
        move(started, "completed", "Sam", AT)
    closed = move(r, "cancelled", "Sam", AT, note="youth withdrew consent")
    with pytest.raises(ReferralError, match="cannot become"):
        move(closed, "requested", "Sam", AT)


def test_injected_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2027-02-01")
    assert today() == dt.date(2027, 2, 1)
    assert today(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)
    monkeypatch.setenv("REFERRAL_TODAY", "soon")
    with pytest.raises(ReferralError):
        today()
