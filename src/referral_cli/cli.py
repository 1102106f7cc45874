"""The `referral` command: parse arguments, call the core, render. No domain logic here.

Only typer and the thin command modules are imported at start-up; each command imports
the heavy modules (pydantic, yaml, rich tables) it needs inside its body. Commands are
registered on `commands`, and the root group turns only the one being run into a click
command, so `referral --help` does not build two dozen commands it will not run.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from typing import Any

import typer
import typer.main

from referral_cli import __version__
from referral_cli.commands.common import ReferralGroup
from referral_cli.commands.examples import epilog

# Every command and sub-group is registered here, one module at a time, when first needed.
commands = typer.Typer(rich_markup_mode=None)

# What `referral --help` lists, in this order: the command, the module that registers it, and
# its one-line purpose (the first sentence of its docstring; tests/test_docs.py keeps them
# equal). Listing from this table means `--help` imports no command module at all.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "security",
        "Set up encryption of case files with a passphrase, and how long closed cases are kept.",
    ),
    "profile": (
        "profile",
        "Set your worker profile once: name, program, phone, e-mail, used by every session.",
    ),
    "audit": (
        "security",
        "The audit log: when sessions were created, exported, revoked, purged.",
    ),
    "start": (
        "session",
        "Run a referral session with the youth: the in-room steps, ending with the plan.",
    ),
    "resume": (
        "session",
        "Show a case's timeline and go on at the first unanswered question (the later steps).",
    ),
    "sessions": ("session", "List saved sessions: reference, step, status and follow-up date."),
    "summary": (
        "session",
        "Print the handoff summary: the worker's copy, or with --for the copy for one agency.",
    ),
    "checklist": (
        "session",
        "The blank eight-step checklist for paper use, with the no-referral path and hotlines.",
    ),
    "purge": ("session", "Delete saved sessions for good."),
    "contacts": (
        "contacts",
        "New contacts from your sessions, not in the catalog yet: for the coordinator to add.",
    ),
    "consent": ("consent", "Record changes to a youth's consent."),
    "vet": ("vet", "Show an agency's vetting scorecard, its history, or record a new vetting."),
    "vettings": (
        "vet",
        "Every partner agency's vetting outcome, scores and due date, what needs attention first.",
    ),
    "services": ("catalog", "List the needs and services a youth may be referred for, by group."),
    "agencies": (
        "catalog",
        "List partner agencies with their vetting standing; filters narrow the list.",
    ),
    "show": ("catalog", "Show everything the catalog holds about one agency."),
    "hotlines": (
        "catalog",
        "List the hotlines in the catalog, to give a youth a number to call later.",
    ),
    "gaps": (
        "coalition",
        "For each need: agencies offering it, how many are ready to refer, and the gaps.",
    ),
    "coverage": (
        "coalition",
        "Which partner sectors have an agency in the catalog, and which are missing.",
    ),
    "consultations": (
        "coalition",
        "Log of partner vettings and consultations (agency, date, who, method, outcome).",
    ),
    "followups": ("casework", "List your open referrals by follow-up date, overdue first."),
    "status": (
        "casework",
        "Move a referral along its lifecycle (timestamped; invalid moves are refused).",
    ),
    "activity": (
        "casework",
        "Counts from your own sessions for the coalition (no case references).",
    ),
    "catalog": ("catalog", "Check and maintain the service and agency catalogs."),
}
# Modules that add sub-commands to a group registered by another module: the HSDS commands
# live with the coalition reports but run as `referral catalog import-hsds`/`export-hsds`.
GROUP_PARTS: dict[str, tuple[str, ...]] = {"catalog": ("coalition",)}
_REGISTERED: set[str] = set()


def register(module: str) -> None:
    """Import one command module and add its commands to `commands` (once)."""
    if module not in _REGISTERED:
        _REGISTERED.add(module)
        importlib.import_module(f"referral_cli.commands.{module}").register(commands)


def _infos() -> dict[str, Any]:
    infos: dict[str, Any] = {}
    for info in commands.registered_commands:
        callback = info.callback.__name__ if info.callback else ""
        infos[info.name or typer.main.get_command_name(callback)] = info
    for group in commands.registered_groups:
        infos[str(group.name)] = group
    return infos


def registered() -> dict[str, Any]:
    """Every command and sub-group by name, after registering every module."""
    for module, _ in COMMANDS.values():
        register(module)
    return _infos()


def short_help(doc: str | None) -> str:
    """The first sentence of a docstring: what `referral --help` lists for a command."""
    first = inspect.cleandoc(doc or "").split("\n\n")[0].replace("\n", " ")
    end = first.find(". ")
    return first[: end + 1] if end >= 0 else first


class LazyGroup(ReferralGroup):
    """The root group: lists commands from COMMANDS, builds only the one invoked."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        for module in (COMMANDS[cmd_name][0], *GROUP_PARTS.get(cmd_name, ())):
            register(module)
        info = _infos()[cmd_name]
        if isinstance(info, typer.models.TyperInfo):
            command: Any = typer.main.get_group_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None, suggest_commands=True
            )
        else:
            command = typer.main.get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None
            )
        command.epilog = epilog(cmd_name)
        for name, sub in getattr(command, "commands", {}).items():
            sub.epilog = epilog(f"{cmd_name} {name}")
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """As click does, and a typo gets the closest command names (a usage error, exit 2)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            close = difflib.get_close_matches(name, list(COMMANDS))
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Every command with its whole one-line purpose, without importing any of them."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, purpose) for name, (_, purpose) in COMMANDS.items()])


app = typer.Typer(
    cls=LazyGroup,
    name="referral",
    help="Safe referrals and agency vetting for youth survivors of exploitation and trafficking.",
    no_args_is_help=True,
    add_completion=True,
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


def main() -> None:
    """Console-script entry point."""
    app()
