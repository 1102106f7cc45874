"""The one clock every rule uses, so tests and training sessions can fix the date."""

from __future__ import annotations

import datetime as dt
import os

TODAY_ENV = "REFERRAL_TODAY"


def today(option: str | dt.date | None = None) -> dt.date:
    """`--today` (or a date given in code), else `$REFERRAL_TODAY`, else the system date."""
    if isinstance(option, dt.date):
        return option
    raw = option or os.environ.get(TODAY_ENV)
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        from referral_cli.errors import ReferralError

        source = "--today" if option else TODAY_ENV
        raise ReferralError(f"{source} must be a date like 2026-05-01, not '{raw}'.") from None


def now(day: dt.date) -> dt.datetime:
    """A timestamp on `day` (the injected date), at the current local time, to the second."""
    return dt.datetime.combine(day, dt.datetime.now().time().replace(microsecond=0))
