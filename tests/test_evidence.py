"""Issue #20: vetting and matching rest on evidence, as a task-force coordinator checks them.

Each crafted case of the issue is a test here: a hard fail stands until a later vetting
assesses its factor and says it is no longer observed; fit follows the vetting; dates are
checked; same-day conflicts resolve to caution; lists agree cold and warm.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.vetting.rubric import rubric
from referral_cli.vetting.rules import load_catalog
from tests.helpers import AGENCIES_HEAD, agency, write_catalog

Run = Callable[..., Result]
TODAY = "2026-11-23"

ALL_THREE = "\n".join(
    f"  {f}: {{score: 3, evidence: [written-policy]}}"
    for f in (
        "csec-experience",
        "professionalism",
        "non-discrimination",
        "cultural-sensitivity",
        "confidentiality",
        "informed-consent",
        "premises-security",
        "language-capacity",
        "trauma-informed-care",
        "location-accessibility",
    )
)

HOSTILE = f"""\
agency: new-dawn
date: 2026-07-15
assessor: R. Alvarez, coordinator
method: [site-visit]
factors:
{ALL_THREE}
  lgbtq-services:
    score: 0
    evidence: [site-visit]
    note: Staff told a trans youth to "pray it away".
    hard_fails: [lgbtq-identity-correction]
"""

UNASSESSED_AGAIN = f"""\
agency: new-dawn
date: 2026-10-01
assessor: R. Alvarez, coordinator
method: [phone]
trigger: annual
factors:
{ALL_THREE}
  lgbtq-services: {{score: U}}
"""

CLEARED = f"""\
agency: new-dawn
date: 2026-10-01
assessor: R. Alvarez, coordinator
method: [site-visit]
trigger: policy-change
factors:
{ALL_THREE}
  lgbtq-services:
    score: 3
    evidence: [written-policy, training-records]
    note: New director; affirming policy adopted and all staff trained in September.
    hard_fails_cleared: [lgbtq-identity-correction]
"""


def flat(text: str) -> str:
    """Output with the terminal's line wrapping undone."""
    return " ".join(text.split())


def catalog_with(tmp_path: Path, **vettings: str) -> Path:
    return write_catalog(
        tmp_path / "data",
        agencies=AGENCIES_HEAD + agency("new-dawn", "New Dawn Shelter"),
        vettings={f"new-dawn--{day}.yaml": text for day, text in vettings.items()},
    )


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)


# --- 1. not assessed never clears a hard fail ---------------------------------------------


