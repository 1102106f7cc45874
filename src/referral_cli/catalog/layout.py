"""Convert a catalog between its two layouts: one agencies.yaml, or one file per agency.

Both keep what a coordinator wrote: each agency's text (comments included) is moved as it
is, only re-indented, and every converted file is parsed back and compared with the data it
came from before anything is written; if the text cannot be moved faithfully (flow style,
unusual layout), that agency is written from its data instead (its comments are then lost,
and the result says so). Files are written under temporary names and renamed, and the new
files are in place before the old ones go, so an interruption never loses an agency (at
worst the catalog check then reports the agencies that are in both places).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from referral_cli.catalog import yamltext
from referral_cli.catalog.files import agency_files
from referral_cli.catalog.inputs import InputError, read_input
from referral_cli.catalog.models import Agency
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR
from referral_cli.catalog.yamlfile import MAX_FILE_BYTES, Loader
from referral_cli.errors import ReferralError

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class Converted:
    """What a conversion did: agencies moved, and those rewritten from data (comments lost)."""

    agencies: int = 0
    rewritten: int = 0


def split(root: Path) -> Converted:
    """Move every agency of agencies.yaml into agencies/<id>.yaml; agencies.yaml keeps the rest."""
    path = root / AGENCIES_FILE
    text = _read_text(path)
    head, items, rest = _parts(text)
    folder = root / AGENCY_DIR
    done = Converted()
    if not items:
        return done  # nothing to move: agencies.yaml is left exactly as it is
    texts: dict[str, str] = {}
    for item_text, data in items:
        ident = str(data.get("id", "")) if isinstance(data, dict) else ""
        if not ident or ident in texts or (folder / f"{ident}.yaml").exists():
            raise ReferralError(f"Cannot split: agency id '{ident}' is missing or not unique.")
        own = _dedented(item_text)
        if _read_back(own) != data:
            own = _dump(data)
            done.rewritten += 1
        texts[ident] = own
    if _read_back(head) != rest:
        head = _dump(rest)
    folder.mkdir(exist_ok=True)
    for ident, own in texts.items():
        write_atomic(folder / f"{ident}.yaml", own)
    write_atomic(path, head)
    done.agencies = len(texts)
    return done


def join(root: Path) -> Converted:
    """Move every agencies/<id>.yaml back into agencies.yaml, after the agencies it holds."""
    path = root / AGENCIES_FILE
    text = _read_text(path)
    head, items, rest = _parts(text)
    done = Converted()
    entries = [(_dedented(item_text), data) for item_text, data in items]
    files = agency_files(root)
    if not files:
        return done  # nothing to move: agencies.yaml is left exactly as it is
    for file in files:
        own = _read_text(file)
        entries.append((own, _read_back(own)))
    body = []
    for own, data in entries:
        item = _as_item(own)
        if _read_back(item) != [data]:
            item = _as_item(_dump(data))
            done.rewritten += 1
        body.append(item)
    if _read_back(head) != rest:
        head = _dump(rest)
    joined = head.rstrip("\n") + "\n\nagencies:\n" + "".join(body) if body else head
    if _read_back(joined) != rest | ({"agencies": [d for _, d in entries]} if body else {}):
        raise ReferralError("Cannot join: the result would not read back as the same catalog.")
    write_atomic(path, joined)
    for file in files:
        file.unlink()
    with contextlib.suppress(OSError):
        (root / AGENCY_DIR).rmdir()  # left in place if it holds anything else
    done.agencies = len(entries)
    return done


FILES_LAYOUT_ABOVE = 500  # agencies: a directory this large is better kept one file each


def uses_files(root: Path) -> bool:
    """True if the catalog keeps (some of) its agencies as agencies/<id>.yaml files."""
    return bool(agency_files(root))


def write_agency_files(root: Path, agencies: list[Agency]) -> list[Path]:
    """Write agencies as agencies/<id>.yaml (replacing a file of the same id); the paths.

    For importers of large directories (`import-hsds` above FILES_LAYOUT_ABOVE agencies),
    whose agencies.yaml then holds the `catalog:` section only. Fields left at their default
    are left out and a service offered in every form is written as its id, as a coordinator
    would write them. The caller validates the catalog afterwards and, if it has problems,
    removes the paths returned (or puts back what they replaced).
    """
    folder = root / AGENCY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for agency in agencies:
        data = agency.model_dump(mode="json", exclude_defaults=True)
        data["services"] = [s["id"] if set(s) == {"id"} else s for s in data.get("services", [])]
        path = folder / f"{agency.id}.yaml"
        fields = {k: data[k] for k in type(agency).model_fields if k in data}
        write_atomic(path, yamltext.dump(fields))  # no node per value: 25,000 files at a time
        written.append(path)
    return written


def write_atomic(path: Path, text: str) -> None:
    """Write a whole file under a temporary name, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _read_text(path: Path) -> str:
    """A catalog file's text, read as the catalog check reads it (a regular file, capped)."""
    try:
        return read_input(path, MAX_FILE_BYTES, "a catalog").decode("utf-8")
    except InputError as exc:
        raise ReferralError(f"Cannot convert: {path.name} {exc.strerror}.") from None
    except OSError as exc:
        raise ReferralError(
            f"Cannot convert: {path.name} cannot be read ({exc.strerror})."
        ) from None
    except UnicodeDecodeError:
        raise ReferralError(f"Cannot convert: {path.name} is not valid UTF-8 text.") from None


