"""Vetting standing where the youth decides (issue 15, point 7): what is in question shows
under the agency's name in step 4, before the youth weighs it, and again in step 6."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import write_answers
from tests.test_session_conversation import IMMIGRATION, immigration_case

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def test_step_4_shows_what_is_in_question_before_the_youth_weighs_it(
    run: Run, tmp_path: Path
) -> None:
    result = run("start", "--answers", write_answers(tmp_path, immigration_case()), "--no-input")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(
        i for i, ln in enumerate(lines) if ln.startswith("Alder Immigrant and Refugee Alliance [")
    )
    assert "[VERIFY]" in lines[at]
    assert lines[at + 1].startswith("  VERIFY before referral: Confidentiality")
    assert lines[at + 2].startswith("The youth's view")
    # shown once in step 4, then the question; not printed a second time there
    discuss = "\n".join(lines[at : at + 12])
    assert discuss.count("VERIFY before referral") == 1
    assert (
        "Did you check Confidentiality, Informed consent, Premises security with the agency "
        "or your lead?: yes" in discuss
    )


def test_an_unchecked_agency_is_asked_again_at_consent_and_put_on_the_plan(
    run: Run, tmp_path: Path
) -> None:
    answers = immigration_case()
    answers["discuss"][IMMIGRATION]["checked"] = "no"
    answers["share"][IMMIGRATION]["checked"] = "no"
    answers.pop("plan", None)
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Check them before the referral goes ahead: it is on the plan.") == 2
    plan = out.split("The plan for AC-2041")[1]
    assert "Check before referring to Alder Immigrant and Refugee Alliance: VERIFY" in plan
