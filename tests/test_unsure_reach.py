"""A new user's findings on `referral start`: "unsure" about the trafficker's reach is a
caution and a to-do (for the worker only, never in an agency's copy); a new contact's
confidential address is unknown, not "no"; one thing to check is "it", several "them"."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.conftest import REAL_START, RealClock
from tests.helpers import write_answers
from tests.test_new_contacts import NEW, step_3_case
from tests.test_session_conversation import HARBOR, IMMIGRATION, immigration_case, saved

Run = Callable[..., Result]
HARBORLIGHT = "harborlight-dv-shelter"
FIND_OUT = (
    "Find out before the youth goes whether Alder County Youth Harbor is near exploitation "
    "areas or the trafficker's reach, and plan the escort."
)


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def reach_case(harbor: str, reference: str = "AC-2041") -> dict[str, Any]:
    """The immigration case, the Youth Harbor's reach answered `harbor`, the Alliance's no."""
    answers = immigration_case()
    answers["opening"]["reference"] = reference
    answers["discuss"][HARBOR]["near_danger"] = harbor
    answers["discuss"][IMMIGRATION]["near_danger"] = "no"
    answers["discuss"][HARBORLIGHT] = {"view": "", "wants": "no"}  # were it offered
    answers.pop("plan", None)
    return answers


def flat(text: str) -> str:
    """The text on one line, wherever the screen wrapped it."""
    return " ".join(text.split())


def test_unsure_cautions_and_puts_finding_out_on_the_plan_without_another_option(
    run: Run, tmp_path: Path
) -> None:
    result = run("start", "--answers", write_answers(tmp_path, reach_case("unsure")), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    discuss = out.split("(guide step 4)")[1].split("(guide step 6)")[0]
    harbor = discuss.split("Alder Immigrant and Refugee Alliance [VERIFY]")[0]
    assert "Near exploitation areas or the trafficker's reach?: unsure" in harbor
    assert (
        "  Caution: it is not known whether this option is near exploitation areas or the "
        "trafficker's reach. Find out before the youth goes, and plan the escort" in harbor
    )
    assert "Caution, safety first" not in discuss and "Another option for" not in discuss
    assert HARBORLIGHT not in [c.agency for c in saved().considered]
    plan = out.split("The plan for AC-2041")[1]
    assert f"  - {FIND_OUT}" in plan
    assert plan.count("Find out before the youth goes") == 1  # not for the Alliance: "no"
    worker = flat(run("summary", "AC-2041").output)
    assert (
        "Alder County Youth Harbor: youth wants it: yes; view: Likes that it is only for teens.; "
        "near exploitation areas or trafficker's reach: unsure, to find out before the youth "
        "goes (plan the escort)" in worker
    )
    assert "Alder Immigrant and Refugee Alliance: youth wants it: yes; near exploitation " in worker


def test_yes_and_no_put_no_finding_out_on_the_plan(run: Run, tmp_path: Path) -> None:
    for answer, reference in (("yes", "AC-2041"), ("no", "AC-2042")):
        answers = reach_case(answer, reference)
        result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
        assert result.exit_code == 0, result.output
        assert "Find out before the youth goes" not in result.output
        assert "it is not known whether" not in result.output
        assert "to find out" not in run("summary", reference).output


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # FHIR ids
AGENCY_COPIES = (
    ("--for", HARBOR),
    ("--for", HARBOR, "--format", "json"),
    ("--for", HARBOR, "--format", "markdown"),
    ("--for", HARBOR, "--format", "html"),
    ("--for", HARBOR, "--format", "fhir"),
    ("--youth",),
)


def test_unsure_reaches_no_agency_copy(run: Run, tmp_path: Path, real_clock: RealClock) -> None:
    """The worker's safety judgement, not the youth's data: an agency's copy is the same
    whether the worker answered no or unsure, exactly as for yes."""
    copies: dict[str, list[str]] = {}
    for answer, reference in (("no", "AC-2041"), ("unsure", "AC-2042")):
        real_clock.set(REAL_START)
        answers = reach_case(answer, reference)
        result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
        assert result.exit_code == 0, result.output
        copies[answer] = [
            UUID.sub("UUID", run("summary", reference, *args).output.replace(reference, "REF"))
            for args in AGENCY_COPIES
        ]
    assert "Emergency shelter" in copies["unsure"][0]  # a real copy, not an error
    assert copies["unsure"] == copies["no"]
    for copy in copies["unsure"]:
        assert "find out" not in copy.lower() and "trafficker" not in copy.lower()


def test_a_new_contacts_confidential_address_is_unknown(run: Run, tmp_path: Path) -> None:
    result = run("start", "--answers", write_answers(tmp_path, step_3_case()), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Eastside Youth Drop-In [NOT VETTED] | confidential address: unknown" in out
    assert "Eastside Youth Drop-In [NOT VETTED] | confidential address: no" not in out
    assert "Alder County Youth Harbor | area: North Alder" in out  # a catalog agency: known
    assert "| confidential address: yes" in out
    worker = flat(run("summary", "AC-3001").output)
    assert "Eastside Youth Drop-In: youth wants it: yes;" in worker
    eastside = worker.split("Eastside Youth Drop-In: youth wants it: yes;")[1]
    assert eastside.split(";")[1].strip().startswith("confidential address: unknown ")


def unchecked(run: Run, tmp_path: Path, answers: dict[str, Any], agency: str) -> Result:
    """The in-room steps, with the agency's open checks not done in step 4 or step 6."""
    answers["discuss"][agency]["checked"] = "no"
    answers["share"][agency]["checked"] = "no"
    answers.pop("plan", None)  # the in-room steps are enough
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    return result


def test_one_thing_to_check_is_it_several_are_them(run: Run, tmp_path: Path) -> None:
    one = run("start", "--answers", write_answers(tmp_path, step_3_case()), "--no-input")
    assert one.exit_code == 0, one.output
    assert (
        "Did you check what a vetting covers (it is not vetted yet) with the agency or your "
        "lead?: no\n  Check it before the referral goes ahead: it is on the plan." in one.output
    )
    assert "Check them before" not in one.output
    answers = immigration_case()
    answers["opening"]["reference"] = "AC-2042"
    several = unchecked(run, tmp_path, answers, IMMIGRATION)
    assert (
        "Premises security with the agency or your lead?: no\n"
        "  Check them before the referral goes ahead: it is on the plan." in several.output
    )
    assert "Check it before" not in several.output


def test_a_check_confirmed_earlier_is_it_for_one_thing(run: Run, tmp_path: Path) -> None:
    answers = step_3_case()
    answers["discuss"][NEW]["checked"] = "yes"
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    share = result.output.split("(guide step 6)")[1]
    assert "(you confirmed you checked it)" in share
    assert "(you confirmed you checked these)" not in share


CLINIC = "alder-community-health-clinic"


def test_one_verify_factor_is_it(run: Run, tmp_path: Path) -> None:
    answers = immigration_case()
    answers["needs"] = {
        "choose": "emergency-shelter, medical-care",
        "own_program": "none",
        "medical-care": {"form": "ongoing"},
    }
    answers["find"] = {"consider": [HARBOR, CLINIC]}
    for step in ("ask", "discuss", "share"):
        answers[step][CLINIC] = answers[step].pop(IMMIGRATION)
    result = unchecked(run, tmp_path, answers, CLINIC)
    assert (
        "Did you check Confidentiality with the agency or your lead?: no\n"
        "  Check it before the referral goes ahead: it is on the plan." in result.output
    )
    assert "Check them before" not in result.output
