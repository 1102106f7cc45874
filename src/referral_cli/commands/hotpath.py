"""`show AGENCY`, `vet AGENCY` and `agencies --service S` from a warm cache, before typer loads.

A worker runs these in front of a youth, so they must start as fast as `referral --help`.
Importing typer alone takes most of that budget, and these three need none of it when the
cache is current: `answer` reads the command line itself, for exactly these shapes (the
agency or service, and `--data DIR` / `--limit N` where the command has them, in any order),
and prints through the same functions the commands call (`agency_card`, `scorecard`,
`offering` below), so both ways print the same. Anything else (another option, `--help`,
`--`, shell completion, a value that looks like an option, a cache that is not current, an
agency given by name...) answers False before printing anything, and the ordinary command
runs with typer's parsing and messages.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

# The options each command may be answered with here, and whether each takes a value.
_SHAPES: dict[str, dict[str, bool]] = {
    "show": {"--data": True},
    "vet": {"--data": True},
    "agencies": {"--data": True, "--service": True, "--limit": True},
}


def answer(argv: list[str]) -> bool:
    """Print the answer to a warm `show`/`vet`/`agencies --service` command line; True if done."""
    parsed = _parse(argv)
    if parsed is None or any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return False  # not a shape handled here, or typer's shell completion asking
    command, positional, options = parsed
    from referral_cli.errors import ReferralError

    try:
        from referral_cli.clock import today

        day = today()
    except ReferralError:
        return False  # typer's path says what is wrong with $REFERRAL_TODAY
    data = Path(options["--data"]) if "--data" in options else None
    if command == "agencies":
        limit = options.get("--limit", "20")
        if positional or "--service" not in options or not (limit.isascii() and limit.isdigit()):
            return False
        return offering(data, options["--service"], day, int(limit))
    if len(positional) != 1:
        return False
    if command == "show":
        return agency_card(data, positional[0], day)
    return scorecard(data, positional[0], day)


def _parse(argv: list[str]) -> tuple[str, list[str], dict[str, str]] | None:
    """(command, positional arguments, options) for a shape handled here, else None."""
    if not argv or argv[0] not in _SHAPES:
        return None
    known = _SHAPES[argv[0]]
    positional: list[str] = []
    options: dict[str, str] = {}
    words = iter(argv[1:])
    for word in words:
        name, eq, value = word.partition("=")
        if not word.startswith("-"):
            positional.append(word)
            continue
        if name not in known or name in options:
            return None  # --help, --format, --, -f, a repeated option...
        if not eq:
            value = next(words, "")
        if not value or value.startswith("-"):
            return None
        options[name] = value
    return argv[0], positional, options


def agency_card(data: Path | None, agency: str, day: dt.date) -> bool:
    """Print `show AGENCY` from a warm cache; False (nothing printed) if it cannot."""
    from referral_cli.catalog.places import resolve_data_dir
    from referral_cli.vetting import quick

    card = quick.agency_card(resolve_data_dir(data), agency, day)
    if card is None:
        return False
    from referral_cli.render.catalog import agency_card as view

    _show(view(*card))
    return True


def scorecard(data: Path | None, agency: str, day: dt.date) -> bool:
    """Print `vet AGENCY` from a warm cache; False (nothing printed) if it cannot."""
    from referral_cli.catalog.places import resolve_data_dir
    from referral_cli.vetting import quick

    found = quick.scorecard(resolve_data_dir(data), agency, day)
    if found is None:
        return False
    card, factors = found
    from referral_cli.console import command
    from referral_cli.render.vetting import scorecard_view

    record = command(f"vet {card.agency} --record")
    _show(scorecard_view(card, ascii_only=ascii_only(), record=record, factors=factors))
    return True


def offering(data: Path | None, service: str, day: dt.date, limit: int) -> bool:
    """Print `agencies --service S` from a warm cache; False (nothing printed) if it cannot."""
    from referral_cli.catalog.places import resolve_data_dir
    from referral_cli.vetting import quick

    found = quick.offering(resolve_data_dir(data), service, day, limit)
    if found is None:
        return False
    from referral_cli.render.catalog import agencies_view

    _show(agencies_view(found))
    return True


def ascii_only() -> bool:
    """Plain ASCII tables when colour is off or output is not a terminal (stable in files)."""
    return bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()


def _show(renderable: object) -> None:
    from referral_cli.console import make_console

    make_console().print(renderable)
