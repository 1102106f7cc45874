"""The eight referral steps as data, and the rules a referral's status must follow.

Steps, hesitation reasons and the no-referral checklist live here once, so the interactive
session, the paper checklist and the summaries all say the same thing. The lifecycle follows
DOMAIN.md (after the FHIR SDOH referral task states): every change is timestamped with who set
it, every open status has a follow-up date, and `completed` needs a confirmed first contact.
"""

from __future__ import annotations

from dataclasses import dataclass

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
            "rumours, other. And what would help: someone going along, another site or time, "
            "a call with the provider first, more information, or not now.",
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
# The order the steps really happen in: with the youth in the room needs, find, a call with
# the youth, weighing the options, consent; after, often over days: the calls without the
# youth and the representative, the warm hand-off, the escort.
IN_ROOM: tuple[int, ...] = (1, 2, 3, 4, 6)
AFTER: tuple[int, ...] = (5, 7, 8)
ORDER: tuple[int, ...] = IN_ROOM + AFTER

HESITATIONS: dict[str, str] = {
    "location": "Fear of the location",
    "transport": "Transport, getting there",
    "bad-experience": "A bad earlier experience with this provider",
    "rumours": "Rumours about it",
    "other": "Something else",
}

HESITATION_HELPS: dict[str, str] = {
    "goes-along": "Someone goes along",
    "another-site": "Another site or time",
    "call-first": "A call with the provider first",
    "more-info": "More information about it",
    "not-now": "Not now",
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
