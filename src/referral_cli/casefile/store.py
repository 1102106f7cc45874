"""Case files: one encrypted file per session, named by its reference, locked while in use."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from referral_cli.casefile.files import (
    PRIVATE_FILE,
    atomic_write,
    fsync_dir,
    private_dir,
    private_home,
    temp_owner,
)
from referral_cli.casefile.references import check_reference as check_reference
from referral_cli.errors import NotFoundError, ReferralError

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session

# --- case files -------------------------------------------------------------------
#
# One encrypted file per session, home_dir()/sessions/REF.json.enc (AES-256-GCM of the
# session's JSON, see crypto.py), 0600 in a 0700 folder. A case reference becomes a file
# name only after `check_reference` (casefile/references.py) has accepted it. Decrypted
# sessions live in memory only.

SESSIONS_DIR = "sessions"
SESSION_SUFFIX = ".json.enc"
LOCK_SUFFIX = ".lock"


def sessions_dir() -> Path:
    """The private folder of session files (created 0700)."""
    return private_dir(private_home() / SESSIONS_DIR)


def session_path(reference: str) -> Path:
    """The (encrypted) file of one session; the reference is validated before it touches a path."""
    return sessions_dir() / f"{check_reference(reference)}{SESSION_SUFFIX}"


def session_exists(reference: str) -> bool:
    """Whether a session with this reference is saved."""
    return session_path(reference).is_file()


def _reference_of(path: Path) -> str:
    return path.name[: -len(SESSION_SUFFIX)]


def _encode(session: Session) -> bytes:
    from referral_cli.casefile.audit import unlock as data_key
    from referral_cli.casefile.crypto import encrypt

    body = (session.model_dump_json(indent=2) + "\n").encode("utf-8")
    return encrypt(data_key(), body, check_reference(session.reference))


def _decode(path: Path) -> Session:
    """Decrypt and validate one file; ReferralError if it is damaged or not this case's."""
    from pydantic import ValidationError

    from referral_cli.casefile.audit import unlock as data_key
    from referral_cli.casefile.crypto import decrypt
    from referral_cli.casefile.records import Session

    reference = _reference_of(path)
    try:
        body = decrypt(data_key(), path.read_bytes(), reference)
        session = Session.model_validate_json(body)
    except ValidationError as exc:
        raise ReferralError(
            f"{path} is damaged and cannot be read ({exc.error_count()} errors)."
        ) from None
    except ReferralError as exc:
        if exc.__class__ is not ReferralError:  # NotSetUp, WrongPassphrase: say so as is
            raise
        raise ReferralError(f"{path} {exc}.") from None
    if session.reference != reference:
        raise ReferralError(f"{path} holds another case ({session.reference}).")
    return session


def save_session(session: Session, *, stamp: bool = True) -> Path:
    """Encrypt and write the session atomically, owner-only; returns the file.

    The last-change time is the real time of the save (`stamp`; only a migration keeps the
    old one), never a date typed for training, so retention cannot be moved by `--today`.
    Refuses (SessionInUse) while another process holds the session's lock, so two terminals
    never interleave writes to one case.
    """
    from referral_cli.casefile import audit
    from referral_cli.clock import real_now

    reference = check_reference(session.reference)
    path = session_path(reference)
    if stamp:
        session.updated = real_now()
    blob = _encode(session)  # unlock (and maybe ask for the passphrase) before taking the lock
    borrowed = reference not in _HELD
    _acquire(reference)
    try:
        created = not path.exists()
        atomic_write(path, blob)
    finally:
        if borrowed and _KEEP == 0:
            _release(reference)
    if created:
        audit.record("session-created", reference)
    return path


def load_session(reference: str) -> Session:
    """A saved session, decrypted in memory only, or NotFoundError saying how to list them."""
    path = session_path(reference)
    if not path.is_file():
        ref = check_reference(reference)
        if (path.parent / f"{ref}.json").is_file():
            raise ReferralError(
                f"{ref} is still a plaintext file from before encryption: run `referral init` "
                "to encrypt it."
            )
        raise NotFoundError(f"No session {ref}. List them with: referral sessions")
    return _decode(path)


@dataclass(frozen=True)
class Unreadable:
    """A file in the sessions folder that is not a readable case file, and why."""

    name: str
    why: str


def _is_case_name(reference: str) -> bool:
    try:
        return check_reference(reference) == reference
    except ReferralError:
        return False


def _unexpected(path: Path) -> Unreadable | None:
    """Why a file that is not a case file by name is there (None: a lock or a temp file)."""
    name = path.name
    if name.endswith(LOCK_SUFFIX) or temp_owner(name) is not None:
        return None
    if path.is_dir():
        return Unreadable(name, "a folder, not a case file")
    if name.endswith(SESSION_SUFFIX):
        return Unreadable(name, "not named like a case file (a copy, or a sync conflict?)")
    if name.endswith(".json"):
        return Unreadable(name, "plaintext from before encryption: run `referral init`")
    return Unreadable(name, "not a referral-cli file")


