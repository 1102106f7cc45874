"""A free-text answer the screen flags (a name, an address, a birth date) is not saved to the
draft unless the worker keeps it, and a resumed draft never loops on it.

A new user typed "Maria Lopez wants it; she lives at 412 Oak Street, born 2011-03-04", chose
to rephrase, paused at the re-asked question and resumed: the saved answer replayed, was
flagged, was "rephrased" from the saved choice, and replayed again, for ever, at full CPU.
"""

from __future__ import annotations

import datetime as dt

import typer
from typer.testing import CliRunner

from referral_cli.prompt.screen import ScreeningAsker

KEY = "discuss.harbor.view"
FLAGGED = "Maria Lopez wants it; she lives at 412 Oak Street, born 2011-03-04"


def _app(replay: dict[str, str], saved: dict[str, str]) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def main() -> None:
        asker = ScreeningAsker({}, interactive=True, today=dt.date(2026, 12, 1))
        asker.replay = dict(replay)
        asker.on_answer = saved.__setitem__
        typer.echo(f"kept={asker.text(KEY, 'The youth view', '')}")

    return app


def test_a_flagged_answer_is_not_saved_and_a_pause_after_rephrase_loses_it() -> None:
    saved: dict[str, str] = {}
    # typed, flagged, "rephrase", then Ctrl-C at the question asked again (end of input)
    result = CliRunner().invoke(_app({}, saved), input=f"{FLAGGED}\nrephrase\n")
    assert "Careful: that looks like a full name (Maria Lopez)" in result.output
    assert result.exit_code != 0  # stopped at the question asked again
    assert FLAGGED not in saved.values() and "rephrase" not in saved.values()
    # resumed from what was saved: the question is simply asked
    again: dict[str, str] = {}
    result = CliRunner().invoke(_app(saved, again), input="She wants it.\n")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("kept=She wants it.")
    assert again == {KEY: "She wants it."}


def test_a_draft_saved_before_the_fix_is_asked_again_not_looped() -> None:
    old = {KEY: FLAGGED, f"{KEY}.screen": "rephrase"}
    saved: dict[str, str] = {}
    result = CliRunner().invoke(_app(old, saved), input="She wants it.\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Careful:") == 1
    assert saved == {KEY: "She wants it."}  # the flagged text is replaced in the draft


def test_an_answer_kept_on_purpose_is_saved_with_the_choice() -> None:
    agency_line = "Call the shelter's front desk at 503-555-0110"
    saved: dict[str, str] = {}
    result = CliRunner().invoke(_app({}, saved), input=f"{agency_line}\nkeep\n")
    assert result.exit_code == 0, result.output
    assert saved == {f"{KEY}.screen": "keep", KEY: agency_line}
