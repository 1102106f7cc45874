"""Plain data (mappings, lists, text, numbers, true/false, null) as block-style YAML, fast.

PyYAML's representer builds a node for every value before its emitter (even libyaml's)
writes one: writing 25,000 agency files from an HSDS import spent 2.5 s there. Catalog data
needs none of that: a string is written plain when YAML reads it back as the same string,
and double-quoted (JSON's escapes, which YAML shares) otherwise, so `yaml.safe_load` of the
text always gives the data back (tests/test_yamltext.py checks it on random data).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

# Plain only when it starts with a letter (so no indicator, quote, number or date) and
# holds nothing YAML gives a meaning to inside a line: no ": " or " #", no trailing ":" or
# space. Anything else, and anything beyond printable ASCII, is quoted.
_PLAIN = re.compile(r"[A-Za-z][\x20-\x7e]*")
# Words YAML 1.1 (PyYAML) reads as true/false/null.
_SPECIAL = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}
# Characters YAML does not allow raw inside a double-quoted scalar, or reads as line breaks.
_UNPRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _escape(char: re.Match[str]) -> str:
    code = ord(char[0])
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@lru_cache(maxsize=1 << 16, typed=True)  # service ids, roles, hours: the same in many files
def scalar(value: Any) -> str:
    """One value as a YAML scalar that reads back as itself."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value) if value == value and abs(value) != float("inf") else "null"
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and text.lower() not in _SPECIAL
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
    ):
        return text
    return _UNPRINTABLE.sub(_escape, json.dumps(text, ensure_ascii=False))


def _lines(value: Any, indent: str, out: list[str]) -> None:
    """Append the lines of a mapping's or list's contents at `indent`."""
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{indent}{scalar(key)}:"
            if isinstance(item, dict) and item:
                out.append(head)
                _lines(item, indent + "  ", out)
            elif isinstance(item, list) and item:
                out.append(head)
                _lines(item, indent, out)  # a list under a key is not indented, as PyYAML
            else:
                out.append(f"{head} {_inline(item)}")
        return
    for item in value:
        if isinstance(item, dict | list) and item:
            inner: list[str] = []
            _lines(item, indent + "  ", inner)
            first = inner[0][len(indent) + 2 :]
            out.append(f"{indent}- {first}")
            out.extend(inner[1:])
        else:
            out.append(f"{indent}- {_inline(item)}")


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def dump(data: dict[str, Any]) -> str:
    """A mapping as a YAML document (block style, keys in their order)."""
    if not data:
        return "{}\n"
    out: list[str] = []
    _lines(data, "", out)
    return "\n".join(out) + "\n"
