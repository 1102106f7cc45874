"""A small list of given names and surnames, to spot a person's name where none belongs.

Case references (casefile/store.py) and free-text answers (prompt/screen.py) are checked
against it. Data, not code: names.txt beside this module; words that are also everyday
English or Spanish words are left out of it so that the check stays worth heeding.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).with_name("names.txt")


def fold(word: str) -> str:
    """Lower case without accents: 'José' and 'JOSE' are the same name."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _lists() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {"given": set(), "surname": set()}
    part = "given"
    for line in NAMES_FILE.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text.startswith("# [") and text.endswith("]"):
            part = text[3:-1]
        elif text and not text.startswith("#"):
            found[part].add(text)
    return {k: frozenset(v) for k, v in found.items()}


def is_given_name(word: str) -> bool:
    """Whether `word` is on the list of given names."""
    return fold(word) in _lists()["given"]


def is_surname(word: str) -> bool:
    """Whether `word` is on the list of surnames."""
    return fold(word) in _lists()["surname"]


def is_name(word: str) -> bool:
    """A given name or a surname from the list."""
    return is_given_name(word) or is_surname(word)
