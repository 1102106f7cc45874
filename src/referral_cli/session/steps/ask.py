"""Step 3: call each agency considered, with the youth present, and note what they said.

The call is made in the room where it can be, so the youth can ask their own questions; a
call that cannot be made now is marked for later (the worker makes it after the session).
"""

from __future__ import annotations

from referral_cli.casefile.records import Considered, ProviderCall
from referral_cli.session.steps import new_contact
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line

PRESENT: list[tuple[str, str]] = [
    ("youth", "The youth"),
    ("worker", "You"),
    ("guardian", "A safe parent or guardian"),
    ("interpreter", "An interpreter"),
    ("support", "Another support person"),
]
CALL_NOW = "Call with the youth present, so they can ask their own questions."


def call_line(ctx: Context, agency_id: str) -> str:
    """Whom to call and how, from the catalog (nothing to ask that the catalog says)."""
    agency = ctx.agency(agency_id)
    if agency is None:
        new = new_contact.find(ctx, agency_id)
        phone = f": {new.phone} (a new contact, NOT VETTED)" if new else ""
        return one_line(ctx.name(agency_id) + phone)
    rep = ", ".join(x for x in (agency.contact.role, agency.contact.name) if x)
    phone = agency.contact.phone or agency.call
    return one_line(f"{agency.name}: {phone}, ask for {rep}. Hours: {agency.hours.regular}")


def the_call(ctx: Context, key: str, agency: str) -> ProviderCall:
    """A call that was made: who was on it, and what the provider said, in one line."""
    present = ctx.asker.pick_many(
        f"{key}.present", "Who was on the call (numbers)", PRESENT, required=True
    )
    said = ctx.asker.optional(
        f"{key}.said", "What they said: experience with exploited youth, what they offer"
    )
    return ProviderCall(
        agency=agency,
        called=True,
        youth_present="youth" in present,
        present=present,
        experience=said,
    )


def ask_one(ctx: Context, c: Considered) -> ProviderCall:
    """Call one agency now, later, or not at all."""
    ctx.echo()
    ctx.echo(call_line(ctx, c.agency))
    key = f"ask.{c.agency}"
    when = ctx.asker.choice(f"{key}.call", f"Call {one_line(c.name)} now?", ["now", "later", "no"])
    if when != "now":
        return ProviderCall(agency=c.agency, called=False, later=when == "later")
    return the_call(ctx, key, c.agency)


NEW_KEY = "ask.new_contact"


def another_contact(ctx: Context) -> bool:
    """Whether a call named an agency the catalog lacks (asked where someone can answer)."""
    if NEW_KEY not in ctx.asker.answers and not ctx.asker.interactive:
        return False  # an answers file without the key: no new contact
    return ctx.asker.confirm(
        NEW_KEY, "Did a call name another agency to consider (a new contact)?", False
    )


def run(ctx: Context) -> str | None:
    """One call per agency considered; a new contact named on a call is considered too."""
    ctx.echo(CALL_NOW)
    ctx.s.calls = [ask_one(ctx, c) for c in ctx.s.considered]
    made = any(call.called for call in ctx.s.calls)  # only a call made can name another
    if made and another_contact(ctx):
        added = new_contact.add(ctx, "ask.new")
        ctx.s.considered.append(added)
        ctx.s.calls.append(ask_one(ctx, added))
    return None
