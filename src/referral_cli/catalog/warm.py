"""The warm path: one agency of the cached catalog without pydantic, checked per agency."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from referral_cli.catalog import cachekey
from referral_cli.catalog.cachekey import (
    FORMAT,
    VFILE_COLUMNS,
    code_fingerprint,
    dated_ok,
    file_entry,
    folder_path,
    same_folder,
    sha256_of,
    unchanged,
)


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
            path = cachekey.cache_path(root)
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, OSError):
            return None
        try:
            names = ("format", "root", "code", "main_files", "folder", "latest_vetting")
            meta = dict(db.execute(f"SELECT name, value FROM meta WHERE name IN {names}"))
            base = os.fspath(root)
            current = (
                int(meta["format"]) == FORMAT
                and meta["root"] == folder_path(root)
                and meta["code"] == code_fingerprint()
                and dated_ok(meta["latest_vetting"])
            )
            main, folder = json.loads(meta["main_files"]), json.loads(meta["folder"])
            if current and (any(old[5] for old in main) or folder[2]):
                current = False  # hashes to check: the full lookup does, then settles them
            for old in main if current else []:
                current = current and unchanged(root, old, file_entry(base, old[0]))
            current = current and same_folder(root, folder)
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
        return self._unchanged(f"SELECT {VFILE_COLUMNS} FROM vfile WHERE agency = ?", agency)

    def service_files_unchanged(self, service: str) -> bool:
        """True if the vetting files of every agency offering a service are as when built."""
        return self._unchanged(
            f"SELECT {VFILE_COLUMNS} FROM service_vfile WHERE service = ?", service
        )

    def _unchanged(self, sql: str, arg: str) -> bool:
        # A tight loop: at 50,000 agencies one service can have ~2,000 files to check.
        base = os.fspath(self.root)
        for name, size, mtime, ctime, inode, sha in self.db.execute(sql, (arg,)):
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
