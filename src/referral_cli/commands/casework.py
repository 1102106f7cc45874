"""Follow-up commands: followups, status, activity. Thin: parse, call casework, render."""

from __future__ import annotations

from typing import Annotated

import typer

from referral_cli.commands.common import (
    ForceOption,
    Format,
    FormatOption,
    OutputOption,
    date_option,
    present,
    today,
)

Statuses = (
    "needs_identified options_discussed consent_pending requested accepted rejected "
    "handoff_scheduled in_progress on_hold completed failed cancelled entered_in_error"
)


def followups(
    fmt: FormatOption = Format.TEXT, output: OutputOption = None, force: ForceOption = False
) -> None:
    """List your open referrals by follow-up date, overdue first."""
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions
    from referral_cli.casework.followups import followups as due

    day = today()
    case_command_startup(day)
    rows = due(list_sessions(), day)
    from referral_cli.export.casework import followups_json, followups_markdown
    from referral_cli.render.casework import followups_view

    present(
        rows,
        fmt,
        output,
        markdown=lambda r: followups_markdown(r, day),
        view=lambda r: followups_view(r, day),
        json=followups_json,
        force=force,
        name="followups",
    )


def status(
    reference: Annotated[str, typer.Argument(help="Case reference, e.g. AC-2041.")],
    state: Annotated[str, typer.Argument(help=f"New status: {Statuses}.", show_default=False)],
    agency: Annotated[
        str | None, typer.Option(help="Which referral, when the session has several.")
    ] = None,
    note: Annotated[
        str, typer.Option(help="Why, or what happened (needed for closing ones).")
    ] = "",
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", help="Next follow-up date (YYYY-MM-DD).")
    ] = None,
    first_contact: Annotated[
        str | None,
        typer.Option("--first-contact", help="Date of the confirmed first contact (YYYY-MM-DD)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Who sets it. Default: the session's worker.")
    ] = None,
) -> None:
    """Move a referral along its lifecycle (timestamped; invalid moves are refused)."""
    from referral_cli.casefile.records import STATUS_LABELS
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import load_session, lock_session, save_session, session_locks
    from referral_cli.casework.followups import pick_referral, set_status
    from referral_cli.clock import now
    from referral_cli.errors import ReferralError

    if state not in STATUS_LABELS:
        raise ReferralError(f"Unknown status '{state}'. Statuses: {', '.join(STATUS_LABELS)}.")
    day = today()
    case_command_startup(day)
    with session_locks():  # no other terminal changes the session between load and save
        session = load_session(lock_session(reference))
        referral = pick_referral(session, agency)
        updated = set_status(
            session,
            referral,
            state,  # type: ignore[arg-type]  # checked against STATUS_LABELS above
            by=by or session.worker,
            at=now(day),
            note=note,
            follow_up=date_option(follow_up, "--follow-up"),
            first_contact=date_option(first_contact, "--first-contact"),
        )
        save_session(updated)
    moved = next(r for r in updated.referrals if r.agency == referral.agency)
    due = f"; follow up by {moved.follow_up}" if moved.follow_up else ""
    typer.echo(f"{updated.reference} -> {moved.agency_name}: {STATUS_LABELS[moved.status]}{due}.")


def activity(
    since: Annotated[
        str | None, typer.Option(help="Only sessions started on or after this date.")
    ] = None,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Counts from your own sessions for the coalition (no case references)."""
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions
    from referral_cli.casework.followups import activity as count

    case_command_startup(today())
    report = count(list_sessions(), date_option(since, "--since"))
    from referral_cli.export.casework import activity_markdown
    from referral_cli.render.casework import activity_view

    present(
        report,
        fmt,
        output,
        markdown=activity_markdown,
        view=activity_view,
        force=force,
        name="activity",
    )


def register(app: typer.Typer) -> None:
    """Add the follow-up commands to the root app."""
    app.command("followups")(followups)
    app.command("status")(status)
    app.command("activity")(activity)
