"""Random edits to agencies.yaml, spliced into the cache, give exactly what a full re-read gives.

Each example edits the shipped catalog's agencies.yaml the way a coordinator might (a scalar,
a service, an id, an agency added or removed, broken YAML, an anchor, the header...), then
loads it through a cache built before the edit (so the splice is tried) and through no cache
at all (a full re-read). The two must agree: the same catalog and the same cached rows
(standings, offers, file keys), or the same error with file and line.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from referral_cli.catalog import cachekey
from referral_cli.errors import CatalogError
from referral_cli.vetting.rules import load_catalog

ENTRY = re.compile(r"(?m)^  - id: (\S+)\n")
SERVICES = ["food", "clothing", "transportation", "crisis-intervention", "no-such-service"]
PLAIN = st.text(alphabet="abc XYZ", max_size=12).map(lambda words: f"New {words}")
WORDS = PLAIN | PLAIN | st.text(alphabet="a &*!:#'\"-[]{}|>", max_size=6)


def _spans(text: str) -> list[tuple[int, int, str]]:
    found = list(ENTRY.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)]
    return [(m.start(), end, m.group(1)) for m, end in zip(found, ends, strict=True)]


def _within(text: str, index: int, change: Callable[[str], str]) -> str:
    start, end, _ = _spans(text)[index]
    return text[:start] + change(text[start:end]) + text[end:]


@st.composite
def edits(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """(what kind of edit, agencies.yaml after it)."""
    spans = _spans(text)
    i = draw(st.integers(0, len(spans) - 1))
    other = spans[draw(st.integers(0, len(spans) - 1))][2]
    kind = draw(
        st.sampled_from(
            [
                *["scalar", "service", "rename", "add", "append", "remove", "remove last"],
                *["break", "anchor", "header", "indent"],
            ]
        )
    )
    if kind == "scalar":
        words = draw(WORDS)
        name = re.compile(r"(?m)^(    name: ).*$")
        new = _within(text, i, lambda e: name.sub(rf"\g<1>{words}", e, count=1))
    elif kind == "service":
        service = draw(st.sampled_from(SERVICES))
        item = re.compile(r"(?m)^(      - )[a-z-]+$")
        new = _within(text, i, lambda e: item.sub(rf"\1{service}", e, count=1))
    elif kind == "rename":
        ident = draw(st.sampled_from(["renamed-agency", other]))
        new = _within(text, i, lambda e: re.sub(r"id: \S+", f"id: {ident}", e, count=1))
    elif kind in ("add", "append"):
        start, end, ident = spans[i]
        copy = text[start:end].replace(f"id: {ident}", "id: added-agency", 1)
        at = len(text) if kind == "append" else end
        new = text[:at] + ("" if text.endswith("\n") else "\n") + copy + text[at:]
    elif kind in ("remove", "remove last"):
        start, end, _ = spans[-1 if kind == "remove last" else i]
        new = text[:start] + text[end:]
    elif kind == "break":
        bad = draw(st.sampled_from(['    name: "unclosed\n', "\tname: tab\n", "  oops\n", "]\n"]))
        new = _within(text, i, lambda e: e + bad)
    elif kind == "anchor":
        new = _within(text, i, lambda e: e.replace("cost: ", "cost: &c ", 1))
    elif kind == "header":
        new = text.replace("revet_months: 12", f"revet_months: {draw(st.integers(0, 70))}", 1)
    else:
        new = _within(text, i, lambda e: e.replace("\n    name:", "\n     name:", 1))
    return kind, new


def _rows(path: Path) -> dict[str, Any]:
    """What the cache holds, in a form two equal caches share (not row order, not hashes)."""
    queries = {
        "agency": "SELECT id, file, ord, json FROM agency",
        "offer": "SELECT * FROM offer",
        "standing": "SELECT * FROM standing",
        "service_file": "SELECT service, name, size, mtime, ctime, inode FROM service_file",
        "file": "SELECT name, owner, size, mtime, ctime, inode FROM file",
        "meta": "SELECT * FROM meta WHERE name IN ('info', 'services', 'latest_vetting')",
    }
    with sqlite3.connect(path) as db:
        found: dict[str, Any] = {k: sorted(db.execute(q)) for k, q in queries.items()}
        histories: dict[str, list[bytes]] = {}
        for agency, raw in db.execute("SELECT agency, json FROM vetting ORDER BY rowid"):
            histories.setdefault(agency, []).append(raw)
        found["vetting"] = histories
    db.close()
    return found


def _outcome(root: Path) -> tuple[str, Any]:
    try:
        catalog = load_catalog(root)
    except CatalogError as exc:
        return "error", str(exc)
    agencies = [a.model_dump() for a in catalog.agencies.values()]
    return "catalog", (agencies, {k: list(v) for k, v in catalog.vettings.items()})


@settings(
    max_examples=int(os.environ.get("SPLICE_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_spliced_edits_give_what_a_full_read_gives(
    data: st.DataObject, data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "template"
    path = data_copy / "agencies.yaml"
    original = path.read_text()
    if not template.exists():
        monkeypatch.setenv("REFERRAL_CACHE", str(template))
        load_catalog(data_copy)
        assert len(list(template.glob("*.base-*.yaml"))) == 1  # a baseline was kept
    spliced, fresh = tmp_path / "spliced", tmp_path / "fresh"
    shutil.rmtree(spliced, ignore_errors=True)
    shutil.copytree(template, spliced)
    name = cachekey.cache_path(data_copy).name
    text = original
    try:
        for _ in range(data.draw(st.integers(1, 3), label="edits")):
            if text != original and data.draw(st.booleans(), label="undo"):
                kind, text = "undo", original
            else:
                kind, text = data.draw(edits(text))
            path.write_text(text)
            before = (spliced / name).stat().st_ino if (spliced / name).exists() else None
            os.environ["REFERRAL_CACHE"] = str(spliced)
            after_splice = _outcome(data_copy)
            shutil.rmtree(fresh, ignore_errors=True)
            os.environ["REFERRAL_CACHE"] = str(fresh)
            after_full = _outcome(data_copy)
            # A splice updates the cache in place; a full re-read writes a new one (or none).
            now = (spliced / name).stat().st_ino if (spliced / name).exists() else None
            how = "an error" if after_full[0] == "error" else "spliced" if now == before else "read"
            event(f"{kind}: {how}")
            assert after_splice == after_full
            if after_full[0] == "catalog":
                assert _rows(spliced / name) == _rows(fresh / name)
    finally:
        path.write_text(original)
