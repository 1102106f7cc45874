"""Parsing answers: the same code whether an answer was typed or came from a file.

Pure functions, no terminal: yes/no, dates, picks from a numbered list, length limits, and
the text form of an answers-file value (so a replayed answer parses to the same value).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from referral_cli.errors import ReferralError
from referral_cli.text import one_line


def flatten(answers: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested answers (`ask: {agency: {called: yes}}`) as dotted keys (`ask.agency.called`)."""
    flat: dict[str, Any] = {}
    for key, value in answers.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def parse_yes_no(text: str) -> bool:
    """yes/no in the forms people type."""
    word = text.strip().lower()
    if word in {"y", "yes", "true", "1"}:
        return True
    if word in {"n", "no", "false", "0"}:
        return False
    raise ReferralError("Answer y or n.")


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """A date as YYYY-MM-DD, or +N (or N) for N days from today."""
    raw = text.strip()
    if today is not None and re.fullmatch(r"\+?\d{1,4}", raw):
        return today + dt.timedelta(days=int(raw.lstrip("+")))
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        hint = " or +N for N days from today" if today is not None else ""
        raise ReferralError(f"'{raw}' is not a date: use YYYY-MM-DD{hint}.") from None


def parse_date_from(raw: str, today: dt.date, default: dt.date, past: str = "") -> dt.date:
    """A date (parse_date), `default` for an empty answer; with `past` (what to say), none
    before `today`, so a consent never starts out expired."""
    text = str(raw).strip()
    value = default if not text else parse_date(text, today)
    if past and value < today:
        raise ReferralError(f"{past}: give {today.isoformat()} or later, or +N days.")
    return value


WHEN_FORMAT = "%Y-%m-%d %H:%M"
WHEN_HINT = "YYYY-MM-DD HH:MM, today HH:MM or tomorrow HH:MM (24-hour clock)"
_WHEN = re.compile(
    r"(?P<day>today|tomorrow|\d{4}-\d{2}-\d{2})[ T]+(?P<h>\d{1,2}):(?P<m>\d{2})(:00)?", re.I
)
NOT_YET = "not yet"
WHEN_RANGE = 366  # days either side of today: further is a typo, not a visit


def parse_when(text: str, today: dt.date) -> dt.datetime | None:
    """A date and a time of day, to the minute (the only form an agency is ever given), or
    None for "not yet" or nothing.

    `today` and `tomorrow` are judged from `today` (the worker's date); anything else, such
    as "Thu 3pm" or "after school", is refused, so no free text rides along into a packet.
    """
    raw = str(text).strip()
    if not raw or raw.lower() == NOT_YET:
        return None
    found = _WHEN.fullmatch(raw)
    example = (today + dt.timedelta(days=2)).isoformat()
    bad = ReferralError(f"Give a date and time: {example} 14:00, tomorrow 9:30")  # fits 60
    if found is None:
        raise bad
    word = found["day"].lower()
    try:
        day = (
            today
            if word == "today"
            else today + dt.timedelta(days=1)
            if word == "tomorrow"
            else dt.date.fromisoformat(word)
        )
        at = dt.datetime.combine(day, dt.time(int(found["h"]), int(found["m"])))
    except ValueError:
        raise bad from None
    if abs((day - today).days) > WHEN_RANGE:
        raise ReferralError(f"{day.isoformat()} is more than a year off: check the date.")
    return at


def structured_when(text: str) -> dt.datetime | None:
    """A stored hand-off time if it is exactly the normalised form, else None (older free
    text such as "Thu 3pm", which is the worker's and never an agency's)."""
    try:
        at = dt.datetime.strptime(text, WHEN_FORMAT)
    except ValueError:
        return None
    return at if at.strftime(WHEN_FORMAT) == text else None


def parse_typed_yes(text: str) -> bool:
    """The whole word yes or no: for consent, `y` (or Enter) is not enough."""
    word = str(text).strip().lower()
    if word in {"yes", "no"}:
        return word == "yes"
    raise ReferralError("Type the whole word: yes or no.")


def as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None:
        return []
    return [part.strip() for part in re.split(r"[,;]", str(value)) if part.strip()]


def parse_picks(
    raw: Any,
    options: Sequence[tuple[str, str]],
    resolve: Callable[[str], list[str]] | None = None,
    numbers: bool = True,
) -> list[str]:
    """Numbers ("1, 3", "2-4"), values, or (with `resolve`) words that match exactly one option.

    With `numbers=False` positions are refused: where a wrong pick would share the wrong
    thing (consent), only names count, since numbers shift from one session to the next.
    There `resolve` has the last word: it returns every option a name stands for (a group
    word may stand for several) or raises, so no guess is ever made here.
    Returns option values in the order chosen, without repeats.
    """
    values = [v for v, _ in options]
    chosen: list[str] = []
    for token in as_list(raw):
        if not numbers and re.fullmatch(r"[\d\s-]+", token):
            raise ReferralError(f"'{token}' is a position: give the item's name, e.g. {values[0]}.")
        span = re.fullmatch(r"(\d+)\s*-\s*(\d+)", token)
        if span and not 1 <= int(span[1]) <= int(span[2]) <= len(values):
            raise ReferralError(f"{token} is not a range on the list (1-{len(values)}).")
        positions = (
            list(range(int(span[1]), int(span[2]) + 1))
            if span
            else [int(t) for t in token.split()]
            if all(t.isdigit() for t in token.split())
            else None
        )
        if positions is not None:
            for n in positions:
                if not 1 <= n <= len(values):
                    raise ReferralError(f"{n} is not on the list (1-{len(values)}).")
                chosen.append(values[n - 1])
            continue
        if token in values:
            chosen.append(token)
            continue
        hits = (
            resolve(token) if resolve else [v for v, lab in options if lab.lower() == token.lower()]
        )
        if len(hits) == 1 or (hits and not numbers and resolve):
            chosen.extend(hits)
        elif hits:
            labels = dict(options)
            if not numbers:
                shown = "; ".join(hits[:8])
                raise ReferralError(f"'{token}' matches several: {shown}. Give one of those names.")
            shown = "; ".join(f"{values.index(h) + 1} {labels[h]}" for h in hits[:8])
            raise ReferralError(f"'{token}' matches several: {shown}. Pick by number.")
        else:
            raise ReferralError(f"Nothing on the list matches '{token}'.")
    return list(dict.fromkeys(chosen))


def numbered(options: Sequence[tuple[str, str]]) -> str:
    """Options as a numbered list, one per line."""
    width = len(str(len(options)))
    return "\n".join(
        f"  {n:>{width}}  {one_line(label)}" for n, (_, label) in enumerate(options, 1)
    )


MAX_ANSWER = 2000


def check_length(value: str) -> None:
    """Case files hold short notes; a pasted page is refused rather than failing later."""
    if len(value) > MAX_ANSWER:
        raise ReferralError(
            f"Keep it under {MAX_ANSWER} characters (this answer has {len(value)})."
        )


def short_line(raw: str) -> str:
    check_length(raw)
    return raw


def as_text(value: Any) -> str:
    """An answers-file value (bool, int, list, date) as the text a person would type."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, dt.datetime):  # as typed, never "2026-12-01T19:00:00"
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
