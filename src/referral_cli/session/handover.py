"""What a receiving agency needs to act on a referral, beside the consented items.

The consent gate (consent.py) decides what about the youth may be shared. This adds what the
agency needs to act on a referral the youth agreed to: who referred and how to call them
back, how soon to make contact, and the hand-off and escort the youth agreed to. That
logistics part is given only while the release is valid, as the consented items are; the
worker's own contact is always given, so the agency can call back. The worker's free text
about who goes, transport and the escort plan is never given ("MK drives her" tells the
gender the youth may have kept back): only when, and that the youth wants an escort. "When"
is given only as a date and time (YYYY-MM-DD HH:MM, as step 7 asks for it); the free text
older case files hold there ("Thu 3pm, after school") stays in the worker's copy.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from referral_cli.casefile.records import Session
from referral_cli.prompt.parse import WHEN_FORMAT, structured_when
from referral_cli.session.consent import AgencyPacket
from referral_cli.session.urgency import URGENCY_TEXT, contact_by


class Handover(BaseModel):
    """The referrer's contact, and (under a valid release) urgency, hand-off and escort."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    worker: str
    program: str
    phone: str = ""
    email: str = ""
    urgency: str = ""
    urgency_text: str = ""
    contact_by: dt.date | None = None
    handoff_when: str = ""
    escort: str = ""


def handover_for(session: Session, packet: AgencyPacket) -> Handover:
    """The handover for the agency `packet` was made for; logistics only if it is valid."""
    base = Handover(
        worker=session.worker,
        program=session.program,
        phone=session.worker_phone,
        email=session.worker_email,
    )
    referral = session.referral_to(packet.agency)
    if referral is None or packet.consent != "valid":
        return base
    update: dict[str, object] = {}
    if referral.urgency:
        update["urgency"] = referral.urgency
        update["urgency_text"] = URGENCY_TEXT[referral.urgency]
        update["contact_by"] = contact_by(referral)
    at = structured_when(referral.handoff.when) if referral.handoff else None
    if at is not None:  # older case files hold free text here: it stays the worker's
        update["handoff_when"] = at.strftime(WHEN_FORMAT)
    if referral.escort and referral.escort.wants:
        # the worker's arrangement, not the youth's wish (that is hers, and no consent item)
        update["escort"] = "the referring worker will confirm who comes to the hand-off"
    return base.model_copy(update=update)
