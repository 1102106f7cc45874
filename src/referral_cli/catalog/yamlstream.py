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


class _Builder:
    """Turns one node's events into data, mirroring Composer + SafeConstructor."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.get = parser.get_event
        self.resolve = parser.resolve

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
        if tag in _PLAIN_TAGS:
            tag = self.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        if tag in _KEY_TAGS:
            raise Unusual  # `<<` and `=`: SafeConstructor's flatten_mapping gives them meaning
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        return self.parser.construct_object(node)

    def mapping(self, event: Any) -> dict[Any, Any]:
        if event.tag not in _PLAIN_TAGS:
            raise Unusual
        data: dict[Any, Any] = {}
        get = self.get
        while True:
            key_event = get()
            if key_event.__class__ is MappingEndEvent:
                return data
            key = self.value(key_event)
            if key in data:
                raise Unusual  # a duplicate key: the loader's own check names both lines
            data[key] = self.value(get())

    def sequence(self, event: Any) -> list[Any]:
        if event.tag not in _PLAIN_TAGS:
            raise Unusual
        items: list[Any] = []
        get = self.get
        while True:
            item = get()
            if item.__class__ is SequenceEndEvent:
                return items
            items.append(self.value(item))
