"""A standing hard fail ends only when the factor is assessed and found clear (issue #21):
pinned on both rules that say so, the judge's and the vetting file's check, each alone, so
that loosening either one fails a test even while the other still holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog.models import FactorAssessment, Vetting
from referral_cli.vetting.judge import clears
from referral_cli.vetting.rubric import check_vetting

HARM = "lgbtq-identity-correction"  # a hard fail of the lgbtq-services factor
OTHER = "substantiated-abuse-finding"  # a hard fail of another factor
ASSESSED = {
    "score": 3,
    "evidence": ["written-policy", "training-records"],
    "note": "Affirming policy adopted; all staff trained in September.",
}
RULE = (
    "a hard fail is cleared only by assessing the factor: give a score (not U), the evidence "
    "and a note saying what shows it is no longer observed"
)


def _assessment(**changes: object) -> FactorAssessment:
    return FactorAssessment.model_validate(ASSESSED | {"hard_fails_cleared": [HARM]} | changes)


def _clearing_errors(assessment: FactorAssessment) -> list[str]:
    vetting = Vetting(
        agency="new-dawn",
        date=dt.date(2026, 10, 1),
        assessor="R. Alvarez",
        method=["site-visit"],
        factors={"lgbtq-services": assessment},
    )
    return [m for loc, m in check_vetting(vetting) if loc[-1:] == ("hard_fails_cleared",)]


def test_an_assessment_with_score_evidence_and_note_clears() -> None:
    assert clears("lgbtq-services", _assessment()) == [HARM]
    assert _clearing_errors(_assessment()) == []


@pytest.mark.parametrize(
    "missing",
    [{"score": "U"}, {"evidence": []}, {"note": "  "}, {"score": "U", "evidence": []}],
    ids=["not-assessed", "no-evidence", "blank-note", "neither"],
)
def test_without_score_evidence_or_note_nothing_is_cleared(missing: dict[str, object]) -> None:
    assessment = _assessment(**missing)
    assert clears("lgbtq-services", assessment) == []
    assert _clearing_errors(assessment) == [RULE]


def test_only_the_factors_own_hard_fails_and_never_one_found_again_are_cleared() -> None:
    assert clears("lgbtq-services", _assessment(hard_fails_cleared=[OTHER, HARM])) == [HARM]
    both = _assessment(hard_fails=[HARM])
    assert clears("lgbtq-services", both) == []
    assert _clearing_errors(both) == [f"'{HARM}' cannot be both observed and no longer observed"]


def test_a_re_vet_starts_from_the_most_recent_vetting_whatever_the_file_order() -> None:
    """`vet --record` pre-fills from the latest vetting: never an older one listed after it."""
    from referral_cli.vetting.judge import latest

    def on(day: int, assessor: str) -> Vetting:
        return Vetting(
            agency="new-dawn", date=dt.date(2026, 10, day), assessor=assessor, method=["phone"]
        )

    newest, older, same_day = on(9, "B"), on(2, "A"), on(9, "C")
    assert latest([newest, older]) is newest
    assert latest([older, newest, same_day]) is same_day  # on a tie, the one listed last
    assert latest([same_day, newest, older]) is newest
    assert latest([]) is None


def test_the_one_line_standing_a_worker_reads_when_it_changed_since_chosen() -> None:
    """`resume` and the follow-ups say "chosen as 'ready to refer', now <reason>"."""
    from referral_cli.vetting.standing import Outcome, VettingStatus

    def status(outcome: Outcome, **lists: list[str]) -> VettingStatus:
        return VettingStatus("new-dawn", outcome, False, dt.date(2026, 10, 1), None, **lists)

    dnr = status(Outcome.DO_NOT_REFER, hard_fails=["a", "b"], hard_fail_texts=["A", "B"])
    assert dnr.reason() == "do not refer: hard fail A; B"
    verify = status(
        Outcome.VERIFY,
        verify_factors=["consent", "privacy"],
        verify_labels=["Informed consent", "Privacy"],
        contrary_factors=["privacy"],
    )
    assert (
        verify.reason() == "verify before referral: Informed consent, Privacy (contrary evidence)"
    )
    assert status(Outcome.VERIFY).reason() == "verify before referral: some factors"
    assert status(Outcome.READY).reason() == "ready to refer"
    assert status(Outcome.READY, hard_fail_texts=["A"]).reason() == "ready to refer"


def test_history_says_do_not_refer_for_every_vetting_while_a_hard_fail_stands(
    run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-vet that leaves the factor unassessed is itself not a do-not-refer, but the hard
    fail found before still stands: `vet --history` must not show that entry as referable."""
    from tests.test_evidence import HOSTILE, UNASSESSED_AGAIN, catalog_with

    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": UNASSESSED_AGAIN})
    out = run("vet", "new-dawn", "--history", "--data", str(root)).output
    assert "2026-10-01  annual  by R. Alvarez, coordinator (phone): do not refer\n" in out
    assert " Outcome                do-not-refer   do-not-refer " in out
