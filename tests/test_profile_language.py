"""The youth's language in step 2: found as a worker types it, skipped only on purpose.

A new user at 60 columns pressed Enter (the header said "Enter skips") and was told an
answer was needed; `kiche` was not K'iche'; the error listed ten of twenty languages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile.store import load_session
from tests.helpers import example_answers, write_answers

Run = Callable[..., Result]
REFERENCE = "AC-2041"  # the example answers' reference


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def started(run: Run, tmp_path: Path, language: str) -> Result:
    answers = example_answers()
    answers["profile"]["language"] = language
    if language == "skip":  # then there is no language to share either
        form = answers["share"]["alder-county-youth-harbor"]
        form["items"] = [i for i in form["items"] if i != "about:language"]
    return run("start", "--answers", write_answers(tmp_path, answers), "--no-input")


@pytest.mark.parametrize(
    ("typed", "code", "name"),
    [
        ("kiche", "quc", "K'iche'"),
        ("Persian", "fa", "Persian (Farsi/Dari)"),
        ("ES", "es", "Spanish"),
    ],
)
def test_a_language_is_found_as_a_worker_types_it(
    run: Run, tmp_path: Path, typed: str, code: str, name: str
) -> None:
    result = started(run, tmp_path, typed)
    assert result.exit_code == 0, result.output
    profile = load_session(REFERENCE).profile
    assert (profile.language, profile.language_name) == (code, name)


def test_skip_records_no_language_and_none_is_held_against_an_agency(
    run: Run, tmp_path: Path
) -> None:
    result = started(run, tmp_path, "skip")
    assert result.exit_code == 0, result.output
    profile = load_session(REFERENCE).profile
    assert (profile.language, profile.language_name) == (None, "")
    assert "speaks" not in result.output and "-speaking staff" not in result.output


def test_enter_alone_asks_again_and_an_unknown_language_lists_every_one(
    run: Run, tmp_path: Path
) -> None:
    answers = example_answers()
    del answers["profile"]["language"]
    result = run("start", "--answers", write_answers(tmp_path, answers), input="\nKlingon\nskip\n")
    out = " ".join(result.output.split())
    assert "Language the youth prefers (name or code, or skip):" in out
    assert "An answer is needed here." in out
    assert "Unknown language 'Klingon'." in out
    assert "quc (K'iche'), ase (American Sign Language); or skip." in out  # the last ones too
    assert load_session(REFERENCE).profile.language is None


def test_the_language_given_before_turning_to_no_referral_is_kept(run: Run, tmp_path: Path) -> None:
    """A new user answered Spanish, then `x` at the age: the papers said "Language: -" and
    the youth's card came out in English."""
    from tests.test_session_flow import declining

    answers = declining(example_answers())
    answers["profile"]["age"] = "x"  # the escape word: to the no-referral path from here
    for step in ("find", "ask", "discuss"):
        answers.pop(step, None)
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    session = load_session(REFERENCE)
    assert session.no_referral is not None
    assert (session.profile.language, session.profile.language_name) == ("es", "Spanish")
    card = run("summary", REFERENCE, "--youth")
    assert card.exit_code == 0 and "Tarjeta" in card.output, card.output
