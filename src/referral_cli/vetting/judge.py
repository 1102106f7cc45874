"""Judging vettings: outcomes, standing, scorecards, the partner list and re-vet due dates.

The rubric is data (`vetting/rubric.py`). The rules that turn a vetting into an outcome live
here, and are deliberately few:

* A hard fail means DO NOT REFER, whatever the scores, and it stands until a later vetting
  assesses its factor (a score, evidence and a note) and says it is no longer observed
  (`hard_fails_cleared`). Not looking again (U, a missing factor) is not evidence it is gone.
* Two vettings on the same (latest) day that disagree: the more cautious one counts, and the
  standing says so.
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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from pydantic import BaseModel

from referral_cli.catalog.models import (
    Agency,
    CatalogInfo,
    FactorAssessment,
    FactorId,
    Score,
    Vetting,
)
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
    FIT_FACTORS,
    OUTCOME_LABELS,
    SEVERITY,
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


@dataclass(frozen=True)
class Judgement:
    """A vetting history judged as a whole: the outcome, and the vetting its scores come from."""

    outcome: Outcome
    vetting: Vetting
    verify: list[FactorId]
    contrary: list[FactorId]
    # standing hard fails, each with the day it was first found
    hard_fails: dict[str, dt.date]
    notes: list[str] = field(default_factory=list)


def _by_day(history: Sequence[Vetting]) -> Iterator[tuple[dt.date, list[Vetting]]]:
    """The vettings grouped by date, oldest first, in listed order within a day."""
    for day, group in groupby(sorted(history, key=lambda v: v.date), key=lambda v: v.date):
        yield day, list(group)


def clears(factor_id: str, assessment: FactorAssessment) -> list[str]:
    """The hard fails this assessment ends: only an assessed factor (score, evidence, note)."""
    if assessment.score == "U" or not assessment.evidence or not assessment.note.strip():
        return []
    own = {h.id for h in rubric().factor(factor_id).hard_fails}
    return [h for h in assessment.hard_fails_cleared if h in own and h not in assessment.hard_fails]


def standing_hard_fails(history: Sequence[Vetting]) -> dict[str, dt.date]:
    """Hard fails found and not cleared since, oldest first, each with the day first found.

    A clearing counts only on a later day than the last finding: on one day, a vetting that
    finds a hard fail and another that clears it leave it standing, whatever their order.
    """
    standing: dict[str, dt.date] = {}
    for day, group in _by_day(history):
        found = {h for v in group for a in v.factors.values() for h in a.hard_fails}
        for vetting in group:
            for factor_id, assessment in vetting.factors.items():
                for hard_fail in clears(factor_id, assessment):
                    if hard_fail not in found:
                        standing.pop(hard_fail, None)
        for vetting in group:
            for assessment in vetting.factors.values():
                for hard_fail in assessment.hard_fails:
                    standing.setdefault(hard_fail, day)
    return standing


def judge_history(history: Sequence[Vetting]) -> Judgement | None:
    """The whole history judged: standing hard fails, and the latest day's most cautious vetting."""
    if not history:
        return None
    standing = standing_hard_fails(history)
    day, group = list(_by_day(history))[-1]
    judged = [(judge(v), i, v) for i, v in enumerate(group)]
    (own, verify, _, contrary), _, chosen = max(
        judged, key=lambda j: (SEVERITY[j[0][0]], len(j[0][1]), len(j[0][3]), j[1])
    )
    notes = []
    outcomes = {j[0][0] for j in judged}
    if len(outcomes) > 1:
        notes.append(
            f"{len(group)} vettings on {day} disagree; the more cautious one counts: "
            f"{OUTCOME_LABELS[own]}"
        )
    outcome = Outcome.DO_NOT_REFER if standing else own
    return Judgement(outcome, chosen, verify, contrary, standing, notes)


def fit_scores(history: Sequence[Vetting]) -> dict[str, int]:
    """Each per-youth factor's latest assessed score (the lowest, if one day disagrees).

    A later U does not erase an earlier score: not looking again is not new evidence.
    """
    scores: dict[str, int] = {}
    for _, group in _by_day(history):
        for factor_id in FIT_FACTORS:
            given = [
                v.factors[factor_id].score
                for v in group
                if factor_id in v.factors and v.factors[factor_id].score != "U"
            ]
            if given:
                scores[factor_id] = min(int(g) for g in given)
    return scores


def agency_status(
    agency: Agency, history: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> VettingStatus:
    """The agency's standing from its whole history, whether it is stale, when re-vetting is due."""
    months = revet_months_for(agency, info)
    judged = judge_history(history)
    if judged is None:
        return not_vetted(agency, info)
    last = judged.vetting
    due = add_months(last.date, months)
    hard_fails = list(judged.hard_fails)
    return VettingStatus(
        agency=agency.id,
        outcome=judged.outcome,
        stale=today > due,
        last_vetted=last.date,
        due=due,
        verify_factors=list(judged.verify),
        hard_fails=hard_fails,
        contrary_factors=list(judged.contrary),
        revet_months=months,
        vettings=len(history),
        verify_labels=[factor_label(f) for f in judged.verify],
        hard_fail_texts=[_standing_text(h, judged.hard_fails[h], last.date) for h in hard_fails],
        contrary_labels=[factor_label(f) for f in judged.contrary],
        notes=judged.notes,
        fit_scores=fit_scores(history),
    )


def _standing_text(hard_fail: str, found: dt.date, last: dt.date) -> str:
    text = hard_fail_text(hard_fail)
    return f"{text} (found {found}, not cleared since)" if found < last else text


# --- result models for the views -----------------------------------------------------


def _rows(judged: Judgement | None) -> list[FactorRow]:
    rub = rubric()
    vetting = judged.vetting if judged else None
    verify = set(judged.verify) if judged else set()
    standing = judged.hard_fails if judged else {}
    rows = []
    for number, factor in enumerate(rub.factors, start=1):
        given = vetting.factors.get(factor.id) if vetting else None
        assessment = given or UNASSESSED
        hard_fails = list(assessment.hard_fails)
        texts = [hard_fail_description(h) for h in hard_fails]
        for h in factor.hard_fails:  # found before and never cleared: still on this factor
            if h.id in standing and h.id not in hard_fails:
                hard_fails.append(h.id)
                texts.append(f"{h.text} (found {standing[h.id]}, not cleared since)")
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
                hard_fails=hard_fails,
                hard_fail_texts=texts,
                verify=factor.id in verify,
                assessor=vetting.assessor if vetting else None,
                date=vetting.date if vetting else None,
            )
        )
    return rows


def scorecard(
    agency: Agency, history: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> Scorecard:
    """The scorecard of the vetting that counts (every factor, even the unassessed)."""
    judged = judge_history(history)
    last = judged.vetting if judged else None
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
        rows=_rows(judged),
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
        judged = judge_history(history_of)
        last = judged.vetting if judged else None
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
