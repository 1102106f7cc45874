"""Case files: one encrypted file per session, named by its reference, locked while in use."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from referral_cli.casefile.files import (
    PRIVATE_FILE,
    atomic_write,
    fsync_dir,
    home_dir,
    private_dir,
)
from referral_cli.errors import NotFoundError, ReferralError

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session

# --- case files -------------------------------------------------------------------
#
# One encrypted file per session, home_dir()/sessions/REF.json.enc (AES-256-GCM of the
# session's JSON, see crypto.py), 0600 in a 0700 folder. A case reference becomes a file
# name only after `check_reference` has accepted it. Decrypted sessions live in memory only.

SESSIONS_DIR = "sessions"
SESSION_SUFFIX = ".json.enc"
LOCK_SUFFIX = ".lock"

_REF_SHAPE = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
_DATE_SHAPES = (
    re.compile(r"(?<!\d)\d{4}[-./_]\d{1,2}[-./_]\d{1,2}(?!\d)"),
    re.compile(r"(?<!\d)\d{1,2}[-./_]\d{1,2}[-./_]\d{2,4}(?!\d)"),
)
_NAME_WORD = re.compile(r"[A-Z][a-z]{1,}")
_MONTHS = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[-._]?\d", re.IGNORECASE
)
REF_HELP = (
    "Use a short reference your program assigns, such as AC-2041: 3-24 letters, digits and "
    "hyphens, with at least one digit. Never the youth's name or date of birth."
)


def _digits_look_like_date(digits: str) -> bool:
    """6 or 8 digits that read as a calendar date (YYYYMMDD, MMDDYYYY, DDMMYYYY, MMDDYY...)."""

    if len(digits) == 8:
        forms = ((0, 4, 4, 6, 6, 8, "ymd"), (4, 8, 0, 2, 2, 4, "ymd"), (4, 8, 2, 4, 0, 2, "ymd"))
        for ys, ye, ms, me, ds, de, _ in forms:
            try:
                year = int(digits[ys:ye])
                if 1900 <= year <= 2100:
                    dt.date(year, int(digits[ms:me]), int(digits[ds:de]))
                    return True
            except ValueError:
                continue
        return False
    if len(digits) == 6:
        for a, b in ((0, 2), (2, 4), (2, 0), (4, 2)):
            month, day = int(digits[a : a + 2]), int(digits[b : b + 2])
            if 1 <= month <= 12 and 1 <= day <= 31 and a != b:
                return True
    return False


def check_reference(text: str) -> str:
    """A safe case reference (upper-cased), or a ReferralError explaining what to use instead.

    Refuses anything that looks like a full name or a date (of birth), so a youth's identity
    never becomes a file name or a line in an export.
    """
    raw = text.strip()
    if not raw:
        raise ReferralError(f"A case reference is required. {REF_HELP}")
    if " " in raw and len(_NAME_WORD.findall(raw)) >= 2:
        raise ReferralError(f"'{raw}' looks like a person's name. {REF_HELP}")
    if any(p.search(raw) for p in _DATE_SHAPES) or _MONTHS.search(raw):
        raise ReferralError(f"That looks like a date (a birth date?). {REF_HELP}")
    if not _REF_SHAPE.fullmatch(raw) or not 3 <= len(raw) <= 24:
        raise ReferralError(f"'{raw}' is not a case reference. {REF_HELP}")
    if len(re.findall(r"[A-Z][a-z]+", raw)) >= 2:
        raise ReferralError(f"'{raw}' looks like a person's name. {REF_HELP}")
    if not re.search(r"\d", raw):
        raise ReferralError(f"A case reference needs at least one digit. {REF_HELP}")
    for run in re.findall(r"\d+", raw):
        if _digits_look_like_date(run):
            raise ReferralError(f"That looks like a date (a birth date?). {REF_HELP}")
    _refuse_hidden_identity(raw)
    return raw.upper()


_BIRTH_WORDS = re.compile(r"(DOB|BDAY|BORN|BIRTH|NACI)", re.IGNORECASE)


def _refuse_hidden_identity(raw: str) -> None:
    """Names and dates hidden in a reference's parts: MARIA-LOPEZ-2009, Lopez-M, 0304-2009."""
    from referral_cli.catalog.names import is_name
    from referral_cli.clock import today

    parts = raw.split("-")
    words = re.findall(r"[A-Za-z]+", raw)
    for word in words:
        if len(word) >= 3 and is_name(word):
            raise ReferralError(
                f"'{raw}' holds '{word}', which looks like a person's name. {REF_HELP}"
            )
    for word, nxt in itertools.pairwise(parts):
        if re.fullmatch(r"[A-Z][a-z]{2,}", word) and re.fullmatch(r"[A-Za-z]", nxt):
            raise ReferralError(f"'{raw}' looks like a surname and an initial. {REF_HELP}")
    if _BIRTH_WORDS.search(raw):
        raise ReferralError(f"'{raw}' looks like it holds a birth date. {REF_HELP}")
    runs = re.findall(r"\d+", raw)
    joined = ["".join(runs[i : i + 2]) for i in range(len(runs) - 1)]
    if any(_digits_look_like_date(j) for j in joined):
        raise ReferralError(f"'{raw}' looks like a date split by hyphens. {REF_HELP}")
    year = today().year
    if any(len(r) == 4 and year - 30 <= int(r) <= year - 5 for r in runs):
        raise ReferralError(f"'{raw}' holds what could be a birth year. {REF_HELP}")