def test_a_re_vet_leaving_the_factor_unassessed_keeps_the_hard_fail(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": UNASSESSED_AGAIN})
    card = run("vet", "new-dawn", "--data", str(root))
    assert "DO NOT REFER" in card.output
    assert "READY TO REFER" not in card.output
    assert "found 2026-07-15, not cleared since" in flat(card.output)
    history = run("vet", "new-dawn", "--history", "--data", str(root))
    assert "hard fail cleared" not in flat(history.output)
    assert "hard fail not cleared, still stands: lgbtq-identity-correction" in flat(history.output)
    listed = run("agencies", "--service", "housing-emergency", "--data", str(root))
    assert "New Dawn" not in listed.output
    assert "1 more held back: do not refer" in listed.output


def test_only_an_assessment_saying_no_longer_observed_clears_it(run: Run, tmp_path: Path) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": CLEARED})
    assert "READY TO REFER" in run("vet", "new-dawn", "--data", str(root)).output
    history = run("vet", "new-dawn", "--history", "--data", str(root))
    assert "hard fail no longer observed: lgbtq-identity-correction" in flat(history.output)


def test_clearing_without_assessing_the_factor_is_a_validation_error(
    run: Run, tmp_path: Path
) -> None:
    lazy = CLEARED.replace("score: 3\n    evidence: [written-policy, training-records]", "score: U")
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": lazy})
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert "a hard fail is cleared only by assessing the factor" in result.output


def revet_keys(lgbtq: list[str]) -> str:
    """Keys for an interactive re-vet: every factor 3 (written policy), no new hard fails;
    the LGBTQ factor gets the keys given."""
    lines: list[str] = []
    for factor in rubric().factors:
        if factor.id == "lgbtq-services":
            lines += lgbtq
            continue
        lines += ["3", "2"] + [""] * len(factor.hard_fails) + [""]
    lines += ["Dana K., lead", "", "site-visit", "", "", "y"]
    return "\n".join(lines) + "\n"


def test_re_vet_interview_shows_standing_hard_fails_first_and_enter_does_not_clear(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    # LGBTQ: score 3 with a policy; Enter on "Still observed?" is refused, then "y"; a note.
    keys = revet_keys(["3", "2", "", "y", "Still no affirming practice on the visit."])
    result = run("vet", "new-dawn", "--record", "--data", str(root), input=keys)
    assert result.exit_code == 0, result.output
    out = result.output
    standing = out.index("Standing hard fails")
    assert standing < out.index("1/11")
    assert "! LGBTQ services: Tries to change" in out
    assert "Still observed?" in out
    assert "Answer y or n" in out or "answer y or n" in out.lower()
    saved = load_catalog(root).vettings_of("new-dawn")[-1]
    assert saved.factors["lgbtq-services"].hard_fails == ["lgbtq-identity-correction"]
    assert "DO NOT REFER" in run("vet", "new-dawn", "--data", str(root)).output


def test_re_vet_interview_with_u_keeps_the_hard_fail_and_does_not_ask(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    result = run("vet", "new-dawn", "--record", "--data", str(root), input=revet_keys(["U", ""]))
    assert result.exit_code == 0, result.output
    assert "the standing hard fail stays" in result.output
    assert "DO NOT REFER" in run("vet", "new-dawn", "--data", str(root)).output


def test_re_vet_interview_clears_on_an_explicit_no_with_evidence_and_note(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    keys = revet_keys(["3", "2", "n", "New policy; all staff trained in September."])
    result = run("vet", "new-dawn", "--record", "--data", str(root), input=keys)
    assert result.exit_code == 0, result.output
    saved = load_catalog(root).vettings_of("new-dawn")[-1]
    assert saved.factors["lgbtq-services"].hard_fails_cleared == ["lgbtq-identity-correction"]
    assert "READY TO REFER" in run("vet", "new-dawn", "--data", str(root)).output


# --- 4. dates: never in the future, and the file name agrees ------------------------------


def test_a_future_dated_vetting_is_a_validation_error_everywhere(run: Run, tmp_path: Path) -> None:
    future = CLEARED.replace("date: 2026-10-01", "date: 2027-06-01")
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2027-06-01": future})
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert "2027-06-01 is in the future (today is 2026-11-23)" in flat(result.output)
    for command in (["vet", "new-dawn"], ["consultations"]):
        shown = run(*command, "--data", str(root))
        assert shown.exit_code == 1
        assert "READY" not in shown.output and "2028-06-01" not in shown.output


def test_setting_the_clock_back_does_not_let_a_cached_future_vetting_through(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": CLEARED})
    assert run("vet", "new-dawn", "--data", str(root)).exit_code == 0  # cached, warm next
    monkeypatch.setenv("REFERRAL_TODAY", "2026-09-01")
    for command in (["vet", "new-dawn"], ["show", "new-dawn"], ["agencies", "--service", "food"]):
        result = run(*command, "--data", str(root))
        assert result.exit_code == 1, command
        assert "2026-10-01 is in the future" in flat(result.output)


def test_a_file_name_whose_date_disagrees_is_a_validation_error(run: Run, tmp_path: Path) -> None:
    root = catalog_with(tmp_path, **{"2025-01-01": CLEARED.replace("2026-10-01", "2026-08-15")})
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert "is 2026-08-15 but the file name says 2025-01-01" in flat(result.output)
    assert "name the file new-dawn--2026-08-15.yaml" in flat(result.output)


# --- 7. two vettings on one day: the more cautious counts, and says so ----------------------

CLEAN = CLEARED.replace("    hard_fails_cleared: [lgbtq-identity-correction]\n", "")


@pytest.mark.parametrize("order", ["hard fail first", "clean first"])
def test_same_day_conflict_resolves_to_the_more_cautious_outcome(
    run: Run, tmp_path: Path, order: str
) -> None:
    hostile = HOSTILE.replace("2026-07-15", "2026-10-01")
    first, second = (hostile, CLEAN) if order == "hard fail first" else (CLEAN, hostile)
    root = write_catalog(
        tmp_path / "data",
        agencies=AGENCIES_HEAD + agency("new-dawn", "New Dawn Shelter"),
        vettings={"new-dawn--2026-10-01.yaml": first, "new-dawn--2026-10-01-2.yaml": second},
    )
    result = flat(run("vet", "new-dawn", "--data", str(root)).output)
    assert "DO NOT REFER" in result
    assert "2 vettings on 2026-10-01 disagree; the more cautious one counts: do not refer" in result
    markdown = run("vet", "new-dawn", "--format", "markdown", "--data", str(root)).output
    assert "disagree" in markdown


def test_same_day_verify_and_ready_resolve_to_verify(run: Run, tmp_path: Path) -> None:
    weak = CLEAN.replace(
        "  confidentiality: {score: 3, evidence: [written-policy]}",
        "  confidentiality: {score: 0, evidence: [site-visit], note: shares files}",
    )
    root = write_catalog(
        tmp_path / "data",
        agencies=AGENCIES_HEAD + agency("new-dawn", "New Dawn Shelter"),
        vettings={"new-dawn--2026-10-01.yaml": weak, "new-dawn--2026-10-01-2.yaml": CLEAN},
    )
    result = flat(run("vet", "new-dawn", "--data", str(root)).output)
    assert "VERIFY BEFORE REFERRAL: Confidentiality (contrary evidence)" in result
    assert "the more cautious one counts: verify before referral" in result
