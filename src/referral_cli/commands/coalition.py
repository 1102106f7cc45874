"""Coalition commands: HSDS import/export and the gap, coverage and consultation reports.

Only typer and the shared options are imported here; each command imports what it needs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from referral_cli.commands.common import (
    DataFormat,
    DataFormatOption,
    DataOption,
    ForceOption,
    Format,
    FormatOption,
    OutputOption,
    date_option,
    load,
    present,
    today,
)

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session
    from referral_cli.hsds.results import ImportResult


def _import_target(data: Path | None) -> Path:
    from referral_cli.catalog.load import default_data_dir
    from referral_cli.errors import ReferralError

    if data is not None:
        return data
    env = os.environ.get("REFERRAL_DATA")
    if env:
        return Path(env)
    raise ReferralError(
        f"Say which catalog to import into: --data FOLDER (created if missing) or set "
        f"REFERRAL_DATA. The shipped example catalog ({default_data_dir()}) is never changed."
    )


def import_hsds(
    path: Annotated[
        Path,
        typer.Argument(
            help="HSDS data (3.x, 2.0 or 1.x; Open Referral UK pages): a JSON file, a folder "
            "of JSON files, or a tabular package (a folder of CSV files, datapackage.json "
            "optional). The version found is said.",
            show_default=False,
        ),
    ],
    data: DataOption = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            metavar="FILE",
            help="Mapping of HSDS service names and taxonomy terms to service ids. "
            "Default: the mapping shipped with the tool.",
            show_default=False,
        ),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid organizations and skip the invalid ones (default: import "
            "nothing if any row is invalid).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")
    ] = False,
    region: Annotated[
        str,
        typer.Option(metavar="NAME", help="Region name for a new catalog (catalog.region)."),
    ] = "Imported from HSDS (set the region)",
    review: Annotated[
        Path | None,
        typer.Option(
            "--review",
            metavar="FILE",
            help="Write the review list to this Markdown file and a .csv beside it "
            "(default: hsds-import-review.md in the catalog folder; none on --dry-run).",
            show_default=False,
        ),
    ] = None,
    allow_moves: Annotated[
        bool,
        typer.Option(
            "--allow-moves",
            help="Import even when an organization cannot be told apart from another one "
            "whose agency has a vetting (default: refuse and list them).",
        ),
    ] = False,
    fmt: DataFormatOption = DataFormat.TEXT,
) -> None:
    """Import agencies from an Open Referral HSDS directory (3.x, 2.0, 1.x) into a catalog."""
    from referral_cli.catalog.collector import collector_paused
    from referral_cli.commands.common import outside_tool_folders
    from referral_cli.hsds.importer import import_hsds as run_import
    from referral_cli.hsds.mapping import HsdsError

    if review is not None:  # refused before anything is imported, not after
        outside_tool_folders(review, "--review")
    target = _import_target(data)
    result = run_import(
        path,
        target,
        mapping_path=mapping,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        region=region,
        show_progress=fmt is not DataFormat.JSON,
        allow_moves=allow_moves,
    )
    failed = bool(result.problems) and not skip_invalid
    if not failed:
        with collector_paused():
            _write_review(result, review if review is not None or dry_run else target / REVIEW_FILE)
    if fmt is DataFormat.JSON:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        if failed:
            raise typer.Exit(1)
        return
    if failed:
        raise HsdsError(
            result.problems,
            "Nothing was imported. Fix the data, or use --skip-invalid to import the valid "
            "organizations only.",
        )
    from referral_cli.render.reports import import_lines

    for line in import_lines(result):
        typer.echo(line)


REVIEW_FILE = "hsds-import-review.md"


def _write_review(result: ImportResult, path: Path | None) -> None:
    """The review list as Markdown and CSV files a coordinator works through."""
    if path is None:
        return
    from referral_cli.casefile.files import atomic_write
    from referral_cli.errors import ReferralError
    from referral_cli.render.import_review import write_review_csv, write_review_markdown

    csv_path = path.with_suffix(".csv")
    try:  # streamed: the whole list of a 50,000-service import was 45 MB held at once
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda out: write_review_markdown(result, out), mode=0o644)
        atomic_write(csv_path, lambda out: write_review_csv(result, out), mode=0o644)
    except OSError as exc:
        raise ReferralError(f"Cannot write the review list {path}: {exc.strerror}") from None
    result.review_files = [str(path), str(csv_path)]


def export_hsds(
    folder: Annotated[
        Path, typer.Argument(help="Folder to write into (created if missing).", show_default=False)
    ],
    data: DataOption = None,
    vetting: Annotated[
        bool,
        typer.Option(
            "--vetting/--no-vetting",
            help="Include each agency's vetting status (x_referral.vetting). Use --no-vetting "
            "before publishing outside the coalition.",
        ),
    ] = True,
) -> None:
    """Write the catalog as Open Referral HSDS 3.0: organizations.json and csv/ (data package)."""
    from referral_cli.hsds.export import export_hsds as run_export

    catalog = load(data)
    written = run_export(catalog, folder, today(), with_vetting=vetting)
    typer.echo(
        f"Wrote {len(catalog.agencies)} organizations as HSDS 3.0 to {folder}: "
        f"organizations.json and csv/ ({len(written) - 1} files)."
    )
    typer.echo(
        "No street address is written; agencies with a confidential address get no location."
    )
    if vetting:
        typer.echo(
            "Vetting status is included (x_referral.vetting); use --no-vetting before "
            "sharing outside the coalition."
        )


def gaps(
    data: DataOption = None,
    language: Annotated[
        str | None,
        typer.Option(metavar="LANGUAGE", help="Count only agencies working in this language."),
    ] = None,
    lgbtq: Annotated[
        bool, typer.Option("--lgbtq", help="Count only LGBTQ-affirming agencies.")
    ] = False,
    after_hours: Annotated[
        bool, typer.Option("--after-hours", help="Count only agencies answering after hours.")
    ] = False,
    catalog_only: Annotated[
        bool,
        typer.Option(
            "--catalog-only",
            help="Leave out where youth hesitated (counted from your sessions, no case "
            "references).",
        ),
    ] = False,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """For each need: agencies offering it, how many are ready to refer, and the gaps.

    With case files on this laptop, also where youth hesitated about the options for each
    need and what would have helped: counts only, never a case reference.
    """
    from referral_cli.coalition.reports import GapFilter
    from referral_cli.coalition.reports import gaps as report

    result = report(
        load(data),
        today(),
        GapFilter(language=language, lgbtq=lgbtq, after_hours=after_hours),
        None if catalog_only else _own_sessions(),
    )
    from referral_cli.export.reports import gaps_markdown
    from referral_cli.render.reports import gaps_view

    present(
        result,
        fmt,
        output,
        markdown=gaps_markdown,
        view=gaps_view,
        force=force,
        name="gaps",
    )


def _own_sessions() -> list[Session] | None:
    """The worker's sessions, for counts; None (and a note on stderr) when there are none
    to read or they cannot be unlocked, so the catalog's gaps are still shown."""
    from referral_cli.casefile.files import private_home
    from referral_cli.casefile.store import SESSION_SUFFIX, SESSIONS_DIR
    from referral_cli.errors import ReferralError

    folder = private_home() / SESSIONS_DIR
    if not folder.is_dir() or not any(p.name.endswith(SESSION_SUFFIX) for p in folder.iterdir()):
        return None
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions

    try:
        case_command_startup()
        return list(list_sessions())
    except ReferralError as exc:
        typer.echo(f"Hesitations from your sessions not counted: {exc}", err=True)
        return None


