"""Step 4: weigh each option with the youth, safety included. The youth decides."""

from __future__ import annotations

from referral_cli.casefile.records import Considered, Hesitation, OptionTalk
from referral_cli.session import checklist as cl
from referral_cli.session.steps import standing
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def talk(ctx: Context, c: Considered) -> OptionTalk:
    """The conversation about one option: view, safety, transport, hesitation, the choice."""
    agency = ctx.agency(c.agency)
    confidential = bool(agency and agency.confidential_address)
    ctx.echo()
    facts = [one_line(c.name) + (f" [{', '.join(c.marks)}]" if c.marks else "")]
    if agency is not None:
        facts.append(f"area: {one_line(agency.access.area)}")
        facts.append("transit: " + ("yes" if agency.access.transit else "no"))
    facts.append("confidential address: " + ("yes" if confidential else "no"))
    ctx.echo(" | ".join(facts))
    key = f"discuss.{c.agency}"
    view = ctx.asker.optional(f"{key}.view", "The youth's view")
    near = ctx.asker.choice(
        f"{key}.near_danger",
        "Near exploitation areas or the trafficker's reach?",
        ["no", "yes", "unsure"],
    )
    transport = ctx.asker.optional(f"{key}.transport", "Route and transport")
    hesitations: list[Hesitation] = []
    if ctx.asker.confirm(f"{key}.hesitant", "Is the youth hesitant?", None):
        reasons = ctx.asker.pick_many(
            f"{key}.hesitations",
            "Why (numbers)",
            list(cl.HESITATIONS.items()),
            required=True,
        )
        note = ctx.asker.optional(f"{key}.hesitation_note", "In the youth's words")
        hesitations = [Hesitation(reason=r, note=note) for r in reasons]
    wants = ctx.asker.confirm(f"{key}.wants", "Does the youth want this option?", None)
    if wants:
        standing.check(ctx, key, c)
    return OptionTalk(
        agency=c.agency,
        youth_view=view,
        near_danger=None if near == "unsure" else near == "yes",
        transport=transport,
        confidential_address=confidential,
        hesitations=hesitations,
        wants=wants,
    )


def run(ctx: Context) -> str | None:
    """Talk through every option; declining them all is the no-referral path."""
    ctx.echo("The youth may decline any option. That is a fine answer.")
    talks = [talk(ctx, c) for c in ctx.s.considered]
    ctx.s.options = talks
    if not any(t.wants for t in talks):
        ctx.echo("\nThe youth declined every option. That is their choice.")
        return "youth-declined"
    return None
