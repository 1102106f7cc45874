"""An agency the catalog does not hold yet: a new contact the task force or a colleague named.

The guidance is to find providers through the task force and to ask new contacts, exactly
the agencies a catalog lacks. One is kept in the case file (encrypted) and is NOT VETTED
wherever it appears, until the coordinator adds it to the catalog and vets it.
"""

from __future__ import annotations

import re

from pydantic import TypeAdapter, ValidationError

from referral_cli.casefile.records import Considered, NewContact
from referral_cli.catalog.models import Phone
from referral_cli.errors import ReferralError
from referral_cli.session.steps.context import Context

NEW = "new"
NEW_LABEL = "A new contact, not in the catalog (e.g. one the task force suggests)"
MARK = "NOT VETTED"


def check_phone(text: str) -> str:
    """A phone number as the catalog would accept it."""
    try:
        return str(TypeAdapter(Phone).validate_python(text))
    except ValidationError:
        raise ReferralError(
            f"'{text}' is not a phone number (digits, spaces, + - ( ) .)."
        ) from None


def contact_id(ctx: Context, name: str) -> str:
    """An id for the new contact, never one the catalog or this case already uses."""
    base = "new-" + (re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60] or "contact")
    taken = set(ctx.catalog.agencies) | {c.agency for c in ctx.s.new_contacts}
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def find(ctx: Context, agency: str) -> NewContact | None:
    """The case's new contact with this id, if it is one."""
    return next((c for c in ctx.s.new_contacts if c.agency == agency), None)


def add(ctx: Context, key: str = "find.new") -> Considered:
    """Ask for the new contact (name, phone, need, who suggested it) and consider it."""
    name = ctx.asker.text(f"{key}.name", "The agency's name")
    phone = ctx.asker.text(f"{key}.phone", "Its phone", check=check_phone)
    unmet = [(n.service, n.label) for n in ctx.s.needs if not n.own_program]
    service = (
        ctx.asker.pick_one(f"{key}.service", "For which need (number)", unmet)
        if len(unmet) > 1
        else unmet[0][0]
    )
    by = ctx.asker.optional(f"{key}.suggested_by", "Who suggested it (e.g. the task force)")
    contact = NewContact(
        agency=contact_id(ctx, name), name=name, phone=phone, service=service, suggested_by=by
    )
    ctx.s.new_contacts.append(contact)
    why = "new contact, not in the catalog" + (f", suggested by {by}" if by else "")
    return Considered(
        agency=contact.agency, name=name, needs=[service], marks=[MARK], reasons=[why]
    )
