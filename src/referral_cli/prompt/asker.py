"""Every question the tool asks goes through here: an answers file first, then typer's prompts.

One thin wrapper keeps three routes identical: a person at a terminal, piped input (tests
through CliRunner), and an answers file (scripts, trainers' role-play, `--no-input`). Each
question has a key; an answers file maps keys to answers. Answers are parsed by the same code
whichever route they come by, so a bad answer in a file fails the way a typo at the prompt
would, except that a file cannot be asked again and so stops with the key named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import typer

from referral_cli.console import tty_width
from referral_cli.errors import ReferralError
from referral_cli.prompt.parse import (
    NOT_YET,
    as_list,
    as_text,
    check_length,
    flatten,
    numbered,
    parse_date_from,
    parse_picks,
    parse_typed_yes,
    parse_when,
    parse_yes_no,
    short_line,
)
from referral_cli.text import clip, fit, one_line

T = TypeVar("T")
ESCAPE = "x"


Kind = Literal["text", "note", "yes-no", "choice", "number", "date", "pick", "typed-yes"]


@dataclass(frozen=True)
class Asked:
    """One question as it was put: its key, its kind, and whether Enter would answer it.

    The log of these lets tests count a session's questions and prove that no fact or
    attestation can be recorded by pressing Enter.
    """

    key: str
    kind: Kind
    has_default: bool


class MissingAnswer(ReferralError):
    """`--no-input` was given and the answers file has no answer for a question."""


class NoReferralRequested(Exception):
    """The worker typed the escape word: leave the steps for the no-referral path."""


class Asker:
    """Asks questions by key; a key found in `answers` is used instead of prompting.

    With `escape=True`, typing `x` at any question raises NoReferralRequested, which the
    referral session turns into the no-referral path (reachable from every step).

    `replay` holds answers already given in an earlier run (a paused draft): they are used
    first, shown as answered, and never reported as unused. `on_answer(key, text)` is called
    with every answer as soon as it is accepted, in a form that replays to the same value, so
    the session can save it before the next question.
    """

    def __init__(
        self,
        answers: Mapping[str, Any] | None = None,
        interactive: bool = True,
        escape: bool = False,
    ) -> None:
        self.answers: dict[str, Any] = flatten(answers or {})
        self.interactive = interactive
        self.escape = escape
        self.used: set[str] = set()
        self.replay: dict[str, str] = {}
        self.on_answer: Callable[[str, str], None] | None = None
        self.log: list[Asked] = []

    def unused(self) -> list[str]:
        """Answer keys never asked for: usually a typo in the answers file."""
        return sorted(set(self.answers) - self.used)

    def _note(self, key: str, kind: Kind, has_default: bool) -> None:
        self.log.append(Asked(key, kind, has_default))

    def forget(self, prefix: str) -> None:
        """Drop replayed answers under `prefix`, so those questions are asked afresh."""
        for key in [k for k in self.replay if k.startswith(prefix)]:
            del self.replay[key]

    def _given(self, key: str, question: str) -> Any:
        if key in self.replay:
            typer.echo(
                fit(f"{question}: {one_line(self.replay[key])}  (answered before)", tty_width())
            )
            return self.replay[key]
        if key in self.answers:
            self.used.add(key)
            value = self.answers[key]
            shown = " | ".join(map(str, value)) if isinstance(value, list) else as_text(value)
            typer.echo(fit(f"{question}: {one_line(shown)}", tty_width()))  # escapes inert
            if self.escape and str(value).strip().lower() == ESCAPE:
                raise NoReferralRequested("file")
            return "" if value is None else value
        if not self.interactive:
            raise MissingAnswer(
                f"The answers file has no answer for '{key}' ({question}), "
                "and --no-input was given."
            )
        return None

    def ask(
        self,
        key: str,
        question: str,
        parse: Callable[[str], T],
        default: str | None = None,
        shown_default: str | None = None,
    ) -> T:
        """The one prompt loop: answers file, else typer.prompt until `parse` accepts.

        An answer replayed from a paused draft that no longer holds (a consent expiry date
        that has passed since) is dropped and asked again, so a case is never stuck on it.
        """
        replayed = key in self.replay
        given = self._given(key, question)
        if replayed and given is not None and not _holds(parse, given):
            del self.replay[key]
            given = self._given(key, question)
        if given is not None:
            try:
                value = parse(given if isinstance(given, str) else as_text(given))
            except ReferralError as exc:
                # a parser may quote the bad answer: keep it short and its escape codes off
                raise ReferralError(
                    f"The answer for '{key}' ({clip(repr(given), 80)}): {clip(str(exc), 300)}"
                ) from None
            self._answered(key, value)
            return value

        label = question
        if shown_default is None and default:
            shown_default = default
        if shown_default:
            label = f"{question} [{shown_default}]"
        result = _prompt_until(label, "" if default is None else default, parse, self.escape)
        self._answered(key, result)
        return result

    def _answered(self, key: str, value: Any) -> None:
        if self.on_answer is not None and key not in self.replay:
            self.on_answer(key, "" if value is None else as_text(value))

    def text(
        self,
        key: str,
        question: str,
        default: str | None = None,
        check: Callable[[str], str] | None = None,
    ) -> str:
        """Free text; an empty answer is allowed only when a default is given."""

        def parse(raw: str) -> str:
            value = str(raw).strip()
            if not value:
                if default is None:
                    raise ReferralError("An answer is needed here.")
                value = default
            check_length(value)
            return check(value) if check else value

        if default != "":
            self._note(key, "text", default is not None)
        return self.ask(key, question, parse, default=default)

    def optional(self, key: str, question: str) -> str:
        """Free text that may be left empty (press Enter)."""
        self._note(key, "note", True)
        return self.text(key, question, default="")

    def confirm(self, key: str, question: str, default: bool | None = False) -> bool:
        """A yes/no question; default None means the person must answer y or n."""
        hint = "y/n" if default is None else ("Y/n" if default else "y/N")
        self._note(key, "yes-no", default is not None)

        def parse(raw: str) -> bool:
            if not str(raw).strip() and default is not None:
                return default
            return parse_yes_no(str(raw))

        return self.ask(key, question, parse, default="", shown_default=hint)

    def choice(
        self, key: str, question: str, choices: Sequence[str], default: str | None = None
    ) -> str:
        """One of a fixed set of words (a unique prefix is enough)."""

        def parse(raw: str) -> str:
            word = str(raw).strip().lower() or (default or "")
            hits = [c for c in choices if c == word] or [c for c in choices if c.startswith(word)]
            if word and len(hits) == 1:
                return hits[0]
            raise ReferralError(f"Answer one of: {', '.join(choices)}.")

        shown = "/".join(c.upper() if c == default else c for c in choices)
        self._note(key, "choice", default is not None)
        return self.ask(key, question, parse, default="", shown_default=shown)

    def typed_yes(self, key: str, question: str) -> bool:
        """An explicit typed yes (or no): for consent, Enter or `y` is not enough."""
        self._note(key, "typed-yes", False)
        return self.ask(key, question, parse_typed_yes, default="", shown_default="type yes or no")

    def number(
        self, key: str, question: str, low: int, high: int, default: int | None = None
    ) -> int | None:
        """A whole number in a range, or None when left empty (and no default)."""

        def parse(raw: str) -> int | None:
            text = str(raw).strip()
            if not text:
                return default
            if not text.isdigit() or not low <= int(text) <= high:
                raise ReferralError(f"Give a number from {low} to {high}, or press Enter to skip.")
            return int(text)

        shown = str(default) if default is not None else "skip"
        self._note(key, "number", True)
        return self.ask(key, question, parse, default="", shown_default=shown)

    def date(
        self, key: str, question: str, today: dt.date, default: dt.date, past: str = ""
    ) -> dt.date:
        """A date as YYYY-MM-DD or +N days (parse_date_from)."""
        self._note(key, "date", True)
        return self.ask(
            key,
            question,
            lambda raw: parse_date_from(raw, today, default, past),
            default="",
            shown_default=default.isoformat(),
        )

    def when(self, key: str, question: str, today: dt.date) -> dt.datetime | None:
        """A date and time to the minute (parse_when), or None for "not yet" (or Enter)."""
        self._note(key, "date", True)
        return self.ask(key, question, lambda raw: parse_when(raw, today), "", NOT_YET)

    def lines(self, key: str, question: str) -> list[str]:
        """Several short lines: a list in the answers file, else one prompt per line until empty."""
        if key in self.answers or key in self.replay:
            self._note(key, "note", True)
            given = self._given(key, question)
            listed = (
                as_list(given)
                if not isinstance(given, str)
                else [line.strip() for line in given.splitlines() if line.strip()]
            )
            try:
                for line in listed:
                    check_length(line)
            except ReferralError as exc:
                raise ReferralError(f"The answer for '{key}': {exc}") from None
            if self.on_answer is not None and key not in self.replay:
                self.on_answer(key, "\n".join(listed))
            return listed
        if not self.interactive:
            self._given(key, question)
        typer.echo(f"{question} (one per line, Enter on an empty line to finish)")
        found: list[str] = []
        while True:
            line_key = f"{key}.{len(found) + 1}"
            self._note(line_key, "note", True)
            line = self.ask(line_key, f"  {len(found) + 1}", short_line, default="")
            if not line.strip():
                return found
            found.append(line.strip())

    def pick_one(
        self,
        key: str,
        question: str,
        options: Sequence[tuple[str, str]],
        default: str | None = None,
        show: bool = True,
    ) -> str:
        """One option from a numbered list, by number or value."""
        if show:
            typer.echo(numbered(options))

        def parse(raw: str) -> str:
            picks = parse_picks(raw or default or "", options)
            if len(picks) != 1:
                raise ReferralError("Pick one number.")
            return picks[0]

        shown = str([v for v, _ in options].index(default) + 1) if default else None
        self._note(key, "pick", default is not None)
        return self.ask(key, question, parse, default="", shown_default=shown)

    def pick_many(
        self,
        key: str,
        question: str,
        options: Sequence[tuple[str, str]],
        default: Sequence[str] = (),
        show: bool = True,
        resolve: Callable[[str], list[str]] | None = None,
        required: bool = False,
        numbers: bool = True,
        explicit: bool = False,
    ) -> list[str]:
        """Several options: numbers, ranges or (with `resolve`) words, comma-separated.

        Answered "none" or "no" (or Enter when nothing is preselected) picks nothing, so a
        replayed answer always means the same picks. With `explicit=True` Enter asks again:
        where the answer records a fact, "none" has to be typed.
        """
        if show:
            typer.echo(numbered(options))
        values = [v for v, _ in options]

        def parse(raw: str) -> list[str]:
            text = str(raw).strip()
            if text.lower() in ("none", "no") and not required:  # "no" is how many say it
                return []
            if not text and explicit:
                raise ReferralError("Give an answer (type none if none).")
            picks = parse_picks(raw, options, resolve, numbers) if text else list(default)
            if required and not picks:
                raise ReferralError("Pick at least one (separated by commas).")
            return picks

        if default and numbers:
            shown: str | None = ",".join(str(values.index(d) + 1) for d in default)
        else:
            shown = ",".join(default) if default else "none"
        if explicit:
            shown = None
        self._note(key, "pick", (not required and not explicit) or bool(default))
        return self.ask(
            key,
            question,
            parse,
            default="",
            shown_default=None if required and not default else shown,
        )


def ask_keep_draft() -> bool:
    """After Ctrl-C: keep the draft? Yes unless the person says no (a second Ctrl-C keeps it)."""
    try:
        return bool(typer.confirm("Keep the draft to resume later?", default=True))
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("")
        return True


def _last_line_shown(label: str) -> str:
    """A question too long for the terminal: all but its last line printed now, at whole
    words, and the last line returned to prompt with (room left for ": ")."""
    width = tty_width()
    lead, _, last = fit(label, width - 2 if width else None).rpartition("\n")
    if lead:
        typer.echo(lead)
    return last


def _holds(parse: Callable[[str], Any], given: str) -> bool:
    """A replayed answer is still accepted; if not, the worker is told why it is asked again."""
    try:
        parse(given)
    except ReferralError as exc:
        typer.echo(fit(f"That answer no longer holds ({one_line(str(exc))})", tty_width()))
        return False
    return True


def _prompt_until(label: str, default: str, parse: Callable[[str], T], escape: bool) -> T:
    """Prompt until `parse` accepts; not click's own retry, which would show only the last
    line of a long question again after an error."""
    while True:
        text = str(typer.prompt(_last_line_shown(label), default=default, show_default=False))
        if escape and text.strip().lower() == ESCAPE:
            raise NoReferralRequested("prompt")
        try:
            return parse(text.strip())
        except ReferralError as exc:
            typer.echo(fit(f"Error: {one_line(str(exc))}", tty_width()))
