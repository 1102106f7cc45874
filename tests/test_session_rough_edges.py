"""Rough edges of the conversation (issue 15): Ctrl-C in the opening questions keeps what
was typed; the step headers read in order within the two phases; the release's purpose
reads as a sentence."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile.records import Session
from referral_cli.session.matching import ORDER_NOTE
from tests.helpers import EXAMPLE_ANSWERS, example_answers, write_answers

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def saved(ref: str = "AC-2041") -> Session:
    from referral_cli.casefile.store import load_session

    return load_session(ref)


def test_a_pause_in_the_opening_keeps_the_reference_and_the_worker(
    run: Run, tmp_path: Path
) -> None:
    # input runs out after the worker's name: like Ctrl-C before the program is typed
    first = run("start", input="AC-2041\nSam R.\n")
    assert first.exit_code == 0, first.output
    assert "Draft kept with every answer given so far." in first.output
    assert "Resume with:\n  referral resume AC-2041" in first.output
    assert saved().pending["opening.worker"] == "Sam R."
    answers = example_answers()
    del answers["opening"]
    second = run(
        "resume", "AC-2041", "--answers", write_answers(tmp_path, answers), input="Outreach\n"
    )
    assert second.exit_code == 0, second.output
    assert "Your name or initials: Sam R.  (answered before)" in second.output
    assert "Your program: Outreach" in second.output
    session = saved()
    assert (session.worker, session.program) == ("Sam R.", "Outreach")
    assert session.finished and "opening.open" not in session.pending


def test_a_pause_before_any_reference_saves_nothing(run: Run, _private_home: Path) -> None:
    result = run("start", input="")
    assert "Nothing was saved (no case reference yet)." in result.output
    assert not list((_private_home / "sessions").glob("*.enc"))


def test_step_headers_count_within_each_phase_and_name_the_guide_step(run: Run) -> None:
    out = run("start", "--answers", str(EXAMPLE_ANSWERS), "--no-input").output
    header = r"^(In the room|After the session), (\d) of (\d) — (.+?) \(guide step (\d)\)"
    headers = re.findall(header, out, re.M)
    assert [(p, int(n), int(of), int(g)) for p, n, of, _, g in headers] == [
        ("In the room", 1, 5, 1),
        ("In the room", 2, 5, 2),
        ("In the room", 3, 5, 3),
        ("In the room", 4, 5, 4),
        ("In the room", 5, 5, 6),
        ("After the session", 1, 3, 5),
        ("After the session", 2, 3, 7),
        ("After the session", 3, 3, 8),
    ]
    assert "Step 6 of 8" not in out
    assert "It ends with a plan." in out  # the opening names the two phases


def test_the_purpose_reads_as_a_sentence(run: Run) -> None:
    out = run("start", "--answers", str(EXAMPLE_ANSWERS), "--no-input").output
    assert "Purpose: To arrange emergency shelter." in out
    assert "To arrange Emergency" not in out


def test_a_label_keeps_its_capitals_only_where_they_are_an_acronym() -> None:
    from referral_cli.session.steps.share import mid_sentence

    assert mid_sentence("Emergency shelter") == "emergency shelter"
    assert mid_sentence("LGBTQ+ youth services") == "LGBTQ+ youth services"
    assert mid_sentence("ID and documents") == "ID and documents"


def test_the_read_back_says_how_in_plain_words(run: Run) -> None:
    out = run("start", "--answers", str(EXAMPLE_ANSWERS), "--no-input").output
    assert "Shared verbally; consent given in writing by the youth; revocable at any time." in out


def test_the_timeline_lists_each_phase_in_order(run: Run, tmp_path: Path) -> None:
    answers = example_answers()
    answers["plan"]["continue"] = "no"
    assert run("start", "--answers", write_answers(tmp_path, answers), "--no-input").exit_code == 0
    out = run("resume", "AC-2041", "--answers", str(EXAMPLE_ANSWERS), "--no-input").output
    timeline = out.split("Resuming")[0].splitlines()
    assert timeline[1:] == [
        "  In the room",
        "    done   Needs (guide step 1)",
        "    done   Find (guide step 2)",
        "    done   Ask (guide step 3)",
        "    done   Discuss (guide step 4)",
        "    done   Share (guide step 6)",
        "  After the session",
        "    next   Contact (guide step 5)",
        "    later  Warm hand-off (guide step 7)",
        "    later  Escort (guide step 8)",
    ]


def test_candidates_wrap_at_60_columns_with_their_indent(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = run("start", "--answers", str(EXAMPLE_ANSWERS), "--no-input").output
    block = out.split("Candidates for Emergency shelter")[1].split("\n\n")[0]
    lines = block.splitlines()[1:]
    first = next(i for i, line in enumerate(lines) if line[2:3].isdigit())
    note = lines[:first]  # the order of the list, said once above it
    assert " ".join(n.strip() for n in note) == ORDER_NOTE
    assert all(len(n) <= 60 and n.startswith("  ") for n in note)
    reasons = [line for line in lines[first:] if line and not line[2:3].isdigit()]
    assert reasons and all(len(line) <= 60 and line.startswith("     ") for line in reasons)