def scan_sessions() -> tuple[list[Session], list[Unreadable]]:
    """Every readable saved session, most recently updated first, and every other file in
    the folder with why it is not one (damaged, another key's, a copy), so none is hidden."""
    from referral_cli.casefile.audit import unlock as data_key

    data_key()  # a wrong passphrase is an error, not an empty list
    found: list[Session] = []
    odd: list[Unreadable] = []
    for path in sorted(sessions_dir().iterdir()):
        if not (path.name.endswith(SESSION_SUFFIX) and _is_case_name(_reference_of(path))):
            problem = _unexpected(path)
            if problem is not None:
                odd.append(problem)
            continue
        try:
            found.append(_decode(path))
        except FileNotFoundError:
            continue  # purged while we looked
        except (OSError, ReferralError) as exc:
            odd.append(Unreadable(path.name, str(exc).removeprefix(f"{path} ").rstrip(".")))
    found.sort(key=lambda s: s.updated, reverse=True)
    return found, odd


def list_sessions() -> list[Session]:
    """Every readable saved session, most recently updated first (see `scan_sessions`)."""
    return scan_sessions()[0]


def shred(path: Path) -> bool:
    """Overwrite a file with random bytes of its length, fsync, then delete it.

    Within what the filesystem allows: on SSDs (wear levelling) and copy-on-write or
    journalling filesystems the old blocks may survive; full-disk encryption is the real
    protection. The file is encrypted anyway; this removes the easy route to old copies.
    """
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return False
    except OSError:
        fd = -1
    if fd >= 0:
        try:
            remaining = os.fstat(fd).st_size
            while remaining > 0:
                chunk = os.urandom(min(remaining, 1 << 16))
                remaining -= os.write(fd, chunk)
            os.fsync(fd)
        finally:
            os.close(fd)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True


def _temps_of(reference: str) -> list[Path]:
    """Temp files written for this case (by any process, live or killed)."""
    name = f"{reference}{SESSION_SUFFIX}"
    return [p for p in sessions_dir().iterdir() if temp_owner(p.name) == name]


def _changed_before(path: Path, cutoff: dt.datetime) -> bool:
    try:
        updated = _decode(path).updated
    except (OSError, ReferralError):  # a damaged file is judged by its mtime
        updated = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return updated < cutoff


def purge_as(reference: str, event: str, older_than: dt.datetime | None = None) -> bool:
    """Shred one session and every temp copy of it, under its lock, and log it (by
    pseudonym); False if there was none (or it changed since `older_than`, judged under the
    lock so a write racing the purge is never lost)."""
    from referral_cli.casefile import audit

    ref = check_reference(reference)
    path = session_path(ref)
    if not path.exists():
        return False
    _acquire(ref, brief=True)
    try:
        if older_than is not None and path.exists() and not _changed_before(path, older_than):
            return False
        gone = shred(path)
        for temp in _temps_of(ref):  # copies left by a killed writer: no live writer now
            shred(temp)
    finally:
        _release(ref)  # nothing is left to protect; the lock file goes too
    if gone:
        audit.record(event, ref)
    return gone


def sweep_temps() -> None:
    """Shred temp files left by killed writers: each case's under that case's lock, so a
    write in progress in another process (which holds the lock) is never touched."""
    owners = {temp_owner(p.name) for p in sessions_dir().iterdir()} - {None}
    for name in sorted(n for n in owners if n is not None and n.endswith(SESSION_SUFFIX)):
        ref = name[: -len(SESSION_SUFFIX)]
        if not _is_case_name(ref):
            continue
        try:
            _acquire(ref, brief=True)
        except SessionInUse:
            continue
        try:
            for temp in _temps_of(ref):
                shred(temp)
        finally:
            _release(ref)


def purge_session(reference: str) -> bool:
    """Delete one session for good (overwrite, then unlink); False if there was none."""
    return purge_as(reference, "purged")


def purge_sessions(older_than: dt.datetime | None = None) -> tuple[list[str], list[str]]:
    """Delete every session (or those not changed since `older_than`), temp copies included;
    returns (references, names of other case-like files shredded: copies, sync conflicts).

    A session another process has open is left alone (it is not in the list returned). A
    file named unlike a case never blocks the purge: no process writes to it, so it is
    shredded without a lock.
    """
    gone: list[str] = []
    copies: list[str] = []
    for path in sorted(sessions_dir().glob(f"*{SESSION_SUFFIX}")):
        reference = _reference_of(path)
        if not _is_case_name(reference):
            if path.is_file() and (older_than is None or _changed_before(path, older_than)):
                shred(path)
                copies.append(path.name)
            continue
        try:
            if purge_as(reference, "purged", older_than):
                gone.append(reference)
        except SessionInUse:
            continue
    sweep_temps()
    fsync_dir(sessions_dir())
    return gone, copies


