"""A long question asked again after a wrong answer is shown whole again, not just its tail."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from referral_cli.prompt import asker as asker_module
from referral_cli.prompt.asker import Asker

QUESTION = "Did you check Confidentiality, Informed consent, Premises security with the agency?"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def main() -> None:
        answer = Asker({}, interactive=True).confirm("contact.checked", QUESTION, default=None)
        typer.echo(f"answer={answer}")

    return app


def test_wrapped_question_is_shown_whole_after_a_wrong_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(asker_module, "tty_width", lambda: 40)
    result = CliRunner().invoke(_app(), input="maybe\ny\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Did you check Confidentiality") == 2
    assert "Error:" in result.output
    assert result.output.rstrip().endswith("answer=True")
    assert all(len(line) <= 60 for line in result.output.splitlines())
