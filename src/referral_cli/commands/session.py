"""Referral session commands: start, resume, sessions, summary, checklist, purge, consent revoke.

Thin on purpose: parse options, call referral_cli.session.flow / consent / export, print. Only
typer, the stdlib and commands.common are imported at start-up; the rest inside each body.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from referral_cli.commands.common import (
    EXTENSIONS,
    DataFormat,
    DataFormatOption,
    DataOption,
    ForceOption,
    Format,
    OutputOption,
    emit,
)
from referral_cli.commands.handout import (
    SummaryFormat,
    file_name,
    recheck_on_resume,
    summary_text,
    youth_card,
)
from referral_cli.console import tty_width
from referral_cli.text import fit

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session
    from referral_cli.catalog.load import Catalog
    from referral_cli.prompt.screen import ScreeningAsker

AnswersOption = Annotated[
    Path | None,
    typer.Option(
        "--answers",
        metavar="FILE",
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
# A string, not a Path: a Path drops the trailing "/" that says "into this folder".
FileOrFolderOption = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE|DIR/",
        help="Write to this file, or into this folder (DIR/) as REF-AGENCY.md, REF-youth.txt...",
        show_default=False,
    ),
]
RefArgument = Annotated[
    str, typer.Argument(metavar="REF", help="Case reference, e.g. AC-2041.", show_default=False)
]


def _today(value: str | None) -> dt.date:
    from referral_cli.clock import today

    return today(value)


def _asker(answers: Path | None, no_input: bool, day: dt.date) -> ScreeningAsker:
    """The session's Asker: it screens every free-text answer (prompt/screen.py)."""
    from referral_cli.prompt.screen import ScreeningAsker

    data: dict[str, Any] = {}
    if answers is not None:
        from referral_cli.prompt.answers import load_answers

        data = load_answers(answers)
    return ScreeningAsker(data, interactive=not no_input, today=day)


def _not_the_youths(catalog: Catalog) -> set[str]:
    """Phones, e-mails and names the catalog and the worker's profile hold: not the youth's."""
    from referral_cli.casefile.profile import load_profile

    known: set[str] = set()
    for agency in catalog.agencies.values():
        c = agency.contact
        known.update(x or "" for x in (agency.name, agency.phone, agency.email, c.name))
        known.update(x or "" for x in (c.phone, c.email))
    known.update(h.call or "" for h in catalog.hotlines)
    profile = load_profile()
    if profile is not None:
        known.update((profile.name, profile.phone, profile.email or ""))
    return known - {""}


def _run(asker: ScreeningAsker, data: Path | None, day: dt.date, session: Session | None) -> None:
    from referral_cli.commands.common import load
    from referral_cli.render import session as screens
    from referral_cli.session.flow import SessionPaused, run_session

    catalog = load(data)
    asker.known.update(_not_the_youths(catalog))
    if session is not None and not recheck_on_resume(session, catalog, day, asker):
        from referral_cli.console import command

        resume_again = command(f"resume {session.reference}")
        typer.echo(f"Paused, nothing changed. Resume when it is checked:\n  {resume_again}")
        return
    try:
        done = run_session(asker, catalog, day, screens, session)
    except SessionPaused as paused:  # on purpose: a success, unless nothing could be kept
        raise typer.Exit(0 if paused.reference else 1) from None
    if done.finished:  # else the in-room phase ended with the plan; the rest comes later
        _finished(done, day)
    # on a resume the steps done before used their keys in an earlier run, and a stop at the
    # plan leaves the later steps' keys for the resume: neither is a typo
    if session is None and done.finished and asker.answers and asker.unused():
        from referral_cli.text import one_line

        unused = one_line(", ".join(asker.unused()))
        typer.echo(f"Note: answers not used (typo?): {unused}", err=True)


def _finished(done: Session, day: dt.date) -> None:
    """The worker's copy of a finished session, and how to print each agency's copy."""
    from referral_cli.console import command, screen_width
    from referral_cli.export.session import to_text, worker_sections, worker_title
    from referral_cli.text import one_line

    typer.echo("")
    typer.echo(to_text(worker_title(done), worker_sections(done, day), screen_width(10_000)))
    typer.echo("")
    ref = done.reference
    for referral in done.referrals:
        args = (
            f"summary {ref} --for {referral.agency} --format markdown -o {ref}-{referral.agency}.md"
        )
        typer.echo(f"Handoff summary for {one_line(referral.agency_name)}:\n  {command(args)}")
    card = command(f"summary {ref} --youth -o {ref}-youth.txt")
    typer.echo(f"A card for the youth to carry:\n  {card}")  # a command on a line of its own


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
    asker = _asker(answers, no_input, day)
    if not is_set_up() and not no_input:  # a first run: set the passphrase here, not later
        from referral_cli.commands.security import set_up_encryption

        typer.echo(
            fit(
                "First run: case files are encrypted with a passphrase that you choose now.",
                tty_width(),
            )
        )
        set_up_encryption()
    with session_locks():  # the new case stays locked to this terminal until the run ends
        case_command_startup()
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
    asker = _asker(answers, no_input, day)
    with session_locks():
        case_command_startup()
        session = load_session(lock_session(reference))
        if session.finished:
            raise ReferralError(
                f"{session.reference} is finished. "
                f"See it with: referral summary {session.reference}"
            )
        _run(asker, data, day, session)