def sessions_dir() -> Path:
    """The private folder of session files (created 0700)."""
    private_dir(home_dir())
    return private_dir(home_dir() / SESSIONS_DIR)


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


def save_session(session: Session) -> Path:
    """Encrypt and write the session atomically, owner-only; returns the file.

    Refuses (SessionInUse) while another process holds the session's lock, so two terminals
    never interleave writes to one case.
    """
    from referral_cli.casefile import audit

    reference = check_reference(session.reference)
    path = session_path(reference)
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


def list_sessions() -> list[Session]:
    """Every readable saved session, most recently updated first (damaged files are skipped)."""
    from referral_cli.casefile.audit import unlock as data_key

    data_key()  # a wrong passphrase is an error, not an empty list
    found: list[Session] = []
    for path in sorted(sessions_dir().glob(f"*{SESSION_SUFFIX}")):
        try:
            found.append(_decode(path))
        except (OSError, ReferralError):
            continue
    found.sort(key=lambda s: s.updated, reverse=True)
    return found


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


def purge_as(reference: str, event: str) -> bool:
    """Shred one session under its lock and log it (by pseudonym); False if there was none."""
    from referral_cli.casefile import audit

    ref = check_reference(reference)
    path = session_path(ref)
    if not path.exists():
        return False
    _acquire(ref)
    try:
        gone = shred(path)
    finally:
        _release(ref)  # nothing is left to protect; the lock file goes too
    if gone:
        audit.record(event, ref)
    return gone


def purge_session(reference: str) -> bool:
    """Delete one session for good (overwrite, then unlink); False if there was none."""
    return purge_as(reference, "purged")


def purge_sessions(older_than: dt.datetime | None = None) -> list[str]:
    """Delete every session (or those not updated since `older_than`); their references.

    A session another process has open is left alone (it is not in the list returned).
    """
    gone: list[str] = []
    for path in sorted(sessions_dir().glob(f"*{SESSION_SUFFIX}")):
        reference = _reference_of(path)
        if older_than is not None:
            try:
                updated = _decode(path).updated
            except (OSError, ReferralError):  # a damaged file is judged by its mtime
                updated = dt.datetime.fromtimestamp(path.stat().st_mtime)
            if updated >= older_than:
                continue
        try:
            if purge_as(reference, "purged"):
                gone.append(reference)
        except SessionInUse:
            continue
    for leftover in sessions_dir().glob(".*.tmp"):
        shred(leftover)
    fsync_dir(sessions_dir())
    return gone


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
            save_session(session)
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


def _acquire(reference: str) -> None:
    """Take the session's lock (a no-op if this process holds it); SessionInUse if another does."""
    if reference in _HELD:
        return
    import fcntl

    path = _lock_path(reference)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raw = os.pread(fd, 4096, 0)
            os.close(fd)
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
    mine = {"pid": os.getpid(), "since": dt.datetime.now().replace(microsecond=0).isoformat()}
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
