"""A consent expiry date in the past is asked again, never the end of the session; an answer
replayed from a paused draft that no longer holds is asked again too, so a case never sticks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from referral_cli.prompt.asker import Asker
from tests.helpers import example_answers, write_answers

Run = Callable[..., Result]
HARBOR = "alder-county-youth-harbor"


def test_a_past_expiry_date_in_the_room_is_asked_again(run: Run, tmp_path: Path) -> None:
    answers = example_answers()
    del answers["share"][HARBOR]["expires"]
    result = run("start", "--answers", write_answers(tmp_path, answers), input="2025-01-01\n+30\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Consent expires (date or +days)") == 2
    assert "The expiry date is in the past" in result.output
    assert "summary AC-2041 --youth" in result.output  # the session went on to its end


def test_a_past_expiry_date_in_an_answers_file_names_the_key(run: Run, tmp_path: Path) -> None:
    answers = example_answers()
    answers["share"][HARBOR]["expires"] = "2025-01-01"
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 1
    assert f"share.{HARBOR}.expires" in result.output
    assert "The expiry date is in the past" in result.output


def _app(replay: dict[str, str]) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def main() -> None:
        asker = Asker({}, interactive=True)
        asker.replay = dict(replay)
        saved: list[tuple[str, str]] = []
        asker.on_answer = lambda key, text: saved.append((key, text))
        today = dt.date(2026, 12, 10)
        day = asker.date(
            "share.x.expires", "Consent expires", today, today, past="The expiry date is past"
        )
        typer.echo(f"expires={day} saved={saved}")

    return app


def test_a_replayed_expiry_date_that_has_passed_is_asked_again() -> None:
    result = CliRunner().invoke(_app({"share.x.expires": "2026-12-05"}), input="+30\n")
    assert result.exit_code == 0, result.output
    assert "That answer no longer holds (The expiry date is past" in result.output
    assert "expires=2027-01-09 saved=[('share.x.expires', '2027-01-09')]" in result.output


def test_a_replayed_expiry_date_still_ahead_is_kept() -> None:
    result = CliRunner().invoke(_app({"share.x.expires": "2026-12-20"}), input="")
    assert result.exit_code == 0, result.output
    assert "no longer holds" not in result.output
    assert "expires=2026-12-20 saved=[]" in result.output
