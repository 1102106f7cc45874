"""Step 5: a representative at each agency the youth chose; the referral opens here."""

from __future__ import annotations

from referral_cli.casefile.records import Referral, Representative
from referral_cli.casework import lifecycle
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def referral_to(ctx: Context, aid: str) -> Referral:
    """A new referral to one agency, with its representative and intake documents."""
    agency = ctx.agency(aid)
    ctx.echo(f"\n{one_line(ctx.name(aid))}")
    key = f"contact.{aid}"
    role = ctx.asker.text(
        f"{key}.role", "Representative's role", agency.contact.role if agency else None
    )
    name = ctx.asker.text(
        f"{key}.name", "Their name (optional)", agency.contact.name if agency else ""
    )
    knows = ctx.asker.confirm(
        f"{key}.knows_trauma_csec",
        "Do they know trauma and CSEC?",
        None,
    )
    if not knows:
        ctx.echo(
            "  Caution: a youth who was exploited needs a contact who knows trauma and CSEC. "
            "Ask the agency for another contact who does (often their trauma-trained intake "
            "staff), and note it."
        )
    referral = lifecycle.new_referral(
        aid, ctx.name(aid), "consent_pending", ctx.s.worker, ctx.now(), "contact established"
    )
    needs = next((c.needs for c in ctx.s.considered if c.agency == aid), [])
    return referral.model_copy(
        update={
            "needs": needs,
            "intake_documents": list(agency.intake.documents) if agency else [],
            "contact": Representative(role=role, name=name, knows_trauma_csec=knows),
        }
    )


def run(ctx: Context) -> str | None:
    """Open a referral for each option the youth chose."""
    wanted = [t.agency for t in ctx.s.options if t.wants]
    if len(wanted) > 1:
        chosen = ctx.asker.pick_many(
            "contact.choose",
            "Which did the youth choose (numbers)",
            [(a, ctx.name(a)) for a in wanted],
            default=wanted,
            required=True,
        )
    else:
        chosen = wanted
    ctx.s.referrals = [referral_to(ctx, aid) for aid in chosen]
    if not ctx.s.referrals:
        return "youth-declined"
    return None
