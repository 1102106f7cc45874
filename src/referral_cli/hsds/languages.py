"""HSDS languages as ISO 639 codes, with their English names from langcodes.

Directories write languages as codes ("ur", "spa") or names ("Urdu", "Farsi"). The catalog's
own languages and the mapping file's aliases come first; anything else is looked up in
langcodes (CLDR and IANA data) rather than a hand list, so Urdu, Hindi or Italian are kept
with their names instead of being dropped for not being in services.yaml.
"""

from __future__ import annotations

from functools import lru_cache

import langcodes


@lru_cache(maxsize=4096)
def lookup(key: str) -> tuple[str, str] | None:
    """(ISO 639 code, English name) for a language code or name, or None when unknown."""
    key = key.strip()
    if not key:
        return None
    try:
        if len(key) <= 3 or "-" in key or "_" in key:
            found = langcodes.get(key)
        else:
            found = langcodes.find(key)
    except (LookupError, ValueError):
        return None
    if not found.language or not found.is_valid() or found.language in ("und", "zxx", "mul"):
        return None
    code = langcodes.standardize_tag(found.language)
    name = langcodes.Language.get(code).display_name("en")
    if "languages" in name.casefold():  # a collective code ("Artificial languages") says nothing
        return None
    return code, name
