"""`referral consent revoke`: the youth withdrew consent; nothing more is shared.

A revocation counts at once and also goes to the audit ledger, so a restored older case
file cannot bring a consent back.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from referral_cli.commands.common import ReferralGroup
from referral_cli.commands.session import RefArgument

consent_app = typer.Typer(
    cls=ReferralGroup, help="Record changes to a youth's consent.", no_args_is_help=True
)


@consent_app.command("revoke")
def revoke(
    reference: RefArgument,
    agency: Annotated[str, typer.Argument(help="Agency id or name.", show_default=False)],
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            metavar="DATE",
            help="The day the youth revoked it, if before today (default: today).",
        ),
    ] = None,
) -> None:
    """Record that the youth revoked consent for one agency: nothing more is shared with it.

    It counts at once, whatever date is given: `--on` records the day the youth said so
    (never a future day, and never later than a revocation already recorded).
    """
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import session_locks
    from referral_cli.clock import real_today
    from referral_cli.commands.common import date_option
    from referral_cli.errors import ReferralError

    case_command_startup()
    day = date_option(on, "--on") or real_today()
    if day > real_today():
        raise ReferralError(
            f"--on {day} is in the future: give the day the youth revoked consent "
            "(today or earlier)."
        )
    with session_locks():
        _revoke(reference, agency, day)


def _revoke(reference: str, agency: str, day: dt.date) -> None:
    from referral_cli.casefile import audit
    from referral_cli.casefile.store import load_session, lock_session, save_session
    from referral_cli.errors import ReferralError
    from referral_cli.session.consent import find_agency, ledger_revocation
    from referral_cli.text import one_line

    session = load_session(lock_session(reference))
    agency_id, name = find_agency(session, agency)
    name = one_line(name)
    release = session.release_for(agency_id)
    if release is None:
        raise ReferralError(f"No consent to {name} is recorded in {session.reference}.")
    known = [d for d in (release.revoked, ledger_revocation(session, agency_id)) if d]
    if known and min(known) <= day:  # a revocation only ever moves earlier
        typer.echo(f"Consent to {name} was already revoked on {min(known)}.")
        if release.revoked == min(known):
            return
        day = min(known)  # the case file is an older copy: put the revocation back
    release.revoked = day
    save_session(session)  # the last change is now, not the day typed
    audit.record("consent-revoked", session.reference, agency=agency_id, on=release.revoked)
    typer.echo(
        f"Revoked: nothing more about {session.reference} is shared with {name} "
        f"(revoked on {release.revoked})."
    )
    typer.echo("If the youth also withdrew from the referral itself, note it at follow-up.")


def register(app: typer.Typer) -> None:
    """Add the consent group to the root app."""
    app.add_typer(consent_app, name="consent")
