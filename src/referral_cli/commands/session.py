"""Referral session commands: start, resume, sessions, summary, checklist, purge, consent revoke.

Thin on purpose: parse options, call referral_cli.session.flow / consent / export, print. Only
typer, the stdlib and commands.common are imported at start-up; the rest inside each body.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from referral_cli.commands.common import (
    DataOption,
    Format,
    FormatOption,
    OutputOption,
    ReferralGroup,
    emit,
)

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session
    from referral_cli.prompt.asker import Asker

AnswersOption = Annotated[
    Path | None,
    typer.Option(
        "--answers",
        help="YAML answers file: every prompt has a key (see docs/answers-example.yaml).",
        show_default=False,
    ),
]
NoInputOption = Annotated[
    bool,
    typer.Option("--no-input", help="Never prompt: a missing answer is an error."),
]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", hidden=True, help="Pretend today is this date (YYYY-MM-DD)."),
]
RefArgument = Annotated[
    str, typer.Argument(help="Case reference, e.g. AC-2041.", show_default=False)
]


class SummaryFormat(StrEnum):
    """Formats of a handoff summary."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def _today(value: str | None) -> dt.date:
    from referral_cli.clock import today

    return today(value)


def _asker(answers: Path | None, no_input: bool) -> Asker:
    from referral_cli.prompt.asker import Asker

    data: dict[str, Any] = {}
    if answers is not None:
        from referral_cli.prompt.answers import load_answers

        data = load_answers(answers)
    return Asker(data, interactive=not no_input)


def _run(asker: Asker, data: Path | None, day: dt.date, session: Session | None) -> None:
    from referral_cli.commands.common import load
    from referral_cli.render import session as screens
    from referral_cli.session.flow import SessionPaused, run_session

    catalog = load(data)
    try:
        done = run_session(asker, catalog, day, screens, session)
    except SessionPaused as paused:  # on purpose: a success, unless nothing could be kept
        raise typer.Exit(0 if paused.reference else 1) from None
    if done.finished:  # else the in-room phase ended with the plan; the rest comes later
        _finished(done, day)
    if asker.answers and asker.unused():
        from referral_cli.text import one_line

        unused = one_line(", ".join(asker.unused()))
        typer.echo(f"Note: answers not used (typo?): {unused}", err=True)


def _finished(done: Session, day: dt.date) -> None:
    """The worker's copy of a finished session, and how to print each agency's copy."""
    from referral_cli.export.session import to_text, worker_sections, worker_title

    typer.echo("")
    typer.echo(to_text(worker_title(done), worker_sections(done, day)))
    typer.echo("")
    from referral_cli.session.steps.context import command
    from referral_cli.text import one_line

    for referral in done.referrals:
        args = f"summary {done.reference} --for {referral.agency} --format markdown -o handoff.md"
        typer.echo(f"Handoff summary for {one_line(referral.agency_name)}: {command(args)}")


def start(
    answers: AnswersOption = None,
    no_input: NoInputOption = False,
    data: DataOption = None,
    today: TodayOption = None,
) -> None:
    """Run a referral session with the youth: the in-room steps, ending with the plan."""
    from referral_cli.casefile.crypto import is_set_up
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import session_locks

    day = _today(today)
    asker = _asker(answers, no_input)
    if not is_set_up() and not no_input:  # a first run: set the passphrase here, not later
        from referral_cli.commands.security import set_up_encryption

        typer.echo("First run: case files are encrypted with a passphrase that you choose now.")
        set_up_encryption()
    with session_locks():  # the new case stays locked to this terminal until the run ends
        case_command_startup(day)
        _run(asker, data, day, None)


def resume(
    reference: RefArgument,
    answers: AnswersOption = None,
    no_input: NoInputOption = False,
    data: DataOption = None,
    today: TodayOption = None,
) -> None:
    """Show a case's timeline and go on at the first unanswered question (the later steps)."""
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import load_session, lock_session, session_locks
    from referral_cli.errors import ReferralError

    day = _today(today)
    asker = _asker(answers, no_input)
    with session_locks():
        case_command_startup(day)
        session = load_session(lock_session(reference))
        if session.finished:
            raise ReferralError(
                f"{session.reference} is finished. "
                f"See it with: referral summary {session.reference}"
            )
        _run(asker, data, day, session)


