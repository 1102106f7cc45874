"""An agency's vetting history: every vetting judged on its own, and what changed between them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel

from referral_cli.catalog.models import (
    Agency,
    CatalogInfo,
    FactorAssessment,
    FactorId,
    Score,
    Vetting,
)
from referral_cli.vetting.judge import agency_status, clears, judge, standing_hard_fails
from referral_cli.vetting.rubric import UNASSESSED, rubric
from referral_cli.vetting.standing import OUTCOME_LABELS, Outcome, VettingStatus


class HistoryEntry(BaseModel):
    """One vetting in an agency's history, the standing it left, and what changed since the last."""

    vetting: Vetting
    outcome: Outcome
    verify_factors: list[FactorId] = []
    hard_fails: list[str] = []
    changes: list[str] = []


class VettingHistory(BaseModel):
    """Every vetting of one agency, oldest first, with the changes between them."""

    agency: str
    agency_name: str
    today: dt.date
    status: VettingStatus
    entries: list[HistoryEntry]


def _score_text(score: Score) -> str:
    return str(score)


def _hard_fail_changes(
    factor_id: FactorId, old: FactorAssessment, new: FactorAssessment, standing: set[str]
) -> list[str]:
    """Found, cleared (only by an assessment saying so), or still standing unassessed."""
    parts: list[str] = []
    found = [h for h in new.hard_fails if h not in old.hard_fails]
    cleared = [h for h in clears(factor_id, new) if h not in found]
    kept = [h for h in old.hard_fails if h not in new.hard_fails and h in standing]
    if found:
        parts.append("hard fail found: " + ", ".join(found))
    if cleared:
        parts.append("hard fail no longer observed: " + ", ".join(cleared))
    if kept:
        parts.append("hard fail not cleared, still stands: " + ", ".join(kept))
    return parts


def changes_between(
    before: Vetting, after: Vetting, outcomes: tuple[Outcome, Outcome], standing: set[str]
) -> list[str]:
    """Plain sentences for what changed from one vetting to the next, factor by factor.

    `outcomes` are the standings before and after (hard fails carried over included);
    `standing` the hard fails still standing after `after`.
    """
    rub = rubric()
    out: list[str] = []
    if outcomes[0] != outcomes[1]:
        out.append(f"Outcome: {OUTCOME_LABELS[outcomes[0]]} -> {OUTCOME_LABELS[outcomes[1]]}")
    for factor in rub.factors:
        old = before.factors.get(factor.id, UNASSESSED)
        new = after.factors.get(factor.id, UNASSESSED)
        parts: list[str] = []
        if old.score != new.score:
            parts.append(f"score {_score_text(old.score)} -> {_score_text(new.score)}")
        added = [e for e in new.evidence if e not in old.evidence]
        dropped = [e for e in old.evidence if e not in new.evidence]
        if added:
            parts.append("evidence added: " + ", ".join(added))
        if dropped:
            parts.append("evidence no longer cited: " + ", ".join(dropped))
        parts += _hard_fail_changes(factor.id, old, new, standing)
        if parts:
            out.append(f"{factor.label}: " + "; ".join(parts))
    return out


def history(
    agency: Agency, vettings: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> VettingHistory:
    """An agency's vettings oldest first, each with the standing it left and what changed.

    An entry's outcome counts hard fails found earlier and never cleared, as the standing does.
    """
    ordered = sorted(vettings, key=lambda v: v.date)
    entries: list[HistoryEntry] = []
    for i, vetting in enumerate(ordered):
        own, verify, _, _ = judge(vetting)
        standing = standing_hard_fails(ordered[: i + 1])
        outcome = Outcome.DO_NOT_REFER if standing else own
        changes = []
        if i:
            was = entries[-1].outcome
            changes = changes_between(ordered[i - 1], vetting, (was, outcome), set(standing))
        entries.append(
            HistoryEntry(
                vetting=vetting,
                outcome=outcome,
                verify_factors=verify,
                hard_fails=list(standing),
                changes=changes,
            )
        )
    return VettingHistory(
        agency=agency.id,
        agency_name=agency.name,
        today=today,
        status=agency_status(agency, ordered, info, today),
        entries=entries,
    )
