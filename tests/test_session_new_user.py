"""A new user's first `referral start` (a 16-year-old Spanish-speaking youth needing emergency
shelter, trauma counselling and immigration legal help): the checks of a VERIFY agency come
back at the contact step, a place near the danger is acted on, and needs match by words."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import write_answers
from tests.test_session_conversation import HARBOR, IMMIGRATION, immigration_case, saved

Run = Callable[..., Result]
CAC = "alder-valley-child-advocacy-center"
FACTORS = "Confidentiality, Informed consent, Premises security"


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def unchecked_case(at_contact: str) -> dict[str, object]:
    """The immigration case, checks not done in steps 4 and 6; `at_contact` at step 5."""
    answers = immigration_case()
    answers["discuss"][IMMIGRATION]["checked"] = "no"
    answers["share"][IMMIGRATION]["checked"] = "no"
    answers["plan"] = {"continue": "yes"}
    answers["contact"][IMMIGRATION]["checked"] = at_contact
    return answers


def test_unchecked_verify_agency_is_not_requested_and_stays_deferred(
    run: Run, tmp_path: Path
) -> None:
    answers = unchecked_case("no")
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Did you check {FACTORS} with the agency or your lead?: no" in out
    contact = out.split("(guide step 5)")[1].split("(guide step 7)")[0]
    assert "Still to check before the referral is requested:" in contact
    assert "VERIFY before referral: Confidentiality" in contact
    assert "Not requested: deferred, check first: Confidentiality" in contact
    assert (
        "Alder Immigrant and Refugee Alliance: not requested yet (deferred, check first), "
        "so no hand-off." in out
    )
    referral = saved().referral_to(IMMIGRATION)
    assert referral is not None and referral.status == "on_hold"
    assert "requested" not in [h.status for h in referral.history]
    assert referral.history[-1].note.startswith("deferred, check first: Confidentiality")
    harbor = saved().referral_to(HARBOR)
    assert harbor is not None and "requested" in [h.status for h in harbor.history]


def test_checks_confirmed_at_the_contact_step_request_the_referral(
    run: Run, tmp_path: Path
) -> None:
    answers = unchecked_case("yes")
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    plan = result.output.split("The plan for AC-2041")[1].split("(guide step 5)")[0]
    assert "Check before referring to Alder Immigrant and Refugee Alliance: VERIFY" in plan
    assert (
        "Alder Immigrant and Refugee Alliance is not requested yet (deferred, check first)" in plan
    )
    referral = saved().referral_to(IMMIGRATION)
    assert referral is not None and referral.status != "on_hold"
    assert "requested" in [h.status for h in referral.history]
    assert next(c for c in saved().considered if c.agency == IMMIGRATION).checked


def test_near_the_danger_cautions_offers_another_and_goes_on_the_plan(
    run: Run, tmp_path: Path
) -> None:
    answers = immigration_case()
    answers["discuss"][HARBOR]["near_danger"] = "yes"
    answers["discuss"]["harborlight-dv-shelter"] = {"view": "", "wants": "no"}
    answers.pop("plan", None)
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    discuss = out.split("(guide step 4)")[1].split("(guide step 6)")[0]
    assert "Caution, safety first" in discuss and "safety plan" in discuss
    assert "Another option for Emergency shelter: Harborlight" in discuss
    plan = out.split("The plan for AC-2041")[1]
    assert "Safety first for Alder County Youth Harbor" in plan
    assert [c.agency for c in saved().considered][-1] == "harborlight-dv-shelter"


def test_needs_match_by_words_in_any_order_and_every_need_gets_a_default(
    run: Run, tmp_path: Path
) -> None:
    answers = immigration_case()
    answers["needs"]["choose"] = "emergency shelter, trauma counselling, immigration legal"
    answers["needs"]["counselling-therapy"] = {"form": "ongoing"}
    answers["find"] = {"consider": ""}  # Enter: the default
    answers["ask"][CAC] = {"call": "later"}
    answers["discuss"][CAC] = {"view": "", "wants": "no"}
    answers.pop("plan", None)
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    assert "Nothing on the list matches" not in result.output
    session = saved()
    assert [n.service for n in session.needs] == [
        "emergency-shelter",
        "counselling-therapy",
        "immigration-legal",
    ]
    considered = {c.agency for c in session.considered}
    assert IMMIGRATION in considered  # its only candidate is marked VERIFY, yet in the default
    for need in ("emergency-shelter", "counselling-therapy", "immigration-legal"):
        assert any(need in c.needs for c in session.considered), need


def test_several_needs_matching_the_words_are_listed_to_choose_from(
    run: Run, tmp_path: Path
) -> None:
    answers = immigration_case()
    answers["needs"]["choose"] = "help legal"  # words in any order
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if "matches several" in ln)
    assert "Criminal legal help" in line and "Civil legal help" in line
    assert "Pick by number" in line and "Traceback" not in result.output


def test_the_default_holds_the_only_candidate_of_a_need_even_when_marked(
    run: Run, tmp_path: Path
) -> None:
    answers = immigration_case()
    answers["find"] = {"consider": ""}  # Enter: the default
    answers.pop("plan", None)
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    assert [c.agency for c in saved().considered] == [HARBOR, IMMIGRATION]


def test_the_default_never_holds_a_candidate_that_does_not_fit_the_youth(
    run: Run, tmp_path: Path
) -> None:
    answers = immigration_case()
    answers["profile"]["age"] = 13  # Alder WorkSource serves ages 16-24 only: DOES NOT FIT
    answers["needs"] = {"choose": "emergency-shelter, job-training", "own_program": "none"}
    answers["needs"]["job-training"] = {"form": "ongoing"}
    answers["find"] = {"consider": ""}  # Enter: the default
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert "Alder WorkSource Youth Employment  [DOES NOT FIT" in result.output
    assert "alder-worksource-youth-employment" not in {c.agency for c in saved().considered}
