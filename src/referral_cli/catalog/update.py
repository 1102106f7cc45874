"""Bring the cache up to date by re-reading only the agency and vetting files that changed.

A coalition that keeps its catalog in git pulls a few changed files at a time; re-parsing
50,000 agencies for each pull took 20 s. Every agency file and vetting file belongs to one
agency (its name says which, and the catalog check holds it to that), so a change touches
only the rows of the agencies it names: those are re-read from their files, checked against
the cached rest (ids, services, the task force, vettings without an agency), re-judged, and
rewritten in one transaction. An edit of agencies.yaml alone is spliced in (`splice`: only
the entries it touched are re-read). A change to services.yaml, to agencies.yaml together
with other files, a problem of any kind, or anything unexpected answers None: the caller then
re-reads everything, which also reports every problem with file and line.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from referral_cli.catalog import cache, cachekey, splice, splicebase
from referral_cli.catalog.cache import Row, Stale
from referral_cli.catalog.cachekey import BASELINE, FILE_COLUMNS, RACY_NS, Key, owner
from referral_cli.catalog.contents import Catalog
from referral_cli.catalog.files import check_agency_file, check_agency_files, recording_order
from referral_cli.catalog.models import Agency, CatalogInfo, ServicesCatalog, Vetting
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR, SERVICES_FILE
from referral_cli.catalog.validate import (
    STANDING_READS,
    VettingRules,
    check_vetting_file,
    validate_model,
)
from referral_cli.catalog.yamlfile import Lines, parse_yaml


class _Problem(Exception):
    """Something a full check must report (with its line): give up the update."""


def update(root: Path, key: Key, stale: Stale, rules: VettingRules) -> Catalog | None:
    """The catalog after re-reading only the changed files into the cache, or None."""
    db = _updated(root, key, stale, lambda: rules)
    if db is None:
        return None
    try:
        meta = dict(db.execute("SELECT name, value FROM meta"))
        return cache.open_catalog(root, db, meta, lambda: _never())
    except (sqlite3.Error, KeyError, ValueError):
        db.close()
        return None


def refresh_agency(
    root: Path, ident: str, names: list[str], rules: Callable[[], VettingRules]
) -> bool:
    """Re-read one agency's files (`names`, all there are) into the cache; True if done.

    For the warm path (`warm.Quick`), which has checked everything else itself: the files of
    other agencies need not even be looked at, and the vetting rules (`rules`) are loaded
    only if a vetting file changed or the agency's standing must be judged again.
    """
    key = Key(root, names)
    db = _updated(root, key, Stale(changed=names, removed=[]), rules, agency=ident)
    if db is None:
        return False
    db.close()
    return True


def refresh_agencies_file(root: Path, rules: Callable[[], VettingRules]) -> bool:
    """Splice an edit of agencies.yaml into the cache; True if done.

    For the warm path (`warm.Quick`), which has checked that nothing else changed: the
    vetting rules (`rules`) are loaded only if some entry did change.
    """
    db = _spliced(root, Key(root, [AGENCIES_FILE]), rules, keep_folders=True)
    if db is None:
        return False
    db.close()
    return True


def _spliced(
    root: Path, key: Key, rules: Callable[[], VettingRules], keep_folders: bool
) -> sqlite3.Connection | None:
    """The open cache after splicing agencies.yaml's edit in, or None (nothing written).

    The key entry is the file's stat before it is read; a stat too recent to trust (see
    RACY_NS) is marked to be held to the baseline, which is exactly the text read here.
    """
    entry = next(e for e in key.files if e[0] == AGENCIES_FILE)
    entry[5] = BASELINE if entry[2] >= key.built_ns - RACY_NS else ""
    try:
        db = sqlite3.connect(cachekey.cache_path(root), timeout=10, isolation_level=None)
    except sqlite3.Error:
        return None
    change = None
    try:
        db.execute("BEGIN IMMEDIATE")  # one writer at a time; readers see before or after
        meta = dict(db.execute("SELECT name, value FROM meta"))
        if meta["code"] != key.code:
            raise _Problem
        change = splice.find(db, root)
        if change is None:
            raise _Problem
        if change.items:
            if keep_folders:  # as the caller found them; a change since is for the next check
                key.folders = json.loads(meta["folders"])
            _write_splice(db, root, key, change, meta, rules)
            splicebase.save(db, change.base, change.patched, change.new_copy)
        else:
            db.execute(
                "UPDATE file SET size = ?, mtime = ?, ctime = ?, inode = ?, sha = ? WHERE name = ?",
                (*entry[1:], AGENCIES_FILE),
            )
            if not keep_folders:  # every file was compared: the folders as they are now
                folders = json.dumps(key.folders)
                db.execute("UPDATE meta SET value = ? WHERE name = 'folders'", (folders,))
        db.execute("COMMIT")
    except Exception:  # anything at all: the full re-read decides, and reports
        db.close()  # closing without COMMIT rolls the transaction back
        if change is not None and change.new_copy:
            splicebase.baseline_path(root, change.base.name).unlink(missing_ok=True)
        return None
    if change.new_copy:
        splicebase.tidy(root, change.base.name)
    return db


def _write_splice(
    db: sqlite3.Connection,
    root: Path,
    key: Key,
    change: splice.Change,
    meta: dict[str, str],
    rules: Callable[[], VettingRules],
) -> None:
    """Replace the rows of the re-read entries, judged afresh, and agencies.yaml's entry."""
    found = splice.rows(db, root, change, meta)
    if found is None:
        raise _Problem
    mini = Catalog(
        root=root,
        info=found.info,
        languages=dict(found.services.languages),
        services={s.id: s for s in found.services.services},
        hotlines=list(found.services.hotlines),
        agencies={r.agency.id: r.agency for r in found.rows},
        vettings=found.vettings,
    )
    standings = _standings(db, mini, set(), key.built_day(), rules)
    entries = {AGENCIES_FILE: next(e for e in key.files if e[0] == AGENCIES_FILE)}
    stale = Stale(changed=[AGENCIES_FILE], removed=[])
    _write(db, key, stale, found.affected, found.rows, found.vettings, standings, entries)


