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
from referral_cli.session.steps.contact import open_referrals, release_note
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def purpose_of(ctx: Context, referral: Referral, picked: Sequence[str]) -> str:
    """The release's stated purpose, from the needs the youth agreed to share (read back,
    never typed): a need the youth kept back is not named, so "To arrange a referral"."""
    labels = [
        mid_sentence(n.label)
        for n in ctx.s.needs
        if n.service in referral.needs and f"need:{n.service}" in picked
    ]
    if len(labels) > 1:
        labels = [", ".join(labels[:-1]) + " and " + labels[-1]]
    return "To arrange " + (labels[0] if labels else "a referral")


def mid_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "emergency shelter", but "LGBTQ+ youth services"."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


HOW = {"verbal": "verbally", "written": "in writing", "electronic": "electronically"}


NEEDS_WORD = "needs"  # the one group word: every need item on the list


def item_names(items: Sequence[Item]) -> list[str]:
    """The shortest name to type for each item, as the error messages list them."""
    shorts = [i.key.split(":", 1)[1] for i in items]
    return [
        s if shorts.count(s) == 1 and not s.isdigit() else i.key
        for i, s in zip(items, shorts, strict=True)
    ]


def item_words(items: Sequence[Item]) -> Callable[[str], list[str]]:
    """An item by its exact key, its key's short name ("language") or its exact label, any
    case; "needs" for every need item; "all" when there is one item. Never a partial word:
    a guess here would share what the youth did not agree to, so anything else is an error
    that lists the names."""

    def resolve(word: str) -> list[str]:
        w = word.strip().casefold()
        needs = [i.key for i in items if i.key.startswith("need:")]
        if w == "all" and len(items) == 1:
            return [items[0].key]
        if w == NEEDS_WORD and needs:
            return needs
        hits = [
            i.key
            for i in items
            if w in (i.key.casefold(), i.key.split(":", 1)[1].casefold(), i.label.casefold())
        ]
        if len(hits) == 1:
            return hits
        names = ", ".join(item_names(items) + ([NEEDS_WORD] if needs else []))
        if hits:
            raise ReferralError(
                f"'{word}' could be any of {', '.join(hits)}: type one name each. "
                f"Names: {names}, or none."
            )
        raise ReferralError(f"'{word}' is not an item name. Names: {names}, or none.")

    return resolve


def item_menu(items: Sequence[Item]) -> str:
    """Each item with the name to type for it."""
    width = max((len(i.key) for i in items), default=0)
    return "\n".join(f"  {i.key:<{width}}  {one_line(f'{i.label}: {i.text}')}" for i in items)


def read_back(name: str, release: Release, items: Sequence[Item], today: dt.date) -> str:
    """Exactly what will and will not go to the agency, by name, and until when."""
    state = release_state(release, today)
    if not release.items:
        return f"Nothing will be shared with {name}: the youth agreed to share nothing."
    named = [one_line(f"{i.label}: {i.text}").rstrip(".") for i in items]  # no ".."
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
    """The youth's consent for one agency, saved only after the read-back and a typed yes.

    "none" records that nothing is shared and asks no release form; a "no" at the read-back
    asks the items again and keeps the other answers."""
    key = f"share.{referral.agency}"
    name = one_line(referral.agency_name)
    ctx.echo(f"\nWhat may go to {name}? Only what the youth agrees to.")
    considered = next((c for c in ctx.s.considered if c.agency == referral.agency), None)
    if considered is not None:
        standing.check(ctx, key, considered)
    items = items_for(ctx.s, referral.agency)
    terms: Release | None = None
    while True:
        picked = ask_items(ctx, key, items)
        if not picked:
            release = nothing_shared(ctx, referral)
        else:
            terms = terms or ask_terms(ctx, referral)
            purpose = purpose_of(ctx, referral, picked)
            release = terms.model_copy(update={"items": picked, "purpose": purpose})
        ctx.echo()
        ctx.echo(read_back(name, release, items, ctx.day))
        if ctx.asker.typed_yes(f"{key}.confirm", "Is that what the youth agreed to?"):
            return release
        if f"{key}.confirm" in ctx.asker.answers:
            raise ReferralError(f"The answers file says no at '{key}.confirm': nothing saved.")
        ctx.echo("Then give the items again; the other answers stand. Nothing was saved.")
        ctx.asker.forget(f"{key}.items")
        ctx.asker.forget(f"{key}.confirm")


def ask_items(ctx: Context, key: str, items: Sequence[Item]) -> list[str]:
    """The items the youth agrees to share, by name only (see `item_words`)."""
    ctx.echo(item_menu(items))
    needs = f"; {NEEDS_WORD} = every need" if any(i.key.startswith("need:") for i in items) else ""
    return ctx.asker.pick_many(
        f"{key}.items",
        f"Items the youth agrees to share (names, e.g. language{needs}; or none)",
        [(item.key, f"{item.label}: {item.text}") for item in items],
        show=False,
        resolve=item_words(items),
        numbers=False,
        explicit=True,
    )


def nothing_shared(ctx: Context, referral: Referral) -> Release:
    """The record that the youth shares nothing with this agency: no release form to ask."""
    return Release(
        agency=referral.agency,
        items=[],
        purpose=purpose_of(ctx, referral, []),
        given=ctx.day,
        expires=ctx.day,
        language=ctx.s.profile.language or "",
    )


def ask_terms(ctx: Context, referral: Referral) -> Release:
    """The release form once something is shared: how, by whom, expiry, rights told."""
    aid = referral.agency
    key = f"share.{aid}"
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
        past="The expiry date is in the past",
    )
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
        purpose="To arrange a referral",  # set from the items picked
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
            referral, "requested", ctx.s.worker, ctx.now(), release_note(releases[-1])
        )
    ctx.s.releases = releases
    return None
