"""The worker profile: set once, private, used by every new session."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Run = Callable[..., Result]


def test_profile_is_saved_owner_only_and_shown(run: Run, _private_home: Path) -> None:
    result = run(
        "profile", "--name", "Maya Reyes", "--program", "Harbor Drop-in", "--phone", "503-555-0142"
    )
    assert result.exit_code == 0, result.output
    path = _private_home / "profile.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = run("profile", "--show").output
    assert "Maya Reyes" in shown and "503-555-0142" in shown and "E-mail: -" in shown


def test_options_change_only_the_fields_given(run: Run) -> None:
    run("profile", "--name", "Maya Reyes", "--program", "Harbor", "--phone", "503-555-0142")
    assert run("profile", "--email", "maya@example.org").exit_code == 0
    shown = run("profile", "--show").output
    assert "Harbor" in shown and "maya@example.org" in shown


def test_a_bad_phone_is_one_line_error(run: Run) -> None:
    result = run("profile", "--name", "Maya", "--program", "Harbor", "--phone", "call me")
    assert result.exit_code == 1
    assert "phone" in result.output and "Traceback" not in result.output


def test_asked_at_the_prompt_when_no_options(run: Run) -> None:
    result = run("profile", input="Maya Reyes\nHarbor\n503-555-0142\n\n")
    assert result.exit_code == 0, result.output
    assert "Phone: 503-555-0142" in result.output


def test_a_session_takes_the_worker_from_the_profile(run: Run, tmp_path: Path) -> None:
    from referral_cli.casefile.store import load_session

    run("profile", "--name", "Maya Reyes", "--program", "Harbor", "--phone", "503-555-0142")
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "opening: {reference: PR-41}\n"
        "needs: {choose: food, own_program: [food]}\n"
        "no_referral: {reason: needs-met, note: '', basic_needs: '', info_given: yes,\n"
        "  hotlines: none, call_later: ''}\n"
    )
    result = run("start", "--answers", str(answers), "--no-input", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert "Your name or initials" not in result.output
    session = load_session("PR-41")
    assert (session.worker, session.worker_phone) == ("Maya Reyes", "503-555-0142")
    assert session.no_referral is not None
    assert "Maya Reyes, Harbor, 503-555-0142" in session.no_referral.call_later
