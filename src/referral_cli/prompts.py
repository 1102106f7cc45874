"""Every question the tool asks goes through here: an answers file first, then typer's prompts.

One thin wrapper keeps three routes identical: a person at a terminal, piped input (tests
through CliRunner), and an answers file (scripts, trainers' role-play, `--no-input`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import typer

from referral_cli.errors import ReferralError


class MissingAnswer(ReferralError):
    """`--no-input` was given and the answers file has no answer for a question."""


class Asker:
    """Asks questions by key; a key found in `answers` is used instead of prompting."""

    def __init__(self, answers: Mapping[str, Any] | None = None, interactive: bool = True) -> None:
        self.answers: dict[str, Any] = dict(answers or {})
        self.interactive = interactive
        self.used: set[str] = set()

    def _given(self, key: str, question: str) -> Any:
        if key in self.answers:
            self.used.add(key)
            value = self.answers[key]
            typer.echo(f"{question}: {value}")
            return value
        if not self.interactive:
            raise MissingAnswer(
                f"The answers file has no answer for '{key}' ({question}), and --no-input was given."
            )
        return None

    def text(self, key: str, question: str, default: str | None = None) -> str:
        """Free text; an empty answer is allowed only when a default is given."""
        given = self._given(key, question)
        if given is not None:
            return str(given).strip()
        value = typer.prompt(question, default=default, show_default=bool(default))
        return str(value).strip()

    def optional(self, key: str, question: str) -> str:
        """Free text that may be left empty."""
        return (
            self.text(key, question, default="")
            if key not in self.answers
            else self.text(key, question)
        )

    def confirm(self, key: str, question: str, default: bool = False) -> bool:
        """A yes/no question."""
        given = self._given(key, question)
        if given is not None:
            if isinstance(given, bool):
                return given
            text = str(given).strip().lower()
            if text in {"y", "yes", "true", "1"}:
                return True
            if text in {"n", "no", "false", "0"}:
                return False
            raise ReferralError(f"The answer for '{key}' must be yes or no, not '{given}'.")
        return bool(typer.confirm(question, default=default))

    def choice(
        self, key: str, question: str, choices: Sequence[str], default: str | None = None
    ) -> str:
        """One of a fixed set of words."""
        given = self._given(key, question)
        if given is not None:
            if str(given) not in choices:
                raise ReferralError(
                    f"The answer for '{key}' must be one of {', '.join(choices)}, not '{given}'."
                )
            return str(given)
        while True:  # typer vendors click, so validate here rather than with click.Choice
            value = str(typer.prompt(f"{question} ({'/'.join(choices)})", default=default)).strip()
            if value in choices:
                return value
            typer.echo(f"Please answer one of: {', '.join(choices)}.")
