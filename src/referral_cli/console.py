"""The one place output goes: rich consoles that never read data as markup."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def make_console(
    stderr: bool = False,
    record: bool = False,
    file: IO[str] | None = None,
    width: int | None = None,
) -> Console:
    """A console that prints text literally: no markup, emoji codes or auto-highlighting."""
    from rich.console import Console

    return Console(
        markup=False,
        emoji=False,
        highlight=False,
        stderr=stderr,
        record=record,
        file=file,
        width=width,
    )


def command(args: str) -> str:
    """A `referral ...` command line that works as printed, even without `referral` on PATH."""
    if shutil.which("referral"):
        return f"referral {args}"
    script = Path(sys.argv[0] if sys.argv else "")
    if script.name == "referral" and script.is_file():  # started by its path: the same path
        return f"{shlex.quote(str(script.absolute()))} {args}"
    return f"{shlex.quote(sys.executable)} -m referral_cli {args}"


def screen_width(limit: int = 100) -> int:
    """The terminal's columns ($COLUMNS wins), at most `limit` so long lines stay readable."""
    return min(shutil.get_terminal_size((80, 24)).columns, limit)


def tty_width() -> int | None:
    """The width to wrap screen lines at: a terminal's, or None for a pipe or a file (they do
    not cut lines, and a line kept whole is easier to search and to copy from)."""
    return screen_width() if sys.stdout.isatty() else None
