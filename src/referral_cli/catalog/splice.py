"""Splice an edit of agencies.yaml into the cache: re-read only the agency entries it touched.

At 50,000 agencies a one-line edit of the 58 MB file sent every command to a 13 s re-read.
The build keeps a baseline copy of the file and where each entry starts (`splicebase`); the
bytes that differ from it (common prefix and suffix) lie inside a few whole entries, and only
those are parsed (the same loader), validated as agencies (the same checks) and checked
against the cached rest. Why a part read alone means what it means inside the file: it starts
and ends at entry starts (a line of the list's indentation and `- `), the text before it is
unchanged up to and past that first dash (so libyaml reads everything before it the same),
the text after it is unchanged, and it parses on its own as a list of mappings: then nothing
it opens is left open at its end, and the next entry starts at the list's indentation, as it
did in the baseline. With no anchors, aliases, tags, directives or document markers (here and
in the baseline), no node depends on text outside its entry. The depth guards of `yamlfile`
are held to the part as they hold the file.

Entries may be added or removed only where the change reaches the end of the list (as
`catalog add` appends): elsewhere every later entry's place in catalog order would change.
Anything else (the header touched, entries added or removed in the middle, a problem of any
kind) answers None, and the caller re-reads the whole file, which also reports every problem
with file and line.
"""

from __future__ import annotations

import mmap
import os
import sqlite3
import stat
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from referral_cli.catalog import cache, splicebase, splicediff, yamlstream
from referral_cli.catalog.cache import Row
from referral_cli.catalog.cachekey import FILE_COLUMNS, file_entry, sha256_of
from referral_cli.catalog.files import check_agency_files
from referral_cli.catalog.models import Agency, CatalogInfo, ServicesCatalog, Vetting
from referral_cli.catalog.places import AGENCIES_FILE
from referral_cli.catalog.yamlfile import MAX_FILE_BYTES, Loader


@dataclass
class Change:
    """What differs between agencies.yaml now and the baseline the cache was read from."""

    first: int  # index of the first entry re-read
    old_ids: list[str]  # the cached ids of the entries re-read, in order
    items: list[Any]  # those entries as parsed now (as many, unless at the end of the list)
    base: splicebase.Baseline  # the baseline as it will be once they are written
    patched: dict[int, bytes | None]  # entries whose text changes (None: as in the copy)
    new_copy: bool = False  # entries came or went: `base` is a copy written just now


def find(db: sqlite3.Connection, root: Path) -> Change | None:
    """How agencies.yaml differs from the cache's baseline.

    A Change with no items if nothing differs; None if the edit cannot be spliced. The file
    is opened as `inputs.read_input` opens a catalog file, and must not change while read.
    """
    try:
        base = splicebase.load(db)
        fd = os.open(root / AGENCIES_FILE, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode) or before.st_size > MAX_FILE_BYTES:
                return None
            with (
                splicebase.baseline_path(root, base.name).open("rb") as file,
                mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as copy,
            ):
                if len(copy) != base.copied[-1]:
                    return None  # a copy cut short (a crash)
                view = memoryview(copy)
                try:
                    change = _change(db, root, (fd, before.st_size), view, base)
                finally:
                    view.release()
            if _stat(os.fstat(fd)) != _stat(before):
                return None  # it changed while being read
            return change
        finally:
            os.close(fd)
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error, yamlstream.Unusual):
        return None


