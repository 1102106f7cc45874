"""Before step 1: say what will happen, then the case reference, worker and program."""

from __future__ import annotations

from referral_cli.casefile.records import Session
from referral_cli.casefile.store import check_reference, session_exists
from referral_cli.errors import ReferralError
from referral_cli.session import worker
from referral_cli.session.steps.context import Context, command


def new_reference(text: str) -> str:
    """A well-formed case reference that is not in use yet."""
    ref = check_reference(text)
    if session_exists(ref):
        raise ReferralError(f"{ref} already exists. Continue it with: {command('resume ' + ref)}")
    return ref


def run(ctx: Context) -> None:
    """Open a new session and save it, so a pause from here on keeps a draft."""
    info = ctx.catalog.info
    ctx.echo(ctx.screens.opening(info.region, info.example))
    ctx.echo()
    ref = ctx.asker.text(
        "opening.reference",
        "Case reference (your program's, never the youth's name)",
        check=new_reference,
    )
    at = ctx.now()
    ctx.session = Session(reference=ref, **worker.identity(ctx), created=at, updated=at, step=1)
    ctx.save()
