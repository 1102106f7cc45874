"""Files on disk: atomic writes, owner-only permissions, the user's private data folder.

The bottom of the case-file layer: crypto, audit and the store all write through here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

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
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = PRIVATE_FILE) -> None:
    """`atomic_write` for UTF-8 text."""
    atomic_write(path, text.encode("utf-8"), mode)


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


def home_dir() -> Path:
    """Where case files live: `REFERRAL_HOME`, else the user data folder (platformdirs)."""
    env = os.environ.get("REFERRAL_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("referral-cli", appauthor=False)
