"""The plan that ends the in-room phase: whom to call, what may go to whom, what is next."""

from __future__ import annotations

from referral_cli.console import command
from referral_cli.session.consent import items_for
from referral_cli.session.steps.ask import call_line
from referral_cli.session.steps.context import Context
from referral_cli.session.steps.share import read_back
from referral_cli.session.steps.standing import in_question
from referral_cli.text import one_line


def to_do(ctx: Context) -> list[str]:
    """What the worker still has to do for the options the youth wants or put off."""
    lines: list[str] = []
    called = {c.agency for c in ctx.s.calls if c.called}
    checked = {c.agency for c in ctx.s.considered if c.checked}
    for talk in ctx.s.options:
        name = one_line(ctx.name(talk.agency))
        if talk.wants and talk.agency not in called:
            lines.append(f"Call {call_line(ctx, talk.agency)}")
        if "call-first" in talk.helps:
            lines.append(f"Call {name} with the youth first, as the youth asked.")
        if talk.wants and talk.agency not in checked and in_question(ctx, talk.agency):
            lines.extend(
                f"Check before referring to {name}: {q}" for q in in_question(ctx, talk.agency)
            )
            lines.append(
                f"{name} is not requested yet (deferred, check first): the contact step "
                "(step 5) asks again, and requests it once the checks are done."
            )
        if talk.wants and talk.near_danger:
            lines.append(
                f"Safety first for {name}: it is near exploitation areas or the trafficker's "
                "reach. Consider another site or agency, or make a safety plan and arrange an "
                "escort."
            )
        if talk.wants and talk.near_danger is None:  # asked whenever wanted: None is unsure
            lines.append(
                f"Find out before the youth goes whether {name} is near exploitation areas or "
                "the trafficker's reach, and plan the escort."
            )
        if "goes-along" in talk.helps:
            lines.append(f"Someone goes along to {name}: plan who at the hand-off.")
        if "not-now" in talk.helps:
            lines.append(f"Ask again about {name} at follow-up (the youth said not now).")
    return lines


def plan(ctx: Context) -> str:
    """The whole plan as text, ending with the command that runs the later steps."""
    out = [f"The plan for {ctx.s.reference}", ""]
    for referral in ctx.s.referrals:
        release = ctx.s.release_for(referral.agency)
        name = one_line(referral.agency_name)
        if release is None:
            out.append(f"Nothing may be shared with {name}: no consent recorded.")
            continue
        items = items_for(ctx.s, referral.agency)
        out.extend(read_back(name, release, items, ctx.day).splitlines()[:2])
    todo = to_do(ctx)
    if todo:
        out.extend(["", "To do:", *(f"  - {line}" for line in todo)])
    out.extend(
        [
            "",
            "Next, after the session: reach each agency's representative (step 5), the warm "
            "hand-off (7), the escort (8).",
            "Run them with:",
            f"  {command('resume ' + ctx.s.reference)}",
        ]
    )
    return "\n".join(out)
