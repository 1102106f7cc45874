"""`referral start` as a conversation (issue 15): consent read back by name, no default on a
fact or an attestation, resume at the first unanswered question, the question budget."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from referral_cli.casefile.records import Session
from tests.helpers import example_answers, write_answers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "answers-example.yaml"
TODAY = "2026-11-23"
HARBOR = "alder-county-youth-harbor"

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # `referral` on PATH, as after an install (a test below takes it off)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)


example = example_answers
write = write_answers


def saved(ref: str = "AC-2041") -> Session:
    from referral_cli.casefile.store import load_session

    return load_session(ref)


# --- 3. consent read back by name ------------------------------------------------------


def test_the_read_back_names_exactly_the_items_the_release_holds(run: Run) -> None:
    result = run("start", "--answers", str(EXAMPLE), "--no-input")
    assert result.exit_code == 0, result.output
    [release] = saved().releases
    assert release.items == [
        "need:emergency-shelter",
        "about:age",
        "about:language",
        "consideration:1",
    ]
    shared = re.search(
        r"Shared with Alder County Youth Harbor until 2026-12-23: (.*)\.\n", result.output
    )
    kept = re.search(r"\nNot shared: (.*)\.\n", result.output)
    assert shared is not None and kept is not None, result.output
    assert shared[1].split("; ") == [
        "Need: Emergency shelter (emergency)",
        "Age: 16",
        "Language: Spanish (es)",
        "Special consideration: Prefers a female staff member at intake",
    ]
    assert kept[1].split("; ") == [
        "Need: Counselling and trauma therapy (ongoing)",
        "Gender: female",
        "Access and fit needs: transit",
        "Special consideration: Loud, crowded rooms are hard right now",
    ]
    assert ".." not in result.output


def test_no_consent_is_saved_without_a_typed_yes(run: Run, tmp_path: Path) -> None:
    answers = example()
    answers["share"][HARBOR]["confirm"] = "no"
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert result.exit_code == 1
    assert f"says no at 'share.{HARBOR}.confirm': nothing saved" in result.output
    assert saved().releases == []
    answers["share"][HARBOR]["confirm"] = "y"  # a single letter is not a typed yes
    answers["opening"]["reference"] = "AC-2042"
    result = run("start", "--answers", write(tmp_path, answers, "b.yaml"), "--no-input")
    assert result.exit_code == 1 and "Type the whole word: yes or no" in result.output
    assert saved("AC-2042").releases == []


def test_items_are_picked_by_name_never_by_position(run: Run, tmp_path: Path) -> None:
    answers = example()
    answers["share"][HARBOR]["items"] = "1, 3"
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert result.exit_code == 1
    assert "'1' is a position: give the item's name" in result.output
    answers["opening"]["reference"] = "AC-2042"
    answers["share"][HARBOR]["items"] = "emergency-shelter, language"  # short names are enough
    result = run("start", "--answers", write(tmp_path, answers, "b.yaml"), "--no-input")
    assert result.exit_code == 0, result.output
    [release] = saved("AC-2042").releases
    assert release.items == ["need:emergency-shelter", "about:language"]


# --- 4. no default on a fact or an attestation ---------------------------------------------

FACTS = (
    "needs.own_program",
    "profile.language",
    "ask.*.call",
    "ask.*.present",
    "discuss.*.near_danger",
    "discuss.*.after",
    "discuss.*.wants",
    "discuss.*.checked",
    "contact.*.as_listed",
    "contact.*.knows_trauma_csec",
    "share.*.items",
    "share.*.shared_how",
    "share.*.given_how",
    "share.*.guardian_required",
    "share.*.informed",
    "share.*.interpreter",
    "share.*.confirm",
    "handoff.*.agency_answer",
    "escort.*.wants",
    "no_referral.info_given",
    "no_referral.hotlines",
)


def asked(answers: dict[str, Any]) -> list[Any]:
    """Run a whole session in-process and return the log of every question put."""
    from referral_cli.commands.common import load
    from referral_cli.prompt.asker import Asker
    from referral_cli.render import session as screens
    from referral_cli.session.flow import run_session

    asker = Asker(answers, interactive=False)
    run_session(asker, load(None), dt.date.fromisoformat(TODAY), screens)
    return asker.log


def fact_questions(log: list[Any]) -> dict[str, bool]:
    patterns = [re.compile(re.escape(p).replace(r"\*", "[^.]+") + "$") for p in FACTS]
    return {q.key: q.has_default for q in log if any(p.match(q.key) for p in patterns)}


def test_no_fact_or_attestation_has_a_default(tmp_path: Path) -> None:
    from tests.test_session_flow import declining

    facts = fact_questions(asked(example()))
    for n, answers in enumerate((declining(example()), immigration_case()), 2):
        answers["opening"]["reference"] = f"AC-204{n}"
        facts.update(fact_questions(asked(answers)))
    seen = {re.sub(r"\.[^.]+\.", ".*.", k, count=1) if k.count(".") == 2 else k for k in facts}
    assert seen == set(FACTS)  # every one was asked, so the check below covers them all
    assert {k: d for k, d in facts.items() if d} == {}


def test_enter_at_a_fact_asks_again(run: Run, tmp_path: Path) -> None:
    answers = example()
    del answers["ask"][HARBOR]["present"]
    result = run("start", "--answers", write(tmp_path, answers), input="\n\n1,2\n")
    out = result.output
    assert out.count("Who was on the call (numbers): \nError: Pick at least one") == 2, out
    assert saved().calls[0].present == ["youth", "worker"]


# --- 5. resume where you stopped ---------------------------------------------------------


def test_resume_in_the_middle_of_a_step_asks_only_what_is_unanswered(
    run: Run, tmp_path: Path
) -> None:
    answers = example()
    discuss = answers["discuss"]
    riverbend = discuss.pop("riverbend-behavioral-health")
    later = {k: answers.pop(k) for k in ("contact", "share", "plan", "handoff", "escort")}
    # The answers file stops halfway through step 4; the person at the prompt pauses there.
    first = run("start", "--answers", write(tmp_path, answers), input="")
    assert first.exit_code == 0 and "Paused." in first.output
    draft = saved()
    assert draft.step == 4 and draft.options == []
    assert sorted(draft.pending) == sorted(f"discuss.{HARBOR}.{k}" for k in discuss[HARBOR])
    # Resuming needs only the answers not given yet: a file with Harbor's answers left out.
    rest = {"discuss": {"riverbend-behavioral-health": riverbend}, **later}
    second = run("resume", "AC-2041", "--answers", write(tmp_path, rest, "r.yaml"), "--no-input")
    assert second.exit_code == 0, second.output
    assert "answers not used" not in second.output
    done = saved()
    assert done.finished and done.options[0].youth_view == discuss[HARBOR]["view"]


def test_the_printed_resume_command_works_without_referral_on_path(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex
    import subprocess

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    answers = example()
    later = {
        k: answers.pop(k)
        for k in ("ask", "discuss", "contact", "share", "plan", "handoff", "escort")
    }
    first = run("start", "--answers", write(tmp_path, answers), input="")
    found = re.search(r"Resume with:\n  (.*)\n", first.output)
    assert found is not None and "-m referral_cli resume AC-2041" in found[1], first.output
    rest = write(tmp_path, later, "r.yaml")
    done = subprocess.run(
        [*shlex.split(found[1]), "--answers", rest, "--no-input"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert saved().finished


# --- 9. the call with the youth present --------------------------------------------------------


def test_step_3_prompts_the_call_with_the_youth_and_records_who_was_on_it(
    run: Run, tmp_path: Path
) -> None:
    answers = example()
    answers["ask"]["riverbend-behavioral-health"] = {"call": "later"}
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    assert "Call with the youth present, so they can ask their own questions." in result.output
    harbor, riverbend = saved().calls
    assert harbor.called and harbor.youth_present and harbor.present == ["youth", "worker"]
    assert not riverbend.called and riverbend.later
    out = run("summary", "AC-2041").output
    assert "youth present: yes; on the call: youth, worker" in out
    assert "Riverbend Behavioral Health: to call later" in out


# --- 7. vetting standing where the decision is made ----------------------------------------


IMMIGRATION = "alder-immigrant-refugee-alliance"


def immigration_case() -> dict[str, Any]:
    """The example, with immigration legal help met by an agency marked VERIFY."""
    answers = example()
    answers["needs"] = {
        "choose": "emergency-shelter, immigration-legal",
        "own_program": "none",
        "immigration-legal": {"form": "ongoing"},
    }
    answers["find"] = {"consider": [HARBOR, IMMIGRATION]}
    answers["ask"] = {HARBOR: answers["ask"][HARBOR], IMMIGRATION: {"call": "later"}}
    discuss = answers["discuss"]
    del discuss["riverbend-behavioral-health"]
    discuss[IMMIGRATION] = {"view": "", "wants": "yes", "near_danger": "unsure", "transport": ""}
    discuss[IMMIGRATION]["checked"] = "yes"
    answers["contact"][IMMIGRATION] = {
        "present": ["worker"],
        "said": "",
        "as_listed": "no",
        "role": "Case manager",
        "name": "",
        "knows_trauma_csec": "no",
    }
    answers["share"][IMMIGRATION] = {**answers["share"][HARBOR], "items": "none"}
    answers["handoff"][IMMIGRATION] = {"agency_answer": "waiting", "when": "not yet"}
    answers["escort"][IMMIGRATION] = {"wants": "no", "urgency": "routine", "follow_up": "+7"}
    return answers


def test_a_verify_agency_shows_what_is_in_question_where_the_youth_decides(
    run: Run, tmp_path: Path
) -> None:
    result = run("start", "--answers", write(tmp_path, immigration_case()), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    discuss, share = (
        out.split("(guide step 6)")[0].split("(guide step 4)")[1],
        out.split("(guide step 6)")[1],
    )
    assert "Alder Immigrant and Refugee Alliance [VERIFY]" in discuss
    assert "VERIFY before referral:" in discuss
    assert (
        "Did you check Confidentiality, Informed consent, Premises security with the agency "
        "or your lead?: yes" in discuss
    )
    assert "VERIFY before referral:" in share and "(you confirmed you checked these)" in share
    assert "Ask the agency for another contact who does" in out  # knows_trauma_csec: no
    [_, alliance] = saved().considered
    assert alliance.agency == IMMIGRATION and alliance.checked


# --- 6. hesitation explored --------------------------------------------------------------


def test_a_hesitation_is_explored_and_acted_on(run: Run, tmp_path: Path) -> None:
    answers = example()
    harbor = answers["discuss"][HARBOR]
    harbor["help"] = ["another-site", "more-info"]
    harbor["after"] = "no"
    answers["discuss"]["harborlight-dv-shelter"] = {
        "view": "Closer to school",
        "wants": "yes",
        "near_danger": "no",
        "transport": "",
    }
    answers["ask"]["harborlight-dv-shelter"] = {"call": "later"}
    answers["contact"] = {
        "harborlight-dv-shelter": {**answers["contact"][HARBOR], "present": "worker", "said": ""}
    }
    answers["share"]["harborlight-dv-shelter"] = answers["share"].pop(HARBOR)
    answers["share"]["harborlight-dv-shelter"]["items"] = ["need:emergency-shelter"]
    for step in ("handoff", "escort"):
        answers[step] = {"harborlight-dv-shelter": answers[step][HARBOR]}
    answers["escort"]["harborlight-dv-shelter"]["wants"] = "yes"
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Another option for Emergency shelter: Harborlight Domestic Violence Shelter." in out
    assert "  Hours: 24/7" in out  # more information: what the catalog holds
    session = saved()
    harbor_talk, riverbend_talk, harborlight_talk = session.options
    assert harbor_talk.helps == ["another-site", "more-info"] and not harbor_talk.wants
    assert riverbend_talk.helps == ["not-now"] and not riverbend_talk.wants
    assert harborlight_talk.wants and [r.agency for r in session.referrals] == [
        "harborlight-dv-shelter"
    ]
    worker = " ".join(run("summary", "AC-2041").output.split())  # wherever the lines wrap
    assert "would help: Another site or time, More information about it" in worker


# --- 2. the question budget ----------------------------------------------------------------

RIVERBEND = "riverbend-behavioral-health"


def issue_case() -> dict[str, Any]:
    """Issue 15's case: a 16-year-old Spanish-speaking youth with three needs; three agencies
    considered, one chosen; she hesitates about the shelter, shares needs and language with it
    only; warm hand-off and escort wanted."""
    return {
        "opening": {"reference": "AC-3001", "worker": "Sam R.", "program": "Outreach"},
        "needs": {
            "choose": "emergency-shelter, counselling-therapy, immigration-legal",
            "own_program": "none",
            "immigration-legal": {"form": "ongoing"},
        },
        "profile": {"language": "es", "age": 16, "gender": "female", "fit": "none"},
        "find": {"consider": [HARBOR, RIVERBEND, IMMIGRATION]},
        "ask": {
            HARBOR: {"call": "now", "present": ["youth", "worker"], "said": "Bed tonight."},
            RIVERBEND: {"call": "later"},
            IMMIGRATION: {"call": "later"},
            "new_contact": "no",  # asked in a terminal after a call made now
        },
        "discuss": {
            HARBOR: {
                "view": "",
                "wants": "hesitant",
                "hesitations": ["location", "transport"],
                "help": ["goes-along"],
                "hesitation_note": "Her trafficker goes near there; the bus.",
                "after": "yes",
                "near_danger": "unsure",
                "transport": "",
            },
            RIVERBEND: {"view": "", "wants": "no"},
            IMMIGRATION: {"view": "Later, maybe", "wants": "no"},
        },
        "contact": {HARBOR: {"as_listed": "yes", "knows_trauma_csec": "yes"}},
        "share": {
            "considerations": [],
            HARBOR: {
                "items": [
                    "need:emergency-shelter",
                    "need:counselling-therapy",
                    "need:immigration-legal",
                    "about:language",
                ],
                "shared_how": "verbal",
                "given_how": "written",
                "guardian_required": "no",
                "expires": "+30",
                "informed": "yes",
                "interpreter": "no",
                "confirm": "yes",
            },
        },
        "handoff": {
            HARBOR: {
                "agency_answer": "accepted",
                "when": "today 17:00",
                "who": "Sam and the youth",
                "transport": "",
            }
        },
        "escort": {HARBOR: {"plan": "", "urgency": "urgent", "follow_up": "+3"}},
    }


def test_the_issue_case_stays_within_the_question_budget() -> None:
    in_room = asked(issue_case())  # `start` ends the in-room phase with the plan
    notes = [q for q in in_room if q.kind == "note"]
    assert len(in_room) <= 40, [q.key for q in in_room]
    assert len(notes) <= 10 and all(q.has_default for q in notes)
    # typed answers that cannot be skipped: who and which case, and the language (a fact,
    # checked against the catalog's list); every note can be left empty
    assert [q.key for q in in_room if q.kind == "text" and not q.has_default] == [
        "opening.reference",
        "opening.worker",
        "opening.program",
        "profile.language",
    ]
    whole = asked(
        {
            **issue_case(),
            "opening": {**issue_case()["opening"], "reference": "AC-3002"},
            "plan": {"continue": "yes"},
        }
    )
    assert len(whole) <= 60, [q.key for q in whole]
    assert len(whole) > len(in_room) + 5  # the later steps were asked too


# --- 1. two phases -------------------------------------------------------------------------


def test_start_ends_the_in_room_phase_with_the_plan_and_resume_shows_the_timeline(
    run: Run, tmp_path: Path
) -> None:
    answers = issue_case()
    later = {k: answers.pop(k) for k in ("contact", "handoff", "escort")}
    first = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert first.exit_code == 0, first.output
    out = first.output
    assert "The plan for AC-3001" in out
    assert "Shared with Alder County Youth Harbor until 2026-12-23: Need: Emergency shelter" in out
    assert "Someone goes along to Alder County Youth Harbor" in out
    assert "Run them with:\n  referral resume AC-3001" in out
    for after in ("(guide step 5)", "(guide step 7)", "(guide step 8)"):
        assert after not in out
    draft = saved("AC-3001")
    assert draft.done == [1, 2, 3, 4, 6] and not draft.finished
    assert [r.status for r in draft.referrals] == ["requested"]
    second = run("resume", "AC-3001", "--answers", write(tmp_path, later, "r.yaml"), "--no-input")
    assert second.exit_code == 0, second.output
    timeline = second.output.split("Resuming")[0]
    assert "    done   Needs (guide step 1)" in timeline
    assert "    done   Share (guide step 6)" in timeline
    assert "    next   Contact (guide step 5)" in timeline
    assert "    later  Escort (guide step 8)" in timeline
    done = saved("AC-3001")
    assert done.finished and done.done == [1, 2, 3, 4, 6, 5, 7, 8]
    assert done.referrals[0].status == "handoff_scheduled"
    assert done.referrals[0].escort is not None and done.referrals[0].escort.wants


def test_the_documented_no_referral_answers_file_runs_the_no_referral_path(run: Run) -> None:
    result = run(
        "start", "--answers", str(ROOT / "docs" / "answers-no-referral.yaml"), "--no-input"
    )
    assert result.exit_code == 0, result.output
    assert "answers not used" not in result.output
    assert "What to do now" in result.output and "1-888-373-7888" in result.output
    session = saved("AC-2050")
    assert session.finished and session.no_referral is not None
    assert session.no_referral.reason == "youth-declined" and session.no_referral.at_step == 4
    assert session.no_referral.basic_needs == ["food", "clothing"] and session.referrals == []


# --- 8. new contacts -----------------------------------------------------------------------

NEW = "new-eastside-youth-drop-in"


def test_a_new_contact_is_carried_through_to_the_agencys_copy(run: Run, tmp_path: Path) -> None:
    answers = issue_case()
    answers["find"] = {
        "consider": [HARBOR, "new"],
        "new": {
            "name": "Eastside Youth Drop-In",
            "phone": "503-555-0199",
            "service": "emergency-shelter",
            "suggested_by": "the task force",
        },
    }
    answers["ask"] = {HARBOR: {"call": "later"}, NEW: {"call": "later"}}
    answers["discuss"] = {
        HARBOR: {"view": "", "wants": "no"},
        NEW: {"view": "", "wants": "yes", "near_danger": "no", "transport": "", "checked": "no"},
    }
    answers["share"][NEW] = answers["share"].pop(HARBOR)
    answers["share"][NEW]["checked"] = "no"  # not yet: so it is on the plan
    answers["plan"] = {"continue": "yes"}
    answers["contact"] = {
        NEW: {
            "present": ["worker"],
            "said": "",
            "checked": "yes",  # checked with the lead by the time of the call
            "role": "Director",
            "name": "",
            "knows_trauma_csec": "yes",
        }
    }
    answers["handoff"] = {NEW: {"agency_answer": "waiting", "when": "not yet"}}
    answers["escort"] = {NEW: {"wants": "no", "urgency": "routine", "follow_up": "+7"}}
    result = run("start", "--answers", write(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "A new contact, not in the catalog" in out
    assert "Eastside Youth Drop-In [NOT VETTED]" in out  # where the youth decides
    assert "NOT VETTED: a new contact, not in the catalog" in out.split("(guide step 6)")[1]
    assert "Check before referring to Eastside Youth Drop-In: NOT VETTED" in out  # the plan
    session = saved("AC-3001")
    [contact] = session.new_contacts
    assert contact.agency == NEW and contact.suggested_by == "the task force"
    copy = run("summary", "AC-3001", "--for", "eastside").output
    assert "Referral AC-3001 for Eastside Youth Drop-In" in copy
    assert "Emergency shelter" in copy and "Spanish (es)" in copy
    listed = run("contacts").output
    assert "Eastside Youth Drop-In [NOT VETTED]: 503-555-0199; for emergency-shelter" in listed
    assert "suggested by the task force; in 1 session(s)" in listed and "AC-3001" not in listed


def test_hesitations_are_counted_in_activity_without_a_case_reference(run: Run) -> None:
    import json

    assert run("start", "--answers", str(EXAMPLE), "--no-input").exit_code == 0
    data = json.loads(run("activity", "--format", "json").output)
    assert data["hesitations_by_reason"] == {"transport": 1, "rumours": 1}
    assert data["hesitations_by_help"] == {"goes-along": 1, "not-now": 1}
    markdown = run("activity", "--format", "markdown").output
    assert "Hesitations, by what would help" in markdown and "AC-2041" not in markdown


def test_a_mistyped_key_is_named_once_the_case_is_done_not_at_a_stop_at_the_plan(
    run: Run, tmp_path: Path
) -> None:
    """The note about unused answers catches typos; keys for the later steps are not typos
    when the in-room phase stops at the plan."""
    answers = example_answers()
    answers["escort"][HARBOR]["urgencyy"] = "routine"  # a typo
    done = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert done.exit_code == 0, done.output
    assert "answers not used (typo?): escort.alder-county-youth-harbor.urgencyy" in done.output
    answers["opening"]["reference"] = "AC-3002"
    answers["plan"] = {"continue": "no"}
    stopped = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert stopped.exit_code == 0, stopped.output
    assert "answers not used" not in stopped.output
