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
import datetime as dt
import gc
import json
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from referral_cli import __version__
from referral_cli.catalog.places import AGENCIES_FILE, SERVICES_FILE, VETTINGS_DIR

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from referral_cli.catalog.contents import Catalog
    from referral_cli.catalog.models import Agency, Vetting

FORMAT = 4
_VFILE = "name, size, mtime, ctime, inode, sha"  # a vetting file's key entry, as columns
RACY_NS = 3_000_000_000  # mtimes this close to the build are checked by content hash
_CODE_FILES = (
    "catalog/models.py",
    "catalog/load.py",
    "vetting/judge.py",
    "vetting/rubric.yaml",
    "catalog/cache.py",
)

_V = TypeVar("_V")
Standings = dict[str, tuple[str, bytes]]  # agency id -> (outcome, scorecard as JSON)
FileKey = list[Any]  # [name, size, mtime_ns, ctime_ns, inode, sha256 or ""]


def cache_dir() -> Path:
    """`REFERRAL_CACHE`, else the user cache folder: never inside the catalog or case files."""
    env = os.environ.get("REFERRAL_CACHE")
    if env:
        return Path(env)
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel"):
        # platformdirs' answer on Linux (the XDG base-directory rule), without the ~3 ms its
        # import adds to every warm start; tests/test_cache.py holds the two equal.
        xdg = Path(os.environ.get("XDG_CACHE_HOME", ""))
        return (xdg if xdg.is_absolute() else Path("~/.cache").expanduser()) / "referral-cli"
    from platformdirs import user_cache_path

    return user_cache_path("referral-cli", appauthor=False)


def cache_path(root: Path) -> Path:
    """One cache file per catalog folder, named by a checksum of its absolute path.

    A checksum, not a cryptographic hash: hashlib costs ~2 ms to import on every warm start.
    The cache records its folder (`folder_path`), so two folders whose checksums collide
    only take turns rebuilding; neither can read the other's catalog.
    """
    return cache_dir() / f"catalog-{zlib.crc32(folder_path(root).encode()):08x}.sqlite"


def folder_path(root: Path) -> str:
    """The catalog folder as the cache records it."""
    return str(root.resolve())


class Key:
    """What the cached catalog was built from; compared on every load."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built_ns = time.time_ns()
        self.code = _code_fingerprint()
        self.files = _catalog_files(root)
        self.folder = folder_entry(root)

    def built_day(self) -> dt.date:
        """The local date the cache is built on: standings are judged as of it."""
        return dt.date.fromtimestamp(self.built_ns / 1e9)

    def hash_racy(self) -> None:
        """Hash the files whose mtime is too recent to trust (before they are parsed)."""
        for entry in self.files:
            if entry[1] >= 0 and entry[2] >= self.built_ns - RACY_NS:
                entry[5] = _sha256(self.root / entry[0])
        if self.folder[0] >= self.built_ns - RACY_NS:
            self.folder[2] = vetting_names(self.root)

    def matches(self, code: str, files: FileKey) -> bool:
        """True if the stored key describes the catalog as it is now."""
        if code != self.code or len(files) != len(self.files):
            return False
        return all(
            unchanged(self.root, old, new) for old, new in zip(files, self.files, strict=True)
        )


def unchanged(root: Path, old: list[Any], new: list[Any]) -> bool:
    """One file's stored key entry still describes it (by content when its mtime was racy)."""
    return old[:5] == new[:5] and (not old[5] or old[5] == _sha256(root / old[0]))


def settle(root: Path) -> None:
    """Forget the content hashes of files whose racy window has passed since the build.

    A file edited just before a build is checked by content hash; once its mtime is old
    enough and its content still matches, its stat is trustworthy again, and hashing a
    58 MB agencies.yaml on every warm start (~50 ms) would be wasted. Best effort.
    """
    limit = time.time_ns() - RACY_NS
    base = os.fspath(root)

    def settled(entry: list[Any]) -> list[Any]:
        if entry[5] and entry[2] < limit and unchanged(root, entry, file_entry(base, entry[0])):
            return [*entry[:5], ""]
        return entry

    with contextlib.suppress(sqlite3.Error, OSError, KeyError, ValueError, TypeError):
        db = sqlite3.connect(cache_path(root))
        try:
            with db:
                for name in ("files", "main_files"):
                    (raw,) = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
                    new = json.dumps([settled(e) for e in json.loads(raw)])
                    db.execute("UPDATE meta SET value = ? WHERE name = ?", (new, name))
                hashed = db.execute(f"SELECT {_VFILE} FROM vfile WHERE sha != ''").fetchall()
                trusted = [(e[0],) for e in hashed if not settled(list(e))[5]]
                for table in ("vfile", "service_vfile"):
                    db.executemany(f"UPDATE {table} SET sha = '' WHERE name = ?", trusted)
                (raw,) = db.execute("SELECT value FROM meta WHERE name = 'folder'").fetchone()
                folder = json.loads(raw)
                if folder[2] and folder[0] < limit and _same_folder(root, folder):
                    folder[2] = ""
                    db.execute(
                        "UPDATE meta SET value = ? WHERE name = 'folder'", (json.dumps(folder),)
                    )
        finally:
            db.close()


