"""Following referrals after the session: what is due, moving a status, and activity counts.

Pure functions over saved sessions. `activity` is for the coalition: counts only, never a
case reference, so that it can leave the worker's laptop.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from referral_cli.casefile.records import STATUS_LABELS, Referral, ReferralStatus, Session, is_open
from referral_cli.casework.lifecycle import move
from referral_cli.errors import ReferralError


class FollowUp(BaseModel):
    """One open referral, for the worker's own follow-up list."""

    reference: str
    agency: str
    agency_name: str
    status: ReferralStatus | Literal["reoffer"]
    status_label: str
    follow_up: dt.date | None
    overdue: bool
    days: int | None


def followups(sessions: Sequence[Session], today: dt.date) -> list[FollowUp]:
    """Open referrals, overdue first, then by follow-up date (none last)."""
    rows = [
        FollowUp(
            reference=s.reference,
            agency=r.agency,
            agency_name=r.agency_name,
            status=r.status,
            status_label=STATUS_LABELS[r.status],
            follow_up=r.follow_up,
            overdue=r.follow_up is not None and r.follow_up < today,
            days=(r.follow_up - today).days if r.follow_up else None,
        )
        for s in sessions
        for r in s.referrals
        if is_open(r.status)
    ]
    rows.extend(_reoffers(sessions, today))
    rows.sort(key=lambda f: (f.follow_up is None, f.follow_up or dt.date.max, f.reference))
    return rows


def _reoffers(sessions: Sequence[Session], today: dt.date) -> list[FollowUp]:
    """Sessions that ended without a referral and have a date to offer it again."""
    rows = []
    for s in sessions:
        due = s.no_referral.follow_up if s.no_referral else None
        if due is not None and not any(is_open(r.status) for r in s.referrals):
            rows.append(
                FollowUp(
                    reference=s.reference,
                    agency="",
                    agency_name="no referral yet",
                    status="reoffer",
                    status_label="offer the referral again",
                    follow_up=due,
                    overdue=due < today,
                    days=(due - today).days,
                )
            )
    return rows


def pick_referral(session: Session, agency: str | None) -> Referral:
    """The referral to update: the only one, or the one to the named agency."""
    if not session.referrals:
        raise ReferralError(f"Session {session.reference} has no referral to update.")
    if agency is None:
        if len(session.referrals) == 1:
            return session.referrals[0]
        names = ", ".join(r.agency for r in session.referrals)
        raise ReferralError(
            f"Session {session.reference} has several referrals; add --agency ({names})."
        )
    wanted = agency.casefold()
    hits = [
        r
        for r in session.referrals
        if r.agency.startswith(wanted) or r.agency_name.casefold().startswith(wanted)
    ]
    if len(hits) != 1:
        names = ", ".join(r.agency for r in session.referrals)
        raise ReferralError(
            f"No single referral of {session.reference} matches '{agency}' ({names})."
        )
    return hits[0]


def set_status(
    session: Session,
    referral: Referral,
    to: ReferralStatus,
    *,
    by: str,
    at: dt.datetime,
    note: str = "",
    follow_up: dt.date | None = None,
    first_contact: dt.date | None = None,
) -> Session:
    """The session with one referral moved along the lifecycle (timestamped, by whom)."""
    moved = move(
        referral, to, by=by, at=at, note=note, follow_up=follow_up, first_contact=first_contact
    )
    referrals = [moved if r is referral else r for r in session.referrals]
    return session.model_copy(update={"referrals": referrals, "updated": at})


class Activity(BaseModel):
    """Counts from the worker's own sessions: aggregates only, never a case reference."""

    sessions: int
    needs_identified: dict[str, int]
    needs_met_in_house: int
    referrals_made: int
    referrals_by_status: dict[str, int]
    declined_by_reason: dict[str, int]
    hesitations_by_reason: dict[str, int] = {}  # every hesitation, whatever the youth decided
    hesitations_by_help: dict[str, int] = {}  # what the youth said would help
    no_referral_sessions: int
    no_referral_reasons: dict[str, int]


def activity(sessions: Sequence[Session], since: dt.date | None = None) -> Activity:
    """Aggregate counts of the worker's sessions (optionally those created since a date)."""
    chosen = [s for s in sessions if since is None or s.created.date() >= since]
    needs = Counter(n.service for s in chosen for n in s.needs)
    in_house = sum(1 for s in chosen for n in s.needs if n.own_program)
    statuses = Counter(r.status for s in chosen for r in s.referrals)
    declined = Counter(
        reason
        for s in chosen
        for option in s.options
        if not option.wants
        for reason in ([str(h.reason) for h in option.hesitations] or ["not stated"])
    )
    no_ref = Counter(s.no_referral.reason for s in chosen if s.no_referral is not None)
    return Activity(
        sessions=len(chosen),
        needs_identified=dict(needs.most_common()),
        needs_met_in_house=in_house,
        referrals_made=sum(statuses.values()),
        referrals_by_status=dict(statuses.most_common()),
        declined_by_reason=dict(declined.most_common()),
        hesitations_by_reason=dict(
            Counter(
                str(h.reason) for s in chosen for o in s.options for h in o.hesitations
            ).most_common()
        ),
        hesitations_by_help=dict(
            Counter(str(h) for s in chosen for o in s.options for h in o.helps).most_common()
        ),
        no_referral_sessions=sum(no_ref.values()),
        no_referral_reasons=dict(no_ref.most_common()),
    )
