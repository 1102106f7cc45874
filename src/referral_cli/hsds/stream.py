"""A JSON page of HSDS objects (`{"contents": [...]}`), read one item at a time.

`json.loads` builds the whole document before the first organization is looked at: for a
50,000-service page that was 250 MB of objects (each with its own copy of every key) on top
of the text. Here each item of the page's list is parsed by the same decoder (so values,
numbers and strings are exactly what `json.loads` gives), handed on, and compacted once it has
been checked: keys and short values shared, and leaf rows (schedules, languages, addresses ...)
without their spent ids and links kept once per distinct row, as the tabular join keeps them.

Only a page whose meaning is certain before the end is read this way: anything else (a
repeated key, a later `content` list that would take precedence, data after the document, a
syntax error) returns False, and the caller reads the document whole, as before, for the
same result and the same messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from referral_cli.hsds.assemble import CHILDREN, PARENTS
from referral_cli.hsds.mapping import EXTENSION
from referral_cli.hsds.schema import CHILD_LISTS, CHILD_OBJECTS, NUMBERS, Obj

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()  # json.loads's own decoder: the same values, the same errors
# What a leaf row no longer needs once it has been checked and placed (as the join drops).
_SPENT: dict[str, tuple[str, ...]] = {
    kind: ("id", *(link for link, _ in links)) for kind, _, links in CHILDREN if kind not in PARENTS
}
_NONE: dict[str, str] = {}
_TEXT = {str}
PAGE_KEYS = ("content", "contents")  # Open Referral UK pages, HSDS 3.0 API pages


class NotAPage(Exception):
    """The document is not a page this reader can take item by item."""


class Page:
    """One document's text, read as a page: its list's items go to `add` as they are parsed,
    and each is compacted as the kind `add` returns ("" to leave it as it is). Compacted in
    place, as `add` may keep the item itself."""

    def __init__(self, text: str, add: Callable[[Any, str], str], name: str) -> None:
        self.text = text
        self.add = add
        self.name = name
        self.at = 0
        self.shared: dict[str, str] = {}
        self.same: dict[tuple[object, ...], Obj] = {}

    def skip(self) -> str:
        """Skip white space; the next character ("" at the end)."""
        self.at = _SPACE.match(self.text, self.at).end()  # type: ignore[union-attr]
        return self.text[self.at : self.at + 1]

    def value(self) -> Any:
        try:
            found, self.at = _DECODER.raw_decode(self.text, self.at)
        except (ValueError, RecursionError):  # the whole-document read says what is wrong
            raise NotAPage from None
        return found

    def expect(self, char: str) -> None:
        if self.skip() != char:
            raise NotAPage
        self.at += 1

    def items(self, key: str) -> None:
        """The page's list, one item at a time."""
        self.expect("[")
        if self.skip() == "]":
            self.at += 1
            return
        n = 0
        while True:
            self.skip()
            item = self.value()
            kind = self.add(item, f"{self.name}: {key}[{n}]")
            if kind and isinstance(item, dict):  # checked by `add`: compacted now
                compacted = self.compact(kind, item)
                if compacted is not item:
                    item.clear()
                    item.update(compacted)
            n += 1
            following = self.skip()
            self.at += 1
            if following == "]":
                return
            if following != ",":
                raise NotAPage

    def read(self) -> str:
        """Read the document; the page key whose list was read (NotAPage when not a page)."""
        self.expect("{")
        keys: set[str] = set()
        streamed = ""
        if self.skip() == "}":
            raise NotAPage
        while True:
            if self.skip() != '"':
                raise NotAPage
            key = self.value()
            self.expect(":")
            if key in keys:
                raise NotAPage  # json.loads keeps the last one: read it whole
            keys.add(key)
            if key in PAGE_KEYS and not streamed and self.skip() == "[":
                streamed = key
                self.items(key)
            else:
                other = self.value()
                if key == "content" and isinstance(other, list):
                    raise NotAPage  # a later `content` list is the one json.loads' reader takes
            following = self.skip()
            self.at += 1
            if following == "}":
                break
            if following != ",":
                raise NotAPage
        if not streamed or self.skip():
            raise NotAPage  # no page list, or more after the document (JSON lines)
        return streamed

    def compact(self, kind: str, obj: Obj) -> Obj:
        """The checked object with shared keys and short values, its leaf rows shared."""
        for key, child_kind in CHILD_LISTS.get(kind, _NONE).items():
            children = obj.get(key)
            if type(children) is list:
                each = self.leaf if child_kind in _SPENT else self.compact
                obj[key] = [each(child_kind, c) if type(c) is dict else c for c in children]
        for key, child_kind in CHILD_OBJECTS.get(kind, _NONE).items():
            child = obj.get(key)
            if type(child) is dict and (kind, key) != ("service", "organization"):
                obj[key] = self.compact(child_kind, child)
        return self.shared_cells(obj)

    def leaf(self, kind: str, obj: Obj) -> Obj:
        """A leaf row (no rows under it) without its spent id and links, one dict per
        distinct row: a directory repeats "MO 09:00-17:00" and "Spanish" for every service."""
        if kind in NUMBERS or EXTENSION in obj:
            return self.shared_cells(obj)
        for key in _SPENT[kind]:
            obj.pop(key, None)
        if not set(map(type, obj.values())) <= _TEXT:  # 1 == True: text rows only
            return self.shared_cells(obj)
        row = tuple(obj.items())
        found = self.same.get(row)
        if found is None:
            found = self.same[row] = self.shared_cells(obj)
        return found

    def shared_cells(self, obj: Obj) -> Obj:
        """The object with each key, and each short value but an id, one shared string."""
        shared = self.shared
        return {
            shared.setdefault(k, k): shared.setdefault(v, v)
            if type(v) is str and len(v) <= 16 and k != "id"
            else v
            for k, v in obj.items()
        }
