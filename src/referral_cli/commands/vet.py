"""`referral vet` and `referral vettings`: thin typer layer over `referral_cli.vetting`.

Only typer and the stdlib are imported here; pydantic, yaml, rich and the rubric are imported
inside the command bodies so that `referral --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from referral_cli.commands.common import (
    DataOption,
    ForceOption,
    Format,
    FormatOption,
    OutputOption,
    emit,
    load,
    present,
    show,
)

if TYPE_CHECKING:
    from referral_cli.catalog.load import Catalog


class OutcomeChoice(StrEnum):
    """The outcomes `referral vettings --outcome` filters on (same values as vetting.Outcome)."""

    READY = "ready"
    VERIFY = "verify"
    DO_NOT_REFER = "do-not-refer"
    NOT_VETTED = "not-vetted"


TodayOption = Annotated[
    str | None,
    typer.Option(
        "--today",
        hidden=True,
        help="Pretend today is this date (YYYY-MM-DD); for tests. Also $REFERRAL_TODAY.",
    ),
]


def _today(option: str | None) -> dt.date:
    from referral_cli.clock import today

    return today(option)


def _ascii() -> bool:
    """Plain ASCII tables when colour is off or output is not a terminal (stable in files)."""
    from referral_cli.commands.hotpath import ascii_only

    return ascii_only()


def _load_answers(path: Path) -> dict[str, Any]:
    """An answers file: YAML mapping, flat (`csec-experience.score: 3`) or nested."""
    from referral_cli.prompt.answers import load_answers

    return load_answers(path)


def register(app: typer.Typer) -> None:
    """Add `vet` and `vettings` to the root app."""
    app.command("vet")(vet)
    app.command("vettings")(vettings)


_NO_AGENCY = (
    "Name an agency (e.g. referral vet youth-harbor), or use `referral vettings` for every partner."
)


def vet(
    agency: Annotated[
        str | None,
        typer.Argument(
            metavar="AGENCY", help="Agency id or the start of its name.", show_default=False
        ),
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Show every vetting and what changed between them.")
    ] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Record a new vetting (interview, eleven factors).")
    ] = False,
    blank: Annotated[
        bool,
        typer.Option("--blank", help="An empty worksheet for a site visit (AGENCY optional)."),
    ] = False,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="With --record: YAML answers (e.g. confidentiality.score: 3, assessor, date, "
            "method) used instead of asking.",
            show_default=False,
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="With --record: never ask; a missing answer is an error."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --record: save without asking to confirm.")
    ] = False,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    force: ForceOption = False,
    data: DataOption = None,
    today: TodayOption = None,
) -> None:
    """Show an agency's vetting scorecard, its history, or record a new vetting.

    The outcome is one of: ready to refer, verify before referral (which factors),
    do not refer (which hard fail) or not vetted, with the date re-vetting is due and a
    STALE mark when it is overdue.
    """
    from referral_cli.errors import ReferralError

    _check_modes(history, record, blank, bool(answers or no_input or yes))
    day = _today(today)
    if blank:
        _blank(agency, fmt, output, data, force)
        return
    if agency is None:
        raise ReferralError(_NO_AGENCY)
    plain_view = not (record or history) and fmt is Format.TEXT and output is None
    if plain_view and _quick_scorecard(agency, data, day):
        return
    catalog = load(data)
    found = catalog.find_agency(agency)
    if record:
        if fmt is not Format.TEXT or output is not None:
            raise ReferralError(
                "--record is an interview on the terminal; export the saved scorecard "
                f"afterwards with: referral vet {found.id} --format markdown"
            )
        _record(catalog, found.id, day, answers, no_input, yes)
        return
    past = catalog.vettings_of(found.id)
    plain = _ascii() or output is not None
    how = _record_command(found.id)
    if history:
        from referral_cli.export.vetting import history_markdown, to_json
        from referral_cli.render.vetting import history_view
        from referral_cli.vetting.history import history as agency_history

        present(
            agency_history(found, past, catalog.info, day),
            fmt,
            output,
            markdown=lambda h: history_markdown(h, how),
            view=lambda h: history_view(h, ascii_only=plain, record=how),
            json=to_json,
            force=force,
        )
        return
    from referral_cli.export.vetting import scorecard_json, scorecard_markdown
    from referral_cli.render.vetting import scorecard_view
    from referral_cli.vetting.judge import scorecard

    present(
        scorecard(found, past, catalog.info, day),
        fmt,
        output,
        markdown=lambda c: scorecard_markdown(c, how),
        view=lambda c: scorecard_view(c, ascii_only=plain, record=how),
        json=lambda c: scorecard_json(c, how),
        force=force,
    )


def _record_command(agency_id: str) -> str:
    """`vet ID --record` as it runs here (a full path when `referral` is not on PATH)."""
    from referral_cli.console import command

    return command(f"vet {agency_id} --record")


def _check_modes(history: bool, record: bool, blank: bool, record_options: bool) -> None:
    """One mode at a time, and the interview's options only with the interview."""
    from referral_cli.errors import ReferralError

    modes = [
        name
        for name, on in (("--history", history), ("--record", record), ("--blank", blank))
        if on
    ]
    if len(modes) > 1:
        raise ReferralError(f"Use one of {', '.join(modes)} at a time.")
    if record_options and not record:
        raise ReferralError("--answers, --no-input and --yes only apply with --record.")


