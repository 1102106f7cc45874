"""An audit log of what happened to case files, holding no content and no case references.

One JSON line per event in home_dir()/audit.log (0600): when, what (session created,
exported, consent revoked, purged, a failed unlock), and for case events a keyed pseudonym
of the reference (`crypto.pseudonym`) instead of the reference itself. So the log can stay
readable without the passphrase, survives the purges it records, and still says nothing
about which case a line is about to anyone who lacks the key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

AUDIT_FILE = "audit.log"
EVENTS: dict[str, str] = {
    "init": "encryption set up",
    "passphrase-changed": "passphrase changed",
    "migrated": "plaintext session encrypted",
    "unlock-failed": "wrong passphrase given",
    "session-created": "session created",
    "exported": "summary written to a file",
    "consent-revoked": "consent revoked",
    "purged": "session purged",
    "purged-retention": "session purged by retention",
}


def audit_path() -> Path:
    """home_dir()/audit.log."""
    from referral_cli.casefile.files import home_dir

    return home_dir() / AUDIT_FILE


def record(event: str, reference: str | None = None, at: dt.datetime | None = None) -> None:
    """Append one event. Never raises for a log problem: the case work matters more."""
    from referral_cli.casefile.files import private_dir

    entry: dict[str, Any] = {
        "at": (at or dt.datetime.now()).replace(microsecond=0).isoformat(),
        "event": event,
    }
    if reference is not None:
        from referral_cli.casefile.crypto import data_key, pseudonym

        entry["case"] = pseudonym(data_key(), reference)
    line = (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8")
    with contextlib.suppress(OSError):
        path = audit_path()
        private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, line)  # one short O_APPEND write: lines from two processes never mix
            os.fsync(fd)
        finally:
            os.close(fd)


def read() -> list[dict[str, Any]]:
    """Every readable event, oldest first (a damaged line is skipped, not fatal)."""
    try:
        text = audit_path().read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    events: list[dict[str, Any]] = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and isinstance(entry.get("event"), str):
                events.append(entry)
    return events


def unlock() -> bytes:
    """The data key (see `crypto.data_key`); a wrong passphrase is logged before it is refused."""
    from referral_cli.casefile.crypto import WrongPassphrase, data_key

    try:
        return data_key()
    except WrongPassphrase:
        record("unlock-failed")
        raise
