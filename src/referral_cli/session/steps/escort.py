"""Step 8: whether the youth wants company to appointments, and when to follow up."""

from __future__ import annotations

import datetime as dt

from referral_cli.casefile.records import Escort, is_open
from referral_cli.casework import lifecycle
from referral_cli.session import urgency
from referral_cli.session.steps import handoff
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def run(ctx: Context) -> str | None:
    """An escort plan and a follow-up date for each open referral."""
    for i, referral in enumerate(ctx.s.referrals):
        if not is_open(referral.status):
            continue
        key = f"escort.{referral.agency}"
        why = handoff.held(referral)
        if why is not None:  # escort and urgency are for a referral the agency was sent
            due = f"; follow up by {referral.follow_up}" if referral.follow_up else ""
            ctx.echo(f"\n{one_line(referral.agency_name)}: {why}, so no escort questions{due}.")
            handoff.skipped(ctx, f"{key}.")
            continue
        ctx.echo(f"\n{one_line(referral.agency_name)}")
        talk = next((t for t in ctx.s.options if t.agency == referral.agency), None)
        if talk is not None and "goes-along" in talk.helps:
            ctx.echo("The youth said someone going along would help: escort wanted.")
            wants = True
        else:
            wants = ctx.asker.confirm(
                f"{key}.wants", "Does the youth want to be escorted to appointments?", None
            )
        plan = ctx.asker.optional(f"{key}.plan", "The plan (who, how, backup)") if wants else ""
        referral = urgency.ask_urgency(ctx, referral)
        follow_up = ctx.asker.date(
            f"{key}.follow_up",
            "Follow up on (date or +days)",
            ctx.day,
            urgency.follow_up_default(
                referral,
                ctx.day,
                referral.follow_up or ctx.day + dt.timedelta(days=lifecycle.FOLLOW_UP_DAYS),
            ),
        )
        ctx.s.referrals[i] = referral.model_copy(
            update={"escort": Escort(wants=wants, plan=plan), "follow_up": follow_up}
        )
    return None
