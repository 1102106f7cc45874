"""Judging vettings: outcomes, standing, scorecards, the partner list and re-vet due dates.

The rubric is data (`vetting/rubric.py`). The rules that turn a vetting into an outcome live
here, and are deliberately few:

* A hard fail in the latest vetting means DO NOT REFER, whatever the scores.
* No vetting at all means NOT VETTED.
* U (not assessed) or a score of 2 or less on a critical factor (confidentiality, informed
  consent, premises security, non-discrimination) means VERIFY BEFORE REFERRAL.
* A score of 0 (contrary evidence or refusal) is not by itself "do not refer": the named hard
  fails are the do-not-refer list, so that reason can always be said out loud. A 0 on a
  critical factor is VERIFY (it is <= 2) and every 0 is listed as contrary evidence beside
  the outcome, so it is never hidden.
* Otherwise READY. Stale (today is after the re-vet due date) is a separate flag.

There is no total: every factor's score is shown, so a weak factor cannot hide.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence

from pydantic import BaseModel

from referral_cli.catalog.models import Agency, CatalogInfo, FactorId, Score, Vetting
from referral_cli.vetting.rubric import (
    FACTOR_IDS,
    UNASSESSED,
    factor_label,
    hard_fail_description,
    hard_fail_text,
    is_critical_weak,
    rubric,
)
from referral_cli.vetting.standing import (
    FactorRow,
    Outcome,
    Scorecard,
    VettingStatus,
    not_vetted,
    revet_months_for,
)

# --- outcome, status, due dates -------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def latest(history: Sequence[Vetting]) -> Vetting | None:
    """The most recent vetting; on a date tie, the one listed last."""
    return sorted(history, key=lambda v: v.date)[-1] if history else None


def judge(vetting: Vetting) -> tuple[Outcome, list[FactorId], list[str], list[FactorId]]:
    """One vetting judged on its own: (outcome, verify factors, hard fails, contrary factors)."""
    rub = rubric()
    hard_fails: list[str] = []
    verify: list[FactorId] = []
    contrary: list[FactorId] = []
    for factor in rub.factors:
        assessment = vetting.factors.get(factor.id, UNASSESSED)
        hard_fails.extend(h for h in assessment.hard_fails if h not in hard_fails)
        if assessment.score == 0:
            contrary.append(factor.id)
        if factor.critical and is_critical_weak(assessment.score):
            verify.append(factor.id)
    if hard_fails:
        outcome = Outcome.DO_NOT_REFER
    elif verify:
        outcome = Outcome.VERIFY
    else:
        outcome = Outcome.READY
    return outcome, verify, hard_fails, contrary


def agency_status(
    agency: Agency, history: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> VettingStatus:
    """The outcome of the latest vetting, whether it is stale, and when re-vetting is due."""
    months = revet_months_for(agency, info)
    last = latest(history)
    if last is None:
        return not_vetted(agency, info)
    outcome, verify, hard_fails, contrary = judge(last)
    due = add_months(last.date, months)
    return VettingStatus(
        agency=agency.id,
        outcome=outcome,
        stale=today > due,
        last_vetted=last.date,
        due=due,
        verify_factors=list(verify),
        hard_fails=hard_fails,
        contrary_factors=list(contrary),
        revet_months=months,
        vettings=len(history),
        verify_labels=[factor_label(f) for f in verify],
        hard_fail_texts=[hard_fail_text(h) for h in hard_fails],
        contrary_labels=[factor_label(f) for f in contrary],
    )


# --- result models for the views -----------------------------------------------------


def _rows(vetting: Vetting | None, verify: set[str]) -> list[FactorRow]:
    rub = rubric()
    rows = []
    for number, factor in enumerate(rub.factors, start=1):
        given = vetting.factors.get(factor.id) if vetting else None
        assessment = given or UNASSESSED
        rows.append(
            FactorRow(
                factor=factor.id,
                number=number,
                label=factor.label,
                critical=factor.critical,
                per_youth=factor.per_youth,
                score=assessment.score,
                evidence=list(assessment.evidence),
                note=assessment.note,
                hard_fails=list(assessment.hard_fails),
                hard_fail_texts=[hard_fail_description(h) for h in assessment.hard_fails],
                verify=factor.id in verify,
                assessor=vetting.assessor if vetting else None,
                date=vetting.date if vetting else None,
            )
        )
    return rows


def scorecard(
    agency: Agency, history: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> Scorecard:
    """The scorecard of an agency's latest vetting (every factor, even the unassessed)."""
    last = latest(history)
    status = agency_status(agency, history, info, today)
    return Scorecard(
        agency=agency.id,
        agency_name=agency.name,
        today=today,
        status=status,
        assessor=last.assessor if last else None,
        date=last.date if last else None,
        method=list(last.method) if last else [],
        trigger=last.trigger if last else None,
        note=last.note if last else "",
        rows=_rows(last, set(status.verify_factors)),
        scale={k: v.split(" (")[0] for k, v in rubric().scale.items()},
    )


class PartnerRow(BaseModel):
    """One agency in the partner list: its standing and the scores behind it."""

    agency: str
    name: str
    sector: str
    status: VettingStatus
    scores: dict[FactorId, Score]


class PartnerList(BaseModel):
    """Every partner agency, those needing attention first."""

    today: dt.date
    outcomes: list[Outcome] = []
    service: str | None = None
    stale_only: bool = False
    rows: list[PartnerRow]


def partner_list(
    agencies: Sequence[Agency],
    vettings: Mapping[str, Sequence[Vetting]],
    info: CatalogInfo,
    today: dt.date,
    outcomes: Sequence[Outcome] = (),
    service: str | None = None,
    stale_only: bool = False,
) -> PartnerList:
    """The whole partner list, filtered, sorted so what needs attention comes first."""
    rows: list[PartnerRow] = []
    for agency in agencies:
        if service is not None and all(s.id != service for s in agency.services):
            continue
        history_of = vettings.get(agency.id, [])
        status = agency_status(agency, history_of, info, today)
        if outcomes and status.outcome not in outcomes:
            continue
        if stale_only and not status.stale:
            continue
        last = latest(history_of)
        scores: dict[FactorId, Score] = {
            f: (last.factors[f].score if last and f in last.factors else "U") for f in FACTOR_IDS
        }
        rows.append(
            PartnerRow(
                agency=agency.id,
                name=agency.name,
                sector=agency.sector,
                status=status,
                scores=scores,
            )
        )
    rows.sort(key=lambda r: (*r.status.attention_key(), r.name.casefold()))
    return PartnerList(
        today=today, outcomes=list(outcomes), service=service, stale_only=stale_only, rows=rows
    )


def score_strip(scores: Mapping[FactorId, Score]) -> str:
    """Eleven scores in factor order as one short string, e.g. "4334 U3 ..." -> "43342U43344"."""
    return "".join(str(scores.get(f, "U")) for f in FACTOR_IDS)
