"""`import-hsds` review list: a Markdown checklist and a CSV a coordinator works through."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def org(n: int, name: str, services: list[str]) -> dict[str, Any]:
    return {
        "id": f"org-{n}",
        "name": name,
        "phones": [{"id": f"p{n}", "number": "510-555-0100"}],
        "services": [
            {"id": f"s{n}-{i}", "name": s, "status": "active"} for i, s in enumerate(services)
        ],
    }


def test_review_files_list_unmapped_services_and_fields_to_check(run: Run, tmp_path: Path) -> None:
    orgs = [
        org(1, "=HYPERLINK(evil) Youth Shelter", ["Youth Shelter", "Career Counseling"]),
        org(
            2, "Bayview *Legal* Services", ["Legal Clinic", "Tenant Rights Information/Counseling"]
        ),
        org(3, "Paws Rescue", ["Pet Food Pantry"]),
    ]
    (tmp_path / "in.json").write_text(json.dumps(orgs))
    target = tmp_path / "cat"
    result = run("catalog", "import-hsds", str(tmp_path / "in.json"), "--data", str(target))
    assert result.exit_code == 0, result.output
    md_file, csv_file = target / "hsds-import-review.md", target / "hsds-import-review.csv"
    assert f"Review list: {md_file} and {csv_file}" in result.output
    text = md_file.read_text()
    assert "- [ ] Tenant Rights Information/Counseling: unsure: 'counseling' set aside" in text
    assert "- [ ] cost: not stated in HSDS; set to unknown (ask the agency)" in text
    assert "Bayview \\*Legal\\* Services" in text  # data, never markup
    assert (
        "- [ ] Paws Rescue (in\\.json: \\[2\\]): Pet Food Pantry (not a service for a youth" in text
    )
    rows = list(csv.DictReader(csv_file.open()))
    unmapped = [r for r in rows if r["kind"] == "unmapped"]
    assert [(r["organization"], r["item"]) for r in unmapped] == [
        ("Bayview *Legal* Services", "Tenant Rights Information/Counseling"),
        ("Paws Rescue", "Pet Food Pantry"),
    ]
    assert {
        r["organization"] for r in rows if r["agency_id"] == "hyperlink-evil-youth-shelter"
    } == {
        "'=HYPERLINK(evil) Youth Shelter"  # a spreadsheet never runs it as a formula
    }
    mapped = [r for r in rows if r["kind"] == "mapped" and r["item"] == "Career Counseling"]
    assert mapped[0]["detail"].startswith("job-training-placement")


def test_a_large_import_shows_counts_and_the_file_not_every_agency(
    run: Run, tmp_path: Path
) -> None:
    orgs = [org(n, f"Shelter {n}", ["Youth Shelter", "Astrology"]) for n in range(30)]
    (tmp_path / "in.json").write_text(json.dumps(orgs))
    review = tmp_path / "out" / "review.md"
    result = run(
        "catalog",
        "import-hsds",
        str(tmp_path / "in.json"),
        "--data",
        str(tmp_path / "cat"),
        "--review",
        str(review),
    )
    assert result.exit_code == 0, result.output
    assert "services: 30 mapped, 30 unmapped, 0 skipped" in result.output
    assert "distinct unmapped service names: 1" in result.output
    assert "Shelter 17" not in result.output
    assert len(result.output.splitlines()) < 15
    assert "### Shelter 17" in review.read_text()
    assert (tmp_path / "out" / "review.csv").is_file()


def test_dry_run_writes_no_review_file_unless_asked(run: Run, tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text(json.dumps([org(1, "Harbor", ["Youth Shelter"])]))
    args = ("catalog", "import-hsds", str(tmp_path / "in.json"), "--data", str(tmp_path / "cat"))
    assert run(*args, "--dry-run").exit_code == 0
    assert not (tmp_path / "cat").exists()
    assert run(*args, "--dry-run", "--review", str(tmp_path / "r.md")).exit_code == 0
    assert (tmp_path / "r.md").is_file() and not (tmp_path / "cat").exists()
