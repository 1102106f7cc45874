"""Step 6: one release per agency, item by item: only what the youth agrees to share.

Items are picked by their stable names (need:<service>, about:language, ...), never by
position, and nothing is saved until the screen has read back, by name, exactly what will
and will not go to the agency and until when, and the worker has typed yes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from referral_cli.casefile.records import Referral, Release
from referral_cli.casework import lifecycle
from referral_cli.errors import ReferralError
from referral_cli.session import checklist as cl
from referral_cli.session.consent import STATE_TEXT, Item, items_for, release_state
from referral_cli.session.steps import standing
from referral_cli.session.steps.contact import open_referrals
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def purpose_of(ctx: Context, referral: Referral) -> str:
    """The release's stated purpose, from the needs it is for (read back, never typed)."""
    labels = [mid_sentence(n.label) for n in ctx.s.needs if n.service in referral.needs]
    if len(labels) > 1:
        labels = [", ".join(labels[:-1]) + " and " + labels[-1]]
    return "To arrange " + (labels[0] if labels else "the services the youth asked for")


def mid_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "emergency shelter", but "LGBTQ+ youth services"."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


HOW = {"verbal": "verbally", "written": "in writing", "electronic": "electronically"}


def item_words(items: Sequence[Item]) -> Callable[[str], list[str]]:
    """An item by its key, the key's short name ("language"), "all", or a unique word."""

    def resolve(word: str) -> list[str]:
        w = word.strip().casefold()
        if w == "all":
            return [i.key for i in items] if len(items) == 1 else []
        short = [i.key for i in items if i.key.split(":", 1)[1] == w]
        if short:
            return short
        return [i.key for i in items if w in f"{i.label}: {i.text}".casefold()]

    return resolve


def item_menu(items: Sequence[Item]) -> str:
    """Each item with the name to type for it."""
    width = max((len(i.key) for i in items), default=0)
    return "\n".join(f"  {i.key:<{width}}  {one_line(f'{i.label}: {i.text}')}" for i in items)


def read_back(name: str, release: Release, items: Sequence[Item], today: dt.date) -> str:
    """Exactly what will and will not go to the agency, by name, and until when."""
    state = release_state(release, today)
    named = [one_line(f"{i.label}: {i.text}") for i in items]
    shared = [n for i, n in zip(items, named, strict=True) if i.key in release.items]
    kept = [n for i, n in zip(items, named, strict=True) if i.key not in release.items]
    if state != "valid":
        return f"Nothing will be shared with {name}: {STATE_TEXT[state]}."
    lines = [
        f"Shared with {name} until {release.expires}: " + ("; ".join(shared) or "nothing") + ".",
        "Not shared: " + ("; ".join(kept) or "nothing") + ".",
        f"Purpose: {one_line(release.purpose)}. Shared {HOW[release.shared_how]}; consent "
        f"given {HOW[release.given_how]} by the {' and the '.join(release.consent_by)}; "
        "revocable at any time.",
    ]
    return "\n".join(lines)


def release_for(ctx: Context, referral: Referral) -> Release:
    """The youth's consent for one agency, saved only after the read-back and a typed yes."""
    key = f"share.{referral.agency}"
    name = one_line(referral.agency_name)
    while True:
        release = ask_release(ctx, referral)
        items = items_for(ctx.s, referral.agency)
        ctx.echo()
        ctx.echo(read_back(name, release, items, ctx.day))
        if ctx.asker.typed_yes(f"{key}.confirm", "Is that what the youth agreed to?"):
            return release
        if f"{key}.confirm" in ctx.asker.answers:
            raise ReferralError(f"The answers file says no at '{key}.confirm': nothing saved.")
        ctx.echo("Then answer again; nothing was saved.")
        ctx.asker.forget(f"{key}.")


def ask_release(ctx: Context, referral: Referral) -> Release:
    """The release's questions: items by name, how, by whom, expiry, rights told."""
    aid = referral.agency
    key = f"share.{aid}"
    ctx.echo(f"\nWhat may go to {one_line(referral.agency_name)}? Only what the youth agrees to.")
    considered = next((c for c in ctx.s.considered if c.agency == aid), None)
    if considered is not None:
        standing.check(ctx, key, considered)
    items = items_for(ctx.s, aid)
    ctx.echo(item_menu(items))
    picked = ctx.asker.pick_many(
        f"{key}.items",
        "Items the youth agrees to share (names, e.g. language; or none)",
        [(item.key, f"{item.label}: {item.text}") for item in items],
        show=False,
        resolve=item_words(items),
        numbers=False,
        explicit=True,
    )
    purpose = purpose_of(ctx, referral)
    how = ctx.asker.choice(f"{key}.shared_how", "Shared how", ["verbal", "written", "electronic"])
    given_how = ctx.asker.choice(f"{key}.given_how", "Consent given", ["written", "verbal"])
    consent_by = ["youth"]
    guardian_required = ctx.asker.confirm(
        f"{key}.guardian_required", "Does the law require a guardian's consent too?", None
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
        None,
    )
    interpreter = False
    if ctx.s.profile.language and ctx.s.profile.language != "en":
        interpreter = ctx.asker.confirm(f"{key}.interpreter", "Was an interpreter used?", None)
    return Release(
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


def run(ctx: Context) -> str | None:
    """Record the special considerations, then a release for each referral."""
    ctx.s.considerations = ctx.asker.lines(
        "share.considerations",
        "Special considerations given the youth's trauma (no names, addresses or birth dates)",
    )
    open_referrals(ctx)  # a draft from before the referrals opened in step 4
    releases: list[Release] = []
    for i, referral in enumerate(ctx.s.referrals):
        releases.append(release_for(ctx, referral))
        if standing.unchecked(ctx, referral.agency):
            continue  # not requested until its checks are done (step 5 asks again)
        ctx.s.referrals[i] = lifecycle.move(
            referral, "requested", ctx.s.worker, ctx.now(), "release recorded"
        )
    ctx.s.releases = releases
    return None
