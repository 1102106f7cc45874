"""One note in the youth's words covers every hesitation she named for an agency: the
worker's copy says it once, not after each reason (a new user's record said her transport
worry was about the staff)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import example_answers, write_answers

Run = Callable[..., Result]
HARBOR = "alder-county-youth-harbor"
NOTE = "Worried about riding the bus alone at night."


def test_the_note_is_said_once_after_the_reasons(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    answers = example_answers()
    answers["discuss"][HARBOR]["hesitations"] = ["transport", "location"]
    assert run("start", "--answers", write_answers(tmp_path, answers), "--no-input").exit_code == 0
    record = " ".join(run("summary", "AC-2041").output.split())
    assert record.count(NOTE) == 1, record
    assert f"hesitations: Transport, getting there / Fear of the location ({NOTE})" in record
    assert "hesitations: " in record


def test_a_referral_with_nothing_shared_is_not_said_to_have_a_release(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's copy said "chose to share nothing" and "requested (release recorded)"."""
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    answers = example_answers()
    answers["share"][HARBOR] = {"items": "none", "confirm": "yes"}
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    record = " ".join(run("summary", "AC-2041").output.split())
    assert "requested, by Sam R. (nothing shared: the youth chose to share nothing)" in record
    assert "release recorded" not in record
