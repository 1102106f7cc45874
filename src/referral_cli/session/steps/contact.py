"""Step 5: a representative at each agency the youth chose; the referral opens here."""

from __future__ import annotations

from referral_cli.casefile.records import Referral, Representative
from referral_cli.casework import lifecycle
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def representative(ctx: Context, key: str, aid: str) -> tuple[str, str]:
    """Role and name: the catalog's contact confirmed in one answer, else typed."""
    agency = ctx.agency(aid)
    if agency is not None and agency.contact.role:
        listed = ", ".join(x for x in (agency.contact.role, agency.contact.name) if x)
        if ctx.asker.confirm(f"{key}.as_listed", f"Representative: {one_line(listed)}?", None):
            return agency.contact.role, agency.contact.name
    role = ctx.asker.text(f"{key}.role", "Representative's role")
    name = ctx.asker.optional(f"{key}.name", "Their name (optional)")
    return role, name


def referral_to(ctx: Context, aid: str) -> Referral:
    """A new referral to one agency, with its representative and intake documents."""
    agency = ctx.agency(aid)
    ctx.echo(f"\n{one_line(ctx.name(aid))}")
    key = f"contact.{aid}"
    role, name = representative(ctx, key, aid)
    knows = ctx.asker.confirm(f"{key}.knows_trauma_csec", "Do they know trauma and CSEC?", None)
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
    """Open a referral for each option the youth wants (the youth chose them in step 4)."""
    ctx.s.referrals = [referral_to(ctx, t.agency) for t in ctx.s.options if t.wants]
    if not ctx.s.referrals:
        return "youth-declined"
    return None