def sessions(fmt: DataFormatOption = DataFormat.TEXT) -> None:
    """List saved sessions: reference, step, status and follow-up date."""
    import json

    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import scan_sessions
    from referral_cli.render.session import follow_up_text, sessions_table, status_text, step_text
    from referral_cli.text import one_line

    case_command_startup()
    found, odd = scan_sessions()
    for problem in odd:  # never hidden: a damaged case, a copy, a stray file
        typer.echo(f"Unreadable: {one_line(problem.name)}: {one_line(problem.why)}.", err=True)
    if fmt is DataFormat.JSON:
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


def summary(
    reference: RefArgument,
    agency: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="AGENCY",
            help="The copy for one agency: only items the youth consented to share with it.",
            show_default=False,
        ),
    ] = None,
    youth: Annotated[
        bool,
        typer.Option(
            "--youth",
            help="The card for the youth to carry: where, when, whom to call; never what it "
            "is about. With --for, that referral only.",
        ),
    ] = False,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            metavar="LANG",
            help="The youth card's language (en, es; default: the youth's, else en).",
            show_default=False,
        ),
    ] = None,
    where: Annotated[
        str | None,
        typer.Option(
            "--where",
            metavar="WORDS",
            help="The youth card's 'Where', in the youth's words.",
            show_default=False,
        ),
    ] = None,
    any_hour: Annotated[
        bool,
        typer.Option(
            "--any-hour", help="Put a number for any hour on the youth card (if the youth wants)."
        ),
    ] = False,
    fmt: Annotated[
        SummaryFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, markdown, json, html (a page to print) or fhir (with --for).",
        ),
    ] = SummaryFormat.TEXT,
    output: FileOrFolderOption = None,
    force: ForceOption = False,
    data: DataOption = None,
    despite_standing: Annotated[
        bool,
        typer.Option(
            "--despite-standing",
            help="With --for: export even though the agency's vetting standing dropped "
            "since it was chosen (you have checked with your lead).",
        ),
    ] = False,
    today: TodayOption = None,
) -> None:
    """Print the handoff summary: the worker's copy, or with --for the copy for one agency.

    With --youth, the card the youth takes away instead. The copy for an agency re-checks
    the agency's vetting first: if its standing dropped since it was chosen (e.g. a new hard
    fail), it warns and stops unless --despite-standing.
    """
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import load_session
    from referral_cli.errors import ReferralError

    day = _today(today)
    case_command_startup()
    session = load_session(reference)
    if not youth and (language or where or any_hour):
        raise ReferralError(
            "--language, --where and --any-hour are for the youth card: add --youth."
        )
    if youth:
        text = youth_card(session, agency, language, where, any_hour, fmt, data)
    else:
        text = summary_text(
            session, agency, fmt, day, data, despite_standing, screen=output is None
        )
    emit(text, output, force=force, name=file_name(session, agency, youth, fmt))
    if output is not None:
        from referral_cli.casefile import audit

        audit.record("exported", session.reference)
        typer.echo(
            "That file is not encrypted: keep it private, and delete it when it has been used.",
            err=True,
        )


def checklist(
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="markdown, text, json, or html (a page to print).",
        ),
    ] = Format.MARKDOWN,
    output: OutputOption = None,
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """The blank eight-step checklist for paper use, with the no-referral path and hotlines."""
    from referral_cli.commands.common import load
    from referral_cli.export import session as export

    catalog = load(data)
    tf_id = catalog.info.task_force
    task_force = catalog.agencies.get(tf_id) if tf_id else None
    if fmt is Format.HTML:
        from referral_cli.export.html import page

        emit(
            page(export.checklist_markdown(catalog.hotlines, task_force)),
            output,
            force=force,
            name="checklist.html",
        )
        return
    render = {
        Format.MARKDOWN: export.checklist_markdown,
        Format.TEXT: export.checklist_text,
        Format.JSON: export.checklist_json,
    }[fmt]
    name = f"checklist.{EXTENSIONS[fmt]}"
    emit(render(catalog.hotlines, task_force), output, force=force, name=name)


def purge(
    reference: Annotated[
        str | None, typer.Argument(help="Case reference to delete.", show_default=False)
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Delete every saved session.")] = False,
    older_than: Annotated[
        int | None,
        typer.Option(
            "--older-than", metavar="DAYS", help="Delete sessions not updated for DAYS days."
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete saved sessions for good.

    Every copy goes, temp files included; --older-than counts real days, whatever --today
    says elsewhere.
    """
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import (
        check_reference,
        purge_session,
        purge_sessions,
        session_exists,
    )
    from referral_cli.clock import real_now
    from referral_cli.errors import ReferralError

    case_command_startup()
    if older_than is not None and older_than < 0:
        raise typer.BadParameter("DAYS is 0 or more", param_hint="--older-than")
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
    if older_than is not None:  # the real date: a training date never deletes anything
        cutoff = real_now() - dt.timedelta(days=older_than)
    gone, copies = purge_sessions(cutoff)
    typer.echo(
        f"Deleted {len(gone)} session{'s' if len(gone) != 1 else ''}"
        + (f": {', '.join(gone)}." if gone else ".")
    )
    if copies:
        from referral_cli.text import one_line

        typer.echo(f"Also deleted copies not named like a case: {one_line(', '.join(copies))}.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("start")(start)
    app.command("resume")(resume)
    app.command("sessions")(sessions)
    app.command("summary")(summary)
    app.command("checklist")(checklist)
    app.command("purge")(purge)
