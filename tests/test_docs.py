"""Docs as tests: every command has a one-line purpose and is named in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from referral_cli.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _commands(group: TyperGroup, prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, TyperGroup):
            found += _commands(command, prefix=f"{path} ")
    return found


def test_every_command_has_help_and_is_in_the_readme() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    commands = _commands(root)
    assert len(commands) >= 6
    for path, command in commands:
        assert (command.help or "").strip(), f"`referral {path}` has no help text"
        assert f"referral {path}" in README or f"`{path.split()[-1]}`" in README, path


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in ci
    assert "bash scripts/test.sh" in README


def test_root_help_lists_the_first_sentence_of_every_command() -> None:
    from typer.testing import CliRunner

    help_text = "".join(CliRunner().invoke(app, ["--help"]).output.split())
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    for path, command in _commands(root):
        if " " not in path:
            assert "".join(command.get_short_help_str(limit=200).split()) in help_text, path


def test_the_help_table_matches_the_commands_docstrings() -> None:
    from referral_cli.cli import COMMANDS, registered, short_help

    infos = registered()
    assert set(COMMANDS) == set(infos)
    for name, info in infos.items():
        if isinstance(info, typer.models.TyperInfo):
            sub = info.typer_instance
            doc = sub.info.help if sub else None
        else:
            doc = info.callback.__doc__
        assert COMMANDS[name][1] == short_help(doc), name


def test_every_sub_command_is_there_in_a_fresh_process() -> None:
    """Commands register lazily, per process: a group must not depend on what ran before it."""
    import subprocess
    import sys

    from referral_cli.cli import registered

    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    groups = [
        name for name, info in registered().items() if isinstance(info, typer.models.TyperInfo)
    ]
    assert groups
    ctx = typer.Context(root)
    for group in groups:
        command = root.get_command(ctx, group)
        assert isinstance(command, TyperGroup)
        expected = command.list_commands(typer.Context(command))
        shown = subprocess.run(
            [sys.executable, "-c", "from referral_cli.cli import main; main()", group, "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        listed = shown.split("Commands:")[1].split()
        assert [name for name in expected if name not in listed] == [], group
