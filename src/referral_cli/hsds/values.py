"""Plain values from HSDS fields: one-line text, lists of objects, usable phones and emails."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from referral_cli.catalog.models import Email, Phone
from referral_cli.hsds.schema import Obj
from referral_cli.text import clean, one_line

MAX_TEXT = 2000


def text(value: Any, limit: int = MAX_TEXT) -> str:
    """One line of plain text (control codes removed), cut at limit; "" for a non-string."""
    if not isinstance(value, str):
        return ""
    if value.isascii() and value.isprintable() and "  " not in value and value.strip() == value:
        out = value  # already one clean line (most cells): skip the regular expressions
    else:
        out = one_line(value)
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"


def block(value: Any) -> str:
    """Longer free text: control characters removed, line breaks kept."""
    return clean(value).strip() if isinstance(value, str) else ""


def dicts(value: Any) -> list[Obj]:
    """The objects of an HSDS list; anything else in it was reported when it was checked."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


_PHONE: TypeAdapter[str] = TypeAdapter(Phone)
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


def ok_phone(number: str) -> bool:
    """Whether the catalog accepts this as a phone number."""
    try:
        _PHONE.validate_python(number)
    except ValidationError:
        return False
    return True


def ok_email(value: str) -> bool:
    """Whether the catalog accepts this as an email address."""
    try:
        _EMAIL.validate_python(value)
    except ValidationError:
        return False
    return True


# "415-274-0311 X 304", "(503) 555-0100, ext. 228", "555-0100 extension 12"
_EXTENSION = re.compile(r"[\s,;]*\b(?:x|ext|extension)\b\.?:?\s*#?\s*(\d{1,6})\s*$", re.IGNORECASE)


def phone_text(phone: Obj) -> str | None:
    """The phone as the catalog writes it ("503-555-0100 x228"), extension kept, or None."""
    number, extension = phone.get("number"), phone.get("extension")
    try:  # an organization's numbers recur on its services and sites: each read once
        return _phone_text(number, extension)
    except TypeError:  # a list or an object where a value belongs: not worth keeping
        return _phone_text.__wrapped__(number, extension)


@lru_cache(maxsize=4096, typed=True)  # typed: an extension of true is not one of 1
def _phone_text(raw: Any, extension: Any) -> str | None:
    number = text(raw).strip("\"' ")
    written = _EXTENSION.search(number)
    if written:
        number = number[: written.start()].rstrip(" ,;")
        extension = extension or written.group(1)
    if isinstance(extension, str) and extension.strip().isdigit() and len(extension) < 10:
        extension = int(extension.strip())
    if (
        isinstance(extension, int | float)
        and not isinstance(extension, bool)
        and 0 < extension < 10**9  # not NaN, infinity or a 400-digit number
    ):
        number = f"{number} x{int(extension)}"
    return number if number and ok_phone(number) else None


def deep_update(
    base: dict[str, Any], extra: dict[str, Any], path: tuple[str, ...] = ()
) -> set[tuple[str, ...]]:
    """Overlay the extension on the standard fields; return the paths it set."""
    touched: set[tuple[str, ...]] = set()
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            touched |= deep_update(base[key], value, (*path, key))
        else:
            base[key] = value
            touched.add((*path, key))
            if isinstance(value, dict):
                touched |= {(*path, key, k) for k in value}
    return touched


def covered(path: tuple[str, ...], touched: set[tuple[str, ...]]) -> bool:
    """Whether the extension set this field or one that contains it."""
    return bool(touched) and any(path[: len(t)] == t for t in touched)
