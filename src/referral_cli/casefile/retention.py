"""Retention: closed sessions are purged a set number of days after they closed.

Victim-service practice asks for case data kept minimal and purged on a schedule. A session
is *closed* when it is finished and none of its referrals is still open; drafts and open
referrals are never removed automatically (that would lose work in progress). The clock
starts at the session's last change, which the store stamps with the real time of each save.
Retention runs on the real date only: a date typed for training (`--today`) never deletes
anything. `case_command_startup` runs at the start of every case command.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from referral_cli.errors import ReferralError

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session

SETTINGS_FILE = "settings.json"
DEFAULT_DAYS = 90
MAX_DAYS = 3650


def settings_path() -> Path:
    """home_dir()/settings.json: not secret (only the retention period), but owner-only."""
    from referral_cli.casefile.files import home_dir

    return home_dir() / SETTINGS_FILE


def retention_days() -> int:
    """Days a closed session is kept: settings.json, else DEFAULT_DAYS."""
    try:
        raw = json.loads(settings_path().read_text(encoding="utf-8"))
        days = int(raw["retention_days"])
    except FileNotFoundError:
        return DEFAULT_DAYS
    except (OSError, ValueError, KeyError, TypeError):
        raise ReferralError(
            f"{settings_path()} is damaged: set it again with `referral init --retention-days N`."
        ) from None
    if not 1 <= days <= MAX_DAYS:
        raise ReferralError(f"{settings_path()}: retention_days must be 1-{MAX_DAYS}.")
    return days


def set_retention_days(days: int) -> None:
    """Save the retention period (1 to MAX_DAYS days)."""
    from referral_cli.casefile.files import atomic_write_text, private_home

    if not 1 <= days <= MAX_DAYS:
        raise ReferralError(f"--retention-days must be from 1 to {MAX_DAYS}.")
    private_home()
    atomic_write_text(settings_path(), json.dumps({"retention_days": days}, indent=2) + "\n")


def closed_on(session: Session) -> dt.date | None:
    """The day a session closed (its last change), or None while it is a draft or still open."""
    from referral_cli.casefile.records import is_open

    if not session.finished or any(is_open(r.status) for r in session.referrals):
        return None
    return session.updated.date()


def due(session: Session, today: dt.date, days: int) -> bool:
    """Whether retention removes this session today."""
    closed = closed_on(session)
    return closed is not None and closed + dt.timedelta(days=days) <= today


def apply(today: dt.date) -> list[str]:
    """Purge every closed session past the retention period, temp copies included, and temp
    files killed writers left; their references. A session another terminal has open is
    left for the next run.
    """
    from referral_cli.casefile.store import SessionInUse, list_sessions, purge_as, sweep_temps

    days = retention_days()
    removed: list[str] = []
    for session in list_sessions():
        if due(session, today, days):
            try:
                if purge_as(session.reference, "purged-retention"):
                    removed.append(session.reference)
            except SessionInUse:
                continue
    sweep_temps()
    return sorted(removed)


def case_command_startup() -> list[str]:
    """The start of a case command: unlock (or say to run `referral init`), apply retention
    at the real date, and say on stderr what was removed, by reference only."""
    import typer

    from referral_cli.casefile.audit import unlock as data_key
    from referral_cli.clock import real_today

    data_key()
    removed = apply(real_today())
    if removed:
        days = retention_days()
        typer.echo(
            f"Retention: deleted {len(removed)} closed session{'s' if len(removed) != 1 else ''} "
            f"older than {days} days: {', '.join(removed)}.",
            err=True,
        )
    return removed
