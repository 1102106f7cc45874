"""The warm path: one agency of the cached catalog without pydantic, checked per agency."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referral_cli.catalog import cachekey
from referral_cli.catalog.cachekey import (
    FILE_COLUMNS,
    FOLDERS,
    FORMAT,
    code_fingerprint,
    dated_ok,
    file_entry,
    folder_path,
    same_folder,
    sha256_of,
)
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR

if TYPE_CHECKING:
    from referral_cli.catalog.validate import VettingRules


class Quick:
    """Read-only access for a warm `show`, `vet` or `agencies --service`, checked per agency.

    A full `lookup` stats every catalog file (~40 ms at 15,000 files). Here the checks are
    the code, services.yaml, agencies.yaml and the agencies/ and vettings/ folders
    themselves (a file added, removed or renamed changes them), then only the files of the
    agencies asked about: the catalog check holds each agency and vetting file to its
    agency's name, so no other file can change what these agencies look like. Anything
    unexpected answers None, and the caller takes the ordinary path.
    """

    def __init__(
        self, db: sqlite3.Connection, root: Path, rules: Callable[[], VettingRules] | None = None
    ) -> None:
        self.db = db
        self.root = root
        self._rules = rules

    @classmethod
    def open(cls, root: Path, rules: Callable[[], VettingRules] | None = None) -> Quick | None:
        """The cache if it was built by this code from these services and agencies files.

        With `rules` (the vetting rules, loaded only if needed), an agency whose own files
        were edited in place is re-read into the cache on the spot (`update`) instead of
        sending the caller to the full path, which stats every file of the catalog.
        """
        try:
            path = cachekey.cache_path(root)
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, OSError):
            return None
        edited: list[str] = []
        try:
            names = ("format", "root", "code", "folders", "latest_vetting")
            meta = dict(db.execute(f"SELECT name, value FROM meta WHERE name IN {names}"))
            base = os.fspath(root)
            current = (
                int(meta["format"]) == FORMAT
                and meta["root"] == folder_path(root)
                and meta["code"] == code_fingerprint()
                and dated_ok(meta["latest_vetting"])
            )
            main = db.execute(f"SELECT {FILE_COLUMNS} FROM file WHERE owner = ''").fetchall()
            folders = json.loads(meta["folders"])
            if current and any(f[2] for f in folders):
                current = False  # hashes to check: the full lookup does, then settles them
            current = current and all(
                same_folder(root, name, entry) for name, entry in zip(FOLDERS, folders, strict=True)
            )
            # A hash to check counts as an edit: the full lookup checks and settles it, and
            # agencies.yaml's is held to its baseline when the edit is spliced in.
            edited = [o[0] for o in main if o[5] or list(o[:5]) != file_entry(base, o[0])[:5]]
        except (sqlite3.Error, KeyError, ValueError, TypeError):
            current = False
        if current and edited == [AGENCIES_FILE] and vouched(db, root):
            pass  # a running `catalog watch` has spliced the edit in already
        elif current and edited == [AGENCIES_FILE] and rules is not None:
            db.close()  # the splice needs the file to itself for a moment
            with _no_collection():
                from referral_cli.catalog.update import refresh_agencies_file

                if not refresh_agencies_file(root, rules):
                    return None
            try:
                db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            except sqlite3.Error:
                return None
        elif not current or edited:
            db.close()
            return None
        return cls(db, root, rules)

    def close(self) -> None:
        """Release the database."""
        self.db.close()

    def agency_files_unchanged(self, agency: str) -> bool:
        """True if the files of one agency (its own file, its vettings) are as in the cache,
        if need be after re-reading them into it.

        A running `referral catalog watch` re-reads an edited file itself when asked (in its
        own process, which has pydantic loaded already), so an edit costs this command one
        question on a socket instead of importing the models to check the file here.
        """
        sql = f"SELECT {FILE_COLUMNS} FROM file WHERE owner = ?"
        if self._unchanged(sql, (agency,)):
            return True
        if vouched(self.db, self.root) and self._unchanged(sql, (agency,)):
            return True
        if self._rules is None:
            return False
        names = [
            row[0] for row in self.db.execute("SELECT name FROM file WHERE owner = ?", (agency,))
        ]
        path = cachekey.cache_path(self.root)
        self.db.close()  # the update needs the file to itself for a moment
        with _no_collection():
            from referral_cli.catalog.update import refresh_agency

            done = refresh_agency(self.root, agency, names, self._rules)
        self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        return done

    def service_files_unchanged(self, service: str) -> bool:
        """True if every file that decides who offers a service, and their standing, is as
        when cached: every agency file (any could add the service) and the vetting files of
        the agencies offering it.

        A running `referral catalog watch` that has every change in the cache vouches for
        all of them at once (one question on a socket instead of a stat per agency file);
        with no agency files (one agencies.yaml, checked already) asking it costs more than
        the few vetting files.
        """
        agency_files = (f"{AGENCY_DIR}/", f"{AGENCY_DIR}0")  # agencies/*.yaml: '0' follows '/'
        first = "SELECT 1 FROM file WHERE name >= ? AND name < ? LIMIT 1"
        if self.db.execute(first, agency_files).fetchone() and vouched(self.db, self.root):
            return True
        return self._unchanged(
            f"SELECT {FILE_COLUMNS} FROM file WHERE name >= ? AND name < ?", agency_files
        ) and self._unchanged(
            f"SELECT {FILE_COLUMNS} FROM service_file WHERE service = ?", (service,)
        )

    def _unchanged(self, sql: str, args: tuple[str, ...]) -> bool:
        # A tight loop: at 50,000 agencies one service can have ~2,000 files to check.
        base = os.fspath(self.root)
        for name, size, mtime, ctime, inode, sha in self.db.execute(sql, args):
            try:
                st = os.stat(f"{base}/{name}")  # noqa: PTH116 - see cachekey
            except OSError:
                return False
            now = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            if now != (size, mtime, ctime, inode) or (sha and sha != sha256_of(self.root / name)):
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


def vouched(db: sqlite3.Connection, root: Path) -> bool:
    """A running `catalog watch` says the cache is current, and this open cache is the one it
    wrote its token into (not one rebuilt or replaced since)."""
    from referral_cli.catalog.watchclient import TOKEN_META, vouched_token

    token = vouched_token(root)
    try:
        row = db.execute("SELECT value FROM meta WHERE name = ?", (TOKEN_META,)).fetchone()
    except sqlite3.Error:
        return False
    return token is not None and row is not None and row[0] == token


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """No garbage collection while an edit is read in: importing pydantic and the models
    makes tens of thousands of objects that live as long as this short run, and the collector
    walking them again and again cost ~9 ms of the first `show` after an edit."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what was made meanwhile is never walked again either
        if enabled:
            gc.enable()
