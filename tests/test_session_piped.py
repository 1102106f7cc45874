"""Sessions typed at the prompt (piped input), as a worker at the keyboard would."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile.records import Session

Run = Callable[..., Result]

OPENING = ["Maria Lopez", "03/14/2009", "YS-77", "Sam", "Outreach"]
STEPS_1_TO_2 = ["shelter", "none", "en", "15", "", "", ""]


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # `referral` on PATH, as after an install (a test below takes it off)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def load_session_text(ref: str) -> str:
    """The decrypted JSON of a session, to check what it holds."""
    from referral_cli.casefile.store import load_session

    return load_session(ref).model_dump_json()


def typed(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def saved(home: Path) -> Session:
    """The session as saved (case files are encrypted: read through the store)."""
    from referral_cli.casefile.store import load_session

    assert (home / "sessions" / "YS-77.json.enc").is_file()
    return load_session("YS-77")


def test_a_whole_referral_with_defaults(run: Run, _private_home: Path) -> None:
    steps_3_to_8 = [
        *["now", "1,2", "", ""],  # ask: call now, who was on it, what they said, new contact
        *["", "yes", "unsure", ""],  # discuss: view, wants, near danger, transport
        *["", "emergency-shelter", "verbal", "written", "n", "", "y", "yes"],  # share
        "y",  # the plan: go on now with the steps after the session
        *["y", "y"],  # contact: the catalog's representative, knows trauma
        *["waiting", ""],  # hand-off: agency's answer, when
        *["n", "", ""],  # escort: wants, urgency, follow up
    ]
    result = run("start", input=typed(*OPENING, *STEPS_1_TO_2, *steps_3_to_8))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "looks like a person's name" in out
    assert "looks like a date (a birth date?)" in out
    assert "In the room, 1 of 5 — Needs (guide step 1)" in out
    assert "After the session, 3 of 3 — Escort (guide step 8)" in out
    session = saved(_private_home)
    assert session.finished and session.profile.age == 15
    [referral] = session.referrals
    assert referral.agency == "alder-county-youth-harbor" and referral.status == "requested"
    assert referral.follow_up is not None and referral.follow_up.isoformat() == "2026-11-26"
    assert referral.urgency == "urgent"  # emergency shelter: no later than the 72 hours
    release = session.release_for(referral.agency)
    assert release is not None and release.items == ["need:emergency-shelter"]
    assert release.expires.isoformat() == "2026-12-23"  # 30 days by default
    # nothing typed anywhere holds the refused name or birth date
    raw = load_session_text("YS-77")
    assert "Maria" not in raw and "2009" not in raw


def test_x_takes_the_no_referral_path_from_any_step(run: Run, _private_home: Path) -> None:
    lines = [*OPENING, *STEPS_1_TO_2, "x", "", "", "", "1,4", "y", "1", "", ""]
    result = run("start", input=typed(*lines))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Take the no-referral path" in out
    assert "What to do now" in out and "Basic needs" in out
    assert "text INFO to 233733" in out
    session = saved(_private_home)
    assert session.no_referral is not None
    assert session.no_referral.at_step == 3 and session.no_referral.basic_needs == [
        "food",
        "safety",
    ]
    assert session.no_referral.hotlines == [
        "National Human Trafficking Hotline: call 1-888-373-7888, text INFO to 233733"
    ]
    assert str(session.no_referral.follow_up) == "2026-11-30"  # a week by default


def test_a_typo_at_a_numbered_prompt_asks_again(run: Run, _private_home: Path) -> None:
    lines = [*OPENING, "99", "lawyer", "17", "n"]
    result = run("start", input=typed(*lines))
    assert "99 is not on the list" in result.output
    assert "'lawyer' matches several" in result.output
    assert saved(_private_home).needs[0].service == "emergency-shelter"


def test_pause_in_the_middle_of_share_then_resume(run: Run, _private_home: Path) -> None:
    to_step_6 = ["now", "1", "", "", "", "yes", "unsure", ""]
    first = run(
        "start",
        input=typed(*OPENING, *STEPS_1_TO_2, *to_step_6, "Quiet room", "", "emergency-shelter"),
    )
    assert first.exit_code == 0 and "referral resume YS-77" in first.output
    assert "Draft kept with every answer given so far" in first.output
    draft = saved(_private_home)
    assert draft.step == 6 and draft.releases == []
    assert draft.referrals[0].status == "consent_pending"
    assert draft.pending == {
        "share.considerations.1": "Quiet room",
        "share.considerations.2": "",
        "share.alder-county-youth-harbor.items": "need:emergency-shelter",
    }
    # Resume goes on at the first unanswered question (shared how), not at the step's start.
    rest = ["verbal", "written", "n", "", "y", "yes", "y", "y", "y", "waiting", "", "n", "", ""]
    second = run("resume", "YS-77", input=typed(*rest))
    assert second.exit_code == 0, second.output
    assert "Resuming YS-77 at Share (guide step 6); 3 answers of this step kept." in second.output
    assert "  1: Quiet room  (answered before)" in second.output
    done = saved(_private_home)
    assert done.referrals[0].status == "requested" and done.pending == {}
    assert done.considerations == ["Quiet room"]
    assert done.releases[0].items == ["need:emergency-shelter"]
