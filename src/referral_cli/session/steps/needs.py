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
    needs: list[Need] = []
    for sid in picked:
        service = ctx.catalog.services[sid]
        label = one_line(service.label)
        if len(service.forms) > 1:
            form = ctx.asker.choice(
                f"needs.{sid}.form",
                f"{label}: emergency or ongoing?",
                service.forms,
                default=service.forms[0],
            )
        else:
            form = service.forms[0]
        own = ctx.asker.confirm(
            f"needs.{sid}.own_program", f"{label}: does your own program meet it?", None
        )
        needs.append(Need(service=sid, label=service.label, form=form, own_program=own))
    ctx.s.needs = needs
    if all(n.own_program for n in needs):
        ctx.echo("Your program meets every need: no referral is needed.")
        return "needs-met"
    return None