def _code_fingerprint() -> str:
    """This code and pydantic-core's, by file stats: nothing is imported to learn them."""
    from importlib.util import find_spec

    here = Path(__file__).resolve().parents[1]  # the package folder
    spec = find_spec("pydantic_core")
    parts = [str(FORMAT), __version__]
    with contextlib.suppress(OSError, TypeError):
        st = os.stat(spec.origin)  # type: ignore[union-attr,arg-type]  # noqa: PTH116
        parts.append(f"pydantic_core:{st.st_size}:{st.st_mtime_ns}")
    for name in _CODE_FILES:
        with contextlib.suppress(OSError):
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _catalog_files(root: Path) -> list[Any]:
    """Stat every catalog file (plain os calls: pathlib costs ~100 ms at 15,000 vettings)."""
    base = os.fspath(root)
    names = [SERVICES_FILE, AGENCIES_FILE]
    with contextlib.suppress(OSError), os.scandir(f"{base}/{VETTINGS_DIR}") as entries:
        names += sorted(f"{VETTINGS_DIR}/{e.name}" for e in entries if e.name.endswith(".yaml"))
    return [file_entry(base, name) for name in names]


def file_entry(base: str, name: str) -> list[Any]:
    """[name, size, mtime_ns, ctime_ns, inode, ""]; size -1 for a missing file."""
    try:
        st = os.stat(f"{base}/{name}")  # noqa: PTH116 - see _catalog_files
    except OSError:
        return [name, -1, 0, 0, 0, ""]
    return [name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, ""]


def folder_entry(root: Path) -> list[Any]:
    """The vettings folder: its mtime and inode change when a file is added, removed or renamed.

    The last item is a hash of the file names, filled in when the mtime is too recent to
    trust (see RACY_NS), as file contents are.
    """
    entry = file_entry(os.fspath(root), VETTINGS_DIR)
    return [entry[2], entry[4], ""]


def vetting_owner(name: str) -> str:
    """The agency a vetting file belongs to, from its name (`<agency>--<date>[-n].yaml`).

    The catalog check holds every vetting file to this name, so a warm lookup of one agency
    need only look at that agency's files.
    """
    return name.rpartition("/")[2].rpartition("--")[0]


def vetting_names(root: Path) -> str:
    """A hash of the vetting file names, for a folder whose mtime cannot be trusted."""
    import hashlib

    try:
        names = sorted(p.name for p in (root / VETTINGS_DIR).iterdir())
    except OSError:
        return "none"
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def _sha256(path: Path) -> str:
    import hashlib  # only for files edited just before a build (see RACY_NS)

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


# --- reading -------------------------------------------------------------------


def lookup(root: Path, rebuild: Callable[[], Catalog]) -> tuple[Catalog | None, Key]:
    """The cached catalog if it is current, else None; and the key to store a new one under.

    `rebuild` is called only if the cache turns out to be corrupt after it was opened.
    """
    key = Key(root)
    path = cache_path(root)
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
        agencies=_Lazy(source.agency, source.agencies),
        vettings=_Lazy(source.vettings_of, source.vettings),
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


class _Lazy(dict[str, _V]):
    """A dict read from the cache as it is used: one key by itself, everything on iteration.

    Lookups by key (`in`, `[]`, `get`) read one row; anything that needs every item (`len`,
    iteration, `values`, `items`) reads all rows once, in catalog order, keeping the objects
    already handed out.
    """

    def __init__(self, one: Callable[[str], _V | None], every: Callable[[], dict[str, _V]]):
        super().__init__()
        self._one = one
        self._every = every
        self._complete = False

    def _fill(self) -> None:
        if self._complete:
            return
        self._complete = True
        known = dict(super().items())
        everything = self._every()
        super().clear()
        super().update({k: known.get(k, v) for k, v in everything.items()})

    def __getitem__(self, key: str) -> _V:
        if not self._complete and not super().__contains__(key):
            value = self._one(key)
            if value is None:
                raise KeyError(key)
            super().__setitem__(key, value)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def keys(self) -> Any:
        self._fill()
        return super().keys()

    def values(self) -> Any:
        self._fill()
        return super().values()

    def items(self) -> Any:
        self._fill()
        return super().items()

    def copy(self) -> dict[str, _V]:
        self._fill()
        return dict(super().items())

    def __eq__(self, other: object) -> bool:
        self._fill()
        return super().__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        self._fill()
        return super().__repr__()


