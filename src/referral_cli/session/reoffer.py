"""The no-referral path's follow-through: when to offer the referral again, whom to call.

A session that ends without a referral still owes the youth a second chance: a re-offer
date (a week by default) puts it in `referral followups`; "whom to call later" carries the
worker's phone from the profile; the hotlines given are kept by name and number, so the
record reads the same after the catalog changes. The no-referral step calls these.
"""

from __future__ import annotations

import datetime as dt

from referral_cli.session.steps.context import Context

REOFFER_DAYS = 7


def call_later_default(ctx: Context) -> str:
    """The worker (with the phone from the profile) and the local task force, if any."""
    s = ctx.s
    worker = ", ".join(x for x in (s.worker, s.program, s.worker_phone) if x)
    tf = ctx.task_force()
    return worker + (f"; {tf.name}, {tf.phone}" if tf else "")


def hotline_names(ctx: Context, ids: list[str]) -> list[str]:
    """The hotlines given, as 'Name: number' (and text keyword), not as catalog ids."""
    found = {h.id: h for h in ctx.catalog.hotlines}
    out = []
    for hid in ids:
        h = found.get(hid)
        if h is None:
            out.append(hid)
            continue
        ways = [f"call {h.call}"] if h.call else []
        if h.text:
            ways.append(
                f"text {h.text_keyword} to {h.text}" if h.text_keyword else f"text {h.text}"
            )
        out.append(f"{h.name}: {', '.join(ways) or h.hours}")
    return out


def ask_reoffer(ctx: Context, reason: str) -> dt.date | None:
    """When to offer the referral again (a week by default): it shows in followups.

    Not asked when the worker's own program meets every need: nothing is left to offer.
    """
    if reason == "needs-met":
        return None
    return ctx.asker.date(
        "no_referral.follow_up",
        "Offer the referral again on (date or +days)",
        ctx.day,
        ctx.day + dt.timedelta(days=REOFFER_DAYS),
    )
