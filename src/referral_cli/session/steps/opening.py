"""Before step 1: say what will happen, then the case reference, worker and program."""

from __future__ import annotations

from referral_cli.casefile.records import Session
from referral_cli.casefile.store import check_reference, session_exists
from referral_cli.console import command
from referral_cli.errors import ReferralError
from referral_cli.session import worker
from referral_cli.session.steps.context import Context


def new_reference(text: str) -> str:
    """A well-formed case reference that is not in use yet."""
    ref = check_reference(text)
    if session_exists(ref):
        raise ReferralError(f"{ref} already exists. Continue it with: {command('resume ' + ref)}")
    return ref


OPENING = "opening.open"  # in `pending`: the worker's name and program are still to come
NOT_YET = "(not given yet)"


def run(ctx: Context) -> None:
    """Open a new session and save it as soon as it has a reference, so a pause keeps it."""
    info = ctx.catalog.info
    ctx.echo(ctx.screens.opening(info.region, info.example))
    ctx.echo()
    ref = ctx.asker.text(
        "opening.reference",
        "Case reference (your program's, never the youth's name)",
        check=new_reference,
    )
    at = ctx.now()
    ctx.session = Session(
        reference=ref,
        worker=NOT_YET,
        program=NOT_YET,
        created=at,
        updated=at,
        step=1,
        pending={OPENING: "1"},
    )
    ctx.save()
    finish(ctx)


def finish(ctx: Context) -> None:
    """Who runs the session, each answer saved as it is given (a resume replays them)."""
    asker = ctx.asker
    asker.replay = {k: v for k, v in ctx.s.pending.items() if k != OPENING}

    def keep(key: str, text: str) -> None:
        ctx.s.pending[key] = text
        ctx.save()

    asker.on_answer = keep
    try:
        who = worker.identity(ctx)
    finally:
        asker.on_answer = None
        asker.replay = {}
    ctx.session = ctx.s.model_copy(update={**who, "pending": {}})
    ctx.save()
