"""Step 7: the agency's answer, and the warm hand-off visit with the youth."""

from __future__ import annotations

from referral_cli.casefile.records import Handoff, Referral, is_open
from referral_cli.casework import lifecycle
from referral_cli.prompt.parse import WHEN_FORMAT, WHEN_HINT
from referral_cli.session.steps.contact import CHECK_FIRST
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
    ctx.echo(f"  Give it as {WHEN_HINT}; Enter: not yet.")
    at = ctx.asker.when(f"{key}.when", "Hand-off visit: date and time", ctx.day)
    if at is not None:
        when = at.strftime(WHEN_FORMAT)  # the one form an agency's copy is given
        who = ctx.asker.text(f"{key}.who", "Who goes", "worker and youth")
        transport = ctx.asker.optional(f"{key}.transport", "Transport")
        referral = referral.model_copy(
            update={"handoff": Handoff(when=when, who=who, transport=transport)}
        )
        if referral.status == "accepted":
            referral = lifecycle.move(referral, "handoff_scheduled", ctx.s.worker, ctx.now(), when)
    return referral


def held(referral: Referral) -> str | None:
    """Why a referral waits (consent pending, or on hold), said in a few words; else None.

    The hand-off and the escort are for a referral that was requested: these skip both.
    """
    if referral.status == "consent_pending":
        return "not requested yet"
    if referral.status != "on_hold":
        return None
    last = referral.history[-1] if referral.history else None
    if last is not None and last.status == "on_hold" and last.note.startswith(CHECK_FIRST):
        return f"not requested yet ({CHECK_FIRST})"
    return "on hold"


def skipped(ctx: Context, prefix: str) -> None:
    """Questions a held referral is not asked: their answers in a file are not typos."""
    ctx.asker.used.update(k for k in ctx.asker.answers if k.startswith(prefix))


def run(ctx: Context) -> str | None:
    """Hand off every open referral; none left open is the no-referral path."""
    for i, referral in enumerate(ctx.s.referrals):
        if held(referral) is not None:
            ctx.echo(f"\n{one_line(referral.agency_name)}: {held(referral)}, so no hand-off.")
            skipped(ctx, f"handoff.{referral.agency}.")
        elif is_open(referral.status):
            ctx.s.referrals[i] = hand_off(ctx, referral)
    if not any(is_open(r.status) for r in ctx.s.referrals):
        ctx.echo("\nNo referral is open any more.")
        return "no-suitable-agency"
    return None
