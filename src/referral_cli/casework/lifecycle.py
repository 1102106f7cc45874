"""The rules a referral's status must follow (after the FHIR SDOH referral task states).

Every change is timestamped with who set it, every open status has a follow-up date, and
`completed` needs a confirmed first contact.
"""

from __future__ import annotations

import datetime as dt

from referral_cli.casefile.records import (
    STATUS_LABELS,
    Referral,
    ReferralStatus,
    StatusChange,
    is_open,
)
from referral_cli.errors import ReferralError

FOLLOW_UP_DAYS = 7

# --- the referral lifecycle -------------------------------------------------------

_ANYTIME = {"cancelled", "entered_in_error"}
TRANSITIONS: dict[str, frozenset[str]] = {
    "needs_identified": frozenset({"options_discussed", *_ANYTIME}),
    "options_discussed": frozenset({"consent_pending", *_ANYTIME}),
    "consent_pending": frozenset({"requested", "on_hold", *_ANYTIME}),  # on hold: check first
    "requested": frozenset({"accepted", "rejected", "on_hold", *_ANYTIME}),
    "accepted": frozenset({"handoff_scheduled", "in_progress", "on_hold", "failed", *_ANYTIME}),
    "handoff_scheduled": frozenset({"in_progress", "on_hold", "failed", *_ANYTIME}),
    "in_progress": frozenset({"on_hold", "completed", "failed", *_ANYTIME}),
    "on_hold": frozenset({"requested", "handoff_scheduled", "in_progress", "failed", *_ANYTIME}),
    "rejected": frozenset({"entered_in_error"}),
    "completed": frozenset({"entered_in_error"}),
    "failed": frozenset({"entered_in_error"}),
    "cancelled": frozenset({"entered_in_error"}),
    "entered_in_error": frozenset(),
}
NEEDS_REASON: frozenset[str] = frozenset({"rejected", "failed", "cancelled", "entered_in_error"})


def new_referral(
    agency: str, agency_name: str, status: ReferralStatus, by: str, at: dt.datetime, note: str = ""
) -> Referral:
    """A referral with its first status recorded, and a follow-up date a week out."""
    return Referral(
        agency=agency,
        agency_name=agency_name,
        status=status,
        history=[StatusChange(status=status, at=at, by=by, note=note)],
        follow_up=at.date() + dt.timedelta(days=FOLLOW_UP_DAYS),
    )


def move(
    referral: Referral,
    to: ReferralStatus,
    by: str,
    at: dt.datetime,
    note: str = "",
    follow_up: dt.date | None = None,
    first_contact: dt.date | None = None,
) -> Referral:
    """Move a referral to a new status, refusing moves the lifecycle does not allow.

    Returns a new Referral; the old one is left as it was.
    """
    if to == referral.status:
        raise ReferralError(f"The referral is already {STATUS_LABELS[to]}.")
    allowed = TRANSITIONS[referral.status]
    if to not in allowed:
        options = ", ".join(sorted(allowed)) or "none (it is closed)"
        raise ReferralError(
            f"A referral that is {STATUS_LABELS[referral.status]} cannot become "
            f"{STATUS_LABELS[to]}. Allowed next: {options}."
        )
    if to in NEEDS_REASON and not note.strip():
        raise ReferralError(f"Say why the referral is {STATUS_LABELS[to]} (a short reason).")
    contact = first_contact or referral.first_contact
    if to == "completed" and contact is None:
        raise ReferralError(
            "A referral is completed only after a confirmed first contact: give its date."
        )
    due = (follow_up or at.date() + dt.timedelta(days=FOLLOW_UP_DAYS)) if is_open(to) else None
    change = StatusChange(status=to, at=at, by=by, note=note)
    return referral.model_copy(
        update={
            "status": to,
            "history": [*referral.history, change],
            "follow_up": due,
            "first_contact": contact,
        }
    )