def coverage(
    data: DataOption = None,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Which partner sectors have an agency in the catalog, and which are missing."""
    from referral_cli.coalition.reports import coverage as report

    result = report(load(data), today())
    from referral_cli.export.reports import coverage_markdown
    from referral_cli.render.reports import coverage_view

    present(
        result,
        fmt,
        output,
        markdown=coverage_markdown,
        view=coverage_view,
        force=force,
        name="coverage",
    )


def consultations(
    data: DataOption = None,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DATE", help="First date to include (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Last date to include (YYYY-MM-DD).", show_default=False),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(metavar="AGENCY", help="Only this agency (id or start of its name)."),
    ] = None,
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Log of partner vettings and consultations (agency, date, who, method, outcome)."""
    from referral_cli.coalition.reports import consultations as report

    result = report(
        load(data), date_option(since, "--since"), date_option(until, "--until"), agency
    )
    from referral_cli.export.reports import consultations_markdown
    from referral_cli.render.reports import consultations_view

    present(
        result,
        fmt,
        output,
        markdown=consultations_markdown,
        view=consultations_view,
        force=force,
        name="consultations",
    )


def register(app: typer.Typer) -> None:
    """Add the reports to the root app and the HSDS commands to `referral catalog`."""
    from referral_cli.commands.catalog import catalog_app

    catalog_app.command("import-hsds")(import_hsds)
    catalog_app.command("export-hsds")(export_hsds)
    app.command("gaps")(gaps)
    app.command("coverage")(coverage)
    app.command("consultations")(consultations)
