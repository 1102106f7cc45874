"""Follow-up after the session: the due list, lifecycle moves, and counts without references."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Run = Callable[..., Result]
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"


@pytest.fixture(autouse=True)
def _one_session(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    result = run("start", "--answers", str(EXAMPLE), "--no-input")
    assert result.exit_code == 0, result.output


def test_followups_lists_open_referrals_and_marks_overdue(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("followups")
    assert result.exit_code == 0
    assert "AC-2041" in result.output
    assert "2026-11-26" in result.output
    assert "in 3 days" in result.output
    monkeypatch.setenv("REFERRAL_TODAY", "2026-12-01")
    late = run("followups")
    assert "OVERDUE 5 days" in late.output
    rows = json.loads(run("followups", "--format", "json").output)
    assert rows[0]["reference"] == "AC-2041"
    assert rows[0]["overdue"] is True


def test_status_moves_along_the_lifecycle_and_refuses_invalid_moves(run: Run) -> None:
    bad = run("status", "AC-2041", "requested")
    assert bad.exit_code == 1
    assert "cannot become requested" in bad.stderr
    assert "Allowed next:" in bad.stderr
    assert "in_progress" in bad.stderr
    unknown = run("status", "AC-2041", "done")
    assert unknown.exit_code == 1
    assert "Unknown status 'done'" in unknown.stderr

    moved = run("status", "AC-2041", "in_progress", "--note", "escorted to intake")
    assert moved.exit_code == 0, moved.output
    assert "in progress" in moved.output

    early = run("status", "AC-2041", "completed")
    assert early.exit_code == 1
    assert "confirmed first contact" in early.stderr

    done = run("status", "AC-2041", "completed", "--first-contact", "2026-11-25")
    assert done.exit_code == 0
    assert "No open referrals" in run("followups").output
    history = json.loads(run("summary", "AC-2041", "--format", "json").output)
    statuses = [c["status"] for c in history["session"]["referrals"][0]["history"]]
    assert statuses[-2:] == ["in_progress", "completed"]


def test_closing_needs_a_reason(run: Run) -> None:
    result = run("status", "AC-2041", "failed")
    assert result.exit_code == 1
    assert "Say why" in result.stderr


def test_activity_counts_never_name_a_case(run: Run) -> None:
    text = run("activity").output
    assert "1 sessions; 1 referrals made" in text
    assert "AC-2041" not in text
    markdown = run("activity", "--format", "markdown").output
    assert "AC-2041" not in markdown
    data = json.loads(run("activity", "--format", "json").output)
    assert data["referrals_made"] == 1
    assert "AC-2041" not in json.dumps(data)


def test_text_report_written_to_a_file_is_plain_text(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "due.txt"
    result = run("followups", "-o", str(target))
    assert result.exit_code == 0
    assert f"Wrote {target}" in result.stderr
    text = target.read_text()
    assert "AC-2041" in text
    assert "\x1b" not in text
