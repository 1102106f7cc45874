"""Warm `show`, `vet` and `agencies --service` answer from the cache, exactly as the full path.

The quick path (referral_cli.vetting.quick) must print what the ordinary path prints, and must
never answer from a cache that an edit has made stale for the agency asked about.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from referral_cli.vetting import quick
from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
TODAY = "2026-11-23"


@pytest.fixture
def warm(data_copy: Path, run: Run) -> Path:
    assert run("agencies", "--data", str(data_copy)).exit_code == 0  # builds the cache
    return data_copy


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the quick path's answers (None = it stepped aside)."""
    answered = {"yes": 0, "no": 0}
    for name in ("agency_card", "scorecard", "offering"):
        real = getattr(quick, name)

        def counted(*args: object, _real: Callable[..., object] = real) -> object:
            found = _real(*args)
            answered["yes" if found is not None else "no"] += 1
            return found

        monkeypatch.setattr(quick, name, counted)
    return answered


def slow(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("agency_card", "scorecard", "offering"):
        monkeypatch.setattr(quick, name, lambda *a: None)


def outputs(run: Run, data: Path, commands: list[list[str]]) -> list[str]:
    found = []
    for command in commands:
        result = run(*command, "--data", str(data))
        assert result.exit_code == 0, result.output
        found.append(result.output)
    return found


def every_view(data: Path) -> list[list[str]]:
    catalog = load_catalog(data)
    commands = [["show", a] for a in catalog.agencies] + [["vet", a] for a in catalog.agencies]
    commands += [["agencies", "--service", s] for s in catalog.services]
    commands += [["agencies", "--service", "food", "--limit", "2"]]
    return commands


def test_quick_path_prints_what_the_full_path_prints(
    warm: Path, run: Run, calls: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)
    commands = every_view(warm)
    fast = outputs(run, warm, commands)
    assert calls == {"yes": len(commands), "no": 0}
    slow(monkeypatch)
    assert outputs(run, warm, commands) == fast
    assert any("DO NOT REFER" in text for text in fast)  # the shipped data has every outcome
    assert any("STALE" in text for text in fast)


def test_limit_counts_the_agencies_not_shown(warm: Path, run: Run) -> None:
    result = run("agencies", "--service", "food", "--limit", "1", "--data", str(warm))
    every = run("agencies", "--service", "food", "--limit", "0", "--data", str(warm))
    total = every.output.count("\n")
    assert "the first 1 shown" in result.output and "--limit=0" in result.output
    assert result.output.count("\n") < total
    assert "shown" not in every.output


def _vetting_file(data: Path, agency: str) -> Path:
    return sorted((data / "vettings").glob(f"{agency}--*.yaml"))[-1]


def test_an_edited_vetting_is_seen_at_once(warm: Path, run: Run, calls: dict[str, int]) -> None:
    path = _vetting_file(warm, "alder-community-health-clinic")
    before = run("vet", "alder-community-health-clinic", "--data", str(warm)).output
    data = yaml.safe_load(path.read_text())
    data["factors"]["confidentiality"] = {"score": "U"}
    data["assessor"] = "Someone Else"
    path.write_text(yaml.safe_dump(data))  # in place: the folder's mtime does not change
    after = run("vet", "alder-community-health-clinic", "--data", str(warm)).output
    assert before != after and "Someone Else" in after
    shown = run("show", "alder-community-health-clinic", "--data", str(warm)).output
    assert (
        "Confidentiality" in run("vet", "alder-community-health-clinic", "--data", str(warm)).output
    )
    assert "verify" in shown.casefold()


def test_a_vetting_edited_to_a_hard_fail_is_held_back_at_once(
    warm: Path, run: Run, calls: dict[str, int]
) -> None:
    """`agencies --service` depends on the vetting of every agency offering the service."""
    ident = "alder-county-youth-harbor"
    before = run("agencies", "--service", "shelter", "--data", str(warm)).output
    assert ident in before and "1 more held back" in before
    path = _vetting_file(warm, ident)
    data = yaml.safe_load(path.read_text())
    data["factors"]["lgbtq-services"] = {
        "score": 0,
        "evidence": ["youth-feedback"],
        "hard_fails": ["lgbtq-identity-correction"],
    }
    path.write_text(yaml.safe_dump(data))  # in place: the folder's mtime does not change
    after = run("agencies", "--service", "shelter", "--data", str(warm)).output
    assert ident not in after and "2 more held back" in after
    assert calls == {"yes": 1, "no": 1}  # answered warm, then stepped aside for the edit


def test_a_new_vetting_file_is_seen_at_once(
    warm: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)
    ident = "alder-county-sheriff-victim-services"
    assert "STALE" in run("show", ident, "--data", str(warm)).output
    old = _vetting_file(warm, ident)
    data = yaml.safe_load(old.read_text())
    data["date"] = "2026-11-01"
    data["trigger"] = "annual"
    (warm / "vettings" / f"{ident}--2026-11-01.yaml").write_text(yaml.safe_dump(data))
    shown = run("show", ident, "--data", str(warm)).output
    assert "STALE" not in shown and "2027-11-01" in shown


def test_a_changed_agencies_file_is_seen_at_once(warm: Path, run: Run) -> None:
    path = warm / "agencies.yaml"
    path.write_text(path.read_text().replace("Alder Community Health Clinic", "Renamed Clinic"))
    shown = run("show", "alder-community-health-clinic", "--data", str(warm)).output
    assert "Renamed Clinic" in shown


def test_quick_path_steps_aside_for_names_and_unknowns(
    warm: Path, run: Run, calls: dict[str, int]
) -> None:
    result = run("show", "Alder Community Health", "--data", str(warm))
    assert result.exit_code == 0 and "Alder Community Health Clinic" in result.output
    missing = run("vet", "no-such-agency", "--data", str(warm))
    assert missing.exit_code == 1 and "No agency called" in missing.output
    assert calls["no"] == 2


def test_a_vetting_file_must_be_named_for_its_agency(data_copy: Path, run: Run) -> None:
    path = _vetting_file(data_copy, "alder-community-health-clinic")
    path.rename(path.with_name("alder-county-youth-harbor--2026-01-01.yaml"))
    result = run("catalog", "validate", str(data_copy))
    assert result.exit_code == 1
    assert "alder-county-youth-harbor--2026-01-01.yaml:2: agency:" in result.output
    assert "name the file alder-community-health-clinic--" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_quick_path_reads_the_cache_only(warm: Path, run: Run) -> None:
    cached = Path(os.environ["REFERRAL_CACHE"])
    before = {p: p.stat().st_mtime_ns for p in cached.iterdir()}
    run("show", "alder-community-health-clinic", "--data", str(warm))
    assert {p: p.stat().st_mtime_ns for p in cached.iterdir()} == before
