"""Hesitations counted in `referral gaps` (issue 15, point 6): where youth hesitated, by
need, and what would have helped; counts only, never a case reference or a youth's words."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import EXAMPLE_ANSWERS

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


@pytest.fixture
def one_case(run: Run) -> None:
    # the example: hesitant about the shelter (transport; someone going along would help,
    # then wanted it) and about the therapist (rumours; not now)
    result = run("start", "--answers", str(EXAMPLE_ANSWERS), "--no-input")
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("one_case")
def test_gaps_json_counts_hesitations_by_need_reason_and_help(run: Run) -> None:
    result = run("gaps", "--format", "json")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)["hesitations"]
    assert counts["sessions"] == 1 and counts["options_hesitant"] == 2
    assert counts["wanted_after"] == 1
    assert counts["by_reason"] == {"transport": 1, "rumours": 1}
    assert counts["by_help"] == {"goes-along": 1, "not-now": 1}
    by_need = {n["service"]: n for n in counts["by_need"]}
    assert set(by_need) == {"emergency-shelter", "counselling-therapy"}
    shelter = by_need["emergency-shelter"]
    assert (shelter["options_hesitant"], shelter["wanted_after"]) == (1, 1)
    assert shelter["by_reason"] == {"transport": 1} and shelter["by_help"] == {"goes-along": 1}
    assert by_need["counselling-therapy"]["by_help"] == {"not-now": 1}
    assert "AC-2041" not in result.output and "bus alone" not in result.output


@pytest.mark.usefixtures("one_case")
def test_gaps_text_and_markdown_say_where_youth_hesitated(run: Run) -> None:
    text = run("gaps").output
    assert "Where youth hesitated (1 of your sessions, counts only)" in text
    assert (
        "Emergency shelter: 1 hesitant (1 wanted after); why: Transport, getting there (1); "
        "would help: Someone goes along (1)"
    ) in text
    markdown = run("gaps", "-f", "markdown").output
    assert "## Where youth hesitated" in markdown
    assert "| Counselling and trauma therapy | 1 | 0 | Rumours about it 1 | Not now 1 |" in markdown
    for out in (text, markdown):
        assert "AC-2041" not in out and "friend" not in out  # no case, no youth's words


@pytest.mark.usefixtures("one_case")
def test_catalog_only_leaves_the_sessions_out(run: Run) -> None:
    data = json.loads(run("gaps", "--catalog-only", "--format", "json").output)
    assert data["hesitations"] is None
    assert "Where youth hesitated" not in run("gaps", "--catalog-only").output


def test_gaps_without_case_files_shows_the_catalog_only(run: Run) -> None:
    result = run("gaps", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hesitations"] is None


@pytest.mark.usefixtures("one_case")
def test_a_wrong_passphrase_still_shows_the_catalogs_gaps(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from referral_cli.casefile import crypto

    crypto.forget()
    monkeypatch.setenv("REFERRAL_PASSPHRASE", "not the passphrase at all")
    result = run("gaps")
    assert result.exit_code == 0, result.output
    assert "Hesitations from your sessions not counted" in result.output
    assert "Service gaps in" in result.output