def _updated(
    root: Path,
    key: Key,
    stale: Stale,
    rules: Callable[[], VettingRules],
    agency: str | None = None,
) -> sqlite3.Connection | None:
    """The open cache after the update, or None (nothing written)."""
    touched = [*stale.changed, *stale.removed]
    if touched == [AGENCIES_FILE] and stale.changed and agency is None:
        key.hash_racy(set())  # the folders only: agencies.yaml is held to the baseline
        return _spliced(root, key, rules, keep_folders=False)
    if SERVICES_FILE in touched or AGENCIES_FILE in touched:
        return None
    key.hash_racy(set(stale.changed))  # before parsing, so an edit made meanwhile is seen
    try:
        db = sqlite3.connect(cachekey.cache_path(root), timeout=10, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        db.execute("BEGIN IMMEDIATE")  # one writer at a time; readers see before or after
        meta = dict(db.execute("SELECT name, value FROM meta"))
        if meta["code"] != key.code:
            raise _Problem
        _apply(db, root, key, stale, rules, meta, agency)
        db.execute("COMMIT")
    except (_Problem, sqlite3.Error, OSError, KeyError, ValueError, TypeError):
        db.close()  # closing without COMMIT rolls the transaction back
        return None
    return db


def _never() -> Catalog:
    raise _Problem  # pragma: no cover - the rows were just written


def _apply(
    db: sqlite3.Connection,
    root: Path,
    key: Key,
    stale: Stale,
    rules: Callable[[], VettingRules],
    meta: dict[str, str],
    agency: str | None,
) -> None:
    info = CatalogInfo.model_validate_json(meta["info"])
    services = ServicesCatalog.model_validate_json(meta["services"])
    affected = sorted({owner(name) for name in [*stale.changed, *stale.removed]})
    if agency is not None:
        affected = [agency]  # and the key holds that agency's files only
    entries = {entry[0]: entry for entry in key.files}
    owned: dict[str, list[str]] = {}
    for name in entries:
        owned.setdefault(owner(name), []).append(name)
    marks = ", ".join("?" * len(affected))
    cached = {
        row[0]: row[1:]
        for row in db.execute(
            f"SELECT id, file, ord, json FROM agency WHERE id IN ({marks})", affected
        )
    }
    changed = set(stale.changed)
    stored = {
        row[0]: list(row)
        for row in db.execute(f"SELECT {FILE_COLUMNS} FROM file WHERE owner IN ({marks})", affected)
    }
    rows: list[Row] = []
    vettings: dict[str, list[Vetting]] = {}
    reread: set[str] = set()  # agencies whose vettings are read afresh: judged afresh too
    for ident in affected:
        row = _agency_row(root, ident, cached.get(ident), (changed, set(entries)), services, info)
        names = owned.get(ident, [])
        vetting_names = [n for n in names if not n.startswith(f"{AGENCY_DIR}/")]
        if row is None:
            if vetting_names or ident == info.task_force:
                raise _Problem  # vettings of an agency no longer in the catalog, or the task force
            continue
        rows.append(row)
        old = [n for n in stored if owner(n) == ident and not n.startswith(f"{AGENCY_DIR}/")]
        if sorted(old) == sorted(vetting_names) and all(
            cachekey.unchanged(root, stored[n], entries[n]) for n in vetting_names
        ):
            vettings[ident] = _cached_history(db, ident)
        else:
            vettings[ident] = _history(root, ident, vetting_names, rules())
            reread.add(ident)
    mini = Catalog(
        root=root,
        info=info,
        languages=dict(services.languages),
        services={s.id: s for s in services.services},
        hotlines=list(services.hotlines),
        agencies={r.agency.id: r.agency for r in rows},
        vettings={k: v for k, v in vettings.items() if v},
    )
    standings = _standings(db, mini, reread, key.built_day(), rules)
    _write(db, key, stale, affected, rows, mini.vettings, standings, entries)
    # Never lowered (a removed vetting may have been the latest): stepping aside too early
    # only costs a full check, which records the exact date again.
    latest = max(
        [meta["latest_vetting"], *(v.date.isoformat() for h in vettings.values() for v in h)]
    )
    db.execute("UPDATE meta SET value = ? WHERE name = 'latest_vetting'", (latest,))


def _agency_row(
    root: Path,
    ident: str,
    cached: tuple[Any, ...] | None,
    files: tuple[set[str], set[str]],
    services: ServicesCatalog,
    info: CatalogInfo,
) -> Row | None:
    """The agency as it is now: re-read if its own file changed, else its cached row.

    `files` is (the files that changed, every file there is now).
    """
    changed, present = files
    name = f"{AGENCY_DIR}/{ident}.yaml"
    if name in changed:
        if cached is not None and cached[0] == AGENCIES_FILE:
            raise _Problem  # agencies.yaml has it too
        agency = _read(root, name, Agency)
        path = root / name
        if any(check_agency_file(agency, path, set())) or any(
            check_agency_files([agency], services, info)
        ):
            raise _Problem
        return Row(agency, name, cache.agency_order(name, 0))
    if cached is None or (cached[0] != AGENCIES_FILE and cached[0] not in present):
        return None  # gone with its file
    file, order, raw = cached
    return Row(Agency.model_validate_json(raw), file, order)


def _standings(
    db: sqlite3.Connection,
    mini: Catalog,
    reread: set[str],
    day: dt.date,
    rules: Callable[[], VettingRules],
) -> cache.Standings:
    """The standings of the re-read agencies: the cached one wherever nothing it reads changed.

    A standing reads only an agency's STANDING_READS, its vettings (unchanged unless in
    `reread`), the catalog's info (the same: a change to it is never updated in place) and
    the day (only staleness, which the warm path works out for the day asked). So an edited
    description or phone keeps it, and the rubric (~15 ms to load) is not needed.
    """
    vetted = [ident for ident, history in mini.vettings.items() if history]
    marks = ", ".join("?" * len(vetted))
    query = (
        "SELECT agency.id, agency.json, standing.scorecard FROM agency"
        f" JOIN standing ON standing.agency = agency.id WHERE agency.id IN ({marks})"
    )
    kept: cache.Standings = {}
    for ident, raw, card in db.execute(query, vetted):
        old, new = json.loads(raw), mini.agencies[ident]
        if ident not in reread and all(old.get(f) == getattr(new, f) for f in STANDING_READS):
            kept[ident] = (json.loads(card)["status"]["outcome"], card)
    judge = {ident: mini.vettings[ident] for ident in vetted if ident not in kept}
    if not judge:
        return kept
    return kept | rules().standings(replace(mini, vettings=judge), day)


def _cached_history(db: sqlite3.Connection, ident: str) -> list[Vetting]:
    """One agency's vettings as the cache holds them (their files unchanged), oldest first."""
    query = "SELECT json FROM vetting WHERE agency = ? ORDER BY rowid"
    return [Vetting.model_validate_json(raw) for (raw,) in db.execute(query, (ident,))]


def _history(root: Path, ident: str, names: list[str], rules: VettingRules) -> list[Vetting]:
    """Every vetting of one agency, re-read from its files, oldest first."""
    history = []
    for name in sorted(names, key=lambda n: recording_order(Path(n))):
        vetting = _read(root, name, Vetting)
        if any(check_vetting_file(vetting, {ident}, root / name, rules)):
            raise _Problem
        history.append(vetting)
    history.sort(key=lambda v: v.date)
    return history


def _read(root: Path, name: str, model: Any) -> Any:
    path = root / name
    data, problems = parse_yaml(path, name)
    if data is None or problems:
        raise _Problem
    value, problems = validate_model(model, data, name, Lines(path))
    if value is None or problems:
        raise _Problem
    return value


def _write(
    db: sqlite3.Connection,
    key: Key,
    stale: Stale,
    affected: list[str],
    rows: list[Row],
    vettings: dict[str, list[Vetting]],
    standings: cache.Standings,
    entries: dict[str, list[Any]],
) -> None:
    """Replace the affected agencies' rows, and the key entries of the files that changed."""
    marks = ", ".join("?" * len(affected))
    db.execute(
        f"DELETE FROM service_file WHERE name IN (SELECT name FROM file WHERE owner IN ({marks}))",
        affected,
    )
    for table, column in (("agency", "id"), ("vetting", "agency"), ("offer", "agency")):
        db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", affected)
    db.execute(f"DELETE FROM standing WHERE agency IN ({marks})", affected)
    db.executemany("DELETE FROM file WHERE name = ?", ((name,) for name in stale.removed))
    db.executemany(
        "INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((name, owner(name), *entries[name][1:]) for name in stale.changed),
    )
    owned: dict[str, list[list[Any]]] = {}
    query = f"SELECT owner, {FILE_COLUMNS} FROM file WHERE owner IN ({marks})"
    for row in db.execute(query, affected):
        owned.setdefault(row[0], []).append(list(row[1:]))
    cache.write_agencies(db, rows, vettings, standings, owned)
    db.execute("UPDATE meta SET value = ? WHERE name = 'folders'", (json.dumps(key.folders),))
