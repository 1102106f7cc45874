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


EXTENSIONS = {Format.TEXT: "txt", Format.MARKDOWN: "md", Format.JSON: "json", Format.HTML: "html"}

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
        metavar="FILE|DIR/",
        help="Write to this file (or into this folder) instead of the screen.",
        show_default=False,
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace the -o file if it exists already.")
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


def emit(
    text: str, output: Path | str | None, *, force: bool = False, name: str | None = None
) -> None:
    """Print an export, or write it to a file (`-o`) and say where.

    The one place `-o` writes: owner-only (0600, folders it makes 0700 whatever the umask),
    atomic, never over an existing file without --force, a folder (`DIR/`) gets `name` in it,
    and never inside the tool's own data or cache folders, where it would replace a key, a
    case file or the cache (every case is lost with the key). Symlinks are followed before
    that check, so a link into those folders is refused too. A control or bidi character
    still in the text (JSON keeps data as it is) goes out as a `\\uXXXX` escape.
    """
    from referral_cli.text import escape_controls

    text = escape_controls(text)
    if output is None:
        typer.echo(text.rstrip("\n"))
        return
    from referral_cli.casefile.files import atomic_write_text

    outside_tool_folders(Path(output), "-o")  # before anything else is said about the path
    target = outside_tool_folders(output_file(output, force=force, name=name), "-o")
    atomic_write_text(target, text if text.endswith("\n") else text + "\n")
    typer.echo(f"Wrote {target}", err=True)


def output_file(output: Path | str, *, force: bool, name: str | None) -> Path:
    """Where -o writes: a folder (`DIR/`, or one that exists) gets `name` inside it; an
    existing file is never replaced without --force, so one export cannot silently take
    the place of another (the shelter sent the immigration agency's copy)."""
    path = Path(output)
    if str(output).endswith(("/", "\\")) or path.is_dir():
        if name is None:
            raise ReferralError(f"-o {output} is a folder: give a file name.")
        path = path / name
    if path.exists() and not force:
        raise ReferralError(
            f"{path} exists already; nothing was written. Choose another name or a folder "
            "(-o DIR/), or add --force to replace it."
        )
    return path


def outside_tool_folders(path: Path, option: str) -> Path:
    """`path` resolved (symlinks followed), or ReferralError if it lies inside the tool's
    data or cache folder: a file a user names must never replace the key or a case file."""
    from referral_cli.casefile.files import home_dir
    from referral_cli.catalog.cachekey import cache_dir

    target = path.expanduser().resolve()
    for label, folder in (("case files", home_dir()), ("cache", cache_dir())):
        if target.is_relative_to(folder.expanduser().resolve()):
            raise ReferralError(
                f"{option} {path} is inside the tool's {label} folder ({folder}); writing "
                "there could destroy case files or the key. Choose a file elsewhere."
            )
    return target


FILE_WIDTH = 120  # text reports written with -o do not depend on the terminal's width


def present(
    result: Any,
    fmt: Format,
    output: Path | None,
    *,
    markdown: Callable[[Any], str],
    view: Callable[[Any], object],
    json: Callable[[Any], str] | None = None,
    force: bool = False,
    name: str | None = None,
) -> None:
    """Print or write a command's result in the format asked for (JSON defaults to the model).

    `name` is the file name `-o DIR/` writes, without its extension. The printable page is
    the Markdown rendered, so the two always say the same thing.
    """
    file = f"{name}.{EXTENSIONS[fmt]}" if name else None
    if fmt is Format.JSON:
        emit(
            json(result) if json else result.model_dump_json(indent=2),
            output,
            force=force,
            name=file,
        )
    elif fmt is Format.MARKDOWN:
        emit(markdown(result), output, force=force, name=file)
    elif fmt is Format.HTML:
        from referral_cli.export.html import page

        emit(page(markdown(result)), output, force=force, name=file)
    elif output is not None:
        from referral_cli.console import make_console

        console = make_console(record=True, file=io.StringIO(), width=FILE_WIDTH)
        console.print(view(result))
        emit(console.export_text(), output, force=force, name=file)
    else:
        show(view(result))


def show(renderable: object) -> None:
    """Print a rich renderable through the one console."""
    from referral_cli.console import make_console

    make_console().print(renderable)
