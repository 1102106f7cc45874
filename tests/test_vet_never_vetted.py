"""A never-vetted agency's scorecard (issue 15, point 7): every factor still to assess, and
the command that records a vetting, in every format."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from typer.testing import Result

from referral_cli.vetting.rubric import rubric
from referral_cli.vetting.standing import Scorecard

Run = Callable[..., Result]
CASA = "alder-county-casa"  # in the shipped example catalog, never vetted


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-12-01")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


def labels() -> list[str]:
    return [f.label for f in rubric().factors]


def test_text_lists_all_eleven_factors_not_assessed_and_how_to_record(run: Run) -> None:
    result = run("vet", CASA)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Outcome: NOT VETTED" in out
    assert "none of the 11 factors is assessed yet" in out
    rows = [line for line in out.splitlines() if line.rstrip().endswith("not assessed")]
    assert len(rows) == 11
    for label, row in zip(labels(), rows, strict=True):
        assert label in row and " U " in row
    assert "Record a vetting: referral vet alder-county-casa --record" in out


def test_markdown_lists_every_factor_and_the_command(run: Run) -> None:
    out = run("vet", CASA, "-f", "markdown").output
    rows = [line for line in out.splitlines() if line.endswith("| U | not assessed |")]
    assert len(rows) == 11
    assert "| 5 | Confidentiality (critical) | U | not assessed |" in rows
    assert "Record a vetting: `referral vet alder-county-casa --record`" in out


def test_json_names_the_factors_not_assessed_and_validates_back(run: Run) -> None:
    out = run("vet", CASA, "-f", "json").output
    data = json.loads(out)
    assert data["vetting_on_file"] is False
    assert data["not_assessed"] == [f.id for f in rubric().factors]
    assert [r["score"] for r in data["rows"]] == ["U"] * 11
    assert data["record_command"] == "referral vet alder-county-casa --record"
    card = TypeAdapter(Scorecard).validate_json(out)
    assert card.status.outcome.value == "not-vetted" and len(card.rows) == 11


def test_history_of_a_never_vetted_agency_lists_the_factors_too(run: Run) -> None:
    out = run("vet", CASA, "--history").output
    assert len([ln for ln in out.splitlines() if ln.rstrip().endswith("not assessed")]) == 11
    assert "referral vet alder-county-casa --record" in out


def test_the_printed_command_works_without_referral_on_path(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `referral` anywhere
    out = run("vet", CASA).output
    assert f"{sys.executable} -m referral_cli vet" in out.replace("\n", "")


def test_a_vetted_agency_keeps_its_scores(run: Run) -> None:
    out = run("vet", "alder-county-youth-harbor").output
    assert "not assessed" not in out and "Vetted " in out
    data = json.loads(run("vet", "alder-county-youth-harbor", "-f", "json").output)
    assert "record_command" not in data and "not_assessed" not in data
