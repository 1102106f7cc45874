"""Step 1: the needs the youth names, and which of them the worker's own program meets."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from referral_cli.casefile.records import Need
from referral_cli.catalog.models import GROUPS, Service
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def resolver(services: Sequence[Service]) -> Callable[[str], list[str]]:
    """Match a typed word to services: an exact label or synonym first, then any substring."""

    def resolve(word: str) -> list[str]:
        w = word.casefold()
        exact = [
            s.id
            for s in services
            if w == s.label.casefold() or w in (x.casefold() for x in s.synonyms)
        ]
        if exact:
            return exact
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
