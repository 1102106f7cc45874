"""Files on disk: atomic writes, owner-only permissions, the user's private data folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from referral_cli.errors import NotFoundError, ReferralError

if TYPE_CHECKING:
    from referral_cli.models import Session

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def atomic_write(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write a file so that a crash leaves either the old content or the new, never a mix.

    The temp file is created in the target folder (same filesystem, so rename is atomic),
    gets its final permissions before any byte is written, and is fsynced before the rename.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = PRIVATE_FILE) -> None:
    """`atomic_write` for UTF-8 text."""
    atomic_write(path, text.encode("utf-8"), mode)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def private_dir(path: Path) -> Path:
    """Create a folder readable by its owner only (and tighten it if it already exists)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    path.chmod(PRIVATE_DIR)
    return path


def home_dir() -> Path:
    """Where case files live: `REFERRAL_HOME`, else the user data folder (platformdirs)."""
    env = os.environ.get("REFERRAL_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("referral-cli", appauthor=False)


# --- case files -------------------------------------------------------------------
#
# One JSON file per session under home_dir()/sessions/, 0600 in a 0700 folder. A case
# reference becomes a file name only after `check_reference` has accepted it.

SESSIONS_DIR = "sessions"

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
    import datetime as dt

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
    return raw.upper()


def sessions_dir() -> Path:
    """The private folder of session files (created 0700)."""
    private_dir(home_dir())
    return private_dir(home_dir() / SESSIONS_DIR)


def session_path(reference: str) -> Path:
    """The file of one session; the reference is validated before it touches a path."""
    return sessions_dir() / f"{check_reference(reference)}.json"


def session_exists(reference: str) -> bool:
    """Whether a session with this reference is saved."""
    return session_path(reference).is_file()


def save_session(session: Session) -> Path:
    """Write the session atomically, owner-only; returns the file."""
    path = session_path(session.reference)
    atomic_write_text(path, session.model_dump_json(indent=2) + "\n")
    return path


def load_session(reference: str) -> Session:
    """A saved session, or NotFoundError saying how to list them."""
    from pydantic import ValidationError

    from referral_cli.models import Session

    path = session_path(reference)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(
            f"No session {check_reference(reference)}. List them with: referral sessions"
        ) from None
    try:
        return Session.model_validate_json(data)
    except ValidationError as exc:
        raise ReferralError(
            f"{path} is damaged and cannot be read ({exc.error_count()} errors)."
        ) from None


def list_sessions() -> list[Session]:
    """Every readable saved session, most recently updated first (damaged files are skipped)."""
    from pydantic import ValidationError

    from referral_cli.models import Session

    found: list[Session] = []
    for path in sorted(sessions_dir().glob("*.json")):
        try:
            found.append(Session.model_validate_json(path.read_bytes()))
        except (OSError, ValidationError):
            continue
    found.sort(key=lambda s: s.updated, reverse=True)
    return found


def purge_session(reference: str) -> bool:
    """Delete one session file for good; False if there was none."""
    path = session_path(reference)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    _fsync_dir(path.parent)
    return True


def purge_sessions(older_than: dt.datetime | None = None) -> list[str]:
    """Delete every session (or those not updated since `older_than`); their references."""
    gone: list[str] = []
    for path in sorted(sessions_dir().glob("*.json")):
        if older_than is not None:
            try:
                from referral_cli.models import Session

                updated = Session.model_validate_json(path.read_bytes()).updated
            except (OSError, ValueError):  # a damaged file is judged by its mtime
                updated = dt.datetime.fromtimestamp(path.stat().st_mtime)
            if updated >= older_than:
                continue
        path.unlink(missing_ok=True)
        gone.append(path.stem)
    for leftover in sessions_dir().glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
    _fsync_dir(sessions_dir())
    return gone
