"""The eight referral steps as data, and the rules a referral's status must follow.

Steps, hesitation reasons and the no-referral checklist live here once, so the interactive
session, the paper checklist and the summaries all say the same thing. The lifecycle follows
DOMAIN.md (after the FHIR SDOH referral task states): every change is timestamped with who set
it, every open status has a follow-up date, and `completed` needs a confirmed first contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from referral_cli.catalog.models import Referral, ReferralStatus, StatusChange
from referral_cli.errors import ReferralError

FOLLOW_UP_DAYS = 7
CONSENT_DAYS = 30


@dataclass(frozen=True)
class Step:
    """One of the eight steps: its name, what it is for, and the questions for paper use."""

    number: int
    key: str
    title: str
    purpose: str
    prompts: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "needs",
        "Needs",
        "Identify the needs your own program cannot meet, or that a specialist would meet better.",
        (
            "Which needs did the youth name? Emergency (today, this week) or ongoing?",
            "Which of them does your own program meet? Those need no referral.",
        ),
    ),
    Step(
        2,
        "find",
        "Find",
        "Find vetted, trauma-informed, culturally appropriate providers for each unmet need.",
        (
            "Never offer an agency marked do-not-refer; check those marked verify or not vetted.",
            "Does it fit this youth: language, age, gender, LGBTQ-affirming, after-hours, "
            "access, transit, confidential address?",
            "Nothing fits? Ask the local task force or coalition, or the hotline.",
        ),
    ),
    Step(
        3,
        "ask",
        "Ask",
        "Ask each new contact about their experience and service options.",
        (
            "Call with the youth present, so they can ask their own questions.",
            "Experience with exploited youth and trauma-informed care? "
            "What can they offer, and when?",
        ),
    ),
    Step(
        4,
        "discuss",
        "Discuss",
        "Weigh each option with the youth, including safety risks. The youth decides.",
        (
            "What does the youth think of it?",
            "Safety: near areas of exploitation or the trafficker's reach? Route and transport? "
            "Is the address confidential?",
            "Hesitant? Explore why: the location, transport, a bad earlier experience, "
            "rumours, other.",
            "The youth may decline any option. Never push.",
        ),
    ),
    Step(
        5,
        "contact",
        "Contact",
        "Establish contact with a representative of the agency the youth chose.",
        ("Who is the representative (role, name)? Do they know trauma and CSEC?",),
    ),
    Step(
        6,
        "share",
        "Share",
        "Share only what the youth agrees to share, with that agency, for a stated purpose.",
        (
            "One release per agency: exactly which items, purpose, how shared, expiry (required).",
            "Tell the youth: it is voluntary and not a condition of service; it can be revoked "
            "at any "
            "time; the risks and benefits; whether the agency is a mandated reporter.",
            "Guardian consent where the law requires it (a non-abusive parent or guardian).",
        ),
    ),
    Step(
        7,
        "handoff",
        "Warm hand-off",
        "Visit the agency with the youth before services start.",
        ("When is the visit? Who goes? How will the youth get there safely?",),
    ),
    Step(
        8,
        "escort",
        "Escort",
        "Escort the youth to appointments if the youth wants that.",
        ("Does the youth want company to appointments? What is the plan, and the backup plan?",),
    ),
)
LAST_STEP = len(STEPS)

HESITATIONS: dict[str, str] = {
    "location": "Fear of the location",
    "transport": "Transport, getting there",
    "bad-experience": "A bad earlier experience with this provider",
    "rumours": "Rumours about it",
    "other": "Something else",
}

BASIC_NEEDS: dict[str, str] = {
    "food": "Food",
    "shelter": "Shelter for tonight",
    "clothing": "Clothing",
    "safety": "Safety (a safety plan, a safe way to reach you)",
}

NO_REFERRAL_REASONS: dict[str, str] = {
    "youth-declined": "The youth declines",
    "no-suitable-agency": "No suitable agency",
    "needs-met": "Our own program meets every need",
    "other": "Other",
}

NO_REFERRAL_NOW: tuple[str, ...] = (
    "Make this encounter count: the youth can come back at any time.",
    "Meet basic needs where you can: food, shelter, clothing, safety.",
    "Give information about trafficking and the services that exist, without pressure.",
    "Give hotline numbers, and say whom to call later (you, your program, the task force).",
)


def step(number: int) -> Step:
    """The step with this number (1-8)."""
    return STEPS[number - 1]


# --- the clock -----------------------------------------------------------------


def now(day: dt.date) -> dt.datetime:
    """A timestamp on `day` (the injected date), at the current local time, to the second."""
    return dt.datetime.combine(day, dt.datetime.now().time().replace(microsecond=0))


# --- the referral lifecycle -------------------------------------------------------

TERMINAL: frozenset[str] = frozenset(
    {"rejected", "completed", "failed", "cancelled", "entered_in_error"}
)
_ANYTIME = {"cancelled", "entered_in_error"}
TRANSITIONS: dict[str, frozenset[str]] = {
    "needs_identified": frozenset({"options_discussed", *_ANYTIME}),
    "options_discussed": frozenset({"consent_pending", *_ANYTIME}),
    "consent_pending": frozenset({"requested", *_ANYTIME}),
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

STATUS_LABELS: dict[str, str] = {
    "needs_identified": "needs identified",
    "options_discussed": "options discussed",
    "consent_pending": "consent pending",
    "requested": "requested",
    "accepted": "accepted by agency",
    "rejected": "rejected by agency",
    "handoff_scheduled": "hand-off scheduled",
    "in_progress": "in progress",
    "on_hold": "on hold",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
    "entered_in_error": "entered in error",
}


def is_open(status: str) -> bool:
    """Open statuses still need someone to follow up."""
    return status not in TERMINAL


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
