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
import yaml
from typer.testing import Result

from referral_cli.casefile.records import Session

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


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


def write(tmp_path: Path, answers: dict[str, Any], name: str = "answers.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(answers))
    return str(path)


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
        "Special consideration: Prefers a female staff member at intake.",
    ]
    assert kept[1].split("; ") == [
        "Need: Counselling and trauma therapy (ongoing)",
        "Gender: female",
        "Access and fit needs: transit",
        "Special consideration: Loud, crowded rooms are hard right now.",
    ]


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
    "needs.*.own_program",
    "profile.language",
    "ask.*.call",
    "ask.*.present",
    "discuss.*.near_danger",
    "discuss.*.hesitant",
    "discuss.*.wants",
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
    facts.update(
        fact_questions(
            asked(
                {
                    **declining(example()),
                    "opening": {**example()["opening"], "reference": "AC-2042"},
                }
            )
        )
    )
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
    later = {k: answers.pop(k) for k in ("contact", "share", "handoff", "escort")}
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
    later = {k: answers.pop(k) for k in ("ask", "discuss", "contact", "share", "handoff", "escort")}
    first = run("start", "--answers", write(tmp_path, answers), input="")
    found = re.search(r"Resume with: (.*)\n", first.output)
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
    answers["needs"]["choose"] = "emergency-shelter, immigration-legal"
    answers["needs"]["immigration-legal"] = {"form": "ongoing", "own_program": "no"}
    del answers["needs"]["counselling-therapy"], answers["needs"]["food"]
    answers["find"] = {
        "emergency-shelter": [HARBOR],
        "immigration-legal": [IMMIGRATION],
    }
    answers["ask"] = {HARBOR: answers["ask"][HARBOR], IMMIGRATION: {"call": "later"}}
    discuss = answers["discuss"]
    discuss[IMMIGRATION] = {**discuss.pop("riverbend-behavioral-health"), "wants": "yes"}
    discuss[IMMIGRATION]["checked"] = "yes"
    answers["contact"]["choose"] = [HARBOR, IMMIGRATION]
    answers["contact"][IMMIGRATION] = {
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
        out.split("Step 6 of 8")[0].split("Step 4 of 8")[1],
        out.split("Step 6 of 8")[1],
    )
    assert "Alder Immigrant and Refugee Alliance [VERIFY]" in discuss
    assert "VERIFY before referral:" in discuss
    assert "Did you check these with the agency or your lead?: yes" in discuss
    assert "VERIFY before referral:" in share and "(you confirmed you checked these)" in share
    assert "Ask the agency for another contact who does" in out  # knows_trauma_csec: no
    [_, alliance] = saved().considered
    assert alliance.agency == IMMIGRATION and alliance.checked
