"""Opening hours from every HSDS schedule row, not just the first.

Rows for the same times are folded into day ranges ("Mon-Fri 09:00-17:00; Sat 10:00-14:00").
A row naming a day without times says nothing about that day's hours, so it is written as
"times not stated" and listed for review, never read as open or closed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from referral_cli.hsds.schema import Obj
from referral_cli.hsds.values import text

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LABELS = dict(zip(DAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
NAMES = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}


def days(value: Any) -> list[str]:
    """Day codes from an RRULE-style byday ("MO,TU") or day names ("Monday")."""
    found: list[str] = []
    for part in re.split(r"[,;/\s]+", text(value)):
        word = re.sub(r"^[+-]?\d+", "", part).casefold()  # "1MO": first Monday
        code = word.upper()[:2] if word.upper()[:2] in DAYS and len(word) == 2 else None
        code = code or next(
            (c for name, c in NAMES.items() if len(word) >= 3 and name.startswith(word)), None
        )
        if code and code not in found:
            found.append(code)
    return found


def _times(schedule: Obj) -> str:
    return "-".join(text(schedule.get(k))[:5] for k in ("opens_at", "closes_at") if schedule.get(k))


def _ranges(codes: list[str]) -> str:
    """ "Mon-Fri" for consecutive days, "Mon, Wed" otherwise."""
    ordered = sorted(codes, key=DAYS.index)
    groups: list[list[str]] = []
    for code in ordered:
        if groups and DAYS.index(code) == DAYS.index(groups[-1][-1]) + 1:
            groups[-1].append(code)
        else:
            groups.append([code])
    return ", ".join(
        LABELS[g[0]] if len(g) == 1 else f"{LABELS[g[0]]}-{LABELS[g[-1]]}" for g in groups
    )


Row = tuple[tuple[str, ...], str, str, str]


@lru_cache(maxsize=4096)
def _read_row(byday: str, opens: str, closes: str, description: str, notes: str) -> Row:
    """(day codes, times, description, notes) of one row; directories repeat the same rows
    ("MO 09:00-17:00") thousands of times, so each distinct row is read once."""
    schedule = {"opens_at": opens, "closes_at": closes}
    return tuple(days(byday)), _times(schedule), text(description), text(notes)


KEYS = ("byday", "opens_at", "closes_at", "description", "notes")


def hours(schedules: list[Obj]) -> tuple[dict[str, Any], list[str]]:
    """The catalog's hours (regular, note) from every row, and notes for review."""
    rows = tuple(
        _read_row(*[v if isinstance(v, str) else "" for v in map(s.get, KEYS)]) for s in schedules
    )
    out, review = _fold(rows)
    return dict(out), list(review)


@lru_cache(maxsize=4096)
def _fold(rows: tuple[Row, ...]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Hours from read rows; agencies of one directory share a few weekly patterns, so each
    pattern is folded once (callers get their own copies)."""
    by_times: dict[str, list[str]] = {}
    free_text: list[str] = []
    notes: list[str] = []
    review: list[str] = []
    for codes, times, description, note in rows:
        if codes or times:
            key = times or "times not stated"
            if not times:
                review.append(f"hours: HSDS names {_ranges(list(codes))} without times; check")
            by_times.setdefault(key, [])
            by_times[key] += [c for c in codes if c not in by_times[key]]
            if description and description not in free_text:
                free_text.append(description)
        elif description and description not in free_text:
            free_text.append(description)
        if note and note not in notes:
            notes.append(note)
    parts = [
        f"{_ranges(codes)} {times}" if codes else times
        for times, codes in sorted(
            by_times.items(), key=lambda item: min((DAYS.index(c) for c in item[1]), default=7)
        )
    ]
    out: dict[str, Any] = {}
    regular = "; ".join(parts + free_text)
    if regular:
        out["regular"] = regular if len(regular) <= 2000 else regular[:1999] + "…"
    if notes:
        out["note"] = "; ".join(notes)[:2000]
    return tuple(out.items()), tuple(review)
