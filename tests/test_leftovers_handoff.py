"""Issue 15's leftovers, steps 7 and 8: the hand-off "when" is a date and time the prompt
layer checks (and the only form an agency is given), and a referral on hold gets no hand-off
or escort questions."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile.records import Handoff
from referral_cli.casefile.store import save_session
from referral_cli.errors import ReferralError
from referral_cli.prompt.parse import parse_when
from tests.helpers import example_answers, write_answers
from tests.test_session_conversation import HARBOR, IMMIGRATION, saved
from tests.test_session_new_user import unchecked_case

Run = Callable[..., Result]
DAY = dt.date(2026, 11, 23)
FORMATS = ("text", "markdown", "json", "html")


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", DAY.isoformat())


def agency_copies(run: Run, agency: str = HARBOR) -> dict[str, str]:
    out = {}
    for fmt in FORMATS:
        copy = run("summary", "AC-2041", "--for", agency, "--format", fmt)
        assert copy.exit_code == 0, copy.output
        out[fmt] = copy.stdout
    return out


def start_with_when(run: Run, tmp_path: Path, when: str | None, typed: str = "") -> Result:
    """The example case with the hand-off time given in the file, or typed at the prompt."""
    answers = example_answers()
    if when is None:
        del answers["handoff"][HARBOR]["when"]
    else:
        answers["handoff"][HARBOR]["when"] = when
    args = ["start", "--answers", write_answers(tmp_path, answers)]
    return run(*args, *([] if when is None else ["--no-input"]), input=typed or None)


@pytest.mark.parametrize(
    ("given", "recorded"),
    [
        ("2026-12-03 14:00", "2026-12-03 14:00"),
        ("today 14:00", "2026-11-23 14:00"),
        ("Tomorrow 9:30", "2026-11-24 09:30"),
    ],
)
def test_the_hand_off_time_is_recorded_and_sent_as_a_date_and_time(
    run: Run, tmp_path: Path, given: str, recorded: str
) -> None:
    result = start_with_when(run, tmp_path, given)
    assert result.exit_code == 0, result.output
    referral = saved().referral_to(HARBOR)
    assert referral is not None and referral.handoff is not None
    assert referral.handoff.when == recorded
    assert referral.status == "handoff_scheduled" and referral.history[-1].note == recorded
    copies = agency_copies(run)
    assert f"Hand-off visit: {recorded}\n" in copies["text"]
    assert f'"handoff_when": "{recorded}"' in copies["json"]
    assert "who: Sam" not in copies["text"] and "Program car" not in copies["text"]


def test_anything_but_a_date_and_time_is_asked_again_with_the_forms_it_takes(
    run: Run, tmp_path: Path
) -> None:
    result = start_with_when(
        run, tmp_path, None, typed="Thu 3pm after school\n25:00\ntomorrow 9:30\n"
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Give it as YYYY-MM-DD HH:MM, today HH:MM or tomorrow HH:MM (24-hour clock)" in out
    assert "Hand-off visit: date and time [not yet]:" in out
    assert out.count("Error: Give a date and time: 2026-11-25 14:00, tomorrow 9:30\n") == 2
    referral = saved().referral_to(HARBOR)
    assert referral is not None and referral.handoff is not None
    assert referral.handoff.when == "2026-11-24 09:30"
    for fmt, copy in agency_copies(run).items():
        assert "Thu 3pm" not in copy and "after school" not in copy, fmt


def test_a_free_text_time_in_an_answers_file_stops_with_its_key(run: Run, tmp_path: Path) -> None:
    result = start_with_when(run, tmp_path, "Thu 3pm")
    assert result.exit_code == 1
    assert "'handoff.alder-county-youth-harbor.when'" in result.output
    assert "Give a date and time" in result.output and "Traceback" not in result.output


def test_not_yet_schedules_no_hand_off(run: Run, tmp_path: Path) -> None:
    result = start_with_when(run, tmp_path, "not yet")
    assert result.exit_code == 0, result.output
    referral = saved().referral_to(HARBOR)
    assert referral is not None and referral.handoff is None and referral.status == "accepted"
    assert "Hand-off visit" not in agency_copies(run)["text"]


@pytest.mark.parametrize(
    "bad",
    ["Thu 3pm", "14:00", "tomorrow 3pm", "2026-02-30 10:00", "2026-11-24 9", "2029-01-01 10:00"],
)
def test_the_prompt_layer_refuses_what_is_not_one_date_and_time(bad: str) -> None:
    with pytest.raises(ReferralError):
        parse_when(bad, DAY)


def test_an_older_free_text_time_stays_in_the_workers_copy(run: Run, tmp_path: Path) -> None:
    assert start_with_when(run, tmp_path, "today 17:00").exit_code == 0
    session = saved()
    [referral] = session.referrals
    old = Handoff(when="Thu 3pm, after her shift", who="Sam", transport="")
    session.referrals = [referral.model_copy(update={"handoff": old})]
    save_session(session)  # as a case file saved before the time was structured
    worker = run("summary", "AC-2041").stdout
    assert "Thu 3pm, after her shift (typed as free text in an older session" in worker
    for fmt, copy in agency_copies(run).items():
        assert "Thu 3pm" not in copy and "after her shift" not in copy, fmt
        assert "Hand-off visit" not in copy, fmt
    assert "Urgency: urgent" in agency_copies(run)["text"]  # the rest is still given


def test_a_referral_on_hold_gets_no_escort_questions_and_says_why(run: Run, tmp_path: Path) -> None:
    result = run("start", "--answers", write_answers(tmp_path, unchecked_case("no")), "--no-input")
    assert result.exit_code == 0, result.output
    escort = result.output.split("(guide step 8)")[1]
    assert (
        "Alder Immigrant and Refugee Alliance: not requested yet (deferred, check first), so "
        "no escort questions; follow up by 2026-11-30." in escort
    )
    # only the requested referral (Harbor) is asked about escort, urgency and follow-up
    assert escort.count("Follow up on (date or +days)") == 1
    assert escort.count("How soon should the agency contact the youth") == 1
    assert escort.count("Does the youth want to be escorted") == 0  # Harbor: goes-along said
    held = saved().referral_to(IMMIGRATION)
    assert held is not None and held.status == "on_hold" and held.escort is None
    assert held.urgency is None
    # the answers for the skipped questions are not reported as typos
    [note] = [ln for ln in result.output.splitlines() if "answers not used" in ln]
    assert "share.alder-immigrant" in note  # the case's own leftovers (items: none) are listed
    assert "escort.alder-immigrant" not in note and "handoff.alder-immigrant" not in note


def test_a_time_given_before_a_pause_means_the_same_visit_on_resume(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = example_answers()
    answers["handoff"][HARBOR] = {"agency_answer": "accepted", "when": "tomorrow 9:30"}
    rest = {"handoff": {HARBOR: {"who": "Sam", "transport": ""}}, "escort": answers.pop("escort")}
    first = run("start", "--answers", write_answers(tmp_path, answers), input="")
    assert first.exit_code == 0 and "Paused." in first.output  # at "Who goes"
    assert saved().pending[f"handoff.{HARBOR}.when"] == "2026-11-24 09:30"  # as typed
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-26")  # resumed days later
    second = run(
        "resume", "AC-2041", "--answers", write_answers(tmp_path, rest, "r.yaml"), "--no-input"
    )
    assert second.exit_code == 0, second.output
    referral = saved().referral_to(HARBOR)
    assert referral is not None and referral.handoff is not None
    assert referral.handoff.when == "2026-11-24 09:30"  # "tomorrow" as it was said, not now
