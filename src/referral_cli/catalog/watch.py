"""`referral catalog watch`: a change journal for the cache, as git's core.fsmonitor is.

A warm `agencies --service` must know that no agency file gained or lost the service since
the cache was written; without help that is one os.stat per agency file (~80 ms CPU at
50,000). This foreground process watches the catalog with inotify instead (Linux only), and
answers a client's `sync` (`watchclient`) after applying every queued change to the cache
with the ordinary incremental update (`update`; an edit of a single agencies.yaml is spliced in
by the ordinary lookup), so the warm `show` right after an edit need not import the models to
re-read the file itself. The kernel queues an event before the
writing call returns, so every edit finished before the question is in the queue.

It says `current TOKEN` only when it knows the cache matches every file on disk; anything
else (a lost event, a folder moved or removed, services.yaml changed, an agencies.yaml
edit the splice cannot take (then the cache is rebuilt and its token is gone), an update that
declines, a link it cannot see through, any error) answers `unknown`, and it
checks everything by stat again before it vouches once more. The client checks the token
against its own open cache and falls back to the stat loop on any doubt. Where inotify
cannot see every edit it refuses to run: a network or FUSE file system (`watchfs`), an agency
or vetting file with another name (hard or symbolic link). What it cannot see at all: a hard
link made to a catalog file while it runs and then edited through that other name, a write
through a memory map, or an edit made beneath an overlay mount; none is how a coordinator,
an editor or git changes a catalog, but stop the watcher before doing any of them.
"""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
import signal
import socket
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referral_cli.catalog import cachekey
from referral_cli.catalog.cache import Stale
from referral_cli.catalog.cachekey import Key, code_fingerprint, folder_path, owner
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR, SERVICES_FILE, VETTINGS_DIR
from referral_cli.catalog.watchclient import (
    MAX_SOCKET_PATH,
    TOKEN_CHARS,
    TOKEN_META,
    request,
    same_user,
    socket_path,
)
from referral_cli.catalog.watchfs import remote_type
from referral_cli.errors import CatalogError, ReferralError

if TYPE_CHECKING:
    from inotify_simple import INotify

    from referral_cli.catalog.validate import VettingRules

UNKNOWN = b"unknown\n"
FOLDERS = ("", AGENCY_DIR, VETTINGS_DIR)  # "" is the catalog folder itself, watched first
SHARED = {SERVICES_FILE, AGENCIES_FILE, AGENCY_DIR, VETTINGS_DIR}  # in the catalog folder
ATTEMPTS = 3  # checks in a row that may be spoilt by an edit made during them
MAX_READS = 1000  # drain reads in one sync; a catalog changing faster than that is unknown