def sessions(fmt: FormatOption = Format.TEXT) -> None:
    """List saved sessions: reference, step, status and follow-up date."""
    import json

    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions
    from referral_cli.render.session import follow_up_text, sessions_table, status_text, step_text

    case_command_startup()
    found = list_sessions()
    if fmt is Format.JSON:
        rows = [
            {
                "reference": s.reference,
                "step": step_text(s),
                "status": status_text(s),
                "follow_up": follow_up_text(s),
                "updated": s.updated.isoformat(),
            }
            for s in found
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(sessions_table(found))


def contacts(fmt: FormatOption = Format.TEXT) -> None:
    """New contacts from your sessions, not in the catalog yet: for the coordinator to add."""
    import json

    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions
    from referral_cli.session.steps.context import command
    from referral_cli.text import one_line

    case_command_startup()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for session in list_sessions():  # no case reference leaves this loop
        for c in session.new_contacts:
            row = found.setdefault(
                (c.name.casefold(), c.phone),
                {
                    "id": c.agency,
                    "name": c.name,
                    "phone": c.phone,
                    "services": [],
                    "suggested_by": [],
                    "sessions": 0,
                },
            )
            row["sessions"] += 1
            row["services"] = sorted({*row["services"], c.service})
            if c.suggested_by:
                row["suggested_by"] = sorted({*row["suggested_by"], c.suggested_by})
    rows = list(found.values())
    if fmt is Format.JSON:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("No new contacts: every agency in your sessions is in the catalog.")
        return
    for row in rows:
        by = f"; suggested by {', '.join(row['suggested_by'])}" if row["suggested_by"] else ""
        typer.echo(
            one_line(
                f"{row['name']} [NOT VETTED]: {row['phone']}; for {', '.join(row['services'])}"
                f"{by}; in {row['sessions']} session(s)"
            )
        )
    typer.echo(
        "To add one: give it an entry in the catalog's agencies.yaml (id as listed with "
        f"--format json), then vet it: {command('vet ID --record')}"
    )


def summary(
    reference: RefArgument,
    agency: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="The copy for one agency: only items the youth consented to share with it.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="text, markdown or json.")
    ] = SummaryFormat.TEXT,
    output: OutputOption = None,
    today: TodayOption = None,
) -> None:
    """Print the handoff summary: the worker's copy, or with --for the copy for one agency."""
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import load_session
    from referral_cli.export import session as export
    from referral_cli.session.consent import find_agency, packet_for

    day = _today(today)
    case_command_startup(day)
    session = load_session(reference)
    if agency is None:
        if fmt is SummaryFormat.JSON:
            text = export.worker_json(session, day)
        else:
            sections = export.worker_sections(session, day)
            title = export.worker_title(session)
    else:
        agency_id, _ = find_agency(session, agency)
        packet = packet_for(session, agency_id, day)
        if fmt is SummaryFormat.JSON:
            text = export.agency_json(packet)
        else:
            sections = export.agency_sections(packet)
            title = export.agency_title(packet)
    if fmt is not SummaryFormat.JSON:
        render = export.to_markdown if fmt is SummaryFormat.MARKDOWN else export.to_text
        text = render(title, sections)
    emit(text, output)
    if output is not None:
        from referral_cli.casefile import audit

        audit.record("exported", session.reference)
        typer.echo(
            "That file is not encrypted: keep it private, and delete it when it has been used.",
            err=True,
        )


