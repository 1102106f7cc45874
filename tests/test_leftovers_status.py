"""Issue 15's leftover at `referral status REF requested`: a referral on hold because its
agency's vetting left something to check is requested only once the worker confirms the
check, asked as at the contact step; no keeps it on hold."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import write_answers
from tests.test_session_conversation import HARBOR, IMMIGRATION, saved
from tests.test_session_new_user import FACTORS, unchecked_case

Run = Callable[..., Result]
QUESTION = f"Did you check {FACTORS} with the agency or your lead? [y/n]"
REQUEST = ("status", "AC-2041", "requested", "--agency", IMMIGRATION)


@pytest.fixture(autouse=True)
def _held(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The immigration case with the checks not done at the contact step: on hold."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    answers = write_answers(tmp_path, unchecked_case("no"), "session.yaml")
    assert run("start", "--answers", answers, "--no-input").exit_code == 0
    held = saved().referral_to(IMMIGRATION)
    assert held is not None and held.status == "on_hold"


def test_no_at_the_recheck_keeps_the_referral_on_hold(run: Run) -> None:
    before = saved().referral_to(IMMIGRATION)
    result = run(*REQUEST, input="\nn\n")  # Enter asks again: the check is an attestation
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Still to check before the referral is requested:" in out
    assert "VERIFY before referral: Confidentiality, Informed consent" in out
    assert out.count(QUESTION) == 2
    assert "still on hold, not requested (check first); nothing changed" in out
    assert f"status AC-2041 requested --agency {IMMIGRATION}" in out
    assert saved().referral_to(IMMIGRATION) == before


def test_yes_at_the_recheck_requests_it_and_remembers_the_check(run: Run) -> None:
    result = run(*REQUEST, input="y\n")
    assert result.exit_code == 0, result.output
    assert QUESTION in result.output
    assert "AC-2041 -> Alder Immigrant and Refugee Alliance: requested" in result.output
    referral = saved().referral_to(IMMIGRATION)
    assert referral is not None and referral.status == "requested"
    assert referral.history[-1].note == "checks done"
    assert next(c for c in saved().considered if c.agency == IMMIGRATION).checked


def test_the_recheck_answer_comes_from_an_answers_file_by_key(run: Run, tmp_path: Path) -> None:
    no = write_answers(tmp_path, {"status": {IMMIGRATION: {"checked": "no"}}}, "no.yaml")
    result = run(*REQUEST, "--answers", no, "--no-input")
    assert result.exit_code == 0, result.output
    assert f"{QUESTION[:-6]}: no" in result.output
    referral = saved().referral_to(IMMIGRATION)
    assert referral is not None and referral.status == "on_hold"
    missing = run(*REQUEST, "--no-input")
    assert missing.exit_code == 1 and "status.alder-immigrant-refugee-alliance.checked" in (
        missing.output
    )
    assert "Traceback" not in missing.output


def test_a_vetted_agency_on_hold_is_requested_without_a_question(run: Run) -> None:
    assert run("status", "AC-2041", "on_hold", "--agency", HARBOR, "--note", "full").exit_code == 0
    result = run("status", "AC-2041", "requested", "--agency", HARBOR)
    assert result.exit_code == 0, result.output
    assert "Did you check" not in result.output
    referral = saved().referral_to(HARBOR)
    assert referral is not None and referral.status == "requested"
