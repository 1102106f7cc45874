"""Which of an organization's HSDS phones the catalog calls: a voice line before a fax.

HSDS lists phones of every kind (voice, cell, text, fax, pager, video); the first one is
often a fax. The agency's phone is the best line a worker can call with a youth beside them;
when there is none, the agency is still imported and the missing phone is a review note.
"""

from __future__ import annotations

from referral_cli.hsds.schema import Obj
from referral_cli.hsds.values import phone_text, text

# Lower is better; a phone without a type comes after voice and cell lines.
RANK = {"voice": 0, "cell": 1, "mobile": 1, "": 2, "textphone": 3, "tty": 3, "text": 4, "video": 5}
NOT_CALLED = ("fax", "pager")


def kind(phone: Obj) -> str:
    """The phone's type in lower case ("" when HSDS does not say)."""
    return text(phone.get("type")).casefold()


def choose(phones: list[Obj]) -> tuple[str | None, list[str]]:
    """The number to call, and what a coordinator should check about the phones."""
    notes: list[str] = []
    usable: list[tuple[int, int, str]] = []
    skipped_kinds: list[str] = []
    for n, phone in enumerate(phones):
        number = phone_text(phone)
        shown = text(phone.get("number"), 60)
        if number is None:
            if shown:
                notes.append(f"phone: '{shown}' is not a phone number; left out")
            continue
        called = kind(phone)
        if called in NOT_CALLED:
            skipped_kinds.append(called)
            continue
        usable.append((RANK.get(called, 2), n, number))
    if usable:
        return min(usable)[2], notes
    if skipped_kinds:
        notes.append(
            f"phone: HSDS lists only a {' and a '.join(sorted(set(skipped_kinds)))} number; "
            "add a number a worker can call"
        )
    else:
        notes.append("phone: none in HSDS; add one before referring a youth")
    return None, notes
