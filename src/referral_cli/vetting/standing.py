"""An agency's vetting standing and scorecard as plain data: what the views are drawn from.

Plain dataclasses with the rubric's words already filled in (factor labels, hard-fail
descriptions, the scale), so a view needs neither the rubric nor pydantic. That is what lets
a warm `show` or `vet` answer from the catalog cache in well under a tenth of a second: this
module imports only the standard library. `vetting.py` computes these from a vetting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from referral_cli.catalog.models import Agency, CatalogInfo


class Outcome(StrEnum):
    """What a worker may do with an agency, from its latest vetting."""

    READY = "ready"
    VERIFY = "verify"
    DO_NOT_REFER = "do-not-refer"
    NOT_VETTED = "not-vetted"


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.READY: "ready to refer",
    Outcome.VERIFY: "verify before referral",
    Outcome.DO_NOT_REFER: "do not refer",
    Outcome.NOT_VETTED: "not vetted",
}
# Partner list order: what could hurt a youth first, then what blocks referrals.
ATTENTION_ORDER: dict[Outcome, int] = {
    Outcome.DO_NOT_REFER: 0,
    Outcome.VERIFY: 1,
    Outcome.NOT_VETTED: 3,
    Outcome.READY: 4,
}
STALE_READY_RANK = 2
# How cautious an outcome is: for same-day conflicts, and for "did the standing drop".
SEVERITY: dict[Outcome, int] = {
    Outcome.READY: 0,
    Outcome.VERIFY: 1,
    Outcome.NOT_VETTED: 2,
    Outcome.DO_NOT_REFER: 3,
}
# The per-youth factors: what the vetting found outweighs what the agency says of itself.
FIT_FACTORS: tuple[str, ...] = ("lgbtq-services", "language-capacity", "location-accessibility")
# The scale in the few words a reason line has room for (rubric.yaml says it in full; this
# module stays free of the rubric so the warm path can use it).
SCORE_WORDS: dict[int | str, str] = {
    "U": "not assessed",
    0: "contrary evidence",
    1: "no such practice",
    2: "stated only",
    3: "documented",
    4: "verified in practice",
}


@dataclass
class VettingStatus:
    """An agency's standing, computed from its vetting history and a date."""

    agency: str
    outcome: Outcome
    stale: bool
    last_vetted: dt.date | None
    due: dt.date | None
    verify_factors: list[str] = field(default_factory=list)
    hard_fails: list[str] = field(default_factory=list)
    contrary_factors: list[str] = field(default_factory=list)
    revet_months: int = 12
    vettings: int = 0
    # the rubric's words for the lists above, in the same order
    verify_labels: list[str] = field(default_factory=list)
    hard_fail_texts: list[str] = field(default_factory=list)
    contrary_labels: list[str] = field(default_factory=list)
    # what else a reader must be told: e.g. two vettings on one day that disagree
    notes: list[str] = field(default_factory=list)
    # the latest assessed score of each per-youth factor (LGBTQ, language, access)
    fit_scores: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The outcome as a worker reads it, e.g. "verify before referral"."""
        return OUTCOME_LABELS[self.outcome]

    def verify_reasons(self) -> list[str]:
        """The factors to verify, a 0 named as contrary evidence so it never looks like a U."""
        labels = self.verify_labels or self.verify_factors
        return [
            f"{label} (contrary evidence)" if factor in self.contrary_factors else label
            for factor, label in zip(self.verify_factors, labels, strict=False)
        ]

    def reason(self) -> str:
        """The standing in one line, with the factors or hard fails behind it."""
        text = self.label
        if self.outcome is Outcome.DO_NOT_REFER and self.hard_fail_texts:
            text += ": hard fail " + "; ".join(self.hard_fail_texts)
        elif self.outcome is Outcome.VERIFY:
            text += ": " + (", ".join(self.verify_reasons()) or "some factors")
        return text

    def attention_key(self) -> tuple[int, int, dt.date]:
        """Sort key: do not refer, verify, stale ready, not vetted, ready; then earliest due.

        A stale "ready" agency comes before unvetted ones because workers may still be
        referring youth to it on an out-of-date vetting; unvetted agencies are blocked anyway.
        """
        rank = ATTENTION_ORDER[self.outcome]
        if self.stale and self.outcome is Outcome.READY:
            rank = STALE_READY_RANK
        return (rank, 0 if self.stale else 1, self.due or dt.date.min)

    def as_of(self, today: dt.date) -> VettingStatus:
        """The same standing on another day: only staleness depends on the date."""
        return replace(self, stale=self.due is not None and today > self.due)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO text)."""
        jsonable: dict[str, Any] = _jsonable(asdict(self))
        return jsonable

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VettingStatus:
        """The inverse of `to_json`."""
        return cls(
            **data
            | {
                "outcome": Outcome(data["outcome"]),
                "last_vetted": _date(data["last_vetted"]),
                "due": _date(data["due"]),
            }
        )


def revet_months_for(agency: Agency, info: CatalogInfo) -> int:
    """The agency's own re-vet interval, else the catalog's (12 months by default)."""
    return agency.revet_months or info.revet_months


def not_vetted(agency: Agency, info: CatalogInfo) -> VettingStatus:
    """The standing of an agency with no vetting on file."""
    months = revet_months_for(agency, info)
    return VettingStatus(agency.id, Outcome.NOT_VETTED, False, None, None, revet_months=months)


@dataclass(frozen=True)
class AgencyRow:
    """One agency with its vetting standing, as listed to a worker."""

    agency: Agency
    status: VettingStatus


@dataclass(frozen=True)
class AgencyListing:
    """The agencies that match, how many do-not-refer agencies were held back, and how many
    more matched than the list was limited to."""

    rows: list[AgencyRow]
    withheld: int
    more: int = 0


@dataclass
class FactorRow:
    """One factor of a scorecard."""

    factor: str
    number: int
    label: str
    critical: bool
    per_youth: bool
    score: int | str
    evidence: list[str] = field(default_factory=list)
    note: str = ""
    hard_fails: list[str] = field(default_factory=list)
    hard_fail_texts: list[str] = field(default_factory=list)
    verify: bool = False
    assessor: str | None = None
    date: dt.date | None = None


@dataclass
class Scorecard:
    """The latest vetting of one agency, factor by factor, with its standing."""

    agency: str
    agency_name: str
    today: dt.date
    status: VettingStatus
    rows: list[FactorRow]
    scale: dict[str, str] = field(default_factory=dict)
    assessor: str | None = None
    date: dt.date | None = None
    method: list[str] = field(default_factory=list)
    trigger: str | None = None
    note: str = ""

    def as_of(self, today: dt.date) -> Scorecard:
        """The same scorecard seen on another day."""
        return replace(self, today=today, status=self.status.as_of(today))

    def to_json(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO text)."""
        jsonable: dict[str, Any] = _jsonable(asdict(self))
        return jsonable

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scorecard:
        """The inverse of `to_json`."""
        rows = [FactorRow(**r | {"date": _date(r["date"])}) for r in data["rows"]]
        return cls(
            **data
            | {
                "today": _date(data["today"]),
                "status": VettingStatus.from_json(data["status"]),
                "rows": rows,
                "date": _date(data["date"]),
            }
        )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