def _quick_scorecard(agency: str, data: Path | None, day: dt.date) -> bool:
    """Show the scorecard from the warm cache without loading the catalog; False if it cannot."""
    from referral_cli.commands import hotpath

    return hotpath.scorecard(data, agency, day)


def _blank(
    agency: str | None, fmt: Format, output: Path | None, data: Path | None, force: bool
) -> None:
    """The worksheet to print (text, Markdown or a page); JSON gives the rubric itself."""
    from referral_cli.export.vetting import to_json, worksheet_markdown
    from referral_cli.vetting.rubric import rubric

    if fmt is Format.JSON:
        emit(to_json(rubric()), output, force=force, name="vetting-rubric.json")
        return
    found = load(data).find_agency(agency) if agency else None
    sheet = worksheet_markdown(found)
    if fmt is Format.TEXT:
        from referral_cli.export.plain import plain

        sheet = plain(sheet)
    elif fmt is Format.HTML:
        from referral_cli.export.html import page

        sheet = page(sheet)
    ext = {Format.HTML: "html", Format.TEXT: "txt"}.get(fmt, "md")
    emit(sheet, output, force=force, name=f"vetting-worksheet.{ext}")


def _record(
    catalog: Catalog,
    agency_id: str,
    day: dt.date,
    answers: Path | None,
    no_input: bool,
    yes: bool,
) -> None:
    """Interview, preview the scorecard, confirm, then write one new file (and nothing else)."""
    from referral_cli.catalog.load import is_packaged
    from referral_cli.errors import ReferralError
    from referral_cli.prompt.asker import Asker
    from referral_cli.render.vetting import scorecard_view
    from referral_cli.vetting.judge import latest, scorecard, standing_hard_fails
    from referral_cli.vetting.record import interview, save_vetting

    if is_packaged(catalog.root):
        raise ReferralError(
            "The example catalog inside the installed package is read-only: copy it with "
            "`referral catalog init DIR`, then use --data DIR or REFERRAL_DATA."
        )
    agency = catalog.agencies[agency_id]
    past = catalog.vettings_of(agency_id)
    asker = Asker(_load_answers(answers) if answers else {}, interactive=not no_input)
    new = interview(asker, typer.echo, agency, latest(past), day, standing_hard_fails(past))
    typer.echo("")
    show(scorecard_view(scorecard(agency, [*past, new], catalog.info, day), ascii_only=_ascii()))
    if not yes and not asker.confirm("save", "Save this vetting?", default=True):
        typer.echo("Nothing was saved.")
        return
    path = save_vetting(catalog.root, new)
    typer.echo(f"Saved {path}")


def vettings(
    outcome: Annotated[
        list[OutcomeChoice] | None,
        typer.Option(
            "--outcome",
            metavar="OUTCOME",
            help="Only agencies with this outcome: ready, verify, do-not-refer or not-vetted "
            "(repeat for several).",
        ),
    ] = None,
    service: Annotated[
        str | None,
        typer.Option(
            "--service",
            metavar="SERVICE",
            help="Only agencies offering this service (id or name).",
            show_default=False,
        ),
    ] = None,
    stale: Annotated[
        bool, typer.Option("--stale", help="Only agencies overdue for re-vetting.")
    ] = False,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    force: ForceOption = False,
    data: DataOption = None,
    today: TodayOption = None,
) -> None:
    """Every partner agency's vetting outcome, scores and due date, what needs attention first.

    Order: do not refer, verify before referral, stale but ready, not vetted, ready; within
    each, the earliest due date first.
    """
    from referral_cli.vetting import judge as vetting
    from referral_cli.vetting.standing import Outcome

    day = _today(today)
    catalog = load(data)
    service_id = catalog.find_service(service).id if service else None
    partners = vetting.partner_list(
        list(catalog.agencies.values()),
        catalog.vettings,
        catalog.info,
        day,
        outcomes=[Outcome(o.value) for o in outcome or []],
        service=service_id,
        stale_only=stale,
    )
    from referral_cli.export.vetting import partners_markdown, to_json
    from referral_cli.render.vetting import partners_view

    plain = _ascii() or output is not None
    present(
        partners,
        fmt,
        output,
        markdown=partners_markdown,
        view=lambda p: partners_view(p, ascii_only=plain),
        json=to_json,
        force=force,
        name="vettings",
    )
