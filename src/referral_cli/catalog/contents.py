"""A validated catalog held in memory, indexed by id: what every command works from.

Its own module so that the loader and the cache both build one without importing each other.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from referral_cli.catalog.models import Agency, CatalogInfo, Hotline, Service, Vetting
from referral_cli.errors import NotFoundError


@dataclass(frozen=True)
class Catalog:
    """A validated catalog, indexed by id."""

    root: Path
    info: CatalogInfo
    languages: dict[str, str]
    services: dict[str, Service]
    hotlines: list[Hotline]
    agencies: dict[str, Agency]
    vettings: dict[str, list[Vetting]] = field(default_factory=dict)

    def vettings_of(self, agency_id: str) -> list[Vetting]:
        """Every vetting of one agency, oldest first."""
        return self.vettings.get(agency_id, [])

    def language_name(self, code: str) -> str:
        """A language code as a worker would say it."""
        return self.languages.get(code, code)

    def language_code(self, wanted: str) -> str | None:
        """A language as typed: its code, its name, or any name inside its name.

        "Farsi" and "Persian" both find "Persian (Farsi/Dari)"; a part shared by two
        languages finds neither (the caller lists the choices).
        """
        return language_code(self.languages, wanted)

    def find_agency(self, name: str) -> Agency:
        """An agency by id or unambiguous case-insensitive name prefix."""
        return _find(name, self.agencies, lambda a: a.name, "agency")

    def find_service(self, name: str) -> Service:
        """A service by id, label prefix, or a synonym a worker would type ("shelter", "GED")."""
        wanted = name.strip().casefold()
        by_synonym = [
            s for s in self.services.values() if wanted in (x.casefold() for x in s.synonyms)
        ]
        if len(by_synonym) == 1 and name not in self.services:
            return by_synonym[0]
        return _find(name, self.services, lambda s: s.label, "service")


_Item = TypeVar("_Item", Agency, Service)


def language_code(languages: Mapping[str, str], wanted: str) -> str | None:
    """See `Catalog.language_code`; a plain function so a profile prompt can use it too.

    Names match without regard to case, accents or punctuation: a worker types "kiche" for
    K'iche' and "espanol" for Español.
    """
    folded = _plain(wanted)
    if not folded:
        return None
    for code, name in languages.items():
        if folded in (_plain(code), _plain(name)):
            return code
    hits = [
        code
        for code, name in languages.items()
        if folded in (_plain(p) for p in re.split(r"[()/,;]", name))
    ]
    return hits[0] if len(hits) == 1 else None


def _plain(text: str) -> str:
    """Letters and digits only, casefolded, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def _find(name: str, items: dict[str, _Item], label: Callable[[_Item], str], kind: str) -> _Item:
    if name in items:
        return items[name]
    wanted = name.strip().casefold()
    hits = [
        item
        for key, item in items.items()
        if key.startswith(wanted) or label(item).casefold().startswith(wanted)
    ]
    if len(hits) == 1:
        return hits[0]
    if hits:
        names = ", ".join(f"{label(h)} ({h.id})" for h in hits[:8])
        raise NotFoundError(f"'{name}' matches more than one {kind}: {names}. Be more specific.")
    choices: dict[str, str] = {label(item).casefold(): key for key, item in items.items()}
    choices |= {k: k for k in items}
    close = [choices[c] for c in difflib.get_close_matches(wanted, list(choices), n=5, cutoff=0.4)]
    inside = [choices[c] for c in choices if wanted and wanted in c]  # "sheriff" in an id
    ids = list(dict.fromkeys(close + inside))[:5]
    hint = f" Did you mean: {', '.join(ids)}?" if ids else ""
    raise NotFoundError(f"No {kind} called '{name}'.{hint}")
