"""Catalog commands: validate, browse services and agencies, show one agency."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from referral_cli.commands.common import (
    DataFormat,
    DataFormatOption,
    DataOption,
    Format,
    FormatOption,
    JsonFlag,
    OutputOption,
    ReferralGroup,
    chosen,
    load,
    present,
    today,
)

if TYPE_CHECKING:
    from referral_cli.catalog.layout import Converted

catalog_app = typer.Typer(
    cls=ReferralGroup,
    help="Check and maintain the service and agency catalogs.",
    no_args_is_help=True,
)


PROGRESS_BYTES = 4 * 1024 * 1024  # about a second of parsing on a slow laptop


@contextlib.contextmanager
def _progress_bar(root: Path) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for a catalog big enough to take a while (terminals only)."""
    size = sum(p.stat().st_size for p in root.glob("*.yaml")) if root.is_dir() else 0
    if size < PROGRESS_BYTES or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from referral_cli.console import make_console

    with Progress(console=make_console(stderr=True), transient=True) as bar:
        task = bar.add_task("Checking the catalog", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@catalog_app.command("validate")
def validate(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Catalog folder. Default: --data, $REFERRAL_DATA, or the example."),
    ] = None,
    data: DataOption = None,
    fmt: DataFormatOption = DataFormat.TEXT,
) -> None:
    """Check services.yaml, agencies.yaml and vettings/: every problem with file and line."""
    from referral_cli.catalog.load import resolve_data_dir
    from referral_cli.vetting.rules import check_catalog

    root = folder or resolve_data_dir(data)
    with _progress_bar(root) as progress:
        catalog, problems = check_catalog(root, progress)
    if fmt is DataFormat.JSON:
        typer.echo(json.dumps({"ok": not problems, "problems": [p.as_dict() for p in problems]}))
    elif problems:
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {root}:")
        for problem in problems:
            typer.echo(f"  {problem}")
    elif catalog is not None:
        from referral_cli.text import counted

        vettings = sum(len(v) for v in catalog.vettings.values())
        parts = (
            counted(len(catalog.services), "service"),
            counted(len(catalog.agencies), "agency", "agencies"),
            counted(vettings, "vetting"),
            counted(len(catalog.hotlines), "hotline"),
        )
        typer.echo(f"OK: {', '.join(parts)} in {root}")
    if problems:
        raise typer.Exit(1)


class Layout(StrEnum):
    """How a catalog keeps its agencies."""

    SINGLE = "single"  # all in agencies.yaml
    FILES = "files"  # one file per agency, agencies/<id>.yaml


