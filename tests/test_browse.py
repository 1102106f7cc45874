"""Browsing the catalog: services, agencies with filters, one agency's card, safe output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.cli import registered
from tests.helpers import AGENCIES_HEAD, agency, write_catalog

Run = Callable[..., Result]

HOSTILE_NAME = r'"[bold red]Evil[/] \e[31mRED\e[0m \a[link=http://evil.example]click[/link]\r"'


def test_version_and_help_list_every_command(run: Run) -> None:
    assert run("--version").output.startswith("referral ")
    result = run("--help")
    assert result.exit_code == 0
    for name in registered():
        assert f"  {name} " in result.output


def test_usage_error_exits_2(run: Run) -> None:
    result = run("agencies", "--no-such-flag")
    assert result.exit_code == 2


def test_services_grouped_and_json(run: Run) -> None:
    result = run("services")
    assert result.exit_code == 0
    assert "Basic needs" in result.output
    assert "Housing" in result.output
    data = json.loads(run("services", "--json").output)
    ids = {s["id"] for s in data}
    assert len(ids) == len(data) >= 30


def test_agencies_filters(run: Run, tmp_path: Path) -> None:
    text = AGENCIES_HEAD + agency("harbor", "Harbor House") + agency("pier", "Pier Project")
    text = text.replace("languages: [en, es]", "languages: [en]", 1)  # harbor: English only
    text = text.replace("lgbtq_affirming: true", "lgbtq_affirming: false", 1)
    root = write_catalog(tmp_path / "cat", agencies=text)
    spanish = run("agencies", "--data", str(root), "--language", "Spanish", "--json")
    assert [a["id"] for a in json.loads(spanish.output)] == ["pier"]
    lgbtq = run("agencies", "--data", str(root), "--lgbtq", "--json")
    assert [a["id"] for a in json.loads(lgbtq.output)] == ["pier"]
    by_synonym = run("agencies", "--data", str(root), "--search", "bed", "--json")
    assert {a["id"] for a in json.loads(by_synonym.output)} == {"harbor", "pier"}
    by_name = run("agencies", "--data", str(root), "--search", "pier", "--json")
    assert [a["id"] for a in json.loads(by_name.output)] == ["pier"]
    none = run("agencies", "--data", str(root), "--sector", "health", "--json")
    assert json.loads(none.output) == []


def test_unknown_filter_values_exit_1_with_choices(run: Run) -> None:
    result = run("agencies", "--language", "Klingon")
    assert result.exit_code == 1
    assert "Unknown language 'Klingon'" in result.stderr
    result = run("agencies", "--service", "zzzz")
    assert result.exit_code == 1
    assert "No service called 'zzzz'" in result.stderr


def test_show_by_prefix_unknown_and_ambiguous(run: Run, tmp_path: Path) -> None:
    text = AGENCIES_HEAD + agency("harbor", "Harbor House") + agency("harbor-two", "Harbor Two")
    root = write_catalog(tmp_path / "cat", agencies=text)
    card = run("show", "harbor t", "--data", str(root))
    assert card.exit_code == 0
    assert "Harbor Two" in card.output
    assert "Intake coordinator" in card.output
    ambiguous = run("show", "harb", "--data", str(root))
    assert ambiguous.exit_code == 1
    assert "matches more than one agency" in ambiguous.stderr
    assert "harbor-two" in ambiguous.stderr
    unknown = run("show", "harbour hose", "--data", str(root))
    assert unknown.exit_code == 1
    assert "No agency called 'harbour hose'. Did you mean" in unknown.stderr


@pytest.mark.parametrize("args", [["agencies"], ["show", "harbor"], ["agencies", "--json"]])
def test_catalog_text_is_data_never_markup(run: Run, tmp_path: Path, args: list[str]) -> None:
    text = AGENCIES_HEAD + agency().replace("name: Harbor House", f"name: {HOSTILE_NAME}")
    root = write_catalog(tmp_path / "cat", agencies=text)
    result = run(*args, "--data", str(root))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "\x1b" not in out
    assert "\a" not in out
    assert "\r" not in out
    if "--json" not in args:
        assert "[bold red]Evil[/]" in out
        assert "[link=http://evil.example]click[/link]" in out


def test_shipped_agencies_list_marks_vetting(run: Run) -> None:
    result = run("agencies")
    assert result.exit_code == 0
    assert "not vetted" in result.output
    assert "ready" in result.output
    assert "DO NOT REFER" in result.output


def test_agency_list_shows_each_id_whole_at_80_columns(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The id is what a worker types next (`show`, `vet`): it must not be folded."""
    monkeypatch.setenv("COLUMNS", "80")
    result = run("agencies", "--sector", "anti-trafficking")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert any(
        line.startswith("  alder-county-anti-trafficking-task-force · anti-trafficking")
        for line in lines
    )


def test_a_mistyped_command_gets_a_suggestion(run: Run) -> None:
    result = run("agenc")
    assert result.exit_code == 2
    assert "Did you mean 'agencies'?" in result.output


@pytest.mark.parametrize("columns", ["60", "80"])
def test_agency_list_has_no_trailing_spaces_and_whole_commands(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    """A list pasted into an e-mail or piped on keeps no padding, and the command it suggests
    is never split over two lines."""
    monkeypatch.setenv("COLUMNS", columns)
    lines = run("agencies", "--limit", "3").output.splitlines()
    assert [line for line in lines if line != line.rstrip()] == []
    assert any("--limit=0" in line for line in lines)
    assert all(len(line) <= int(columns) for line in lines)
