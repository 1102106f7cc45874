"""Step 6: one release per agency, item by item: only what the youth agrees to share."""

from __future__ import annotations

import datetime as dt

from referral_cli.casefile.records import Referral, Release
from referral_cli.casework import lifecycle
from referral_cli.errors import ReferralError
from referral_cli.session import checklist as cl
from referral_cli.session.consent import STATE_TEXT, items_for, release_state
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line

DEFAULT_PURPOSE = "To arrange the services the youth asked for"


def release_for(ctx: Context, referral: Referral) -> Release:
    """The youth's consent for one agency: items, purpose, how, by whom, until when."""
    aid = referral.agency
    key = f"share.{aid}"
    name = one_line(referral.agency_name)
    ctx.echo(f"\nWhat may go to {name}? Only what the youth agrees to, item by item.")
    items = items_for(ctx.s, aid)
    picked = ctx.asker.pick_many(
        f"{key}.items",
        "Items the youth agrees to share (numbers)",
        [(item.key, f"{item.label}: {item.text}") for item in items],
    )
    purpose = ctx.asker.text(f"{key}.purpose", "Purpose", DEFAULT_PURPOSE)
    how = ctx.asker.choice(
        f"{key}.shared_how", "Shared how", ["verbal", "written", "electronic"], "verbal"
    )
    given_how = ctx.asker.choice(
        f"{key}.given_how", "Consent given", ["written", "verbal"], "written"
    )
    consent_by = ["youth"]
    guardian_required = ctx.asker.confirm(
        f"{key}.guardian_required", "Does the law require a guardian's consent too?", False
    )
    if guardian_required and ctx.asker.confirm(
        f"{key}.guardian_consents", "Did a non-abusive parent or guardian consent?", None
    ):
        consent_by.append("guardian")
    expires = ctx.asker.date(
        f"{key}.expires",
        "Consent expires (date or +days)",
        ctx.day,
        ctx.day + dt.timedelta(days=cl.CONSENT_DAYS),
    )
    if expires < ctx.day:
        raise ReferralError("The expiry date is in the past.")
    informed = ctx.asker.confirm(
        f"{key}.informed",
        "Youth told: voluntary, not a condition of service, revocable any time, "
        "risks and benefits, whether the agency is a mandated reporter?",
        True,
    )
    interpreter = False
    if ctx.s.profile.language and ctx.s.profile.language != "en":
        interpreter = ctx.asker.confirm(f"{key}.interpreter", "Was an interpreter used?", False)
    release = Release(
        agency=aid,
        items=picked,
        purpose=purpose,
        shared_how=how,
        consent_by=consent_by,
        guardian_required=guardian_required,
        given_how=given_how,
        given=ctx.day,
        expires=expires,
        informed=informed,
        language=ctx.s.profile.language or "",
        interpreter=interpreter,
    )
    state = release_state(release, ctx.day)
    if state != "valid":
        ctx.echo(f"Nothing will be shared with {name}: {STATE_TEXT[state]}.")
    else:
        ctx.echo(f"{len(picked)} of {len(items)} items may be shared with {name} until {expires}.")
    return release


def run(ctx: Context) -> str | None:
    """Record the special considerations, then a release for each referral."""
    ctx.s.considerations = ctx.asker.lines(
        "share.considerations",
        "Special considerations given the youth's trauma (no names, addresses or birth dates)",
    )
    releases: list[Release] = []
    for i, referral in enumerate(ctx.s.referrals):
        releases.append(release_for(ctx, referral))
        ctx.s.referrals[i] = lifecycle.move(
            referral, "requested", ctx.s.worker, ctx.now(), "release recorded"
        )
    ctx.s.releases = releases
    return None
