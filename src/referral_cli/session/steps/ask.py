"""Step 3: call each agency considered and note what they said."""

from __future__ import annotations

from referral_cli.casefile.records import ProviderCall
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def run(ctx: Context) -> str | None:
    """One call per agency considered: whether it was made, and what the provider offered."""
    calls: list[ProviderCall] = []
    for c in ctx.s.considered:
        agency = ctx.agency(c.agency)
        ctx.echo()
        if agency is not None:
            rep = ", ".join(x for x in (agency.contact.role, agency.contact.name) if x)
            phone = agency.contact.phone or agency.phone
            ctx.echo(
                one_line(f"{agency.name}: {phone}, ask for {rep}. Hours: {agency.hours.regular}")
            )
        key = f"ask.{c.agency}"
        called = ctx.asker.confirm(f"{key}.called", f"Called {one_line(c.name)}?", None)
        if not called:
            calls.append(ProviderCall(agency=c.agency, called=False))
            continue
        present = ctx.asker.confirm(f"{key}.youth_present", "Was the youth on the call?", None)
        experience = ctx.asker.optional(
            f"{key}.experience", "Their experience with exploited youth (what they said)"
        )
        options = ctx.asker.optional(f"{key}.options", "Service options they offered")
        calls.append(
            ProviderCall(
                agency=c.agency,
                called=True,
                youth_present=present,
                experience=experience,
                options=options,
            )
        )
    ctx.s.calls = calls
    return None
