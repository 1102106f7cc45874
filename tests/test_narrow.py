"""Every screen readable at 60 columns: numbers, references and ids whole; lists, not cut tables.

Snapshots in tests/snapshots/*_60.txt (refresh with UPDATE_SNAPSHOTS=1 after a deliberate change).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.render.narrow import plain_table, wrap_items

Run = Callable[..., Result]
SNAPSHOTS = Path(__file__).parent / "snapshots"
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"
WHOLE = re.compile(r"1-888-373-7888|503-555-0\d{3}|AC-2041|alder-county-youth-harbor")


@pytest.fixture(autouse=True)
def _sixty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def _snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}_60.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert text == path.read_text()


def _readable(text: str) -> None:
    for line in text.splitlines():
        assert len(line.rstrip()) <= 60, line
        assert "…" not in line, line


@pytest.fixture
def finished(run: Run) -> None:
    run("profile", "--name", "Maya Reyes", "--program", "Harbor", "--phone", "503-555-0142")
    assert run("start", "--answers", str(EXAMPLE), "--no-input").exit_code == 0


@pytest.mark.parametrize(
    "command",
    [
        ["hotlines"],
        ["gaps"],
        ["sessions"],
        ["followups"],
        ["vettings"],
        ["consultations"],
        ["summary", "AC-2041", "--for", "youth-harbor"],
        ["summary", "AC-2041", "--youth", "--any-hour"],
    ],
    ids=lambda c: "-".join(c[:1] + [a.lstrip("-") for a in c[2:3]]),
)
@pytest.mark.usefixtures("finished")
def test_screens_at_60_columns(run: Run, command: list[str]) -> None:
    result = run(*command)
    assert result.exit_code == 0, result.output
    _readable(result.output)
    name = "-".join([command[0], *(a.lstrip("-") for a in command[2:3])])
    _snapshot(name, result.output)


def test_service_ids_are_never_cut(run: Run) -> None:
    out = run("services").output
    _readable(out)
    assert "crisis-intervention" in out and "transportation" in out


def test_hotline_numbers_and_ids_are_never_cut(run: Run) -> None:
    out = run("hotlines").output
    assert "1-888-373-7888" in out and "503-555-0199" in out and "INFO to 233733" in out


def test_the_needs_menu_wraps_between_items() -> None:
    from referral_cli.catalog.load import default_data_dir
    from referral_cli.render.session import services_menu
    from referral_cli.vetting.rules import load_catalog

    services = list(load_catalog(default_data_dir()).services.values())
    menu = services_menu(services)
    _readable(menu)
    labels = {f"{n} {s.label}" for n, s in enumerate(services, 1)}
    pieces = {p.strip() for line in menu.splitlines() for p in line.split(": ", 1)[-1].split(" · ")}
    assert labels <= pieces  # every "17 Counselling and trauma therapy" is on one line


def test_wrap_items_never_splits_an_item_that_fits_a_line() -> None:
    items = ["call 1-888-373-7888", "text INFO to 233733", "hours 24/7", "region United States"]
    for width in range(22, 70, 3):
        lines = wrap_items(items, width, indent="  ")
        assert all(len(line) <= width for line in lines)
        assert all(WHOLE.search(line) or "1-888" not in line for line in lines)
        assert {p.strip() for line in lines for p in line.split(" · ")} == set(items)


def test_a_table_that_does_not_fit_becomes_a_list() -> None:
    rows = [["AC-2041", "done", "alder-county-youth-harbor: hand-off scheduled", "2026-11-26"]]
    wide = plain_table(["Reference", "Step", "Status", "Follow-up"], rows, 120)
    narrow = plain_table(["Reference", "Step", "Status", "Follow-up"], rows, 60)
    assert wide.splitlines()[0].startswith("Reference  Step")
    assert narrow.splitlines()[0] == "AC-2041" and "Follow-up 2026-11-26" in narrow
    _readable(narrow)
