"""Word-boundary phrase matching with plurals and spelling variants folded.

"Runaway and Homeless Youth Shelters" must find "youth shelter", "T-Visa applications" must
find "t visa", and "legal clinic" must not be a medical clinic. Text and phrases are cut into
words the same way (punctuation and hyphens split words, "&" is "and") and each word is
reduced to a simple stem: plurals drop their ending, British spellings take the American
form. Phrases match whole words only, and a longer phrase wins over a shorter one it
overlaps, so phrases count before single words.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9+]+")
_SPELLING = {
    "counselling": "counseling",
    "counsellor": "counselor",
    "centre": "center",
    "behavioural": "behavioral",
    "programme": "program",
    "labour": "labor",
    "organisation": "organization",
    "defence": "defense",
    "childcare": "child care",
    "healthcare": "health care",
    "daycare": "day care",
    "lgbtq+": "lgbtq",
    "lgbtqia+": "lgbtq",
    "lgbtqia": "lgbtq",
    "lgbt": "lgbtq",
    "glbt": "lgbtq",
}
_KEEP = ("ss", "us", "is", "ys", "as")  # class, bus, crisis, days (ys: keep "days" as a word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A plural's singular, the American spelling: enough to match names, not a linguist."""
    word = _SPELLING.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(_KEEP):
        return word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    """The stemmed words of a text, in order."""
    folded = text.casefold().replace("&", " and ").replace("'", "")
    out: list[str] = []
    for raw in _WORD.findall(folded):
        out.extend(stem(w) for w in _SPELLING.get(raw, raw).split())
    return tuple(out)


def find(phrase: tuple[str, ...], text: tuple[str, ...]) -> list[tuple[int, int]]:
    """Every (start, end) word span where phrase occurs in text."""
    n = len(phrase)
    if not n:
        return []
    return [(i, i + n) for i in range(len(text) - n + 1) if text[i : i + n] == phrase]
