"""A cache of the validated catalog, so a warm start never re-parses 50,000 agencies of YAML.

Why SQLite: one row per agency and per vetting lets `show` or `vet` read the one agency it
needs (~1 ms at 50,000) instead of loading them all; loading everything from it is as fast as
one big pydantic JSON document. Rows hold pydantic JSON, never pickle.

It can never be stale. The key is every catalog file (services.yaml, agencies.yaml, each
agencies/*.yaml and vettings/*.yaml, so adding or removing a file counts) with its size, mtime,
ctime and inode, one row per file, plus the code that validates them. A file whose mtime is
too close to the build time for the timestamp to be trusted (git's "racily clean" case) is
also checked by content hash. A full build is written to a temp name and renamed, so a reader
sees a whole cache or none; when only agency or vetting files changed, `update` re-reads just
those and rewrites their rows in one transaction. A corrupt, unreadable or unwritable cache is
ignored and rebuilt, never an error.

It holds catalog data only, never anything about a youth or a session: the only writer is
`store`, which takes a `Catalog`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referral_cli.catalog import cachekey
from referral_cli.catalog.cachekey import (
    FILE_COLUMNS,
    FORMAT,
    Key,
    dated_ok,
    folder_path,
    owner,
    settle,
)
from referral_cli.catalog.collector import collector_paused
from referral_cli.catalog.lazy import LazyDict
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR, VETTINGS_DIR

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from referral_cli.catalog.contents import Catalog
    from referral_cli.catalog.models import Agency, Vetting

VETTING_PREFIX = f"{VETTINGS_DIR}/"
Standings = dict[str, tuple[str, bytes]]  # agency id -> (outcome, scorecard as JSON)


# --- reading -------------------------------------------------------------------


@dataclass
class Stale:
    """A cache built by this code for this folder, but some files changed since (see `update`)."""

    changed: list[str]
    removed: list[str]


def lookup(root: Path, rebuild: Callable[[], Catalog]) -> tuple[Catalog | None, Key, Stale | None]:
    """The cached catalog if it is current, else None; the key to store a new one under; and,
    when only some files changed since a build by this code, which ones.

    `rebuild` is called only if the cache turns out to be corrupt after it was opened.
    """
    key = Key(root)
    try:
        db = sqlite3.connect(f"{cachekey.cache_path(root).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None, key, None
    try:
        meta = dict(db.execute("SELECT name, value FROM meta"))
        if (
            int(meta["format"]) != FORMAT
            or meta["root"] != folder_path(root)
            or not dated_ok(meta["latest_vetting"])  # then every vetting is checked afresh
        ):
            db.close()
            return None, key, None
        stored = {row[0]: list(row) for row in db.execute(f"SELECT {FILE_COLUMNS} FROM file")}
        changed, removed = key.changes(stored)
        if meta["code"] != key.code or changed or removed:
            db.close()
            return None, key, (Stale(changed, removed) if meta["code"] == key.code else None)
        folders = json.loads(meta["folders"])
        if any(entry[5] for entry in stored.values()) or any(f[2] for f in folders):
            settle(root)
        catalog = open_catalog(root, db, meta, rebuild)
    except (sqlite3.Error, KeyError, ValueError, TypeError):  # ValidationError is a ValueError
        db.close()
        return None, key, None
    return catalog, key, None


def open_catalog(
    root: Path, db: sqlite3.Connection, meta: dict[str, str], rebuild: Callable[[], Catalog]
) -> Catalog:
    """The catalog of an open, current cache: agencies and vettings read on demand."""
    from referral_cli.catalog.contents import Catalog
    from referral_cli.catalog.models import CatalogInfo, ServicesCatalog

    info = CatalogInfo.model_validate_json(meta["info"])
    services = ServicesCatalog.model_validate_json(meta["services"])
    source = _Source(db, rebuild)
    return Catalog(
        root=root,
        info=info,
        languages=dict(services.languages),
        services={s.id: s for s in services.services},
        hotlines=list(services.hotlines),
        agencies=LazyDict(source.agency, source.agencies),
        vettings=LazyDict(source.vettings_of, source.vettings),
    )


class _Source:
    """Reads rows on demand; if the cache proves corrupt, answers from a fresh parse instead."""

    def __init__(self, db: sqlite3.Connection, rebuild: Callable[[], Catalog]) -> None:
        self.db: sqlite3.Connection | None = db
        self._rebuild = rebuild
        self._fresh: Catalog | None = None
        self._complete = 0

    def _fallback(self) -> Catalog:
        self.close()
        if self._fresh is None:
            self._fresh = self._rebuild()
        return self._fresh

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def _rows(self, sql: str, args: tuple[str, ...] = ()) -> list[bytes] | None:
        if self.db is None:
            return None
        try:
            return [row[0] for row in self.db.execute(sql, args)]
        except sqlite3.Error:
            return None

    def _done(self) -> None:
        self._complete += 1
        if self._complete == 2:  # both tables fully read: the connection is no longer needed
            self.close()

    def agency(self, ident: str) -> Agency | None:
        from referral_cli.catalog.models import Agency

        rows = self._rows("SELECT json FROM agency WHERE id = ?", (ident,))
        try:
            if rows is not None:
                return Agency.model_validate_json(rows[0]) if rows else None
        except ValueError:  # pydantic's ValidationError
            pass
        return self._fallback().agencies.get(ident)

    def agencies(self) -> dict[str, Agency]:
        rows = self._rows("SELECT json FROM agency ORDER BY ord")
        try:
            if rows is not None:
                with collector_paused():
                    found = _agency_list().validate_json(b"[" + b",".join(rows) + b"]")
                self._done()
                return {a.id: a for a in found}
        except ValueError:  # pydantic's ValidationError
            pass
        return dict(self._fallback().agencies)

    def vettings_of(self, ident: str) -> list[Vetting] | None:
        from referral_cli.catalog.models import Vetting

        rows = self._rows("SELECT json FROM vetting WHERE agency = ? ORDER BY rowid", (ident,))
        try:
            if rows is not None:
                return [Vetting.model_validate_json(r) for r in rows] or None
        except ValueError:  # pydantic's ValidationError
            pass
        return self._fallback().vettings.get(ident)

    def vettings(self) -> dict[str, list[Vetting]]:
        rows = self._rows("SELECT json FROM vetting ORDER BY rowid")
        try:
            if rows is not None:
                with collector_paused():
                    found = _vetting_list().validate_json(b"[" + b",".join(rows) + b"]")
                self._done()
                out: dict[str, list[Vetting]] = {}
                for vetting in found:
                    out.setdefault(vetting.agency, []).append(vetting)
                return out
        except ValueError:  # pydantic's ValidationError
            pass
        return dict(self._fallback().vettings)


def _agency_list() -> TypeAdapter[list[Agency]]:
    """Built on first use only: a warm `show` never needs it."""
    from pydantic import TypeAdapter

    from referral_cli.catalog.models import Agency

    return TypeAdapter(list[Agency])


def _vetting_list() -> TypeAdapter[list[Vetting]]:
    from pydantic import TypeAdapter

    from referral_cli.catalog.models import Vetting

    return TypeAdapter(list[Vetting])


def agencies_offering(catalog: Catalog, service_id: str) -> list[Agency]:
    """Agencies offering one service, in catalog order: from the cache's index when it can.

    For a command that needs a few agencies of a 50,000-agency catalog, this avoids loading
    all of them (`catalog.agencies.values()` would).
    """
    agencies = catalog.agencies
    if isinstance(agencies, LazyDict) and not agencies.complete:
        source = getattr(agencies.reader, "__self__", None)
        if isinstance(source, _Source):
            ids = source._rows(
                "SELECT agency FROM offer WHERE service = ? ORDER BY position", (service_id,)
            )
            if ids is not None:
                found = [agencies.get(str(i)) for i in ids]
                return [a for a in found if a is not None]
    return [a for a in agencies.values() if any(s.id == service_id for s in a.services)]


# --- writing -------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE file (
  name TEXT PRIMARY KEY, owner TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
  ctime INTEGER NOT NULL, inode INTEGER NOT NULL, sha TEXT NOT NULL
);
CREATE TABLE agency (
  id TEXT NOT NULL UNIQUE, file TEXT NOT NULL, ord TEXT NOT NULL, json BLOB NOT NULL
);
CREATE TABLE vetting (agency TEXT NOT NULL, json BLOB NOT NULL);
CREATE TABLE offer (
  service TEXT NOT NULL, agency TEXT NOT NULL, position TEXT NOT NULL, outcome TEXT NOT NULL
);
CREATE TABLE standing (agency TEXT PRIMARY KEY, scorecard TEXT NOT NULL);
CREATE TABLE service_file (
  service TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
  ctime INTEGER NOT NULL, inode INTEGER NOT NULL, sha TEXT NOT NULL,
  PRIMARY KEY (service, name)
) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX file_owner ON file (owner);
CREATE INDEX agency_ord ON agency (ord);
CREATE INDEX vetting_agency ON vetting (agency);
CREATE INDEX offer_service ON offer (service, position, outcome, agency);
CREATE INDEX offer_agency ON offer (agency);
CREATE INDEX service_file_name ON service_file (name);
"""