@catalog_app.command("init")
def init(
    folder: Annotated[Path, typer.Argument(help="New folder for your coalition's catalog.")],
    layout: Annotated[
        Layout,
        typer.Option(
            metavar="LAYOUT",
            help="single: all agencies in agencies.yaml; files: one file per agency, "
            "agencies/ID.yaml.",
        ),
    ] = Layout.SINGLE,
) -> None:
    """Start your own catalog: copy the example catalog into a new folder to edit."""
    import shutil

    from referral_cli.catalog.load import default_data_dir
    from referral_cli.errors import ReferralError

    if folder.exists() and any(folder.iterdir()):
        raise ReferralError(f"{folder} already exists and is not empty; choose a new folder.")
    source = default_data_dir()
    shutil.copytree(source, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.bak"))
    if layout is Layout.FILES:
        from referral_cli.catalog.layout import split as split_agencies

        split_agencies(folder)
    typer.echo(f"Copied the example catalog to {folder}. Edit it, then run:")
    typer.echo(f"  referral catalog validate {folder}")
    typer.echo(f"  export REFERRAL_DATA={folder.resolve()}")  # from any folder


FolderArgument = Annotated[
    Path | None,
    typer.Argument(help="Catalog folder. Default: --data, $REFERRAL_DATA, or the example."),
]


def _clean_catalog(folder: Path | None, data: Path | None) -> Path:
    """The catalog folder to convert, refused if it has problems or is the shipped example."""
    from referral_cli.catalog.load import default_data_dir, is_packaged, resolve_data_dir
    from referral_cli.errors import CatalogError, ReferralError
    from referral_cli.vetting.rules import check_catalog

    root = folder or resolve_data_dir(data)
    if is_packaged(root) or root.resolve() == default_data_dir().resolve():
        raise ReferralError("The shipped example cannot be changed; copy it: referral catalog init")
    catalog, problems = check_catalog(root)
    if catalog is None:
        raise CatalogError(problems)
    return root


def _converted(done: Converted, where: str, already: str) -> None:
    from referral_cli.text import counted

    if not done.agencies:
        typer.echo(f"Nothing to move: {already}. Nothing was changed.")
        return
    typer.echo(f"Moved {counted(done.agencies, 'agency', 'agencies')} {where}.")
    if done.rewritten:
        typer.echo(
            f"{done.rewritten} could not be moved as written and were rewritten from their "
            "data (their comments were dropped)."
        )


@catalog_app.command("split")
def split(folder: FolderArgument = None, data: DataOption = None) -> None:
    """Move every agency of agencies.yaml into its own file, agencies/ID.yaml."""
    from referral_cli.catalog.layout import split as split_agencies

    root = _clean_catalog(folder, data)
    _converted(
        split_agencies(root),
        f"into {root / 'agencies'}/ (agencies.yaml keeps the rest)",
        "agencies.yaml lists no agencies (they are in agencies/ already)",
    )


@catalog_app.command("join")
def join(folder: FolderArgument = None, data: DataOption = None) -> None:
    """Move every agencies/ID.yaml back into agencies.yaml (the opposite of split)."""
    from referral_cli.catalog.layout import join as join_agencies

    root = _clean_catalog(folder, data)
    _converted(
        join_agencies(root),
        f"into {root / 'agencies.yaml'}",
        "there is no agencies/ID.yaml file (every agency is in agencies.yaml already)",
    )


@catalog_app.command("watch")
def watch(folder: FolderArgument = None, data: DataOption = None) -> None:
    """Keep `show`, `vet` and `agencies --service` fast on a large catalog: watch it for
    edits while you work (Linux).

    Without it, `agencies --service` checks every agency file for an edit (any of them could
    have gained the service), and the first `show` after an edit re-reads the agency itself;
    while this runs, one question to it replaces both.
    """
    from referral_cli.catalog.load import resolve_data_dir
    from referral_cli.catalog.watch import watch as watch_catalog
    from referral_cli.errors import CatalogError
    from referral_cli.vetting.rules import RULES

    try:
        watch_catalog(folder or resolve_data_dir(data), RULES, typer.echo)
    except KeyboardInterrupt:
        typer.echo("Stopped watching.")
    except CatalogError:
        typer.echo("Not watching: the catalog has problems (see below); fix them first.", err=True)
        raise


def services(
    data: DataOption = None,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    as_json: JsonFlag = False,
) -> None:
    """List the needs and services a youth may be referred for, by group."""
    from referral_cli.export.catalog import services_markdown
    from referral_cli.render.catalog import services_view

    catalog = load(data)
    present(
        catalog,
        chosen(fmt, as_json),
        output,
        markdown=services_markdown,
        view=services_view,
        json=lambda c: json.dumps(
            [s.model_dump(mode="json") for s in c.services.values()], indent=2
        ),
    )


def agencies(
    data: DataOption = None,
    service: Annotated[
        str | None,
        typer.Option(metavar="SERVICE", help="Only agencies offering this service (id or name)."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            metavar="LANGUAGE", help="Only agencies working in this language (code or name)."
        ),
    ] = None,
    sector: Annotated[
        str | None,
        typer.Option(metavar="SECTOR", help="Only agencies of this sector (e.g. housing)."),
    ] = None,
    lgbtq: Annotated[bool, typer.Option("--lgbtq", help="Only LGBTQ-affirming agencies.")] = False,
    search: Annotated[
        str | None,
        typer.Option(metavar="WORDS", help="Words to find in names, services and synonyms."),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            metavar="COUNT", help="Show at most this many agencies (0: all). JSON lists all."
        ),
    ] = 20,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    as_json: JsonFlag = False,
) -> None:
    """List partner agencies with their vetting standing; filters narrow the list."""
    from referral_cli.render.catalog import agencies_view

    if limit < 0:
        raise typer.BadParameter("COUNT is 0 or more", param_hint="--limit")
    day = today()
    fmt = chosen(fmt, as_json)
    only_service = service and not (language or sector or lgbtq or search)
    if only_service and fmt is Format.TEXT and output is None:
        from referral_cli.commands import hotpath

        if hotpath.offering(data, service or "", day, limit):
            return
    from referral_cli.export.catalog import agencies_markdown
    from referral_cli.vetting.browse import AgencyFilter, find_agencies

    catalog = load(data)
    wanted = AgencyFilter(
        service=service, language=language, sector=sector, lgbtq=lgbtq, search=search
    )
    listing = find_agencies(catalog, wanted, day, 0 if fmt is Format.JSON else limit)
    present(
        listing,
        fmt,
        output,
        markdown=agencies_markdown,
        view=agencies_view,
        json=lambda found: json.dumps(
            [
                row.agency.model_dump(mode="json") | {"vetting": row.status.to_json()}
                for row in found.rows
            ],
            indent=2,
        ),
    )


def show_agency(
    agency: Annotated[
        str,
        typer.Argument(
            metavar="AGENCY", help="Agency id or the start of its name.", show_default=False
        ),
    ],
    data: DataOption = None,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Show everything the catalog holds about one agency."""
    from referral_cli.render.catalog import agency_card

    day = today()
    fmt = chosen(fmt, as_json)
    if fmt is Format.TEXT and output is None:
        from referral_cli.commands import hotpath

        if hotpath.agency_card(data, agency, day):
            return
    from referral_cli.export.catalog import agency_markdown
    from referral_cli.vetting.judge import agency_status

    catalog = load(data)
    found = catalog.find_agency(agency)
    status = agency_status(found, catalog.vettings_of(found.id), catalog.info, day)
    present(
        (found, catalog.services, catalog.languages, status),
        fmt,
        output,
        markdown=lambda parts: agency_markdown(*parts),
        view=lambda parts: agency_card(*parts),
        json=lambda parts: json.dumps(
            parts[0].model_dump(mode="json") | {"vetting": parts[3].to_json()}, indent=2
        ),
    )


def hotlines(
    data: DataOption = None,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    as_json: JsonFlag = False,
) -> None:
    """List the hotlines in the catalog, to give a youth a number to call later."""
    from referral_cli.export.catalog import hotlines_markdown
    from referral_cli.render.catalog import hotlines_view

    present(
        load(data),
        chosen(fmt, as_json),
        output,
        markdown=hotlines_markdown,
        view=hotlines_view,
        json=lambda c: json.dumps([h.model_dump(mode="json") for h in c.hotlines], indent=2),
    )


def register(app: typer.Typer) -> None:
    """Add the catalog commands to the root app."""
    app.add_typer(catalog_app, name="catalog")
    app.command("services")(services)
    app.command("agencies")(agencies)
    app.command("show")(show_agency)
    app.command("hotlines")(hotlines)
