"""The `referral` command: parse arguments, call the core, render. No domain logic here.

Only typer and the thin command modules are imported at start-up; each command imports
the heavy modules (pydantic, yaml, rich tables) it needs inside its body.
"""

from __future__ import annotations

import typer

from referral_cli import __version__
from referral_cli.commands.common import ReferralGroup

app = typer.Typer(
    cls=ReferralGroup,
    name="referral",
    help="Safe referrals and agency vetting for youth survivors of exploitation and trafficking.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"referral {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Safe referrals and agency vetting for youth survivors of exploitation and trafficking."""


def _register() -> None:
    from referral_cli.commands import casework, catalog, coalition, security, session, vet

    security.register(app)
    session.register(app)
    vet.register(app)
    catalog.register(app)
    coalition.register(app)
    casework.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
