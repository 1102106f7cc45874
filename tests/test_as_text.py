"""A time saved in a draft reads back as a worker typed it: on resume a new user saw
"Hand-off visit: 2026-12-01T19:00:00 (answered before)"."""

from __future__ import annotations

import datetime as dt

from referral_cli.prompt.parse import as_text, parse_when


def test_a_time_is_written_as_typed_and_reads_back_the_same() -> None:
    at = dt.datetime(2026, 12, 1, 19, 0)
    assert as_text(at) == "2026-12-01 19:00"
    assert as_text(dt.date(2026, 12, 1)) == "2026-12-01"
    assert parse_when(as_text(at), dt.date(2026, 11, 30)) == at