def _stat(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _pieces(copy: memoryview, base: splicebase.Baseline) -> splicediff.Text:
    """The baseline's text: the copy between patched entries, and the patches."""
    pieces, at = [], 0
    for entry in sorted(base.patches):
        pieces.append(copy[at : base.copied[entry]])
        pieces.append(memoryview(base.patches[entry]))
        at = base.copied[entry + 1]
    pieces.append(copy[at:])
    text = splicediff.Text(pieces)
    if text.size != base.starts[-1]:
        raise ValueError("baseline and patches disagree")
    return text


def _change(
    db: sqlite3.Connection,
    root: Path,
    file: tuple[int, int],
    copy: memoryview,
    base: splicebase.Baseline,
) -> Change | None:
    fd, size = file  # agencies.yaml open, and its size
    text = _pieces(copy, base)
    ends = splicediff.common_ends(fd, size, text)
    if ends is None:
        return None
    if ends[0] == size == text.size:
        return Change(0, [], [], base, {})
    found = _region(fd, size, base, *ends)
    if found is None:
        return None
    first, end, part, inside = found
    items = yamlstream.load(part, Loader)
    if not isinstance(items, list) or len(items) != len(inside):
        return None
    orders = [cache.agency_order(AGENCIES_FILE, i) for i in range(first, end)]
    marks = ", ".join("?" * len(orders))
    ids = dict(db.execute(f"SELECT ord, id FROM agency WHERE ord IN ({marks})", orders))
    if len(ids) != len(orders):
        return None
    starts, delta = base.starts, size - text.size
    now = array("q", starts[:first])
    now.extend(starts[first] + at for at in inside)
    now.extend(at + delta for at in starts[end:])
    old_ids = [ids[o] for o in orders]
    if len(inside) != end - first:  # entries added or removed at the end: a new copy
        name = splicebase.write_baseline(root, [*text.pieces_to(starts[first]), part])
        copied = splicebase.Baseline(name, now, now, base.indent, {})
        return Change(first, old_ids, items, copied, {}, new_copy=True)
    patched: dict[int, bytes | None] = {}
    bounds = [*inside, len(part)]
    for i in range(first, end):
        entry = part[bounds[i - first] : bounds[i - first + 1]]
        patched[i] = None if copy[base.copied[i] : base.copied[i + 1]] == entry else entry
    after = splicebase.Baseline(base.name, base.copied, now, base.indent, base.patches)
    return Change(first, old_ids, items, after, patched)


def _region(
    fd: int, size: int, base: splicebase.Baseline, prefix: int, suffix: int
) -> tuple[int, int, bytes, list[int]] | None:
    """(first entry, entry after the last, their text now, where each starts in it), if the
    change lies inside whole entries that can be read on their own (see the module doc)."""
    starts, indent, old_size = base.starts, base.indent, base.starts[-1]
    count = len(starts) - 1
    # The first entry re-read: one whose start, indentation and dash are unchanged.
    first = bisect_right(starts, prefix - indent - 2, 0, count) - 1
    end = bisect_left(starts, old_size - suffix, first + 1, count + 1)  # unchanged from there
    if first < 0:
        return None  # the header, or the first entry's own dash
    length = starts[end] + size - old_size - starts[first]
    part = os.pread(fd, length, starts[first])
    inside = splicebase.entry_starts(part, indent, 0, len(part))
    if (
        len(part) != length
        or inside is None
        or (len(inside) != end - first and end != count)  # entries may come or go at the end
        or not splicebase.plain_text(part)
        or splicebase.DEEP_INDENT.search(part)
        or splicebase.DEEP_DASHES.search(part)
        or not splicebase.balanced(part, inside)
    ):
        return None
    return first, end, part, inside


@dataclass
class Spliced:
    """The cache rows an edit replaces, checked as a full re-read would check them."""

    affected: list[str]  # ids whose rows are rewritten (old and new)
    rows: list[Row]
    vettings: dict[str, list[Vetting]]
    info: CatalogInfo
    services: ServicesCatalog


def rows(
    db: sqlite3.Connection, root: Path, change: Change, meta: dict[str, str]
) -> Spliced | None:
    """The re-read entries as cache rows, if they pass every check a full read makes."""
    info = CatalogInfo.model_validate_json(meta["info"])
    services = ServicesCatalog.model_validate_json(meta["services"])
    agencies = [Agency.model_validate(item) for item in change.items]  # ValueError if invalid
    if any(check_agency_files(agencies, services, info)):
        return None  # unknown services, forms or languages, a service twice, ages
    new = [a.id for a in agencies]
    old = set(change.old_ids)
    if len(set(new)) != len(new):
        return None  # duplicate ids among the re-read entries
    marks = ", ".join("?" * len(new))
    taken = db.execute(f"SELECT id FROM agency WHERE id IN ({marks})", new)
    if any(ident not in old for (ident,) in taken):
        return None  # an id another agency has
    gone, added = old - set(new), set(new) - old
    if info.task_force in gone:
        return None  # the task force is no longer there
    renamed = sorted(gone | added)
    marks = ", ".join("?" * len(renamed))
    if renamed and db.execute(f"SELECT 1 FROM file WHERE owner IN ({marks})", renamed).fetchone():
        return None  # vettings of an agency no longer there (or files for a new id)
    kept = sorted(old & set(new))
    if not _files_unchanged(db, root, kept):
        return None  # a vetting file of these agencies changed too: the ordinary update
    marks = ", ".join("?" * len(kept))
    vettings: dict[str, list[Vetting]] = {}
    query = f"SELECT agency, json FROM vetting WHERE agency IN ({marks}) ORDER BY rowid"
    for ident, raw in db.execute(query, kept):
        vettings.setdefault(ident, []).append(Vetting.model_validate_json(raw))
    found = [
        Row(agency, AGENCIES_FILE, cache.agency_order(AGENCIES_FILE, change.first + i))
        for i, agency in enumerate(agencies)
    ]
    return Spliced(sorted(old | set(new)), found, vettings, info, services)


def _files_unchanged(db: sqlite3.Connection, root: Path, agencies: list[str]) -> bool:
    """Every file of these agencies (their vettings) is as the cache recorded it."""
    marks = ", ".join("?" * len(agencies))
    base = str(root)
    query = f"SELECT {FILE_COLUMNS} FROM file WHERE owner IN ({marks})"
    for name, size, mtime, ctime, inode, sha in db.execute(query, agencies):
        if file_entry(base, name)[1:5] != [size, mtime, ctime, inode]:
            return False
        if sha and sha != sha256_of(root / name):
            return False
    return True