def migrate_plaintext() -> tuple[list[str], list[str]]:
    """Encrypt sessions saved before encryption existed, shredding the plaintext.

    Returns (migrated references, file names that could not be read and were left alone).
    """
    from pydantic import ValidationError

    from referral_cli.casefile import audit
    from referral_cli.casefile.records import Session

    done: list[str] = []
    left: list[str] = []
    for path in sorted(sessions_dir().glob("*.json")):
        try:
            session = Session.model_validate_json(path.read_bytes())
            if session.reference != path.stem:
                raise ValueError("file name and reference differ")
        except (OSError, ValueError, ValidationError):
            left.append(path.name)
            continue
        if not session_exists(session.reference):
            save_session(session, stamp=False)
        shred(path)
        audit.record("migrated", session.reference)
        done.append(session.reference)
    return done, left


# --- one process per session ---------------------------------------------------------
#
# A lock file REF.lock beside the session, held with flock(2) for as long as a command works
# on the case. The kernel drops the lock when its process dies, even by kill -9, so a stale
# lock is taken over by the next command with no guessing from pids; the pid and start time
# written in the file only explain to the other terminal who holds it.


class SessionInUse(ReferralError):
    """Another live referral process holds this session's lock."""


_HELD: dict[str, int] = {}
_KEEP = 0


def _lock_path(reference: str) -> Path:
    return sessions_dir() / f"{reference}{LOCK_SUFFIX}"


def _holder_text(raw: bytes, reference: str) -> str:
    try:
        info = json.loads(raw)
        pid = int(info["pid"])
        since = dt.datetime.fromisoformat(info["since"])
    except (ValueError, KeyError, TypeError):
        return f"Session {reference} is in use by another referral process."
    when = since.strftime("%H:%M")
    if since.date() != dt.date.today():
        when = since.strftime("%Y-%m-%d %H:%M")
    return f"Session {reference} is in use since {when} by another referral process (pid {pid})."


BRIEF_WAIT = 5.0  # seconds a command waits for a purge or sweep to finish with a lock


def _is_brief(raw: bytes) -> bool:
    """Whether the lock is held for a moment only: a purge or sweep, or a holder that has
    not yet written who it is."""
    try:
        return bool(json.loads(raw).get("brief")) if raw.strip() else True
    except (ValueError, AttributeError):
        return False


def _acquire(reference: str, brief: bool = False) -> None:
    """Take the session's lock (a no-op if this process holds it); SessionInUse if another
    does. A `brief` holder (a purge or sweep) is waited for, up to BRIEF_WAIT seconds."""
    if reference in _HELD:
        return
    import fcntl
    import time

    path = _lock_path(reference)
    deadline = time.monotonic() + BRIEF_WAIT
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raw = os.pread(fd, 4096, 0)
            os.close(fd)
            if _is_brief(raw) and time.monotonic() < deadline:
                time.sleep(0.02)
                continue
            raise SessionInUse(_holder_text(raw, reference)) from None
        # The holder we waited on may have unlinked the file we locked: lock the live one.
        try:
            same = path.stat().st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    previous = os.pread(fd, 4096, 0)
    if previous.strip():
        with contextlib.suppress(ValueError, KeyError, TypeError):
            pid = int(json.loads(previous)["pid"])
            if pid != os.getpid():
                import typer

                typer.echo(
                    f"Note: {reference} was left locked by pid {pid}, which is no longer "
                    "running; taking the lock over.",
                    err=True,
                )
    mine: dict[str, object] = {
        "pid": os.getpid(),
        "since": dt.datetime.now().replace(microsecond=0).isoformat(),
    }
    if brief:
        mine["brief"] = True
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(mine).encode("ascii"), 0)
    _HELD[reference] = fd


def _release(reference: str) -> None:
    fd = _HELD.pop(reference, None)
    if fd is None:
        return
    with contextlib.suppress(OSError):
        _lock_path(reference).unlink()
    os.close(fd)


def lock_session(reference: str) -> str:
    """Hold a session's lock until the enclosing `session_locks()` ends (or the process exits).

    Take it before loading a session you will change, so no other terminal changes it in
    between. Returns the checked reference; SessionInUse names the other process.
    """
    ref = check_reference(reference)
    _acquire(ref)
    return ref


@contextlib.contextmanager
def session_locks() -> Iterator[None]:
    """Keep every session lock taken inside (by `lock_session` or `save_session`) until the end."""
    global _KEEP
    _KEEP += 1
    try:
        yield
    finally:
        _KEEP -= 1
        if _KEEP == 0:
            for reference in list(_HELD):
                _release(reference)
