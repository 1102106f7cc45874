"""Parsing one catalog YAML file safely, and finding the line a field is on.

Parsing uses libyaml's `CSafeLoader` when present (safe_load semantics either way), and
refuses what could hurt before or after it: files too large, nesting deep enough to crash the
C parser, and alias bombs. Line numbers are looked up only when something is wrong, so a
clean load pays nothing for them.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from referral_cli.catalog import yamlstream
from referral_cli.catalog.inputs import InputError, read_input
from referral_cli.errors import CatalogProblem

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_EXPANDED_NODES = 20_000_000

_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc]
    """Safe loading, except that dates stay text (pydantic then reports a bad date with its
    line) and a key given twice in one mapping is an error naming both lines: otherwise the
    second `confidential_address:` or `agencies:` would silently win."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """SafeConstructor's mapping, after refusing duplicate keys (`<<` merges may still
        be overridden: that is what they are for)."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    continue  # an unhashable key: the constructor below says so
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"{DUPLICATE} '{key}' on lines {first.start_mark.line + 1} and "
                        f"{key_node.start_mark.line + 1}",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep)


DUPLICATE = "duplicate key"


# --- parsing ---------------------------------------------------------------


def parse_yaml(path: Path, shown: str) -> tuple[Any, list[CatalogProblem]]:
    """Parse one YAML file safely; a syntax error becomes a problem with its line."""
    try:  # a regular file, capped: never a link to /dev/zero or a FIFO
        text = read_input(path, MAX_FILE_BYTES, "a catalog")
    except FileNotFoundError:
        return None, [CatalogProblem(shown, None, "", "file not found")]
    except InputError as exc:
        return None, [CatalogProblem(shown, None, "", f"file {exc.strerror}")]
    except OSError as exc:
        return None, [CatalogProblem(shown, None, "", f"cannot be read ({exc.strerror})")]
    if _too_deep(text):
        return None, [CatalogProblem(shown, None, "", "nested too deeply to be a catalog")]
    collecting = gc.isenabled()
    gc.disable()  # the parser makes many small objects; the collector only slows it down
    aliased = False
    try:
        try:
            data = yamlstream.load(text, Loader)
        except yamlstream.Unusual:
            aliased = True  # or tagged, or broken: PyYAML itself answers
            data = yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # libyaml marks the token after the mistake: past the end, that is a line that is not there
        lines = text.count(b"\n") + (0 if text.endswith(b"\n") else 1)
        line = min(mark.line + 1, max(lines, 1)) if mark else None
        what = exc.problem or exc.context or "not valid YAML"
        if what.startswith(DUPLICATE):
            return None, [CatalogProblem(shown, line, "", what)]
        start = exc.context_mark.line + 1 if exc.context_mark else None
        if exc.problem and exc.context and start is not None and start != line:
            what += f" ({exc.context} that starts on line {start})"  # an unclosed [ or {
        return None, [CatalogProblem(shown, line, "", f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:  # bad UTF-8: libyaml gives a byte offset
        line = text[: exc.position].count(b"\n") + 1
        what = f"not valid UTF-8 text ({exc.reason}, byte {exc.character!r})"
        return None, [CatalogProblem(shown, line, "", what)]
    except UnicodeDecodeError as exc:
        line = text[: exc.start].count(b"\n") + 1
        return None, [CatalogProblem(shown, line, "", f"not valid text ({exc.reason})")]
    except (yaml.YAMLError, ValueError) as exc:
        return None, [CatalogProblem(shown, None, "", f"not valid YAML ({exc})")]
    except RecursionError:
        return None, [CatalogProblem(shown, None, "", "nested too deeply to be a catalog")]
    finally:
        if collecting:
            gc.enable()
    try:
        if aliased and _ANCHOR.search(text) and _expanded_size(data) > MAX_EXPANDED_NODES:
            message = "uses YAML aliases that expand to far too much data (an 'alias bomb')"
            return None, [CatalogProblem(shown, None, "", message)]
    except RecursionError:
        return None, [CatalogProblem(shown, None, "", "nested too deeply to be a catalog")]
    if data is None:
        return None, [CatalogProblem(shown, None, "", "file is empty")]
    if not isinstance(data, dict):
        return None, [CatalogProblem(shown, 1, "", "must be a mapping of fields, not a list")]
    return data, []


MAX_DEPTH = 500
# Both written so that the regex engine skips ahead quickly: at 50,000 agencies the naive
# `^[ \t]{500,}` (multiline) and `(-[ \t]+){500,}` took 1.5 s of a cold start.
_DEEP_INDENT = re.compile(rb"\n[ \t]{%d}" % MAX_DEPTH)
_DEEP_DASHES = re.compile(rb"-[ \t](?:[ \t]*-[ \t]){%d}" % (MAX_DEPTH - 1))
_BRACKETS = re.compile(rb"[\[\]{}]")


def _too_deep(text: bytes) -> bool:
    """Refuse absurd nesting before libyaml sees it: its recursive C parser can crash on it.

    Over-estimates depth (brackets inside quotes count too); a real catalog is a few levels.
    """
    head = text[:MAX_DEPTH]
    if len(head) == MAX_DEPTH and not head.lstrip(b" \t"):
        return True
    if _DEEP_INDENT.search(text) or _DEEP_DASHES.search(text):
        return True
    if text.count(b"[") + text.count(b"{") <= MAX_DEPTH:
        return False
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in (b"[", b"{") else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return True
    return False


_ANCHOR = re.compile(rb"(^|[\s\[{,:-])&[^\s,\[\]{}]+")


def _expanded_size(data: Any) -> int:
    """How many values the data would have with every alias copied out.

    Aliases load as shared objects, so the parse itself is cheap; but validating or
    printing walks the expanded tree. Counting with a memo over shared objects is linear.
    """
    memo: dict[int, int] = {}

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        if key not in memo:
            memo[key] = 0  # a cycle counts once
            children = value.values() if isinstance(value, dict) else value
            memo[key] = 1 + sum(size(child) for child in children)
        return memo[key]

    return size(data)


class Lines:
    """Finds the line of a field path in a YAML file, composing the node tree on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._root: yaml.Node | None = None

    def line(self, loc: tuple[int | str, ...]) -> int | None:
        """The line a field path starts on (the nearest enclosing one), or None."""
        if self._root is None:
            try:
                self._root = yaml.compose(self.path.read_bytes(), Loader=Loader)
            except (yaml.YAMLError, OSError, RecursionError):
                return None
        node = self._root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                        line, node = key.start_mark.line + 1, value
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
        return line
