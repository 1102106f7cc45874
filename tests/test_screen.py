"""Free-text screening: what must be caught, what must pass, and how the session reacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from referral_cli.casefile.store import check_reference
from referral_cli.errors import ReferralError
from referral_cli.prompt.screen import screen

Run = Callable[..., Result]
DAY = dt.date(2026, 11, 23)
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"
KNOWN = ["503-555-0110", "Dev Patel", "intake@harbor.example.org"]

MUST_CATCH = [
    ("Maria Lopez, born 2009-04-12, lives at 12 Oak Street", "a full name"),
    ("Maria Lopez, born 2009-04-12, lives at 12 Oak Street", "a birth date"),
    ("Maria Lopez, born 2009-04-12, lives at 12 Oak Street", "a street address"),
    ("Chris Nguyen asked for a female worker", "a full name"),
    ("Reach M. Lopez after school", "a full name"),
    ("DOB 4/12/09", "a birth date"),
    ("her birthday is March 3, 2010", "a birth date"),
    ("nacida el 12 de abril de 2009", "a birth date"),
    ("Staying at 400 Pine Ave with a cousin", "a street address"),
    ("call her at (503) 555-0177", "a phone number"),
    ("her cell is 503.555.0188", "a phone number"),
    ("write to jl2009@gmail.com", "an e-mail address"),
]
MUST_PASS = [
    "Staff trained on CSEC; they work with exploited youth every month.",
    "Bed tonight, case manager tomorrow, bus passes.",
    "Bus 12 with the worker the first time.",
    "Prefers a female staff member at intake.",
    "Today 5pm",
    "Sam and the youth",
    "Follow up on 2026-12-01",  # a date, but no youth's birth date
    "Call the shelter at 503-555-0110",  # the catalog's number
    "Ask for Dev Patel at the front desk",  # the agency's contact
    "Alder County Youth Harbor, then Room 12",
    "Jessica says the bus feels scary",  # a first name alone is not a full name
]


@pytest.mark.parametrize(("text", "kind"), MUST_CATCH)
def test_must_catch(text: str, kind: str) -> None:
    assert kind in [f.kind for f in screen(text, DAY, KNOWN)]


@pytest.mark.parametrize("text", MUST_PASS)
def test_must_pass(text: str) -> None:
    assert screen(text, DAY, KNOWN) == []


@pytest.mark.parametrize("ref", ["MARIA-LOPEZ-2009", "Lopez-M-0304", "DOB0304", "0304-2009"])
def test_references_with_a_name_or_date_are_refused_with_a_good_example(ref: str) -> None:
    with pytest.raises(ReferralError, match=r"such as AC-2041") as caught:
        check_reference(ref)
    assert "name" in str(caught.value) or "date" in str(caught.value)


@pytest.mark.parametrize("ref", ["AC-2041", "HY-0417", "YS-77", "2026-0153", "K9-204"])
def test_program_references_pass(ref: str) -> None:
    assert check_reference(ref) == ref


def _answers(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> str:
    answers = yaml.safe_load(EXAMPLE.read_text())
    change(answers)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    return str(path)


def test_with_no_input_it_is_an_error_naming_the_key(run: Run, tmp_path: Path) -> None:
    def leak(a: dict[str, Any]) -> None:
        a["share"]["considerations"] = ["Maria Lopez, born 2009-04-12, lives at 12 Oak Street"]

    result = run("start", "--answers", _answers(tmp_path, leak), "--no-input")
    assert result.exit_code == 1
    assert "'share.considerations'" in result.output and "a full name" in result.output
    assert "Traceback" not in result.output


def test_a_confirmed_agency_number_is_kept(run: Run, tmp_path: Path) -> None:
    def note(a: dict[str, Any]) -> None:
        a["ask"]["alder-county-youth-harbor"]["said"] = "Night desk: 503-555-0999"
        a["ask"]["alder-county-youth-harbor"]["said.not_about_youth"] = "yes"

    result = run("start", "--answers", _answers(tmp_path, note), "--no-input")
    assert result.exit_code == 0, result.output
    assert "Night desk: 503-555-0999" in run("summary", "AC-2041").output


def test_at_the_prompt_the_worker_rephrases(run: Run, tmp_path: Path) -> None:
    def drop(a: dict[str, Any]) -> None:
        del a["discuss"]["alder-county-youth-harbor"]["hesitation_note"]

    typed = "Staying with Maria Lopez\nrephrase\nWorried about the bus at night\n"
    result = run("start", "--answers", _answers(tmp_path, drop), input=typed)
    assert result.exit_code == 0, result.output
    assert "Careful: that looks like a full name (Maria Lopez)" in result.output
    worker_copy = run("summary", "AC-2041").output
    assert "Worried about the bus at night" in worker_copy and "Maria Lopez" not in worker_copy