def checklist(
    fmt: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="text or markdown.")
    ] = SummaryFormat.MARKDOWN,
    output: OutputOption = None,
    data: DataOption = None,
) -> None:
    """The blank eight-step checklist for paper use, with the no-referral path and hotlines."""
    from referral_cli.commands.common import load
    from referral_cli.export.session import checklist_markdown, checklist_text

    catalog = load(data)
    tf_id = catalog.info.task_force
    task_force = catalog.agencies.get(tf_id) if tf_id else None
    if fmt is SummaryFormat.JSON:
        from referral_cli.errors import ReferralError

        raise ReferralError("The checklist is for paper: use --format markdown or text.")
    render = checklist_markdown if fmt is SummaryFormat.MARKDOWN else checklist_text
    emit(render(catalog.hotlines, task_force), output)


def purge(
    reference: Annotated[
        str | None, typer.Argument(help="Case reference to delete.", show_default=False)
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Delete every saved session.")] = False,
    older_than: Annotated[
        int | None,
        typer.Option("--older-than", help="Delete sessions not updated for DAYS days.", min=0),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    today: TodayOption = None,
) -> None:
    """Delete saved sessions for good."""
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import (
        check_reference,
        purge_session,
        purge_sessions,
        session_exists,
    )
    from referral_cli.errors import ReferralError

    case_command_startup(_today(today))
    chosen = sum([reference is not None, all_, older_than is not None])
    if chosen != 1:
        raise ReferralError("Give one of: a case reference, --all, or --older-than DAYS.")
    if reference is not None:
        ref = check_reference(reference)
        if not session_exists(ref):
            raise ReferralError(f"No session {ref}. List them with: referral sessions")
        if not yes and not typer.confirm(f"Delete {ref} for good?", default=False):
            raise typer.Exit(1)
        purge_session(ref)
        typer.echo(f"Deleted {ref}.")
        return
    what = "every saved session" if all_ else f"sessions not updated for {older_than} days"
    if not yes and not typer.confirm(f"Delete {what} for good?", default=False):
        raise typer.Exit(1)
    cutoff = None
    if older_than is not None:
        day = _today(today)
        cutoff = dt.datetime.combine(day - dt.timedelta(days=older_than), dt.time())
    gone = purge_sessions(cutoff)
    typer.echo(
        f"Deleted {len(gone)} session{'s' if len(gone) != 1 else ''}"
        + (f": {', '.join(gone)}." if gone else ".")
    )


consent_app = typer.Typer(
    cls=ReferralGroup, help="Record changes to a youth's consent.", no_args_is_help=True
)


@consent_app.command("revoke")
def revoke(
    reference: RefArgument,
    agency: Annotated[str, typer.Argument(help="Agency id or name.", show_default=False)],
    on: Annotated[
        str | None, typer.Option("--on", help="Date of revocation (default: today).")
    ] = None,
    today: TodayOption = None,
) -> None:
    """Record that the youth revoked consent for one agency: nothing more is shared with it."""
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import session_locks

    case_command_startup(_today(today))
    with session_locks():
        _revoke(reference, agency, _today(on or today))


def _revoke(reference: str, agency: str, day: dt.date) -> None:
    from referral_cli.casefile import audit
    from referral_cli.casefile.store import load_session, lock_session, save_session
    from referral_cli.clock import now
    from referral_cli.errors import ReferralError
    from referral_cli.session.consent import find_agency

    session = load_session(lock_session(reference))
    agency_id, name = find_agency(session, agency)
    release = session.release_for(agency_id)
    if release is None:
        raise ReferralError(f"No consent to {name} is recorded in {session.reference}.")
    if release.revoked is not None:
        typer.echo(f"Consent to {name} was already revoked on {release.revoked}.")
        return
    release.revoked = day
    session.updated = now(day)
    save_session(session)
    audit.record("consent-revoked", session.reference)
    typer.echo(f"Revoked: nothing more about {session.reference} is shared with {name} from {day}.")
    typer.echo("If the youth also withdrew from the referral itself, note it at follow-up.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("start")(start)
    app.command("resume")(resume)
    app.command("sessions")(sessions)
    app.command("contacts")(contacts)
    app.command("summary")(summary)
    app.command("checklist")(checklist)
    app.command("purge")(purge)
    app.add_typer(consent_app, name="consent")