def _read_back(text: str) -> Any:
    """What a converted text parses to (None if it does not parse)."""
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError:
        return None


def _dump(data: Any) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))


def _parts(text: str) -> tuple[str, list[tuple[str, Any]], dict[str, Any]]:
    """agencies.yaml without its `agencies:` key, each agency's text with its data, and the
    data of the rest of the file.

    The text of an item runs from its first line to the next item's; the callers check it
    against the parsed data.
    """
    try:
        tree = yaml.compose(text, Loader=Loader)
        data = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        raise ReferralError(f"Cannot convert: {AGENCIES_FILE} is not valid YAML ({exc}).") from None
    if not isinstance(tree, yaml.MappingNode) or not isinstance(data, dict):
        raise ReferralError(f"Cannot convert: {AGENCIES_FILE} is not a mapping of fields.")
    rest = {k: v for k, v in data.items() if k != "agencies"}
    agencies = data.get("agencies") or []
    found = [
        (key, value)
        for key, value in tree.value
        if isinstance(key, yaml.ScalarNode) and key.value == "agencies"
    ]
    if not found:
        return text, [], rest
    key, value = found[0]
    if not isinstance(value, yaml.SequenceNode) or not isinstance(agencies, list):
        raise ReferralError(f"Cannot convert: 'agencies' in {AGENCIES_FILE} is not a list.")
    lines = text.splitlines(keepends=True)
    end = value.end_mark.line + (1 if value.end_mark.column else 0)
    head = "".join(lines[: key.start_mark.line] + lines[end:])
    if value.flow_style:
        return head, [("", agency) for agency in agencies], rest
    starts = [item.start_mark.line for item in value.value] + [end]
    floor = key.start_mark.line + 1
    for i in range(len(value.value)):
        starts[i] = _with_heading(lines, starts[i], floor)
        floor = starts[i] + 1
    items = [("".join(lines[starts[i] : starts[i + 1]]), a) for i, a in enumerate(agencies)]
    return head, items, rest


def _with_heading(lines: list[str], start: int, floor: int) -> int:
    """Where an item begins once the comment lines just above it, at the list's indent (a
    section heading such as "# Runaway and homeless youth"), are counted as its own: split
    had left each heading at the end of the previous agency's file, and the first one lost.
    """
    column = len(lines[start]) - len(lines[start].lstrip(" "))
    at = start
    while at > floor:
        line = lines[at - 1]
        indent = len(line) - len(line.lstrip(" "))
        if line.strip() and not (line.lstrip(" ").startswith("#") and indent <= column):
            break
        at -= 1
    while at < start and not lines[at].strip():
        at += 1  # blank lines before the heading stay where they were
    return at


def _dedented(item: str) -> str:
    """A list item's text as a document of its own: the `- ` and its indent removed."""
    if not item:
        return ""
    lines = item.splitlines(keepends=True)
    dash = next((i for i, line in enumerate(lines) if line.lstrip(" ").startswith("-")), 0)
    first = lines[dash]
    column = len(first) - len(first.lstrip(" "))
    if not first[column:].startswith("-"):
        return ""
    heading = [line.lstrip(" ") if line.strip() else line for line in lines[:dash]]
    body = first[column + 1 :]
    width = column + 1 + len(body) - len(body.lstrip(" "))
    out = [*heading, first[width:]]
    for line in lines[dash + 1 :]:
        pad = len(line) - len(line.lstrip(" "))
        out.append(line[min(pad, width) :] if line.strip() else line.lstrip(" "))
    return "".join(out)


def _as_item(own: str) -> str:
    """A one-agency document as an item of agencies.yaml's list, indented by two."""
    lines = own.rstrip("\n").splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), 0
    )
    out = []
    for i, line in enumerate(lines):
        if i == start:
            out.append(f"  - {line}")
        elif i < start:  # a heading above the agency: at the list's indent
            out.append(f"  {line}" if line.strip() else "")
        else:
            out.append(f"    {line}" if line.strip() else "")
    return "\n".join(out) + "\n"
