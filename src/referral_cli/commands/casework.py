"""Follow-up commands: followups, status, activity. Thin: parse, call casework, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from referral_cli.commands.common import (
    DataOption,
    ForceOption,
    Format,
    FormatOption,
    OutputOption,
    date_option,
    present,
    today,
)
from referral_cli.errors import ReferralError

if TYPE_CHECKING:
    from referral_cli.casefile.records import Referral, Session
    from referral_cli.prompt.asker import Asker

HELD = ("on_hold", "consent_pending")  # not requested yet: its checks come back first


def _complete_status(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of STATUS: the ids, each with its words."""
    from referral_cli.commands.examples import STATUS_WORDS

    return [(i, words) for i, words in STATUS_WORDS if i.startswith(incomplete)]


def followups(
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    data: DataOption = None,
    force: ForceOption = False,
) -> None:
    """List your open referrals by follow-up date, overdue first.

    Each agency's vetting is re-checked: a referral whose agency's standing dropped since it
    was chosen (e.g. a new hard fail) is flagged.
    """
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions
    from referral_cli.casework.followups import followups as due

    day = today()
    case_command_startup()
    sessions = list_sessions()
    rows = due(sessions, day)
    dropped = _dropped(sessions, {(r.reference, r.agency) for r in rows}, data, day)
    from referral_cli.export.casework import followups_json, followups_markdown
    from referral_cli.render.casework import followups_view

    present(
        rows,
        fmt,
        output,
        markdown=lambda r: followups_markdown(r, day, dropped),
        view=lambda r: followups_view(r, day, dropped),
        json=lambda r: followups_json(r, dropped),
        force=force,
        name="followups",
    )


def _dropped(
    sessions: Sequence[Session], open_ones: set[tuple[str, str]], data: Path | None, day: dt.date
) -> dict[tuple[str, str], str]:
    """(reference, agency) -> why, for open referrals whose agency's standing dropped.

    A catalog that cannot be loaded is said once on stderr: the list itself still matters.
    """
    from referral_cli.commands.common import load
    from referral_cli.vetting.judge import agency_status
    from referral_cli.vetting.recheck import session_drops

    try:
        catalog = load(data)
    except ReferralError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "catalog not loaded"
        typer.echo(f"Warning: vetting standing not re-checked ({first})", err=True)
        return {}
    out: dict[tuple[str, str], str] = {}
    for session in sessions:
        ids = [agency for reference, agency in open_ones if reference == session.reference]
        if not ids:
            continue
        found = {i: catalog.agencies[i] for i in ids if i in catalog.agencies}
        statuses = {
            i: agency_status(a, catalog.vettings_of(i), catalog.info, day) for i, a in found.items()
        }
        for agency, drop in session_drops(session, statuses, ids).items():
            out[(session.reference, agency)] = drop.message
    return out


