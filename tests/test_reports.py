"""`referral gaps`, `coverage`, `consultations` on a small catalog with known gaps."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import AGENCIES_HEAD, SERVICES, agency, write_catalog

Run = Callable[..., Result]

# Three needs: food (one form), emergency shelter, and counselling with two forms.
GAP_SERVICES = SERVICES.replace(
    "hotlines:",
    """\
  - id: counselling
    label: Counselling
    group: mental-health
    forms: [emergency, ongoing]
    description: Someone to talk to.
  - id: legal-civil
    label: Civil legal help
    group: legal-immigration
    forms: [ongoing]
    description: A lawyer for civil matters.
hotlines:""",
)

PANTRY = """\
  - id: pantry
    name: "Pantry *Plus* | More"
    sector: community
    services:
      - food
      - id: counselling
        forms: [ongoing]
    languages: [en]
    populations:
      age_min: 12
    hours:
      regular: Mon-Fri 9-5
    access:
      area: Downtown
    phone: 503-555-0102
    contact:
      role: Coordinator
"""

CRITICAL = ("confidentiality", "informed-consent", "premises-security", "non-discrimination")


def vetting(agency_id: str, day: str, score: int, who: str, method: str) -> str:
    factors = "".join(
        f"  {f}:\n    score: {score}\n    evidence: [written-policy]\n" for f in CRITICAL
    )
    return (
        f"agency: {agency_id}\ndate: {day}\nassessor: {who}\nmethod: [{method}]\n"
        f"factors:\n{factors}"
    )


@pytest.fixture
def gap_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """harbor: shelter + food, en/es, LGBTQ, after hours, vetted 'verify' and stale.
    pantry: food + ongoing counselling, English only, vetted ready."""
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")
    return write_catalog(
        tmp_path / "cat",
        services=GAP_SERVICES,
        agencies=AGENCIES_HEAD + agency() + PANTRY,
        vettings={
            "harbor--2025-01-10.yaml": vetting("harbor", "2025-01-10", 2, "Sam Lee", "phone"),
            "pantry--2026-06-01.yaml": vetting(
                "pantry", "2026-06-01", 3, "R. Alvarez", "documents"
            ),
        },
    )


def gaps_json(run: Run, root: Path, *extra: str) -> dict[str, object]:
    result = run("gaps", "--data", str(root), "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_gaps_counts_offered_and_ready(run: Run, gap_catalog: Path) -> None:
    report = gaps_json(run, gap_catalog)
    rows = {r["service"]: r for r in report["needs"]}  # type: ignore[attr-defined]
    assert (rows["food"]["offered"], rows["food"]["ready"]) == (2, 1)
    assert rows["housing-emergency"]["verify"] == 1
    assert report["no_provider"] == ["legal-civil"]
    assert report["no_ready_provider"] == ["housing-emergency", "legal-civil"]
    assert report["missing_forms"] == ["counselling (emergency)"]


@pytest.mark.parametrize("option", [["--language", "Spanish"], ["--lgbtq"], ["--after-hours"]])
def test_gaps_for_a_language_lgbtq_or_after_hours(
    run: Run, gap_catalog: Path, option: list[str]
) -> None:
    report = gaps_json(run, gap_catalog, *option)
    assert report["agencies_considered"] == 1
    assert report["no_provider"] == ["counselling", "legal-civil"]
    assert report["no_ready_provider"] == [
        "food",
        "counselling",
        "housing-emergency",
        "legal-civil",
    ]


def test_gaps_unknown_language(run: Run, gap_catalog: Path) -> None:
    result = run("gaps", "--data", str(gap_catalog), "--language", "Klingon")
    assert result.exit_code == 1
    assert "Unknown language 'Klingon'" in result.stderr


def test_gaps_on_screen(run: Run, gap_catalog: Path) -> None:
    result = run("gaps", "--data", str(gap_catalog))
    assert result.exit_code == 0, result.output
    assert "No agency offers:" in result.output
    assert "legal-civil" in result.output
    assert "No ready agency for this form:" in result.output
    assert "counselling (emergency)" in result.output


def test_gaps_markdown_to_a_file(run: Run, gap_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.md"
    result = run("gaps", "--data", str(gap_catalog), "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text()
    assert text.startswith("# Service gaps: Test County")
    assert "## No agency offers\n\n- legal-civil" in text


def test_shipped_catalog_gaps_match_its_notes(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """agencies.yaml leaves repatriation and disability services uncovered on purpose."""
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")
    result = run("gaps", "--format", "json")
    report = json.loads(result.stdout)
    assert report["no_provider"] == ["disability-services", "repatriation"]
    dental = next(r for r in report["needs"] if r["service"] == "dental-care")
    assert next(f for f in dental["forms"] if f["form"] == "emergency")["offered"] == 0


def test_coverage_lists_missing_sectors(run: Run, gap_catalog: Path) -> None:
    result = run("coverage", "--data", str(gap_catalog), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert "child-welfare" in report["missing"]
    assert "housing" not in report["missing"] and "community" not in report["missing"]
    assert report["without_ready"] == ["housing"]
    screen = run("coverage", "--data", str(gap_catalog))
    assert "MISSING" in screen.output
    assert "Sectors with no partner:" in screen.output


def test_shipped_catalog_covers_every_sector(run: Run) -> None:
    report = json.loads(run("coverage", "--format", "json").stdout)
    assert report["missing"] == []


def test_consultations_since_a_date(run: Run, gap_catalog: Path) -> None:
    result = run(
        "consultations", "--data", str(gap_catalog), "--since", "2026-01-01", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    log = json.loads(result.stdout)
    assert [
        (e["agency"], e["date"], e["who"], e["method"], e["outcome"]) for e in log["entries"]
    ] == [("pantry", "2026-06-01", "R. Alvarez", ["documents"], "ready")]


def test_consultations_markdown_escapes_names(run: Run, gap_catalog: Path) -> None:
    result = run("consultations", "--data", str(gap_catalog), "--format", "markdown")
    assert result.exit_code == 0
    assert "Period: all dates. 2 consultations" in result.stdout
    assert "Pantry \\*Plus\\* \\| More" in result.stdout
    assert "| 2025-01-10 | Harbor House | Sam Lee | phone | initial | verify before referral |" in (
        result.stdout
    )


def test_consultations_bad_date(run: Run, gap_catalog: Path) -> None:
    result = run("consultations", "--data", str(gap_catalog), "--since", "last year")
    assert result.exit_code == 1
    assert "--since must be a date (YYYY-MM-DD)" in result.stderr


def test_consultations_on_screen_show_markup_literally(run: Run, gap_catalog: Path) -> None:
    result = run("consultations", "--data", str(gap_catalog))
    assert result.exit_code == 0
    assert "Pantry *Plus* | More" in result.output
    assert "verify before referral" in result.output
