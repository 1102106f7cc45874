"""The `referral` command: parse arguments, call the core, render. No domain logic here.

Only typer and the thin command modules are imported at start-up; each command imports
the heavy modules (pydantic, yaml, rich tables) it needs inside its body. Commands are
registered on `commands`, and the root group turns only the one being run into a click
command, so `referral --help` does not build two dozen commands it will not run.
"""

from __future__ import annotations

import difflib
import inspect
from typing import Any

import typer
import typer.main
from typer._click.exceptions import UsageError  # typer vendors click (0.28+)

from referral_cli import __version__
from referral_cli.commands.common import ReferralGroup

# Every command and sub-group is registered here; the root app below builds them on demand.
commands = typer.Typer(rich_markup_mode=None)


def short_help(doc: str | None) -> str:
    """The first sentence of a docstring: what `referral --help` lists for a command."""
    first = inspect.cleandoc(doc or "").split("\n\n")[0].replace("\n", " ")
    end = first.find(". ")
    return first[: end + 1] if end >= 0 else first


class LazyGroup(ReferralGroup):
    """The root group: lists commands from their docstrings, builds only the one invoked."""

    def _infos(self) -> dict[str, Any]:
        infos: dict[str, Any] = {}
        for info in commands.registered_commands:
            callback = info.callback.__name__ if info.callback else ""
            infos[info.name or typer.main.get_command_name(callback)] = info
        for group in commands.registered_groups:
            infos[str(group.name)] = group
        return infos

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._infos())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        info = self._infos().get(cmd_name)
        if info is None:
            return None
        if isinstance(info, typer.models.TyperInfo):
            return typer.main.get_group_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None, suggest_commands=True
            )
        return typer.main.get_command_from_info(
            info, pretty_exceptions_short=True, rich_markup_mode=None
        )

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """As click does, and a typo gets the closest command names."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            close = difflib.get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if close:
                names = ", ".join(repr(name) for name in close)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {names}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Every command with its whole one-line purpose, without building any of them."""
        rows = []
        for name, info in self._infos().items():
            if isinstance(info, typer.models.TyperInfo):
                sub = info.typer_instance
                doc = info.help or (sub.info.help if sub else None)
            else:
                doc = info.help or info.callback.__doc__
            rows.append((name, short_help(doc)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    cls=LazyGroup,
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

    for module in (security, session, vet, catalog, coalition, casework):
        module.register(commands)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
