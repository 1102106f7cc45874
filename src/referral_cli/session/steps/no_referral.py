"""The no-referral path: why, what to do now, the hotlines, and whom to call later."""

from __future__ import annotations

from referral_cli.casefile.records import NoReferral, is_open
from referral_cli.casework import lifecycle
from referral_cli.session import checklist as cl
from referral_cli.session import reoffer
from referral_cli.session.steps.context import Context


def run(ctx: Context, at_step: int, default_reason: str) -> None:
    """Make this encounter count, close any open referral, and finish the session."""
    ctx.asker.escape = False
    ctx.echo("\nNo referral — what to do now")
    reason = ctx.asker.pick_one(
        "no_referral.reason",
        "Why no referral",
        list(cl.NO_REFERRAL_REASONS.items()),
        default=default_reason,
    )
    note = ctx.asker.optional("no_referral.note", "In a few words (optional)")
    ctx.echo()
    ctx.echo(ctx.screens.no_referral_now(ctx.task_force(), ctx.catalog.hotlines))
    ctx.echo()
    basic = ctx.asker.pick_many(
        "no_referral.basic_needs", "Basic needs met today (numbers)", list(cl.BASIC_NEEDS.items())
    )
    info = ctx.asker.confirm(
        "no_referral.info_given", "Gave information about trafficking and services?", None
    )
    hotlines = [(h.id, h.name) for h in ctx.catalog.hotlines]
    given = ctx.asker.pick_many(
        "no_referral.hotlines",
        "Hotlines given (numbers)",
        hotlines,
        explicit=True,
    )
    later = reoffer.call_later_default(ctx)
    call_later = ctx.asker.text("no_referral.call_later", "Whom to call later", later)
    again = reoffer.ask_reoffer(ctx, reason)
    for i, referral in enumerate(ctx.s.referrals):
        if is_open(referral.status):
            ctx.s.referrals[i] = lifecycle.move(
                referral, "cancelled", ctx.s.worker, ctx.now(), f"no referral: {reason}"
            )
    ctx.s.no_referral = NoReferral(
        reason=reason,
        note=note,
        at_step=at_step,
        basic_needs=basic,
        info_given=info,
        hotlines=reoffer.hotline_names(ctx, given),
        call_later=call_later,
        follow_up=again,
    )
    ctx.s.finished = True
    ctx.s.pending = {}
    ctx.save()
