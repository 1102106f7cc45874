"""Build Python data straight from libyaml's events, with `safe_load` semantics.

`yaml.load` first composes a tree of nodes (each with two position marks) for the whole
file and only then constructs the data; at 50,000 agencies that tree is most of the time
and four fifths of the memory. Here each event becomes data at once, so only the result is
kept. The common shapes of a catalog (mappings, sequences, scalars, no anchors, no explicit
collection tags, no merge keys) are built here; everything else, and every error, is left to
`yaml.load` by the caller, so the result and every error message are PyYAML's own.
"""

from __future__ import annotations

from typing import Any

from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = (None, "!")
_KEY_TAGS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


class Unusual(Exception):
    """Not a plain document (anchors, tags, merge keys, an error...): use `yaml.load`."""


def load(text: bytes | str, loader: type[Any]) -> Any:
    """What `yaml.load(text, Loader=loader)` returns for a plain document, without a node tree.

    Raises `Unusual` for anything else, including every error, so that the caller's
    `yaml.load` gives PyYAML's own result or message (with its line).
    """
    parser = loader(text)
    try:
        return _document(parser)
    except Unusual:
        raise
    except Exception as exc:  # a syntax error, an unhashable key, too deep...
        raise Unusual from exc
    finally:
        parser.dispose()


def _document(parser: Any) -> Any:
    if not isinstance(parser.get_event(), StreamStartEvent):
        raise Unusual
    event = parser.get_event()
    if isinstance(event, StreamEndEvent):
        return None
    if not isinstance(event, DocumentStartEvent):
        raise Unusual
    data = _Builder(parser).value(parser.get_event())
    if not isinstance(parser.get_event(), DocumentEndEvent):
        raise Unusual
    if not isinstance(parser.get_event(), StreamEndEvent):
        raise Unusual  # more than one document: yaml.load says so
    return data


_CONSTANTS = (str, bool, int, float, type(None))  # immutable: one object can serve every use
_MEMO_LIMIT = 50_000  # plain scalars remembered per loader class (short ones only)
_MEMO_LENGTH = 24
_memos: dict[type[Any], dict[str, Any]] = {}


class _Builder:
    """Turns one node's events into data, mirroring Composer + SafeConstructor.

    Most scalars are plain text whose first character no implicit resolver looks at (a
    name, a sentence, an id), or quoted: those are strings without asking the resolver,
    exactly as `BaseResolver.resolve` would answer (when the loader has no wildcard or path
    resolvers). Short plain scalars that a resolver may claim (`no`, `12`, `name`) are
    resolved and constructed once per loader class and remembered, immutable values only.
    """

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.get = parser.get_event
        self.resolve = parser.resolve
        kind = type(parser)
        resolvers = kind.yaml_implicit_resolvers
        self.firsts = None if None in resolvers or kind.yaml_path_resolvers else set(resolvers)
        self.memo = _memos.setdefault(kind, {})

    def value(self, event: Event) -> Any:
        if getattr(event, "anchor", None) is not None:
            raise Unusual  # aliases share objects (and can recurse): yaml.load handles them
        kind = event.__class__
        if kind is ScalarEvent:
            return self.scalar(event)
        if kind is MappingStartEvent:
            return self.mapping(event)
        if kind is SequenceStartEvent:
            return self.sequence(event)
        raise Unusual  # an alias, or an event out of place

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        value = event.value
        if tag in _PLAIN_TAGS:
            firsts = self.firsts
            if firsts is not None:
                if not event.implicit[0]:  # quoted, or tagged `!`: a string
                    return value
                if value and value[0] not in firsts:
                    return value
                if value in self.memo:
                    return self.memo[value]
            tag = self.resolve(ScalarNode, value, event.implicit)
        if tag == _STR:
            found = value
        elif tag in _KEY_TAGS:
            raise Unusual  # `<<` and `=`: SafeConstructor's flatten_mapping gives them meaning
        else:
            node = ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
            found = self.parser.construct_object(node)
        memo = self.memo
        if (
            event.tag is None
            and event.implicit[0]
            and len(value) <= _MEMO_LENGTH
            and len(memo) < _MEMO_LIMIT
            and type(found) in _CONSTANTS
        ):
            memo[value] = found
        return found

    def mapping(self, event: Any) -> dict[Any, Any]:
        if event.tag not in _PLAIN_TAGS:
            raise Unusual
        data: dict[Any, Any] = {}
        get = self.get
        scalar = self.scalar
        while True:
            key_event = get()
            kind = key_event.__class__
            if kind is MappingEndEvent:
                return data
            if kind is ScalarEvent and key_event.anchor is None:
                key = scalar(key_event)
            else:
                key = self.value(key_event)
            if key in data:
                raise Unusual  # a duplicate key: the loader's own check names both lines
            item = get()
            if item.__class__ is ScalarEvent and item.anchor is None:
                data[key] = scalar(item)
            else:
                data[key] = self.value(item)

    def sequence(self, event: Any) -> list[Any]:
        if event.tag not in _PLAIN_TAGS:
            raise Unusual
        items: list[Any] = []
        get = self.get
        scalar = self.scalar
        while True:
            item = get()
            kind = item.__class__
            if kind is SequenceEndEvent:
                return items
            if kind is ScalarEvent and item.anchor is None:
                items.append(scalar(item))
            else:
                items.append(self.value(item))
