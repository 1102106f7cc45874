"""An agency's vetting history: every vetting judged on its own, and what changed between them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel

from referral_cli.catalog.models import Agency, CatalogInfo, FactorId, Score, Vetting
from referral_cli.vetting.judge import agency_status, judge
from referral_cli.vetting.rubric import UNASSESSED, rubric
from referral_cli.vetting.standing import OUTCOME_LABELS, Outcome, VettingStatus


class HistoryEntry(BaseModel):
    """One vetting in an agency's history, judged on its own, and what changed since the last."""

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


def changes_between(before: Vetting, after: Vetting) -> list[str]:
    """Plain sentences for what changed from one vetting to the next, factor by factor."""
    rub = rubric()
    out: list[str] = []
    old_outcome, new_outcome = judge(before)[0], judge(after)[0]
    if old_outcome != new_outcome:
        out.append(f"Outcome: {OUTCOME_LABELS[old_outcome]} -> {OUTCOME_LABELS[new_outcome]}")
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
        found = [h for h in new.hard_fails if h not in old.hard_fails]
        cleared = [h for h in old.hard_fails if h not in new.hard_fails]
        if found:
            parts.append("hard fail found: " + ", ".join(found))
        if cleared:
            parts.append("hard fail cleared: " + ", ".join(cleared))
        if parts:
            out.append(f"{factor.label}: " + "; ".join(parts))
    return out


def history(
    agency: Agency, vettings: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> VettingHistory:
    """An agency's vettings oldest first, each judged on its own, with what changed."""
    ordered = sorted(vettings, key=lambda v: v.date)
    entries: list[HistoryEntry] = []
    for i, vetting in enumerate(ordered):
        outcome, verify, hard_fails, _ = judge(vetting)
        entries.append(
            HistoryEntry(
                vetting=vetting,
                outcome=outcome,
                verify_factors=verify,
                hard_fails=hard_fails,
                changes=changes_between(ordered[i - 1], vetting) if i else [],
            )
        )
    return VettingHistory(
        agency=agency.id,
        agency_name=agency.name,
        today=today,
        status=agency_status(agency, ordered, info, today),
        entries=entries,
    )