def agency_order(file: str, index: int) -> str:
    """An agency's place in catalog order: agencies.yaml's in turn, then agencies/ by name."""
    return f"0:{index:09d}" if file == AGENCIES_FILE else f"1:{file}"


def agency_file(ident: str, names: set[str]) -> str:
    """The file an agency comes from: its own file if there is one (it must be named for it)."""
    own = f"{AGENCY_DIR}/{ident}.yaml"
    return own if own in names else AGENCIES_FILE


def store(
    catalog: Catalog, key: Key, standings: Standings, factors: list[tuple[str, bool]]
) -> None:
    """Save a validated catalog under its key; any failure just leaves no cache behind.

    `factors` (the rubric's, label and critical) let a warm `vet` of an agency never vetted
    list what is still to assess without loading the rubric."""
    from referral_cli.catalog import splicebase

    path = cachekey.cache_path(key.root)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    base = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        try:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            _write(db, catalog, key, standings)
            db.execute("INSERT INTO meta VALUES ('factors', ?)", (json.dumps(factors),))
            db.executescript(_INDEXES)
            names = {entry[0] for entry in key.files}
            count = sum(agency_file(a, names) == AGENCIES_FILE for a in catalog.agencies)
            base = splicebase.record(db, key, catalog.info, count)  # for `splice`
            db.commit()
        finally:
            db.close()
        tmp.chmod(0o600)
        tmp.replace(path)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            tmp.unlink()
        base = None
    splicebase.tidy(key.root, base)


