"""Exports never overwrite: an existing file needs --force; a folder gets one name per copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Run = Callable[..., Result]
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"


@pytest.fixture
def finished(run: Run) -> str:
    result = run("start", "--answers", str(EXAMPLE), "--no-input", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    return result.output


def test_an_existing_file_is_refused_without_force(run: Run, finished: str, tmp_path: Path) -> None:
    target = tmp_path / "handoff.md"
    first = run("summary", "AC-2041", "--for", "youth-harbor", "-f", "markdown", "-o", str(target))
    assert first.exit_code == 0
    kept = target.read_text()
    second = run("summary", "AC-2041", "-f", "markdown", "-o", str(target))
    assert second.exit_code == 1 and "exists already" in second.output
    assert "--force" in second.output and target.read_text() == kept  # the agency's copy stays
    forced = run("summary", "AC-2041", "-f", "markdown", "-o", str(target), "--force")
    assert forced.exit_code == 0 and "worker's copy" in target.read_text()


def test_a_folder_gets_one_file_per_copy(run: Run, finished: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    for extra in (["--for", "youth-harbor", "-f", "markdown"], ["--youth"], []):
        result = run("summary", "AC-2041", *extra, "-o", f"{folder}/")
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "AC-2041-alder-county-youth-harbor.md",
        "AC-2041-worker.txt",
        "AC-2041-youth.txt",
    ]
    again = run("summary", "AC-2041", "--youth", "-o", f"{folder}/")
    assert again.exit_code == 1 and "AC-2041-youth.txt exists already" in again.output


def test_the_commands_the_session_suggests_name_distinct_files(finished: str) -> None:
    suggested = [line.split(" -o ")[1] for line in finished.splitlines() if " -o " in line]
    assert len(suggested) >= 2 and len(set(suggested)) == len(suggested)
    assert "handoff.md" not in suggested


def test_reports_refuse_too(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "gaps.txt"
    assert run("gaps", "-o", str(target)).exit_code == 0
    assert run("gaps", "-o", str(target)).exit_code == 1
    assert run("gaps", "-o", str(target), "--force").exit_code == 0
    folder = tmp_path / "reports"
    folder.mkdir()
    assert run("gaps", "-o", str(folder)).exit_code == 0 and (folder / "gaps.txt").exists()
