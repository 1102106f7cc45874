"""Step 7: the agency's answer, and the warm hand-off visit with the youth."""

from __future__ import annotations

from referral_cli.casefile.records import Handoff, Referral, is_open
from referral_cli.casework import lifecycle
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def hand_off(ctx: Context, referral: Referral) -> Referral:
    """One open referral after the agency answered: rejected, or a visit planned."""
    key = f"handoff.{referral.agency}"
    ctx.echo(f"\n{one_line(referral.agency_name)}")
    answer = ctx.asker.choice(
        f"{key}.agency_answer", "Agency's answer", ["accepted", "waiting", "rejected"]
    )
    if answer == "rejected":
        why = ctx.asker.text(f"{key}.reason", "Why did they decline (short)")
        return lifecycle.move(referral, "rejected", ctx.s.worker, ctx.now(), why)
    if answer == "accepted":
        referral = lifecycle.move(referral, "accepted", ctx.s.worker, ctx.now())
    when = ctx.asker.text(
        f"{key}.when", "Hand-off visit: when (e.g. Thu 3pm, or 'not yet')", "not yet"
    )
    if when != "not yet":
        who = ctx.asker.text(f"{key}.who", "Who goes", "worker and youth")
        transport = ctx.asker.optional(f"{key}.transport", "Transport")
        referral = referral.model_copy(
            update={"handoff": Handoff(when=when, who=who, transport=transport)}
        )
        if referral.status == "accepted":
            referral = lifecycle.move(referral, "handoff_scheduled", ctx.s.worker, ctx.now(), when)
    return referral


def run(ctx: Context) -> str | None:
    """Hand off every open referral; none left open is the no-referral path."""
    for i, referral in enumerate(ctx.s.referrals):
        if referral.status in ("consent_pending", "on_hold"):
            ctx.echo(f"\n{one_line(referral.agency_name)}: not requested yet, so no hand-off.")
        elif is_open(referral.status):
            ctx.s.referrals[i] = hand_off(ctx, referral)
    if not any(is_open(r.status) for r in ctx.s.referrals):
        ctx.echo("\nNo referral is open any more.")
        return "no-suitable-agency"
    return None
