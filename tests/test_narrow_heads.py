"""At 60 columns a standing or a mark is never split from itself over two lines.

A new user at 60 columns read "Alder County Sheriff's Office - Victim Services Unit  ready"
and, at column 0 of the next line, "STALE": skimming, the agency looked ready to refer.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import Result

from referral_cli.render import session as screens
from referral_cli.session.matching import Candidate
from tests.test_matching import agency

Run = Callable[..., Result]
SHERIFF = "Alder County Sheriff's Office - Victim Services Unit"  # vetted 2025-06-10: overdue


def test_a_standing_that_does_not_fit_beside_the_name_gets_its_own_line(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    monkeypatch.setenv("COLUMNS", "60")
    lines = run("agencies", "--limit", "0").output.splitlines()
    at = lines.index(SHERIFF)
    assert lines[at + 1] == "  ready STALE"
    assert all(len(line) <= 60 for line in lines)
    monkeypatch.setenv("COLUMNS", "100")
    assert f"{SHERIFF}  ready STALE" in run("agencies", "--limit", "0").output.splitlines()


def test_a_candidates_marks_stay_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    long = agency("pantry", name="Alder Community Pantry and Clothing Closet")
    shown = screens.candidates("Food", [Candidate(long, 0, ["NOT VETTED"], ["not vetted"])])
    lines = shown.splitlines()
    assert lines[-3:] == [
        "  1. Alder Community Pantry and Clothing Closet",
        "     [NOT VETTED]",
        "     not vetted",
    ]
    monkeypatch.setenv("COLUMNS", "80")
    wide = screens.candidates("Food", [Candidate(long, 0, ["NOT VETTED"], ["not vetted"])])
    assert "  1. Alder Community Pantry and Clothing Closet  [NOT VETTED]" in wide.splitlines()


def test_a_scorecard_at_60_columns_is_a_list_with_whole_words(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table's evidence column was 15 wide there: 'training-recor' / 'ds'."""
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    monkeypatch.setenv("COLUMNS", "60")
    out = run("vet", "harborlight-dv-shelter").output
    lines = out.splitlines()
    assert " 1  CSEC experience: 3" in lines
    assert "      training-records, task-force-membership" in lines
    assert all(len(line) <= 60 for line in lines)
    assert "Evidence and note" not in out
    monkeypatch.setenv("COLUMNS", "100")
    assert "Evidence and note" in run("vet", "harborlight-dv-shelter").output
