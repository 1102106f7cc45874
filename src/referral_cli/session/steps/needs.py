"""Step 1: the needs the youth names, and which of them the worker's own program meets."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from referral_cli.casefile.records import Need
from referral_cli.catalog.models import GROUPS, Service
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line

SUFFIXES = ("ing", "ors", "ers", "or", "er", "ist", "ies", "es", "s", "y")


def stem(word: str) -> str:
    """A rough stem, so counselling, counseling and counselor meet (and therapy, therapist)."""
    w = re.sub(r"[^\w+]", "", word.casefold()).replace("ll", "l")
    for suffix in SUFFIXES:
        if len(w) - len(suffix) >= 4 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def stems(text: str) -> set[str]:
    """The stems of every word in `text` (hyphens split words: ids read as names)."""
    return {stem(w) for w in re.split(r"[\s/,-]+", text) if stem(w)}


def resolver(services: Sequence[Service]) -> Callable[[str], list[str]]:
    """Match typed words to services: an exact label or synonym first, then services whose
    names and synonyms hold every typed word, in any order, then any substring."""

    def resolve(word: str) -> list[str]:
        w = word.casefold().strip()
        exact = [
            s.id
            for s in services
            if w == s.label.casefold() or w in (x.casefold() for x in s.synonyms)
        ]
        if exact:
            return exact
        typed = stems(w)
        if typed:
            every = [
                s.id for s in services if typed <= stems(" ".join([s.id, s.label, *s.synonyms]))
            ]
            if every:
                return every
        return [
            s.id
            for s in services
            if w in s.id or w in s.label.casefold() or any(w in x.casefold() for x in s.synonyms)
        ]

    return resolve


def run(ctx: Context) -> str | None:
    """Record the needs; when the program meets them all, no referral is needed."""
    services = sorted(ctx.catalog.services.values(), key=lambda s: list(GROUPS).index(s.group))
    options = [(s.id, s.label) for s in services]
    ctx.echo(ctx.screens.services_menu(services))
    picked = ctx.asker.pick_many(
        "needs.choose",
        "Needs (numbers or words, e.g. 17, therapy)",
        options,
        show=False,
        resolve=resolver(services),
        required=True,
    )
    chosen = [(sid, ctx.catalog.services[sid].label) for sid in picked]
    own = ctx.asker.pick_many(
        "needs.own_program",
        "Which of them does your own program meet (numbers; none)",
        chosen,
        resolve=resolver([ctx.catalog.services[sid] for sid in picked]),
        explicit=True,
    )
    needs: list[Need] = []
    for sid in picked:
        service = ctx.catalog.services[sid]
        form: str = service.forms[0]
        if len(service.forms) > 1 and sid not in own:
            form = ctx.asker.choice(
                f"needs.{sid}.form",
                f"{one_line(service.label)}: emergency or ongoing?",
                service.forms,
            )
        needs.append(Need(service=sid, label=service.label, form=form, own_program=sid in own))
    ctx.s.needs = needs
    if all(n.own_program for n in needs):
        ctx.echo("Your program meets every need: no referral is needed.")
        return "needs-met"
    return None
