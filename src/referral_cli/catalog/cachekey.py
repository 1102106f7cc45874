"""What a cached catalog was built from: the cache's key, and where the cache file lives.

The key is every catalog file (services.yaml, agencies.yaml, each agencies/*.yaml and each
vettings/*.yaml, so adding or removing a file counts) with its size, mtime, ctime and inode,
plus the code that validates them. A file whose mtime is too close to the build time for the
timestamp to be trusted (git's "racily clean" case) is also checked by content hash. Each
file's entry is kept on its own row, so the cache can tell which files changed (`update`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
import time
import zlib
from pathlib import Path
from typing import Any

from referral_cli import __version__
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR, SERVICES_FILE, VETTINGS_DIR

FORMAT = 6  # 6: one row per file (agencies/, `update`) and the latest vetting date
FILE_COLUMNS = "name, size, mtime, ctime, inode, sha"  # a file's key entry, as columns
FOLDERS = (AGENCY_DIR, VETTINGS_DIR)  # adding, removing or renaming a file changes their mtime
RACY_NS = 3_000_000_000  # mtimes this close to the build are checked by content hash
BASELINE = "=baseline"  # a hash that says "compare with the baseline copy" (see splicebase)
_CODE_FILES = (  # the code that decides what a cached catalog holds
    "catalog/models.py",
    "catalog/load.py",
    "catalog/validate.py",
    "catalog/yamlfile.py",
    "catalog/yamlstream.py",
    "catalog/inputs.py",
    "catalog/files.py",
    "catalog/update.py",
    "vetting/judge.py",
    "vetting/rubric.py",
    "vetting/standing.py",
    "vetting/rubric.yaml",
    "catalog/cache.py",
    "catalog/cachekey.py",
)

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

    def __init__(self, root: Path, names: list[str] | None = None) -> None:
        """The key of every catalog file, or (`names`) of just those files."""
        self.root = root
        self.built_ns = time.time_ns()
        self.code = code_fingerprint()
        base = os.fspath(root)
        self.files = _catalog_files(root) if names is None else [file_entry(base, n) for n in names]
        self.folders = folder_entries(root)

    def built_day(self) -> dt.date:
        """The local date the cache is built on: standings are judged as of it."""
        return dt.date.fromtimestamp(self.built_ns / 1e9)

    def hash_racy(self, names: set[str] | None = None) -> None:
        """Hash the files whose mtime is too recent to trust (before they are parsed).

        `names` limits this to the files about to be re-read (the others keep their entry).
        """
        for entry in self.files:
            if names is not None and entry[0] not in names:
                continue
            if entry[1] >= 0 and entry[2] >= self.built_ns - RACY_NS:
                entry[5] = sha256_of(self.root / entry[0])
        for folder, entry in zip(FOLDERS, self.folders, strict=True):
            if entry[0] >= self.built_ns - RACY_NS:
                entry[2] = folder_names(self.root, folder)

    def changes(self, stored: dict[str, list[Any]]) -> tuple[list[str], list[str]]:
        """(files new or changed, files gone) against the stored entries, by name."""
        now = {entry[0] for entry in self.files}
        changed = [
            entry[0]
            for entry in self.files
            if entry[0] not in stored or not unchanged(self.root, stored[entry[0]], entry)
        ]
        return changed, [name for name in stored if name not in now]


def dated_ok(latest_vetting: str) -> bool:
    """No cached vetting is dated after today: one that is would be a validation error now
    (the clock can be set back, e.g. REFERRAL_TODAY), so the catalog is checked afresh."""
    from referral_cli.clock import today

    return latest_vetting <= today().isoformat()


def unchanged(root: Path, old: list[Any], new: list[Any]) -> bool:
    """One file's stored key entry still describes it (by content when its mtime was racy).

    agencies.yaml's content may be held to the baseline copy instead (`BASELINE`): only
    `update` compares with that, so here it counts as changed.
    """
    if old[5] == BASELINE:
        return False
    return old[:5] == new[:5] and (not old[5] or old[5] == sha256_of(root / old[0]))


def settle(root: Path) -> None:
    """Forget the content hashes of files whose racy window has passed since the build.

    A file edited just before a build is checked by content hash; once its mtime is old
    enough and its content still matches, its stat is trustworthy again, and hashing a
    58 MB agencies.yaml on every warm start (~50 ms) would be wasted. Best effort.
    """
    limit = time.time_ns() - RACY_NS
    base = os.fspath(root)

    def settled(entry: list[Any]) -> bool:
        return bool(
            entry[5] and entry[2] < limit and unchanged(root, entry, file_entry(base, entry[0]))
        )

    with contextlib.suppress(sqlite3.Error, OSError, KeyError, ValueError, TypeError):
        db = sqlite3.connect(cache_path(root))
        try:
            with db:
                hashed = db.execute(f"SELECT {FILE_COLUMNS} FROM file WHERE sha != ''").fetchall()
                trusted = [(e[0],) for e in hashed if settled(list(e))]
                for table in ("file", "service_file"):
                    db.executemany(f"UPDATE {table} SET sha = '' WHERE name = ?", trusted)
                (raw,) = db.execute("SELECT value FROM meta WHERE name = 'folders'").fetchone()
                folders = json.loads(raw)
                for name, entry in zip(FOLDERS, folders, strict=True):
                    if entry[2] and entry[0] < limit and same_folder(root, name, entry):
                        entry[2] = ""
                db.execute(
                    "UPDATE meta SET value = ? WHERE name = 'folders'", (json.dumps(folders),)
                )
        finally:
            db.close()


def code_fingerprint() -> str:
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
    for folder in FOLDERS:
        with contextlib.suppress(OSError), os.scandir(f"{base}/{folder}") as entries:
            names += sorted(f"{folder}/{e.name}" for e in entries if e.name.endswith(".yaml"))
    return [file_entry(base, name) for name in names]


def file_entry(base: str, name: str) -> list[Any]:
    """[name, size, mtime_ns, ctime_ns, inode, ""]; size -1 for a missing file."""
    try:
        st = os.stat(f"{base}/{name}")  # noqa: PTH116 - see _catalog_files
    except OSError:
        return [name, -1, 0, 0, 0, ""]
    return [name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, ""]


def folder_entries(root: Path) -> list[list[Any]]:
    """The agencies/ and vettings/ folders: mtime and inode change when a file is added,
    removed or renamed.

    The last item is a hash of the file names, filled in when the mtime is too recent to
    trust (see RACY_NS), as file contents are.
    """
    base = os.fspath(root)
    return [[entry[2], entry[4], ""] for entry in (file_entry(base, f) for f in FOLDERS)]


def owner(name: str) -> str:
    """The agency a catalog file belongs to, from its name; "" for the two shared files.

    `agencies/<id>.yaml` holds agency <id>; `vettings/<agency>--<date>[-n].yaml` vets
    <agency>. The catalog check holds every such file to its name, so a warm lookup of one
    agency need only look at that agency's files.
    """
    folder, _, file = name.rpartition("/")
    if folder == AGENCY_DIR:
        return file.removesuffix(".yaml")
    if folder == VETTINGS_DIR:
        return vetting_owner(name)
    return ""


def vetting_owner(name: str) -> str:
    """The agency a vetting file belongs to, from its name (`<agency>--<date>[-n].yaml`)."""
    return name.rpartition("/")[2].rpartition("--")[0]


def folder_names(root: Path, folder: str) -> str:
    """A hash of the file names in a folder whose mtime cannot be trusted."""
    import hashlib

    try:
        names = sorted(p.name for p in (root / folder).iterdir())
    except OSError:
        return "none"
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def sha256_of(path: Path) -> str:
    """A file's content hash, for files edited just before a build (see RACY_NS)."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def same_folder(root: Path, folder: str, old: list[Any]) -> bool:
    """A folder is as recorded (by its names' hash when its mtime was racy)."""
    now = file_entry(os.fspath(root), folder)
    return old[:2] == [now[2], now[4]] and (not old[2] or old[2] == folder_names(root, folder))
