"""Step 4: weigh each option with the youth, safety included. The youth decides.

A hesitation is explored, not just noted: why, then what would help, and the tool acts on
the answer (the next candidate for the same need, the facts the catalog holds, a call or an
escort on the plan). Safety and route are asked only for an option the youth wants.
"""

from __future__ import annotations

from referral_cli.casefile.records import Considered, Hesitation, OptionTalk
from referral_cli.session import checklist as cl
from referral_cli.session.steps import site, standing
from referral_cli.session.steps.ask import call_line
from referral_cli.session.steps.contact import open_referrals
from referral_cli.session.steps.context import Context
from referral_cli.session.steps.find import candidates, considering
from referral_cli.text import one_line


def facts(ctx: Context, c: Considered) -> str:
    """The option in one line: name, marks, area, transit, confidential address."""
    agency = ctx.agency(c.agency)
    parts = [one_line(c.name) + (f" [{', '.join(c.marks)}]" if c.marks else "")]
    if agency is not None:
        parts.append(f"area: {one_line(agency.access.area)}")
        parts.append("transit: " + ("yes" if agency.access.transit else "no"))
        parts.append("confidential address: " + ("yes" if agency.confidential_address else "no"))
    else:  # a new contact: nobody has checked, so "no" would be a guess
        parts.append("confidential address: unknown")
    return " | ".join(parts)


def more_info(ctx: Context, c: Considered) -> None:
    """What the catalog says about the agency, to answer the youth's questions."""
    agency = ctx.agency(c.agency)
    if agency is None:
        ctx.echo("  The catalog holds nothing more on it: ask the agency.")
        return
    lines = [
        agency.description,
        f"Hours: {agency.hours.regular}"
        + (" (someone answers after hours)" if agency.hours.after_hours else ""),
        f"Access: {agency.access.area}" + (f"; {agency.access.note}" if agency.access.note else ""),
    ]
    if agency.intake.documents:
        lines.append("To bring: " + ", ".join(agency.intake.documents))
    for line in lines:
        ctx.echo(f"  {one_line(line)}")


def another(ctx: Context, c: Considered) -> None:
    """Offer the next candidate for the same need(s), to weigh in this step too."""
    taken = {x.agency for x in ctx.s.considered}
    for need in (n for n in ctx.s.needs if n.service in c.needs):
        nxt = next((x for x in candidates(ctx, need) if x.agency.id not in taken), None)
        if nxt is not None:
            ctx.echo(f"  Another option for {one_line(need.label)}: {one_line(nxt.agency.name)}.")
            ctx.s.considered.append(considering(nxt, need.service))
            return
    tf = ctx.task_force()
    ask_tf = f" Ask the task force: {one_line(tf.name)}, {one_line(tf.call)}." if tf else ""
    ctx.echo(f"  No other candidate in the catalog for this need.{ask_tf}")


NEAR_DANGER = (
    "  Caution, safety first: this option is near exploitation areas or the trafficker's "
    "reach. Consider another site or agency; if the youth still wants it, make a safety plan "
    "and arrange an escort (it is on the plan)."
)


NEAR_UNSURE = (
    "  Caution: it is not known whether this option is near exploitation areas or the "
    "trafficker's reach. Find out before the youth goes, and plan the escort (it is on the plan)."
)


def danger(ctx: Context, c: Considered) -> None:
    """Near the danger: say so, and offer the next candidate for the same need, if any."""
    ctx.echo(NEAR_DANGER)
    another(ctx, c)


def explore(ctx: Context, key: str, c: Considered) -> tuple[list[Hesitation], list[str], bool]:
    """Why the youth hesitates and what would help; returns them and whether to ask again."""
    reasons = ctx.asker.pick_many(
        f"{key}.hesitations",
        "What makes the youth hesitate (numbers)",
        list(cl.HESITATIONS.items()),
        required=True,
    )
    helps = ctx.asker.pick_many(
        f"{key}.help", "What would help (numbers)", list(cl.HESITATION_HELPS.items()), required=True
    )
    note = ctx.asker.optional(f"{key}.hesitation_note", "In the youth's words (optional)")
    if "more-info" in helps:
        more_info(ctx, c)
    if "another-site" in helps:
        another(ctx, c)
    if "call-first" in helps:
        ctx.echo(f"  On the plan: call first, with the youth. {call_line(ctx, c.agency)}")
    if "goes-along" in helps:
        ctx.echo("  On the plan: someone goes along (the hand-off and escort steps say who).")
    if "not-now" in helps:
        ctx.echo("  Not now is fine: it is on the plan to ask again at follow-up.")
    return [Hesitation(reason=r, note=note) for r in reasons], helps, "not-now" not in helps


def talk(ctx: Context, c: Considered) -> OptionTalk:
    """The conversation about one option: view, choice (hesitation explored), then safety."""
    agency = ctx.agency(c.agency)
    ctx.echo()
    ctx.echo(facts(ctx, c))
    standing.show(ctx, c.agency)
    key = f"discuss.{c.agency}"
    view = ctx.asker.optional(f"{key}.view", "The youth's view (optional)")
    choice = ctx.asker.choice(
        f"{key}.wants", "Does the youth want this option?", ["yes", "no", "hesitant"]
    )
    hesitations: list[Hesitation] = []
    helps: list[str] = []
    wants = choice == "yes"
    if choice == "hesitant":
        hesitations, helps, again = explore(ctx, key, c)
        if again:
            wants = ctx.asker.confirm(
                f"{key}.after", "Having talked it through, does the youth want it now?", None
            )
    near, transport = None, ""
    if wants:
        answer = ctx.asker.choice(
            f"{key}.near_danger",
            "Near exploitation areas or the trafficker's reach?",
            ["no", "yes", "unsure"],
        )
        near = None if answer == "unsure" else answer == "yes"
        if near:
            danger(ctx, c)
        elif near is None:  # not known is no all-clear; the next candidate stays for yes
            ctx.echo(NEAR_UNSURE)
        transport = ctx.asker.optional(f"{key}.transport", "Route and transport (optional)")
        standing.check(ctx, key, c, shown=True)
    return OptionTalk(
        agency=c.agency,
        youth_view=view,
        near_danger=near,
        transport=transport,
        confidential_address=bool(agency and agency.confidential_address),
        hesitations=hesitations,
        helps=helps,
        wants=wants,
    )


def run(ctx: Context) -> str | None:
    """Talk through every option (and any offered on the way); declining all is fine."""
    ctx.echo("The youth may decline any option. That is a fine answer.")
    talks: list[OptionTalk] = []
    while len(talks) < len(ctx.s.considered):
        talks.append(talk(ctx, ctx.s.considered[len(talks)]))
    ctx.s.options = talks
    if not any(t.wants for t in talks):
        ctx.echo("\nThe youth declined every option. That is their choice.")
        return "youth-declined"
    open_referrals(ctx)
    site.choose(ctx)
    return None