def _write(db: sqlite3.Connection, catalog: Catalog, key: Key, standings: Standings) -> None:
    from referral_cli.catalog.models import ServicesCatalog

    services = ServicesCatalog(
        languages=catalog.languages,
        services=list(catalog.services.values()),
        hotlines=catalog.hotlines,
    )
    meta = {
        "format": str(FORMAT),
        "root": folder_path(key.root),
        "code": key.code,
        "built_ns": str(key.built_ns),
        "info": catalog.info.model_dump_json(),
        "services": services.model_dump_json(),
        "folders": json.dumps(key.folders),
        "latest_vetting": max(
            (v.date.isoformat() for history in catalog.vettings.values() for v in history),
            default="",
        ),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    db.executemany(
        "INSERT INTO file VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((entry[0], owner(entry[0]), *entry[1:]) for entry in key.files),
    )
    names = {entry[0] for entry in key.files}
    rows = [
        Row(agency, file, agency_order(file, index))
        for index, agency in enumerate(catalog.agencies.values())
        for file in [agency_file(agency.id, names)]
    ]
    owned: dict[str, list[list[Any]]] = {}
    for entry in key.files:
        owned.setdefault(owner(entry[0]), []).append(entry)
    write_agencies(db, rows, catalog.vettings, standings, owned)


@dataclass(frozen=True)
class Row:
    """An agency as the cache keeps it: the file it comes from and its place in catalog order."""

    agency: Agency
    file: str
    order: str


def write_agencies(
    db: sqlite3.Connection,
    rows: list[Row],
    vettings: Mapping[str, list[Vetting]],
    standings: Standings,
    owned: Mapping[str, list[list[Any]]],
) -> None:
    """Insert agencies, their vettings, offers and standings, and their files' key entries by
    service (`owned`: agency id -> key entries of its files)."""
    db.executemany(
        "INSERT INTO agency VALUES (?, ?, ?, ?)",
        ((r.agency.id, r.file, r.order, r.agency.model_dump_json().encode()) for r in rows),
    )
    db.executemany(
        "INSERT INTO vetting VALUES (?, ?)",
        (
            (r.agency.id, v.model_dump_json().encode())
            for r in rows
            for v in vettings.get(r.agency.id, ())
        ),
    )
    db.executemany(
        "INSERT INTO offer VALUES (?, ?, ?, ?)",
        (
            (offered.id, r.agency.id, r.order, standings.get(r.agency.id, ("",))[0])
            for r in rows
            for offered in {s.id: s for s in r.agency.services}.values()  # once per agency
        ),
    )
    db.executemany(
        "INSERT INTO standing VALUES (?, ?)",
        ((r.agency.id, standings[r.agency.id][1]) for r in rows if r.agency.id in standings),
    )
    # Each agency's vetting files by service, so `agencies --service` checks them in one range
    # scan (it checks every agency file anyway: any of them could add the service).
    db.executemany(
        "INSERT OR IGNORE INTO service_file VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (offered.id, *entry)
            for r in rows
            for offered in r.agency.services
            for entry in owned.get(r.agency.id, ())
            if entry[0].startswith(VETTING_PREFIX)
        ),
    )
