"""Options and helpers shared by the command modules (typer only at import time)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from referral_cli.errors import ReferralError

if TYPE_CHECKING:
    from referral_cli.catalog.load import Catalog


class ReferralGroup(TyperGroup):
    """Turns a ReferralError from any command into one message on stderr and exit code 1."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List every command with its whole one-line purpose, wrapped rather than cut off."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=200)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ReferralError as exc:
            from referral_cli.text import clean

            typer.echo(f"Error: {clean(str(exc))}", err=True)
            raise typer.Exit(1) from None


class Format(StrEnum):
    """Output formats every report offers: html is a page to print from a browser."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"


class DataFormat(StrEnum):
    """Output formats of a command whose result is a status or log, not a paper."""

    TEXT = "text"
    JSON = "json"


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        help="Catalog folder (services.yaml, agencies.yaml, vettings/). "
        "Default: $REFERRAL_DATA, else the shipped example catalog.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output format: text, markdown, json, or html (a page to print).",
    ),
]
DataFormatOption = Annotated[
    DataFormat,
    typer.Option("--format", "-f", metavar="FORMAT", help="Output format: text or json."),
]
# The old spelling, kept working for scripts; `--format json` is the one that --help shows.
JsonFlag = Annotated[bool, typer.Option("--json", hidden=True, help="The same as --format json.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file instead of the screen.",
        show_default=False,
    ),
]


def chosen(fmt: Format, as_json: bool) -> Format:
    """The format asked for, with the hidden --json alias meaning --format json."""
    return Format.JSON if as_json else fmt


def today() -> dt.date:
    """Today's date; `REFERRAL_TODAY=YYYY-MM-DD` fixes it for tests and training."""
    from referral_cli.clock import today as clock

    return clock()


def date_option(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value, or None when not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReferralError(f"{option} must be a date (YYYY-MM-DD), not '{value}'.") from None


def load(data: Path | None) -> Catalog:
    """Load and validate the catalog named by --data / REFERRAL_DATA / the shipped default."""
    from referral_cli.catalog.load import resolve_data_dir
    from referral_cli.vetting.rules import load_catalog

    return load_catalog(resolve_data_dir(data))


def emit(text: str, output: Path | None) -> None:
    """Print an export, or write it atomically to a file and say where."""
    if output is None:
        typer.echo(text.rstrip("\n"))
        return
    from referral_cli.casefile.files import atomic_write_text

    atomic_write_text(output, text if text.endswith("\n") else text + "\n")
    typer.echo(f"Wrote {output}", err=True)


FILE_WIDTH = 120  # text reports written with -o do not depend on the terminal's width


def present(
    result: Any,
    fmt: Format,
    output: Path | None,
    *,
    markdown: Callable[[Any], str],
    view: Callable[[Any], object],
    json: Callable[[Any], str] | None = None,
) -> None:
    """Print or write a command's result in the format asked for (JSON defaults to the model).

    The printable page is the Markdown rendered, so the two always say the same thing.
    """
    if fmt is Format.JSON:
        emit(json(result) if json else result.model_dump_json(indent=2), output)
    elif fmt is Format.MARKDOWN:
        emit(markdown(result), output)
    elif fmt is Format.HTML:
        from referral_cli.export.html import page

        emit(page(markdown(result)), output)
    elif output is not None:
        from referral_cli.console import make_console

        console = make_console(record=True, file=io.StringIO(), width=FILE_WIDTH)
        console.print(view(result))
        emit(console.export_text(), output)
    else:
        show(view(result))


def show(renderable: object) -> None:
    """Print a rich renderable through the one console."""
    from referral_cli.console import make_console

    make_console().print(renderable)