class Journal:
    """The inotify watches on one catalog, and which files changed since the last drain."""

    def __init__(self, root: Path) -> None:
        from inotify_simple import INotify

        self.root = root
        self.notify: INotify = INotify()
        self.folders: dict[int, str] = {}  # watch descriptor -> folder
        self.places: dict[str, tuple[int, int]] = {}  # folder -> (device, inode) watched

    def watch(self) -> None:
        """Watch the catalog folder, then agencies/ and vettings/ where they exist (one made
        later is seen in the catalog folder, and makes the watcher start afresh)."""
        from inotify_simple import flags

        mask = (
            flags.MODIFY
            | flags.ATTRIB
            | flags.CLOSE_WRITE
            | flags.CREATE
            | flags.DELETE
            | flags.MOVED_FROM
            | flags.MOVED_TO
            | flags.DELETE_SELF
            | flags.MOVE_SELF
            | flags.ONLYDIR
        )
        for folder in FOLDERS:
            path = self.root / folder
            before = _place(path)
            if before is None:
                if not folder:
                    raise ReferralError(f"No catalog folder at {self.root}.")
                continue
            wd = self.notify.add_watch(path, mask)
            if _place(path) != before:
                raise _Unsure  # replaced while the watch was added
            self.folders[wd] = folder
            self.places[folder] = before

    def drain(self) -> tuple[set[str], bool]:
        """(agency and vetting files touched, False if some change cannot be accounted for
        file by file) since the last drain; reads only what is already queued."""
        from inotify_simple import flags

        lost = flags.Q_OVERFLOW | flags.IGNORED | flags.DELETE_SELF | flags.MOVE_SELF
        lost |= flags.UNMOUNT
        touched: set[str] = set()
        sure = True
        for _ in range(MAX_READS):
            events = self.notify.read(timeout=0)
            if not events:
                return touched, sure
            for event in events:
                folder = self.folders.get(event.wd)
                if folder is None or event.mask & lost or not event.name:
                    sure = False  # events lost, or a watched folder itself moved or removed
                elif not folder and event.name == AGENCIES_FILE:
                    touched.add(AGENCIES_FILE)  # spliced in by the ordinary lookup
                elif not folder:
                    sure = sure and event.name not in SHARED  # other files there are no matter
                elif event.name.endswith(".yaml"):  # as cachekey lists a folder's files
                    if event.mask & flags.ISDIR:
                        sure = False  # a folder where a catalog file is expected
                    touched.add(f"{folder}/{event.name}")
        return touched, False

    def in_place(self) -> bool:
        """The watched folders are still the ones at the catalog's paths."""
        return all(_place(self.root / folder) == place for folder, place in self.places.items())

    def close(self) -> None:
        """Drop every watch."""
        self.notify.close()


class _Unsure(Exception):
    """The cache cannot be vouched for now: answer unknown and check again."""