def status(
    reference: Annotated[
        str, typer.Argument(metavar="REF", help="Case reference, e.g. AC-2041.", show_default=False)
    ],
    state: Annotated[
        str | None,
        typer.Argument(
            metavar="[STATUS]",
            help="The new status, by its id (see the list below); leave out with --from-fhir.",
            show_default=False,
            autocompletion=_complete_status,
        ),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(metavar="AGENCY", help="Which referral, when the session has several."),
    ] = None,
    note: Annotated[
        str, typer.Option(metavar="TEXT", help="Why, or what happened (needed for closing ones).")
    ] = "",
    follow_up: Annotated[
        str | None,
        typer.Option("--follow-up", metavar="DATE", help="Next follow-up date (YYYY-MM-DD)."),
    ] = None,
    first_contact: Annotated[
        str | None,
        typer.Option(
            "--first-contact",
            metavar="DATE",
            help="Date of the confirmed first contact (YYYY-MM-DD).",
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option(metavar="NAME", help="Who sets it. Default: the session's worker.")
    ] = None,
    from_fhir: Annotated[
        Path | None,
        typer.Option(
            "--from-fhir",
            metavar="TASK.json",
            help="The receiving agency's FHIR Task update: its status (and reason) moves the "
            "referral it names.",
            show_default=False,
        ),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="YAML answers file for the question a held referral asks (status.AGENCY.checked).",
            show_default=False,
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt: a missing answer is an error.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Move a referral along its lifecycle (timestamped; invalid moves are refused).

    A referral on hold (or with consent pending) becomes requested only once what its
    agency's vetting leaves open is checked: the checks are shown and asked again.
    """
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import session_locks
    from referral_cli.prompt.asker import Asker

    day = today()
    case_command_startup()
    given: dict[str, object] = {}
    if answers is not None:
        from referral_cli.prompt.answers import load_answers

        given = load_answers(answers)
    ask = Recheck(Asker(given, interactive=not no_input), data)
    if from_fhir is not None:
        if state is not None:
            raise typer.BadParameter("give a STATUS or --from-fhir, not both", param_hint="STATUS")
        with session_locks():
            _from_fhir(reference, from_fhir, agency, note, first_contact, by, day, ask)
        return
    if state is None:
        raise typer.BadParameter("give the new STATUS (or --from-fhir TASK.json)")
    with session_locks():  # no other terminal changes the session between load and save
        _move(reference, state, agency, note, follow_up, first_contact, by, day, ask)


class Recheck:
    """How `status` re-checks a held referral before it is requested: the asker and catalog."""

    def __init__(self, asker: Asker, data: Path | None) -> None:
        self.asker = asker
        self.data = data

    def passes(self, session: Session, referral: Referral, day: dt.date) -> bool:
        """What the agency's vetting leaves open today, shown and confirmed (contact step's
        question); True when nothing is open or the worker checked it."""
        from referral_cli.commands.common import load
        from referral_cli.render import session as screens
        from referral_cli.session.steps.contact import recheck
        from referral_cli.session.steps.context import Context

        try:
            catalog = load(self.data)
        except ReferralError as exc:
            first = str(exc).splitlines()[0] if str(exc) else "catalog not loaded"
            raise ReferralError(
                f"{referral.agency_name}'s vetting cannot be re-checked ({first}): nothing changed."
            ) from None
        ctx = Context(self.asker, catalog, day, screens)
        ctx.session = session
        return recheck(ctx, referral)


def _move(
    reference: str,
    state: str,
    agency: str | None,
    note: str,
    follow_up: str | None,
    first_contact: str | None,
    by: str | None,
    day: dt.date,
    ask: Recheck,
) -> None:
    """Load, move one referral, save, and say where it stands now."""
    from referral_cli.casefile.records import STATUS_LABELS
    from referral_cli.casefile.store import load_session, lock_session, save_session
    from referral_cli.casework.followups import pick_referral, set_status
    from referral_cli.clock import now
    from referral_cli.errors import ReferralError

    if state not in STATUS_LABELS:
        raise ReferralError(f"Unknown status '{state}'. Statuses: {', '.join(STATUS_LABELS)}.")
    session = load_session(lock_session(reference))
    referral = pick_referral(session, agency)
    if state == "requested" and referral.status in HELD:
        if not ask.passes(session, referral, day):
            _still_held(session.reference, referral)
            return
        note = note or "checks done"
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


def _still_held(reference: str, referral: Referral) -> None:
    """The worker did not confirm the checks: the referral stays as it was, and says so."""
    from referral_cli.casefile.records import STATUS_LABELS
    from referral_cli.console import command, tty_width
    from referral_cli.text import fit

    said = (
        f"{reference} -> {referral.agency_name}: still {STATUS_LABELS[referral.status]}, "
        "not requested (check first); nothing changed. Once checked, request it:"
    )
    typer.echo(fit(said, tty_width()))
    typer.echo(f"  {command(f'status {reference} requested --agency {referral.agency}')}")


def _from_fhir(
    reference: str,
    path: Path,
    agency: str | None,
    note: str,
    first_contact: str | None,
    by: str | None,
    day: dt.date,
    ask: Recheck,
) -> None:
    """Check that the Task is about this referral, then move it as the Task says."""
    from referral_cli.casefile.records import STATUS_LABELS
    from referral_cli.casefile.store import load_session, lock_session
    from referral_cli.errors import ReferralError
    from referral_cli.export.fhir import TASK_STATUS, read_task

    try:
        update = read_task(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferralError(f"Cannot read {path}: {exc.__class__.__name__}.") from None
    except ReferralError as exc:
        raise ReferralError(f"{path}: {exc}") from None
    ref = lock_session(reference)
    if update.reference != ref:
        raise ReferralError(
            f"{path} is the Task of referral {update.reference}, not {ref}: nothing changed."
        )
    if agency is not None and not update.agency.startswith(agency.casefold()):
        raise ReferralError(
            f"{path} is about the referral to {update.agency}, not '{agency}': nothing changed."
        )
    current = load_session(ref).referral_to(update.agency)
    if current is None:
        raise ReferralError(f"{ref} has no referral to {update.agency}: nothing changed.")
    if TASK_STATUS[current.status] == update.task_status:
        typer.echo(
            f"{ref} -> {current.agency_name}: already {STATUS_LABELS[current.status]} "
            f"(Task {update.task_status}); nothing changed."
        )
        return
    contact = date_option(first_contact, "--first-contact") or update.first_contact
    _move(
        ref,
        update.status,
        update.agency,
        note or update.reason or f"FHIR Task update: {update.task_status}",
        None,
        contact.isoformat() if contact else None,
        by or f"{current.agency_name} (FHIR Task)",
        day,
        ask,
    )


def activity(
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DATE", help="Only sessions started on or after this date (YYYY-MM-DD)."
        ),
    ] = None,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Counts from your own sessions for the coalition (no case references)."""
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions
    from referral_cli.casework.followups import activity as count

    case_command_startup()
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
