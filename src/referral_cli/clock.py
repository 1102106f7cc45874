"""The one clock every rule uses: the real date, and the date a worker may set for training.

Two dates, on purpose. `today()` is the day the worker says it is (`--today`,
`REFERRAL_TODAY`): training sessions and tests set it. `real_now()` / `real_today()` read the
system clock only. Consent is judged at both (an export shares only what is valid at each),
and retention, purges and the last-change time of a case use the real clock alone, so no date
typed at the keyboard can re-open a revoked consent or delete a case.
"""

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
        return real_today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        from referral_cli.errors import ReferralError

        source = "--today" if option else TODAY_ENV
        raise ReferralError(f"{source} must be a date like 2026-05-01, not '{raw}'.") from None


def real_now() -> dt.datetime:
    """The system clock, to the second, whatever `--today` says: the only place it is read
    (tests pin this one). For last-change times, retention and the audit log."""
    return dt.datetime.now().replace(microsecond=0)


def real_today() -> dt.date:
    """The real date, whatever `--today` says: for retention, purges and consent."""
    return real_now().date()


def now(day: dt.date) -> dt.datetime:
    """A timestamp on `day` (the worker's date), at the current local time, to the second."""
    return dt.datetime.combine(day, real_now().time())
