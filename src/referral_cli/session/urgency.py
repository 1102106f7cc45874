"""How soon the receiving agency should reach the youth: emergency, urgent or routine.

Set in step 8 for each open referral, defaulting from the needs it covers; the agency packet
prints the deadline it implies. Kept out of the step module so the step holds one call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from referral_cli.casefile.records import Referral, Session, Urgency
from referral_cli.session.steps.context import Context

URGENCY_DAYS: dict[str, int] = {"emergency": 1, "urgent": 3, "routine": 14}
URGENCY_TEXT: dict[str, str] = {
    "emergency": "emergency: please call the referring worker within 24 hours",
    "urgent": "urgent: please call the referring worker within 72 hours",
    "routine": "routine: please call the referring worker within two weeks",
}
CRISIS_GROUPS = frozenset({"safety-crisis", "basic-needs"})


def default_urgency(session: Session, referral: Referral, groups: Mapping[str, str]) -> Urgency:
    """An emergency need for safety or survival is an emergency; any other emergency need
    is urgent; ongoing care is routine. `groups` maps service id to its catalog group."""
    needs = [n for n in session.needs if n.service in referral.needs and n.form == "emergency"]
    if any(groups.get(n.service) in CRISIS_GROUPS for n in needs):
        return "emergency"
    return "urgent" if needs else "routine"


def contact_by(referral: Referral) -> dt.date | None:
    """The date by which the agency should have contacted the youth."""
    if referral.urgency is None:
        return None
    asked = next((c.at.date() for c in referral.history if c.status == "requested"), None)
    start = asked or referral.history[0].at.date()
    return start + dt.timedelta(days=URGENCY_DAYS[referral.urgency])


def ask_urgency(ctx: Context, referral: Referral) -> Referral:
    """Ask the urgency (default from the needs) and keep it on the referral."""
    groups = {sid: s.group for sid, s in ctx.catalog.services.items()}
    default = referral.urgency or default_urgency(ctx.s, referral, groups)
    ctx.echo("Urgency: emergency = 24 hours, urgent = 72 hours, routine = two weeks.")
    picked = ctx.asker.choice(
        f"escort.{referral.agency}.urgency",
        "How soon should the agency contact the youth",
        list(URGENCY_DAYS),
        default,
    )
    return referral.model_copy(update={"urgency": picked})


def follow_up_default(referral: Referral, day: dt.date, usual: dt.date) -> dt.date:
    """The worker's own follow-up: no later than the agency's deadline."""
    deadline = contact_by(referral)
    return min(usual, deadline) if deadline and deadline >= day else usual
