"""A cache of the validated catalog, so a warm start never re-parses 50,000 agencies of YAML.

Why SQLite: one row per agency and per vetting lets `show` or `vet` read the one agency it
needs (~1 ms at 50,000) instead of loading them all; loading everything from it is as fast as
one big pydantic JSON document. Rows hold pydantic JSON, never pickle.

It can never be stale. The key is every catalog file (services.yaml, agencies.yaml and each
vettings/*.yaml, so adding or removing a vetting counts) with its size, mtime, ctime and
inode, plus the code that validates them. A file whose mtime is too close to the build time
for the timestamp to be trusted (git's "racily clean" case) is also checked by content hash.
The file is written to a temp name and renamed, so a reader sees a whole cache or none; a
corrupt, unreadable or unwritable cache is ignored and rebuilt, never an error.

It holds catalog data only, never anything about a youth or a session: the only writer is
`store`, which takes a `Catalog`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from referral_cli.catalog import cachekey
from referral_cli.catalog.cachekey import (
    FORMAT,
    Key,
    dated_ok,
    folder_path,
    settle,
    vetting_owner,
)
from referral_cli.catalog.lazy import LazyDict

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from referral_cli.catalog.contents import Catalog
    from referral_cli.catalog.models import Agency, Vetting

Standings = dict[str, tuple[str, bytes]]  # agency id -> (outcome, scorecard as JSON)


# --- reading -------------------------------------------------------------------


def lookup(root: Path, rebuild: Callable[[], Catalog]) -> tuple[Catalog | None, Key]:
    """The cached catalog if it is current, else None; and the key to store a new one under.

    `rebuild` is called only if the cache turns out to be corrupt after it was opened.
    """
    key = Key(root)
    path = cachekey.cache_path(root)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None, key
    try:
        meta = dict(db.execute("SELECT name, value FROM meta"))
        files = json.loads(meta["files"])
        if (
            int(meta["format"]) != FORMAT
            or meta["root"] != folder_path(root)
            or not key.matches(meta["code"], files)
            or not dated_ok(meta["latest_vetting"])
        ):
            db.close()
            return None, key
        if any(entry[5] for entry in files) or json.loads(meta["folder"])[2]:
            settle(root)

        from referral_cli.catalog.contents import Catalog
        from referral_cli.catalog.models import CatalogInfo, ServicesCatalog

        info = CatalogInfo.model_validate_json(meta["info"])
        services = ServicesCatalog.model_validate_json(meta["services"])
    except (sqlite3.Error, KeyError, ValueError, TypeError):  # ValidationError is a ValueError
        db.close()
        return None, key
    source = _Source(db, rebuild)
    catalog = Catalog(
        root=root,
        info=info,
        languages=dict(services.languages),
        services={s.id: s for s in services.services},
        hotlines=list(services.hotlines),
        agencies=LazyDict(source.agency, source.agencies),
        vettings=LazyDict(source.vettings_of, source.vettings),
    )
    return catalog, key


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
        rows = self._rows("SELECT json FROM agency ORDER BY rowid")
        try:
            if rows is not None:
                with _collector_paused():
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
                with _collector_paused():
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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Building many objects at once: the garbage collector would only rescan them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


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
CREATE TABLE agency (id TEXT NOT NULL UNIQUE, json BLOB NOT NULL);
CREATE TABLE vetting (agency TEXT NOT NULL, json BLOB NOT NULL);
CREATE TABLE offer (
  service TEXT NOT NULL, agency TEXT NOT NULL, position INTEGER NOT NULL, outcome TEXT NOT NULL
);
CREATE TABLE standing (agency TEXT PRIMARY KEY, scorecard TEXT NOT NULL);
CREATE TABLE vfile (
  agency TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
  ctime INTEGER NOT NULL, inode INTEGER NOT NULL, sha TEXT NOT NULL
);
CREATE TABLE service_vfile (
  service TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
  ctime INTEGER NOT NULL, inode INTEGER NOT NULL, sha TEXT NOT NULL,
  PRIMARY KEY (service, name)
) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX vetting_agency ON vetting (agency);
CREATE INDEX offer_service ON offer (service, position, outcome, agency);
CREATE INDEX vfile_agency ON vfile (agency);
CREATE INDEX vfile_name ON vfile (name);
CREATE INDEX service_vfile_name ON service_vfile (name);
"""


def store(catalog: Catalog, key: Key, standings: Standings) -> None:
    """Save a validated catalog under its key; any failure just leaves no cache behind."""
    path = cachekey.cache_path(key.root)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp.unlink(missing_ok=True)
        _write(tmp, catalog, key, standings)
        tmp.chmod(0o600)
        tmp.replace(path)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _write(tmp: Path, catalog: Catalog, key: Key, standings: Standings) -> None:
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
        "files": json.dumps(key.files),
        "built_ns": str(key.built_ns),
        "info": catalog.info.model_dump_json(),
        "services": services.model_dump_json(),
        "main_files": json.dumps(key.files[:2]),
        "folder": json.dumps(key.folder),
    }
    agencies = list(catalog.agencies.values())
    vettings = [v for history in catalog.vettings.values() for v in history]
    meta["latest_vetting"] = max((v.date.isoformat() for v in vettings), default="")
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.executemany(
            "INSERT INTO agency VALUES (?, ?)",
            ((a.id, a.model_dump_json().encode()) for a in agencies),
        )
        db.executemany(
            "INSERT INTO vetting VALUES (?, ?)",
            ((v.agency, v.model_dump_json().encode()) for v in vettings),
        )
        db.executemany(
            "INSERT INTO offer VALUES (?, ?, ?, ?)",
            (
                (offered.id, agency.id, position, outcome)
                for position, agency in enumerate(agencies)
                for outcome in [standings[agency.id][0] if agency.id in standings else ""]
                for offered in {s.id: s for s in agency.services}.values()  # once per agency
            ),
        )
        db.executemany(
            "INSERT INTO standing VALUES (?, ?)",
            ((ident, card) for ident, (_, card) in standings.items()),
        )
        db.executemany(
            "INSERT INTO vfile VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((vetting_owner(entry[0]), *entry) for entry in key.files[2:]),
        )
        # The same keys by service, so `agencies --service` checks its files in one range scan.
        offered = {a.id: {s.id for s in a.services} for a in agencies}
        db.executemany(
            "INSERT OR IGNORE INTO service_vfile VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (service, *entry)
                for entry in key.files[2:]
                for service in offered.get(vetting_owner(entry[0]), ())
            ),
        )
        db.executescript(_INDEXES)
        db.commit()
    finally:
        db.close()
