"""The youth card: what the youth takes away, safe to carry if someone else finds it.

Where and when the youth will go, whom to call (the worker's first name and phone), and, only
if the youth wants it, a number for any hour. It never names what it is about: no word of
`BLOCKED`, in any language shipped in youthcard.yaml, ever reaches the card. A value from the
case or the catalog that holds one (an agency called "... Trafficking Center") is replaced by
a neutral phrase; wording the worker types for the card is refused instead. One short page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from referral_cli.casefile.records import Referral, Session, is_open
from referral_cli.catalog.models import Hotline
from referral_cli.errors import ReferralError
from referral_cli.prompt.parse import structured_when
from referral_cli.text import md, one_line

# Stems, matched on accent-free lower case at the start of a word, in English and Spanish.
BLOCKED = re.compile(
    r"\b(traffick|trafic|exploit|explota|sexual|sexo|abus|victim|surviv|sobreviv|prostitu|"
    r"csec|trata\b|maltrat|violacion|rape\b|raped\b|"
    # what a place's name says about a youth who goes there (a new user's card named
    # "Riverbend Behavioral Health"; "Domestic Violence Shelter" went through as well)
    r"violen|assault|agresi|shelter|refugio|albergue|behavio|mental|psych|psiqui)"
)
WORDING = Path(__file__).with_name("youthcard.yaml")


def plain(text: str) -> str:
    """Lower case without accents: 'Víctima' and 'victima' are the same word to a reader."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_blocked_word(text: str) -> bool:
    """Whether `text` says what the card is about."""
    return BLOCKED.search(plain(text)) is not None


@lru_cache(maxsize=1)
def wording() -> dict[str, dict[str, str]]:
    """Every shipped language's wording of the card (loaded once)."""
    import yaml

    loaded = yaml.load(WORDING.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {str(lang): {str(k): str(v) for k, v in words.items()} for lang, words in loaded.items()}


def card_language(wanted: str | None, session: Session) -> str:
    """The language asked for, else the youth's own when it is shipped, else English."""
    words = wording()
    if wanted is not None:
        code = wanted.strip().lower()
        if code not in words:
            raise ReferralError(
                f"There is no youth card in '{one_line(wanted)}' yet; "
                f"available: {', '.join(sorted(words))}."
            )
        return code
    own = (session.profile.language or "").split("-")[0]
    return own if own in words else "en"


def check_wording(text: str) -> str:
    """Wording typed for the card (--where) must not say what the card is about."""
    if has_blocked_word(text):
        raise ReferralError(
            "The youth card must not say what it is about if someone else finds it: "
            "leave out words such as trafficking, exploitation, abuse, victim or survivor."
        )
    return one_line(text)


def _safe(value: str, fallback: str) -> str:
    value = one_line(value)
    return fallback if not value or has_blocked_word(value) else value


def visits(session: Session, agency: str | None) -> list[Referral]:
    """The open referrals the card lists (one agency's, with `agency`)."""
    chosen = [r for r in session.referrals if is_open(r.status)]
    if agency is not None:
        chosen = [r for r in chosen if r.agency == agency]
    return chosen


def card_lines(
    session: Session,
    language: str,
    *,
    phones: Mapping[str, str],
    hotline: Hotline | None = None,
    where: str | None = None,
    agency: str | None = None,
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The card's title and blocks of (label, value) lines; every value is already safe."""
    w = wording()[language]
    blocks: list[list[tuple[str, str]]] = []
    for referral in visits(session, agency):
        place = check_wording(where) if where else _safe(referral.agency_name, w["place_fallback"])
        lines = [(w["where"], place)]
        if referral.handoff is not None:
            on = next(
                (c.at.date() for c in referral.history if c.status == "handoff_scheduled"), None
            )
            when = _safe(referral.handoff.when, w["time_fallback"])
            if on is not None and structured_when(referral.handoff.when) is None:  # "Thu 3pm"
                when += " (" + w["arranged"].format(date=on.isoformat()) + ")"
            lines.append((w["when"], when))
        there = referral.site.phone if referral.site and referral.site.phone else None
        if there or phones.get(referral.agency):
            lines.append((w["phone_there"], there or phones[referral.agency]))
        blocks.append(lines)
    if not blocks:
        blocks.append([("", w["nothing_planned"])])
    name = _safe(session.worker.split()[0] if session.worker.split() else "", w["worker_fallback"])
    phone = one_line(session.worker_phone)
    call = (
        w["call"].format(name=name, phone=phone) if phone else w["call_no_phone"].format(name=name)
    )
    tail = [("", call)]
    if hotline is not None and hotline.call:
        any_hour = w["any_hour"].format(phone=hotline.call)
        if hotline.text and hotline.text_keyword and not has_blocked_word(hotline.text_keyword):
            any_hour += " " + w["any_hour_text"].format(
                keyword=one_line(hotline.text_keyword), number=hotline.text
            )
        tail.append(("", any_hour))
    blocks.append(tail)
    return w["title"], blocks


CARD_WIDTH = 60  # a pocket-sized page, and a phone screen


def card_text(title: str, blocks: list[list[tuple[str, str]]]) -> str:
    """The card as plain text: short lines wrapped at spaces (numbers stay whole), one page."""
    import textwrap

    out = [title, "=" * len(title)]
    for block in blocks:
        out.append("")
        for label, value in block:
            line = f"{label}: {value}" if label else value
            out.extend(
                textwrap.wrap(
                    line,
                    CARD_WIDTH,
                    subsequent_indent="  ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
    return "\n".join(out) + "\n"


def card_markdown(title: str, blocks: list[list[tuple[str, str]]]) -> str:
    """The card as Markdown, every value escaped."""
    out = [f"# {md(title)}"]
    for block in blocks:
        out.append("")
        out.extend(
            f"- **{md(label)}:** {md(value)}" if label else f"- {md(value)}"
            for label, value in block
        )
    return "\n".join(out) + "\n"
