"""What a full build keeps so that an edit to agencies.yaml can be spliced in later (`splice`).

At 50,000 agencies agencies.yaml is 58 MB and a full re-read takes 13 s; an edit to one agency
changes a few bytes of it. To find those bytes later the build keeps a baseline copy of the
file it parsed (beside the cache file, 0600) and where each top-level agency entry starts.

The starts are found by a text scan (lines beginning with the list's indentation and `- `),
which is sound only because of what is checked here: every real entry start is such a line
(no other line breaks than LF and CRLF, the first entry right after `agencies:`, which a parse
of the header alone confirms), so when the scan finds exactly as many lines as the parse found
agencies, the lines are the entry starts. Anything unusual (anchors, aliases, tags, directives,
document markers, brackets still open between entries) keeps no baseline: edits then take the
full re-read, as before. Entries spliced in later are kept as patches in the cache (`Baseline`)
rather than by rewriting the copy.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from referral_cli.catalog import cachekey, yamlstream
from referral_cli.catalog.places import AGENCIES_FILE
from referral_cli.catalog.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, Loader

TABLES = """
CREATE TABLE splice (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE splice_patch (entry INTEGER PRIMARY KEY, text BLOB NOT NULL);
"""
# An anchor (&a), alias (*a) or tag (!x) can only begin a token, never follow a letter or digit;
# this over-matches ("Food &drink", "Hello !") and then only costs a full re-read.
_MARKS = re.compile(rb"(?<![0-9A-Za-z])(?:[&*][0-9A-Za-z_-]|!)")
_DOCUMENT = re.compile(rb"(?m)^(?:%|---|\.\.\.)")  # directives and document markers
_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")  # NEL, LS, PS: YAML line breaks too
_BOM = b"\xef\xbb\xbf"
_LIST_KEY = re.compile(rb"(?m)^agencies:[ \t]*(?:#[^\n]*)?\r?\n")
_FIRST = re.compile(rb"(?m)^( *)-[ ]")
_BRACKETS = re.compile(rb"[\[\]{}]")
# yamlfile's depth guards, matched on an edited fragment as the full read matches the file.
DEEP_INDENT = re.compile(rb"\n[ \t]{%d}" % MAX_DEPTH)
DEEP_DASHES = re.compile(rb"-[ \t](?:[ \t]*-[ \t]){%d}" % (MAX_DEPTH - 1))


def baseline_path(root: Path, name: str) -> Path:
    """Where a baseline copy lives: beside the cache file, never in the catalog."""
    return cachekey.cache_path(root).with_name(name)


def plain_text(text: bytes) -> bool:
    """No anchors, aliases, tags, directives, document markers, odd line breaks or NULs.

    Then a part of the file that starts and ends at entry starts means the same on its own
    as inside the file (see `splice`).
    """
    if b"\x00" in text or any(b in text for b in _BREAKS) or text.find(_BOM, 1) >= 0:
        return False  # (libyaml skips a byte-order mark at the start of any line)
    if b"\r" in text and text.count(b"\r") != text.count(b"\r\n"):
        return False  # a lone CR is a line break the scan would not see
    marks = any(c in text for c in (b"&", b"*", b"!"))
    return not (marks and _MARKS.search(text)) and not _DOCUMENT.search(text)


def entry_starts(text: bytes, indent: int, start: int, end: int) -> list[int] | None:
    """Where the list entries in text[start:end] begin (`start` is one), or None if some
    line there starts with the list's indentation and a dash not followed by a space."""
    starts = [start]
    needle = b"\n" + b" " * indent + b"-"
    at = text.find(needle, start, end)
    while at >= 0:
        after = at + len(needle)
        if after < end and text[after : after + 1] != b" ":
            return None  # `-` then a tab, a line break, or text: not a form spliced here
        starts.append(at + 1)
        at = text.find(needle, after, end)
    return starts


def balanced(text: bytes, ends: list[int]) -> bool:
    """yamlfile's bracket depth, counted its way from the start of `text`, is 0 at each of
    `ends` (offsets in order) and at the end, and never too deep."""
    if b"[" not in text and b"{" not in text:
        return True
    depth = 0
    marks = iter(ends)
    mark = next(marks, None)
    for match in _BRACKETS.finditer(text):
        while mark is not None and match.start() >= mark:
            if depth:
                return False
            mark = next(marks, None)
        depth = depth + 1 if match.group() in (b"[", b"{") else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return False
    return depth == 0


def record(db: sqlite3.Connection, key: Any, info: Any, count: int) -> str | None:
    """Keep a baseline of agencies.yaml for a cache being built (best effort: none is fine).

    `info` is the parsed `catalog:` section and `count` the agencies agencies.yaml holds.
    The file is read again, so it must still be what the build parsed: the same stat as the
    key's, and the same content hash when the key has one (an edit during the build).
    The baseline's file name is returned, None if there is none.
    """
    with contextlib.suppress(Exception):  # whatever goes wrong, the cache just has no baseline
        found = _baseline(key, info, count)
        if found is None:
            return None
        text, starts, indent = found
        name = write_baseline(key.root, [text])
        try:
            db.executescript(TABLES)
            copied = array("q", starts)
            save(db, Baseline(name, copied, copied, indent, {}), {}, new_copy=True)
        except sqlite3.Error:
            baseline_path(key.root, name).unlink(missing_ok=True)
            return None
        return name
    return None


def _baseline(key: Any, info: Any, count: int) -> tuple[bytes, list[int], int] | None:
    entry = next(e for e in key.files if e[0] == AGENCIES_FILE)
    if count == 0 or entry[1] < 0:
        return None
    path = key.root / AGENCIES_FILE
    text = read_whole(path)
    if cachekey.file_entry(os.fspath(key.root), AGENCIES_FILE)[:5] != entry[:5]:
        return None
    if entry[5] and entry[5] != _sha(text):
        return None
    head = _LIST_KEY.search(text)
    first = _FIRST.search(text, head.end()) if head else None
    if head is None or first is None or not plain_text(text):
        return None
    between = text[head.end() : first.start()].splitlines()
    if any(line.strip() and not line.lstrip().startswith(b"#") for line in between):
        return None
    header = yamlstream.load(text[: first.start()], Loader)
    if not isinstance(header, dict) or set(header) != {"catalog", "agencies"}:
        return None
    if header["agencies"] is not None or type(info).model_validate(header["catalog"]) != info:
        return None
    indent = len(first.group(1))
    starts = entry_starts(text, indent, first.start(), len(text))
    if starts is None or len(starts) != count or not balanced(text, starts):
        return None
    return text, [*starts, len(text)], indent


def _sha(text: bytes) -> str:
    import hashlib

    return hashlib.sha256(text).hexdigest()


def write_baseline(root: Path, parts: list[Any]) -> str:
    """Write a new baseline copy of `parts` (buffers) end to end, 0600, under a new name;
    its file name."""
    path = cachekey.cache_path(root)
    name = f"{path.stem}.base-{time.time_ns():x}-{os.getpid()}.yaml"
    target = path.with_name(name)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for part in parts:
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        target.unlink(missing_ok=True)
        raise
    os.close(fd)
    return name


@dataclass
class Baseline:
    """What the cached agencies.yaml rows were read from: the baseline copy, with the entries
    spliced in since (`patches`, by entry index) kept in the cache itself.

    Rewriting 58 MB after each edit would cost more than the rest of the splice; the
    patches are written in the same transaction as the rows they produced.
    """

    name: str  # the copy's file name
    copied: array[int]  # entry starts in the copy, its size last
    starts: array[int]  # entry starts in the text as patched, its size last
    indent: int
    patches: dict[int, bytes]  # entry index -> that entry's text, where it differs from the copy


def save(
    db: sqlite3.Connection, base: Baseline, changed: dict[int, bytes | None], new_copy: bool
) -> None:
    """Record (in the cache's transaction) the baseline, with `changed` entries patched in
    (None: back to the copy's text); with a `new_copy`, no patches at all."""
    if new_copy:
        db.execute("DELETE FROM splice_patch")
    values = {
        "base": base.name.encode(),
        "copied": base.copied.tobytes(),
        "starts": base.starts.tobytes(),
        "indent": str(base.indent).encode(),
    }
    db.executemany("INSERT OR REPLACE INTO splice VALUES (?, ?)", values.items())
    db.executemany(
        "INSERT OR REPLACE INTO splice_patch VALUES (?, ?)",
        ((i, text) for i, text in changed.items() if text is not None),
    )
    db.executemany(
        "DELETE FROM splice_patch WHERE entry = ?",
        ((i,) for i, text in changed.items() if text is None),
    )


def load(db: sqlite3.Connection) -> Baseline:
    """The baseline the cached rows were read from (sqlite3.Error or KeyError if none)."""
    values = dict(db.execute("SELECT name, value FROM splice"))
    copied, starts = array("q"), array("q")
    copied.frombytes(values["copied"])
    starts.frombytes(values["starts"])
    patches = {int(i): bytes(t) for i, t in db.execute("SELECT entry, text FROM splice_patch")}
    name = bytes(values["base"]).decode()
    return Baseline(name, copied, starts, int(values["indent"]), patches)


def read_whole(path: Path) -> bytes:
    """A regular file's bytes in one read, as `inputs.read_input` checks it (its chunks and
    join cost 35 ms more at 58 MB); OSError for anything the full read would refuse."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            raise OSError("not a regular file of a catalog's size")
        data = os.read(fd, info.st_size + 1)
        while more := os.read(fd, MAX_FILE_BYTES + 1 - len(data)):
            data += more  # it grew while we read
            if len(data) > MAX_FILE_BYTES:
                raise OSError("too large")
        return data
    finally:
        os.close(fd)


def tidy(root: Path, keep: str | None) -> None:
    """Remove the baseline copies of this catalog other than `keep` (best effort)."""
    path = cachekey.cache_path(root)
    with contextlib.suppress(OSError):
        for old in path.parent.glob(f"{path.stem}.base-*.yaml"):
            if old.name != keep:
                old.unlink(missing_ok=True)
