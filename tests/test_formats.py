"""One --format everywhere: every command that shows data accepts each format it lists.

The table below names how to run each such command; a command with a --format option that is
missing from the table fails the test, so a new command cannot skip it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import Result

from referral_cli.cli import app

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "answers-example.yaml"
HSDS = ROOT / "tests" / "fixtures" / "hsds-3.0" / "examples-csv"
AGENCY = "alder-county-youth-harbor"
FORMATS_DOC = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")

# command -> the arguments it needs to show something
SHOWING: dict[str, list[str]] = {
    "sessions": [],
    "summary": ["AC-2041", "--for", AGENCY],
    "checklist": [],
    "audit": [],
    "vet": [AGENCY],
    "vettings": [],
    "services": [],
    "agencies": [],
    "show": [AGENCY],
    "hotlines": [],
    "gaps": [],
    "coverage": [],
    "consultations": [],
    "followups": [],
    "activity": [],
    "contacts": [],
    "catalog validate": [],
    "catalog import-hsds": [str(HSDS), "--dry-run"],
}


def commands_of(group: TyperGroup, prefix: str = "") -> list[tuple[str, Any]]:
    """Every command and sub-command under a group, by its path ("catalog validate")."""
    found: list[tuple[str, Any]] = []
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        found.append((f"{prefix}{name}", command))
        if isinstance(command, TyperGroup):
            found += commands_of(command, prefix=f"{prefix}{name} ")
    return found


def _format_choices(command: Any) -> list[str]:
    for param in command.params:
        if "--format" in getattr(param, "opts", []):
            assert "-f" in param.opts
            choices = getattr(param.type, "choices", None)
            assert choices, "--format must list its choices"
            return [str(c) for c in choices]
    return []


def _all_commands() -> dict[str, Any]:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    return {path: command for path, command in commands_of(root) if not command.hidden}


def test_every_showing_command_has_format_and_is_in_the_table() -> None:
    commands = _all_commands()
    with_format = {path for path, command in commands.items() if _format_choices(command)}
    assert with_format == set(SHOWING)
    for path in SHOWING:
        choices = _format_choices(commands[path])
        assert {"text", "json"} <= set(choices), path


def _documented(path: str, data: Any) -> None:
    """The JSON shape is in docs/formats.md: the command's section names every top-level key."""
    heading = f"`referral {'agencies' if path == 'show' else path}"
    sections = [part for part in FORMATS_DOC.split("\n### ") if part.startswith(heading)]
    assert sections, f"docs/formats.md has no section for {path}"
    row = data[0] if isinstance(data, list) and data else data
    if isinstance(row, dict):
        missing = [k for k in row if k not in "".join(sections)]
        assert not missing, (path, missing)


def _check(fmt: str, out: str, path: str) -> None:
    if fmt == "json":
        _documented(path.split(" -f ")[0], json.loads(out))
    elif fmt == "fhir":
        assert json.loads(out)["resourceType"] == "Bundle"
    elif fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "<script" not in out, path
    elif fmt == "markdown":
        assert out.lstrip().startswith("# "), path
    else:  # text means text
        assert "**" not in out and "<!DOCTYPE" not in out and "\\[" not in out, path
        assert not out.lstrip().startswith("{"), path


def test_each_format_each_command_lists(
    run: Run, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    assert run("start", "--answers", str(EXAMPLE), "--no-input").exit_code == 0
    commands = _all_commands()
    tried = 0
    for path, args in SHOWING.items():
        extra = ["--data", str(data_copy)] if path == "catalog import-hsds" else []
        for fmt in _format_choices(commands[path]):
            result = run(*path.split(), *args, *extra, "--format", fmt)
            assert result.exit_code == 0, (path, fmt, result.output)
            _check(fmt, result.stdout, f"{path} -f {fmt}")
            tried += 1
    assert tried > 50


@pytest.mark.parametrize("command", ["services", "agencies", "show", "hotlines"])
def test_old_json_flag_still_works_but_is_not_advertised(run: Run, command: str) -> None:
    args = [AGENCY] if command == "show" else []
    assert json.loads(run(command, *args, "--json").stdout)
    assert json.loads(run(command, *args, "--json").stdout) == json.loads(
        run(command, *args, "-f", "json").stdout
    )
    assert "--json" not in run(command, "--help").stdout
