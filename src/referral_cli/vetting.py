"""Vetting rubric: eleven factors, scores, hard fails, outcomes and re-vet due dates.

STUB: the public interface below is fixed; the bodies are being written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from enum import StrEnum

from pydantic import BaseModel

from referral_cli.models import Agency, CatalogInfo, FactorId, Vetting


class Outcome(StrEnum):
    """What a worker may do with an agency, from its latest vetting."""

    READY = "ready"
    VERIFY = "verify"
    DO_NOT_REFER = "do-not-refer"
    NOT_VETTED = "not-vetted"


class VettingStatus(BaseModel):
    """An agency's standing, computed from its vetting history and a date."""

    agency: str
    outcome: Outcome
    stale: bool
    last_vetted: dt.date | None
    due: dt.date | None
    verify_factors: list[FactorId] = []
    hard_fails: list[str] = []


def agency_status(
    agency: Agency, history: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> VettingStatus:
    """The outcome of the latest vetting, whether it is stale, and when re-vetting is due."""
    raise NotImplementedError


def check_vetting(vetting: Vetting) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Rubric rules a vetting file must follow (e.g. hard-fail ids known for their factor)."""
    yield from ()
