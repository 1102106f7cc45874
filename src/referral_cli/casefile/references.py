"""Case references: short codes a program assigns, never a youth's name or birth date.

A reference becomes a file name and a line in exports, so anything that reads as a person's
name or a calendar date is refused with a message saying what to use instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

from referral_cli.errors import ReferralError

_REF_SHAPE = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
_DATE_SHAPES = (
    re.compile(r"(?<!\d)\d{4}[-./_]\d{1,2}[-./_]\d{1,2}(?!\d)"),
    re.compile(r"(?<!\d)\d{1,2}[-./_]\d{1,2}[-./_]\d{2,4}(?!\d)"),
)
_NAME_WORD = re.compile(r"[A-Z][a-z]{1,}")
_MONTHS = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[-._]?\d", re.IGNORECASE
)
REF_HELP = (
    "Use a short reference your program assigns, such as AC-2041: 3-24 letters, digits and "
    "hyphens, with at least one digit. Never the youth's name or date of birth."
)


def _digits_look_like_date(digits: str) -> bool:
    """6 or 8 digits that read as a calendar date (YYYYMMDD, MMDDYYYY, DDMMYYYY, MMDDYY...)."""

    if len(digits) == 8:
        forms = ((0, 4, 4, 6, 6, 8, "ymd"), (4, 8, 0, 2, 2, 4, "ymd"), (4, 8, 2, 4, 0, 2, "ymd"))
        for ys, ye, ms, me, ds, de, _ in forms:
            try:
                year = int(digits[ys:ye])
                if 1900 <= year <= 2100:
                    dt.date(year, int(digits[ms:me]), int(digits[ds:de]))
                    return True
            except ValueError:
                continue
        return False
    if len(digits) == 6:
        for a, b in ((0, 2), (2, 4), (2, 0), (4, 2)):
            month, day = int(digits[a : a + 2]), int(digits[b : b + 2])
            if 1 <= month <= 12 and 1 <= day <= 31 and a != b:
                return True
    return False


def check_reference(text: str) -> str:
    """A safe case reference (upper-cased), or a ReferralError explaining what to use instead.

    Refuses anything that looks like a full name or a date (of birth), so a youth's identity
    never becomes a file name or a line in an export.
    """
    raw = text.strip()
    if not raw:
        raise ReferralError(f"A case reference is required. {REF_HELP}")
    if " " in raw and len(_NAME_WORD.findall(raw)) >= 2:
        raise ReferralError(f"'{raw}' looks like a person's name. {REF_HELP}")
    if any(p.search(raw) for p in _DATE_SHAPES) or _MONTHS.search(raw):
        raise ReferralError(f"That looks like a date (a birth date?). {REF_HELP}")
    if not _REF_SHAPE.fullmatch(raw) or not 3 <= len(raw) <= 24:
        raise ReferralError(f"'{raw}' is not a case reference. {REF_HELP}")
    if len(re.findall(r"[A-Z][a-z]+", raw)) >= 2:
        raise ReferralError(f"'{raw}' looks like a person's name. {REF_HELP}")
    if not re.search(r"\d", raw):
        raise ReferralError(f"A case reference needs at least one digit. {REF_HELP}")
    for run in re.findall(r"\d+", raw):
        if _digits_look_like_date(run):
            raise ReferralError(f"That looks like a date (a birth date?). {REF_HELP}")
    _refuse_hidden_identity(raw)
    return raw.upper()


_BIRTH_WORDS = re.compile(r"(DOB|BDAY|BORN|BIRTH|NACI)", re.IGNORECASE)


def _refuse_hidden_identity(raw: str) -> None:
    """Names and dates hidden in a reference's parts: MARIA-LOPEZ-2009, Lopez-M, 0304-2009."""
    from referral_cli.catalog.names import is_name
    from referral_cli.clock import today

    parts = raw.split("-")
    words = re.findall(r"[A-Za-z]+", raw)
    for word in words:
        if len(word) >= 3 and is_name(word):
            raise ReferralError(
                f"'{raw}' holds '{word}', which looks like a person's name. {REF_HELP}"
            )
    for word, nxt in itertools.pairwise(parts):
        if re.fullmatch(r"[A-Z][a-z]{2,}", word) and re.fullmatch(r"[A-Za-z]", nxt):
            raise ReferralError(f"'{raw}' looks like a surname and an initial. {REF_HELP}")
    if _BIRTH_WORDS.search(raw):
        raise ReferralError(f"'{raw}' looks like it holds a birth date. {REF_HELP}")
    runs = re.findall(r"\d+", raw)
    joined = ["".join(runs[i : i + 2]) for i in range(len(runs) - 1)]
    if any(_digits_look_like_date(j) for j in joined):
        raise ReferralError(f"'{raw}' looks like a date split by hyphens. {REF_HELP}")
    year = today().year
    if any(len(r) == 4 and year - 30 <= int(r) <= year - 5 for r in runs):
        raise ReferralError(f"'{raw}' holds what could be a birth year. {REF_HELP}")