class Watcher:
    """Knows whether the cache matches the catalog, and keeps it so between questions."""

    def __init__(self, root: Path, rules: VettingRules) -> None:
        self.root = root
        self.rules = rules
        self.code = code_fingerprint()
        self.journal: Journal | None = None
        self.token: str | None = None  # set only while the cache is known to match the disk
        self.dirty = True  # something changed since the last check that did not succeed
        self.report: Callable[[str], None] = lambda line: None  # each edit read in

    def recheck(self) -> bool:
        """Watch afresh, bring the cache current and check it by stat: True if trusted.

        The watches come first, so an edit made during the check is in the queue for the
        next question. A catalog with problems raises CatalogError (nothing to vouch for).
        """
        from referral_cli.catalog.load import load_catalog

        self.token = None
        self.close()
        self.journal = Journal(self.root)
        self.journal.watch()
        self.journal.drain()  # all of it is covered by the check below
        load_catalog(self.root, self.rules)
        gc.unfreeze()  # a large rebuild freezes what it made: let a long-lived process free it
        linked = next(_linked_files(self.root), None)
        if linked is not None:
            raise ReferralError(
                f"{linked} is a link (another name for the file, or a symbolic link): edits"
                " made through the other name cannot be seen. Stopped watching."
            )
        token = secrets.token_hex(TOKEN_CHARS // 2)
        # The token first, then the check: a cache replaced after the check has no token.
        if not (_write_token(self.root, token) and _current(self.root)):
            return False
        if _read_token(self.root) != token:
            return False
        self.token = token
        return True

    def settle(self, announce_problem: Callable[[str], None]) -> None:
        """Check again if something changed since the last check (up to ATTEMPTS in a row:
        an edit during a check spoils it); a catalog with problems waits for the next edit."""
        if code_fingerprint() != self.code:
            raise ReferralError(
                "The referral code changed since this watcher started: start it again."
            )
        for _ in range(ATTEMPTS):
            try:
                if self.recheck():
                    break
            except CatalogError:
                announce_problem(
                    "The catalog has problems (see: referral catalog validate); warm"
                    " commands check each file until they are fixed."
                )
                break
            except (_Unsure, OSError, sqlite3.Error):
                continue
        self.dirty = False  # trusted, or waiting for the next change

    def answer(self, asked: bytes) -> bytes:
        """The reply to one question: `current TOKEN` only if every change is applied."""
        if asked != request(self.root) or self.journal is None:
            return UNKNOWN  # a question about another catalog (or none)
        if self.token is None:
            touched, sure = self.journal.drain()
            self.dirty = self.dirty or bool(touched) or not sure  # worth checking again
            return UNKNOWN
        try:
            touched, sure = self.journal.drain()
            if not sure or not self.journal.in_place():
                raise _Unsure
            if code_fingerprint() != self.code:
                raise _Unsure  # `settle` stops the watcher
            if touched and not self._apply(touched):
                raise _Unsure
            if touched:
                names = sorted(touched)
                what = ", ".join(names) if len(names) <= 3 else f"{len(names)} changed files"
                self.report(f"Read in {what}.")
            if _read_token(self.root) != self.token:
                raise _Unsure  # the cache was rebuilt or replaced meanwhile
        except Exception:  # any doubt at all: never let a client trust a stale cache
            self.token = None
            self.dirty = True
            return UNKNOWN
        return f"current {self.token}\n".encode()

    def _apply(self, touched: set[str]) -> bool:
        """Re-read the touched files, with the other files of their agencies, into the cache.

        An edit of agencies.yaml goes through the ordinary lookup, which checks every file and
        splices the edit in (a full re-read instead replaces the cache and its token, so the
        answer is then unknown); a catalog with problems raises, and the answer is unknown.
        """
        from referral_cli.catalog.update import update

        if AGENCIES_FILE in touched:
            from referral_cli.catalog.load import load_catalog

            load_catalog(self.root, self.rules)
            return True

        base = os.fspath(self.root)
        present, missing = set(), set()
        for name in touched:
            try:
                st = os.lstat(f"{base}/{name}")
            except FileNotFoundError:
                missing.add(name)
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
                return False  # a link: its other names are not watched
            present.add(name)
        owners = sorted({owner(name) for name in touched})
        known = set(_owned_files(self.root, owners))
        removed = sorted(missing & known)
        if not present and not removed:
            return True  # a file made and removed again (an editor's scratch file)
        affected = {owner(name) for name in [*present, *removed]}
        # update holds an agency to all of its files: the untouched ones are listed too
        names = {name for name in known if owner(name) in affected} - missing | present
        key = Key(self.root, sorted(names))
        return update(self.root, key, Stale(sorted(present), removed), self.rules) is not None

    def close(self) -> None:
        """Drop the watches."""
        if self.journal is not None:
            self.journal.close()
            self.journal = None


def watch(root: Path, rules: VettingRules, announce: Callable[[str], None]) -> None:
    """Watch one catalog and answer warm commands until interrupted (Ctrl-C or SIGTERM)."""
    if not sys.platform.startswith("linux"):
        raise ReferralError(
            "`referral catalog watch` needs Linux (inotify); on this system warm commands"
            " check each file instead, as they do without it."
        )
    root = root.resolve()
    if not root.is_dir():
        raise ReferralError(f"No catalog folder at {root}.")
    kind = remote_type(root)
    if kind is not None:
        raise ReferralError(
            f"{root} is on a {kind} file system, where an edit made on another machine raises"
            " no inotify event: the watcher cannot vouch for it (warm commands check each"
            " file instead)."
        )
    path = socket_path(root)
    size = len(os.fsencode(path))
    if size > MAX_SOCKET_PATH:
        raise ReferralError(
            f"The watcher's socket path {path} is {size} bytes, too long for a Unix socket"
            f" (at most {MAX_SOCKET_PATH}): set REFERRAL_CACHE to a shorter folder."
        )
    _private_folder(path.parent)
    watcher = Watcher(root, rules)
    watcher.report = announce
    with _only_watcher(path), _stopped_by_sigterm(), contextlib.closing(watcher):
        for _ in range(ATTEMPTS):
            with contextlib.suppress(_Unsure, OSError, sqlite3.Error):
                if watcher.recheck():
                    break
        announce(
            f"Watching {root}: while this runs, show, vet and agencies --service need not"
            " check each file for edits. Ctrl-C to stop."
        )
        serve(watcher, path, lambda line: print(line, file=sys.stderr, flush=True))


def serve(watcher: Watcher, path: Path, problem: Callable[[str], None]) -> None:
    """Answer one client at a time; between them, check again whatever needs it (with the
    socket closed, so clients go straight to checking each file instead of waiting)."""
    while True:
        if watcher.token is None and watcher.dirty:
            watcher.settle(problem)
        with _listening(path) as listener:
            while watcher.token is not None or not watcher.dirty:
                conn, _ = listener.accept()
                with conn:
                    _handle(watcher, conn)


def _handle(watcher: Watcher, conn: socket.socket) -> None:
    """One question from one client of this user; a client that goes away is no matter."""
    conn.settimeout(1.0)
    with contextlib.suppress(OSError):
        if not same_user(conn):
            return
        asked = b""
        while not asked.endswith(b"\n") and len(asked) <= 4096:
            part = conn.recv(4096)
            if not part:
                break
            asked += part
        conn.sendall(watcher.answer(asked))


@contextlib.contextmanager
def _listening(path: Path) -> Iterator[socket.socket]:
    """The socket, 0600 in a 0700 folder, removed again when closed."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # left by a watcher that was killed (this one holds the lock)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(os.fsencode(path))
    finally:
        os.umask(old)
    try:
        path.chmod(0o600)
        listener.listen(16)
        yield listener
    finally:
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def _only_watcher(path: Path) -> Iterator[None]:
    """One watcher per catalog: a lock file beside the socket, held while this runs."""
    import fcntl

    lock = os.open(path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReferralError("Another watcher is already running for this catalog.") from None
        yield
    finally:
        os.close(lock)


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM stops the watcher as Ctrl-C does (socket removed, exit 0)."""

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (a test): Ctrl-C only
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _private_folder(folder: Path) -> None:
    """The cache folder, 0700: the socket answers only this user, and so does the folder."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)


def _place(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _linked_files(root: Path) -> Iterator[str]:
    """Agency and vetting files that are symbolic links or have other names (hard links):
    an edit through another name raises no event in the folders watched."""
    for folder in (AGENCY_DIR, VETTINGS_DIR):
        with contextlib.suppress(FileNotFoundError), os.scandir(root / folder) as entries:
            for entry in entries:
                if entry.name.endswith(".yaml") and (
                    entry.is_symlink() or entry.stat(follow_symlinks=False).st_nlink != 1
                ):
                    yield f"{folder}/{entry.name}"


def _owned_files(root: Path, owners: list[str]) -> list[str]:
    """The cached files of these agencies."""
    marks = ", ".join("?" * len(owners))
    with contextlib.closing(_connect(root, "ro")) as db:
        query = f"SELECT name FROM file WHERE owner IN ({marks})"
        return [row[0] for row in db.execute(query, owners)]


def _connect(root: Path, mode: str) -> sqlite3.Connection:
    uri = f"{cachekey.cache_path(root).resolve().as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)


def _write_token(root: Path, token: str) -> bool:
    """Put the token in the cache of this catalog (never creating one)."""
    try:
        db = _connect(root, "rw")
    except sqlite3.Error:
        return False
    try:
        db.execute("BEGIN IMMEDIATE")
        found = db.execute("SELECT value FROM meta WHERE name = 'root'").fetchone()
        if found is None or found[0] != folder_path(root):
            return False  # closing without COMMIT rolls back
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (TOKEN_META, token))
        db.execute("COMMIT")
        return True
    except sqlite3.Error:
        return False
    finally:
        db.close()


def _read_token(root: Path) -> str | None:
    """The token in the cache file now at the cache's path."""
    try:
        with contextlib.closing(_connect(root, "ro")) as db:
            found = db.execute("SELECT value FROM meta WHERE name = ?", (TOKEN_META,)).fetchone()
    except sqlite3.Error:
        return None
    return str(found[0]) if found else None


def _current(root: Path) -> bool:
    """The cache matches every catalog file, by the ordinary full check (one stat each)."""
    from referral_cli.catalog import cache

    def never() -> Any:
        raise _Unsure

    catalog, _key, _stale = cache.lookup(root, never)
    return catalog is not None