def agencies_offering(catalog: Catalog, service_id: str) -> list[Agency]:
    """Agencies offering one service, in catalog order: from the cache's index when it can.

    For a command that needs a few agencies of a 50,000-agency catalog, this avoids loading
    all of them (`catalog.agencies.values()` would).
    """
    agencies = catalog.agencies
    if isinstance(agencies, _Lazy) and not agencies._complete:
        source = getattr(agencies._one, "__self__", None)
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
    path = cache_path(key.root)
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
                for offered in agency.services
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


# --- the warm path: one agency without pydantic --------------------------------------


class Quick:
    """Read-only access for a warm `show`, `vet` or `agencies --service`, checked per agency.

    A full `lookup` stats every vetting file (~40 ms at 15,000 files). Here the checks are
    the code, services.yaml, agencies.yaml and the vettings folder itself (a file added,
    removed or renamed changes it), then only the vetting files of the agencies asked
    about: the catalog check holds each vetting file to its agency's name, so no other file
    can change what these agencies look like. Anything unexpected answers None, and the
    caller takes the ordinary path.
    """

    def __init__(self, db: sqlite3.Connection, root: Path) -> None:
        self.db = db
        self.root = root

    @classmethod
    def open(cls, root: Path) -> Quick | None:
        """The cache if it was built by this code from these services and agencies files."""
        try:
            path = cache_path(root)
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, OSError):
            return None
        try:
            names = ("format", "root", "code", "main_files", "folder")
            meta = dict(db.execute(f"SELECT name, value FROM meta WHERE name IN {names}"))
            base = os.fspath(root)
            current = (
                int(meta["format"]) == FORMAT
                and meta["root"] == folder_path(root)
                and meta["code"] == _code_fingerprint()
            )
            main, folder = json.loads(meta["main_files"]), json.loads(meta["folder"])
            if current and (any(old[5] for old in main) or folder[2]):
                current = False  # hashes to check: the full lookup does, then settles them
            for old in main if current else []:
                current = current and unchanged(root, old, file_entry(base, old[0]))
            current = current and _same_folder(root, folder)
        except (sqlite3.Error, KeyError, ValueError, TypeError):
            current = False
        if not current:
            db.close()
            return None
        return cls(db, root)

    def close(self) -> None:
        """Release the database."""
        self.db.close()

    def agency_files_unchanged(self, agency: str) -> bool:
        """True if the vetting files of one agency are as when the cache was built."""
        return self._unchanged(f"SELECT {_VFILE} FROM vfile WHERE agency = ?", agency)

    def service_files_unchanged(self, service: str) -> bool:
        """True if the vetting files of every agency offering a service are as when built."""
        return self._unchanged(f"SELECT {_VFILE} FROM service_vfile WHERE service = ?", service)

    def _unchanged(self, sql: str, arg: str) -> bool:
        # A tight loop: at 50,000 agencies one service can have ~2,000 files to check.
        base = os.fspath(self.root)
        for name, size, mtime, ctime, inode, sha in self.db.execute(sql, (arg,)):
            try:
                st = os.stat(f"{base}/{name}")  # noqa: PTH116 - see _catalog_files
            except OSError:
                return False
            now = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            if now != (size, mtime, ctime, inode) or (sha and sha != _sha256(self.root / name)):
                return False
        return True

    def one(self, sql: str, args: tuple[str, ...]) -> Any:
        """The first column of the first row, or None."""
        row = self.db.execute(sql, args).fetchone()
        return row[0] if row else None

    def rows(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Every row."""
        return list(self.db.execute(sql, args))

    def meta(self, name: str) -> Any:
        """One meta value, parsed from JSON."""
        return json.loads(self.one("SELECT value FROM meta WHERE name = ?", (name,)))


def _same_folder(root: Path, old: list[Any]) -> bool:
    return old[:2] == folder_entry(root)[:2] and (not old[2] or old[2] == vetting_names(root))
