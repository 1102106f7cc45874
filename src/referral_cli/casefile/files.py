"""Files on disk: atomic writes, owner-only permissions, the user's private data folder.

The bottom of the case-file layer: crypto, audit and the store all write through here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
TEMP_SUFFIX = ".tmp"


def temp_prefix(name: str) -> str:
    """How temp files of `name` begin: `.NAME.PID.`, so a sweep can tell whose they are."""
    return f".{name}.{os.getpid()}."


def temp_owner(temp: str) -> str | None:
    """The file name a temp file was written for (`.NAME.PID.xxxx.tmp` -> NAME), or None."""
    if not (temp.startswith(".") and temp.endswith(TEMP_SUFFIX)):
        return None
    parts = temp[1 : -len(TEMP_SUFFIX)].rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0]


def make_dirs(folder: Path, file_mode: int = PRIVATE_FILE) -> None:
    """Create `folder` and any missing parents for files of `file_mode`: owner-only (0700)
    for private files, else readable by all (0755), whatever the umask says (never 0777)."""
    mode = PRIVATE_DIR if file_mode & 0o077 == 0 else 0o755
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):
            part.mkdir(mode=mode)
            part.chmod(mode)


def atomic_write(
    path: Path, data: bytes | Callable[[TextIO], None], mode: int = PRIVATE_FILE
) -> None:
    """Write a file so that a crash leaves either the old content or the new, never a mix.

    `data` is the bytes, or a function that writes UTF-8 text piece by piece (newlines as
    given), so a large report is never held whole in memory.

    The temp file is created in the target folder (same filesystem, so rename is atomic),
    named for this process (`temp_prefix`: only its owner, or a sweep holding the file's
    lock, may remove it), gets its final permissions before any byte is written, and is
    fsynced before the rename. Missing folders are made owner-only, whatever the umask.
    """
    tmp = _finished_temp(path, data, mode)
    try:
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def create_new(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write a file that must not exist yet: FileExistsError if it does, even when another
    process creates it at the same moment (the finished temp file is hard-linked into place,
    which fails instead of replacing). A crash leaves no file or the whole one."""
    tmp = _finished_temp(path, data, mode)
    try:
        os.link(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    fsync_dir(path.parent)


def _finished_temp(path: Path, data: bytes | Callable[[TextIO], None], mode: int) -> Path:
    """`data` (or what a callable writes as UTF-8 text) in a temp file beside `path`, with
    its final mode and fsynced; gone on failure."""
    make_dirs(path.parent, mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, mode)
        if callable(data):
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as text:
                data(text)
                text.flush()
                os.fsync(text.fileno())
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    return Path(tmp)


def atomic_write_text(path: Path, text: str, mode: int = PRIVATE_FILE) -> None:
    """`atomic_write` for UTF-8 text."""
    atomic_write(path, text.encode("utf-8"), mode)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive flock on a folder: for changes that read, then replace a file in it
    (two `init`s, two passphrase changes), so the second sees what the first wrote."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable (best effort: not every filesystem can)."""
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


# What the tool itself keeps in its home folder (and temp files of these while written).
HOME_NAMES = frozenset(
    {"key.json", "settings.json", "profile.json", "audit.log", "audit.head", "sessions"}
)


def private_home() -> Path:
    """home_dir(), created or tightened to 0700, unless it already holds other people's or
    other programs' files: a folder like that is refused, never silently chmod'ed."""
    from referral_cli.errors import ReferralError

    home = home_dir()
    if home.is_dir():
        info = home.stat()
        foreign = sorted(
            p.name for p in home.iterdir() if p.name not in HOME_NAMES and not temp_owner(p.name)
        )
        if info.st_uid != os.getuid() or foreign:
            whose = "another user's" if info.st_uid != os.getuid() else "other files"
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ReferralError(
                f"{home} holds {whose}{f' ({shown})' if foreign else ''}; case files need a "
                "folder of their own. Set REFERRAL_HOME to a new or empty folder."
            )
    return private_dir(home)


def home_dir() -> Path:
    """Where case files live: `REFERRAL_HOME`, else the user data folder (platformdirs)."""
    env = os.environ.get("REFERRAL_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("referral-cli", appauthor=False)
