"""Whole referral sessions, as a worker would run them: answers files and piped input."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from referral_cli.casefile.records import Session
from tests.conftest import RealClock
from tests.helpers import example_answers, write_answers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "answers-example.yaml"
TODAY = "2026-11-23"

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # `referral` on PATH, as after an install (a test below takes it off)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)


example = example_answers
write = write_answers


def saved(home: Path, ref: str) -> Session:
    """The session as saved (case files are encrypted: read through the store)."""
    from referral_cli.casefile.store import load_session

    assert (home / "sessions" / f"{ref}.json.enc").is_file()
    return load_session(ref)


def declining(answers: dict[str, Any]) -> dict[str, Any]:
    """The example session, up to step 4, where the youth declines every option."""
    answers["discuss"]["alder-county-youth-harbor"] = {"view": "Not now", "wants": "no"}
    for key in ("contact", "share", "plan", "handoff", "escort"):
        answers.pop(key)
    answers["no_referral"] = {
        "reason": "youth-declined",
        "note": "Wants to think about it",
        "basic_needs": ["food", "safety"],
        "info_given": "yes",
        "hotlines": ["us-national-human-trafficking-hotline"],
        "call_later": "Sam at the outreach program",
        "follow_up": "+7",
    }
    return answers


def test_full_referral_from_the_documented_answers_file(run: Run, _private_home: Path) -> None:
    result = run("start", "--answers", str(EXAMPLE), "--no-input")
    assert result.exit_code == 0, result.output
    assert "In the room, 3 of 5 — Ask (guide step 3)" in result.output
    assert "answers not used" not in result.output
    session = saved(_private_home, "AC-2041")
    assert session.finished
    [referral] = session.referrals
    assert referral.agency == "alder-county-youth-harbor"
    assert referral.status == "handoff_scheduled"
    assert referral.follow_up is not None and referral.follow_up.isoformat() == "2026-11-26"
    assert [c.status for c in referral.history] == [
        "consent_pending",
        "requested",
        "accepted",
        "handoff_scheduled",
    ]
    release = session.release_for(referral.agency)
    assert release is not None and release.expires.isoformat() == "2026-12-23"
    assert "referral summary AC-2041 --for alder-county-youth-harbor" in result.output


def test_agency_copy_holds_only_consented_items(run: Run) -> None:
    assert run("start", "--answers", str(EXAMPLE), "--no-input").exit_code == 0
    for fmt in ("markdown", "json", "text"):
        result = run("summary", "AC-2041", "--for", "youth-harbor", "--format", fmt)
        assert result.exit_code == 0, result.output
        out = result.output
        assert "Emergency shelter" in out
        assert "Prefers a female staff member" in out
        # not consented: the second need, the second consideration, gender and fit needs,
        # and everything from the steps that is the worker's alone
        for secret in (
            "Counselling",
            "Loud, crowded",
            "transit",
            "Gender",
            "Bus 12",
            "Worried about",
            "Riverbend",
            "Likes that",
            "hesitation",
        ):
            assert secret not in out, (fmt, secret)
        assert "withheld" not in out.lower() and "Need 2" not in out  # no trace, no count
        assert "Spanish (es)" in out  # by name: the agency need not know the catalog's codes
    data = json.loads(run("summary", "AC-2041", "--for", "youth-harbor", "-f", "json").output)
    assert [i["label"] for i in data["shared"]] == [
        "Need",
        "Age",
        "Language",
        "Special consideration",
    ]


def test_worker_copy_holds_everything(run: Run) -> None:
    run("start", "--answers", str(EXAMPLE), "--no-input")
    out = run("summary", "AC-2041", "--format", "markdown").output
    for recorded in (
        "Counselling and trauma therapy",
        "Loud, crowded",
        "Bus 12",
        "Rumours about it",
        "Sam drives",
        "2026-11-23 17\\:00; who: Sam and the youth",  # Markdown escapes the colon
        "Spanish (es)",
    ):
        assert recorded in out


def test_revocation_is_honoured_at_once(run: Run) -> None:
    run("start", "--answers", str(EXAMPLE), "--no-input")
    result = run("consent", "revoke", "AC-2041", "alder-county-youth-harbor")
    assert result.exit_code == 0 and "Revoked" in result.output
    for fmt in ("markdown", "json"):
        out = run("summary", "AC-2041", "--for", "alder-county-youth-harbor", "-f", fmt).output
        assert "revoked" in out
        assert "Emergency shelter" not in out and "Prefers a female" not in out
        assert "AC-2041" in out  # the referral itself is still named


def test_expired_consent_shares_nothing(run: Run) -> None:
    run("start", "--answers", str(EXAMPLE), "--no-input")
    on_last_day = run(
        "summary", "AC-2041", "--for", "alder-county-youth-harbor", "--today", "2026-12-23"
    ).output
    assert "Emergency shelter" in on_last_day
    out = run(
        "summary", "AC-2041", "--for", "alder-county-youth-harbor", "--today", "2026-12-24"
    ).output
    assert "consent expired after 2026-12-23" in out
    assert "Emergency shelter" not in out and "withheld" not in out


def test_youth_declines_every_option(run: Run, tmp_path: Path, _private_home: Path) -> None:
    result = run("start", "--answers", write(tmp_path, declining(example())), "--no-input")
    assert result.exit_code == 0, result.output
    assert "The youth declined every option" in result.output
    assert "1-888-373-7888" in result.output  # the hotline is in hand
    session = saved(_private_home, "AC-2041")
    assert session.no_referral is not None and session.no_referral.reason == "youth-declined"
    assert session.no_referral.at_step == 4 and session.referrals == []
    assert "No referral" in run("summary", "AC-2041").output
    assert session.no_referral.follow_up is not None
    assert session.no_referral.hotlines == [
        "National Human Trafficking Hotline: call 1-888-373-7888, text INFO to 233733"
    ]
    due = run("followups").output  # the re-offer is a follow-up like any other
    assert "AC-2041" in due and "offer the referral again" in due


def test_no_suitable_agency(run: Run, tmp_path: Path, _private_home: Path) -> None:
    answers = {
        "opening": example()["opening"],
        "needs": {"choose": "repatriation", "own_program": "none"},
        "profile": {"language": "en", "age": "", "gender": "skip", "fit": ""},
        "find": {"consider": "none"},
        "no_referral": {
            "reason": "no-suitable-agency",
            "note": "",
            "basic_needs": "",
            "info_given": "yes",
            "hotlines": "1",
            "call_later": "Sam",
            "follow_up": "",
        },
    }
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    assert "No suitable agency in the catalog for Safe return home" in result.output
    assert "Ask the local task force: Alder County Anti-Trafficking Task Force" in result.output
    assert "National Human Trafficking Hotline" in result.output
    no_ref = saved(_private_home, "AC-2041").no_referral
    assert no_ref is not None and no_ref.reason == "no-suitable-agency"


def test_do_not_refer_agency_is_never_offered(run: Run, tmp_path: Path) -> None:
    # New Dawn offers emergency shelter but its vetting says do not refer.
    answers = example()
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert "Alder County Youth Harbor" in result.output
    assert "New Dawn" not in result.output
    answers["opening"]["reference"] = "AC-2042"
    answers["find"]["consider"] = ["new-dawn-faith-home"]
    result = run("start", "--answers", write(tmp_path, answers, "b.yaml"), "--no-input")
    assert result.exit_code == 1
    assert "new-dawn-faith-home" in result.output and "Nothing on the list matches" in result.output


def test_missing_answer_with_no_input_fails_clearly(
    run: Run, tmp_path: Path, _private_home: Path
) -> None:
    answers = example()
    del answers["ask"]
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert result.exit_code == 1
    assert "no answer for 'ask.alder-county-youth-harbor.call'" in result.output
    assert "referral resume AC-2041" in result.output
    assert saved(_private_home, "AC-2041").step == 3


def test_interrupted_session_resumes_where_it_stopped(
    run: Run, tmp_path: Path, _private_home: Path
) -> None:
    answers = example()
    ask = answers.pop("ask")
    rest = {k: answers.pop(k) for k in ("discuss", "contact", "share", "plan", "handoff", "escort")}
    # Piped input runs out at step 3: like Ctrl-C, the draft is kept and the way back printed.
    result = run("start", "--answers", write(tmp_path, answers), input="")
    assert result.exit_code == 0  # pausing is not a failure
    assert "Paused." in result.output and "Resume with:\n  referral resume AC-2041" in result.output
    draft = saved(_private_home, "AC-2041")
    assert draft.step == 3 and not draft.finished and len(draft.considered) == 2
    listed = run("sessions").output
    assert "AC-2041" in listed and "Ask (guide step 3)" in listed
    result = run(
        "resume",
        "ac-2041",
        "--answers",
        write(tmp_path, {"ask": ask, **rest}, "r.yaml"),
        "--no-input",
    )
    assert result.exit_code == 0, result.output
    assert "Resuming AC-2041 at Ask (guide step 3)" in result.output
    done = saved(_private_home, "AC-2041")
    assert (
        done.finished
        and done.needs == draft.needs
        and done.referrals[0].status == "handoff_scheduled"
    )
    assert "done" in run("sessions").output


def test_pause_can_delete_the_draft(
    run: Run, tmp_path: Path, _private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("referral_cli.session.flow.ask_keep_draft", lambda: False)
    answers = {"opening": example()["opening"]}
    result = run("start", "--answers", write(tmp_path, answers), input="")
    assert result.exit_code == 0
    assert "Draft AC-2041 deleted" in result.output
    assert not (_private_home / "sessions" / "AC-2041.json.enc").exists()


def test_pause_keeps_the_draft_by_default(run: Run, tmp_path: Path, _private_home: Path) -> None:
    result = run("start", "--answers", write(tmp_path, {"opening": example()["opening"]}), input="")
    assert result.exit_code == 0
    assert "Keep the draft to resume later? [Y/n]" in result.output
    assert "Traceback" not in result.output
    assert saved(_private_home, "AC-2041").step == 1


def test_files_are_private(run: Run, _private_home: Path) -> None:
    run("start", "--answers", str(EXAMPLE), "--no-input")
    folder = _private_home / "sessions"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "AC-2041.json.enc").stat().st_mode & 0o777 == 0o600


def test_purge(run: Run, tmp_path: Path, _private_home: Path, real_clock: RealClock) -> None:
    answers = example()
    run("start", "--answers", write(tmp_path, answers), "--no-input")
    answers["opening"]["reference"] = "AC-2042"
    run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert run("purge", "AC-2041", input="n\n").exit_code == 1
    assert run("purge", "AC-2041", "--yes").exit_code == 0
    assert not (_private_home / "sessions" / "AC-2041.json.enc").exists()
    assert "AC-2042" in run("sessions").output
    assert run("purge", "--older-than", "10", "--yes").output.startswith("Deleted 0 sessions")
    real_clock.set(dt.datetime(2026, 12, 31, 9, 0))  # purge counts real days, not --today
    result = run("purge", "--older-than", "10", "--yes")
    assert "AC-2042" in result.output
    assert run("sessions").output.strip() == "No saved sessions."
    for ref in ("AC-2043", "AC-2044"):
        answers["opening"]["reference"] = ref
        run("start", "--answers", write(tmp_path, answers), "--no-input")
    purged = run("purge", "--all", "--yes")
    assert purged.exit_code == 0 and "AC-2043" in purged.output and "AC-2044" in purged.output
    assert not list((_private_home / "sessions").glob("*.json.enc"))
    assert run("sessions").output.strip() == "No saved sessions."
    assert run("purge", "AC-2041", "--yes").exit_code == 1


def test_checklist_for_paper(run: Run) -> None:
    result = run("checklist", "--format", "markdown")
    assert result.exit_code == 0
    out = result.output
    for title in ("1. Needs", "4. Discuss", "8. Escort", "If no referral is made"):
        assert title in out
    assert "rumours" in out and "1-888-373-7888" in out and "- [ ]" in out
