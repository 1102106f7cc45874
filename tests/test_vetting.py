"""The rubric rules: hard fails, U versus 0, verify-before-referral, staleness by date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referral_cli.catalog.models import Agency, CatalogInfo, Vetting
from referral_cli.errors import CatalogError
from referral_cli.vetting.judge import add_months, agency_status, partner_list
from referral_cli.vetting.rubric import FACTOR_IDS, check_vetting, rubric
from referral_cli.vetting.rules import load_catalog
from referral_cli.vetting.standing import Outcome
from tests.helpers import AGENCIES_HEAD, agency, write_catalog

TODAY = dt.date(2026, 11, 23)
INFO = CatalogInfo(region="Test County")
CRITICAL = ["non-discrimination", "confidentiality", "informed-consent", "premises-security"]
EVIDENCE = {2: ["self-report"], 3: ["written-policy"], 4: ["site-visit"]}


def make_agency(revet_months: int | None = None, ident: str = "harbor") -> Agency:
    import yaml

    data = yaml.safe_load(agency(ident))[0]
    data["revet_months"] = revet_months
    return Agency.model_validate(data)


def make_vetting(
    day: dt.date = dt.date(2026, 6, 1), agency_id: str = "harbor", **scores: Any
) -> Vetting:
    """Every factor 3 (documented) unless given, e.g. confidentiality=2 or informed_consent="U"."""
    factors: dict[str, Any] = {}
    for factor in FACTOR_IDS:
        value = scores.get(factor.replace("-", "_"), 3)
        if isinstance(value, dict):
            factors[factor] = value
        else:
            factors[factor] = {"score": value, "evidence": EVIDENCE.get(value, [])}
    return Vetting.model_validate(
        {
            "agency": agency_id,
            "date": day,
            "assessor": "R. Tester",
            "method": ["site-visit"],
            "factors": factors,
        }
    )


def status(*history: Vetting, today: dt.date = TODAY, months: int | None = None) -> Any:
    return agency_status(make_agency(months), list(history), INFO, today)


# --- the rubric as data --------------------------------------------------------------------


def test_rubric_has_eleven_factors_with_questions_evidence_and_levels() -> None:
    rub = rubric()
    assert [f.id for f in rub.factors] == list(FACTOR_IDS)
    assert len(rub.factors) == 11
    for factor in rub.factors:
        assert factor.question.endswith("?")
        assert factor.evidence
        assert sorted(factor.levels) == [0, 1, 2, 3, 4]
    assert sorted(f.id for f in rub.factors if f.critical) == sorted(CRITICAL)


def test_hard_fail_ids_used_by_shipped_vettings_are_on_their_factors() -> None:
    rub = rubric()
    expected = {
        "csec-experience": ["treats-minors-as-offenders"],
        "non-discrimination": ["conditions-service-on-protected-trait"],
        "confidentiality": ["identifying-data-in-shared-databases"],
        "informed-consent": ["release-required-for-service", "blanket-or-open-ended-release"],
        "premises-security": ["residential-premises-unsecured"],
        "lgbtq-services": ["lgbtq-identity-correction"],
        "professionalism": ["substantiated-abuse-finding"],
    }
    for factor_id, ids in expected.items():
        assert [h.id for h in rub.factor(factor_id).hard_fails] == ids


# --- outcomes ----------------------------------------------------------------------------


def test_no_vetting_is_not_vetted_and_never_stale() -> None:
    result = status()
    assert result.outcome is Outcome.NOT_VETTED
    assert (result.stale, result.due, result.last_vetted) == (False, None, None)


def test_all_documented_is_ready() -> None:
    assert status(make_vetting()).outcome is Outcome.READY


def test_a_hard_fail_is_do_not_refer_whatever_the_scores() -> None:
    failing = {
        "score": 4,
        "evidence": ["site-visit"],
        "hard_fails": ["lgbtq-identity-correction"],
    }
    result = status(
        make_vetting(**{f.replace("-", "_"): 4 for f in FACTOR_IDS} | {"lgbtq_services": failing})
    )
    assert result.outcome is Outcome.DO_NOT_REFER
    assert result.hard_fails == ["lgbtq-identity-correction"]


@pytest.mark.parametrize("factor", CRITICAL)
@pytest.mark.parametrize("score", ["U", 0, 1, 2])
def test_weak_or_unknown_critical_factor_is_verify(factor: str, score: Any) -> None:
    result = status(make_vetting(**{factor.replace("-", "_"): score}))
    assert result.outcome is Outcome.VERIFY
    assert result.verify_factors == [factor]


def test_unknown_is_not_zero() -> None:
    unknown = status(make_vetting(language_capacity="U"))
    zero = status(make_vetting(language_capacity=0))
    assert unknown.outcome is Outcome.READY and unknown.contrary_factors == []
    assert zero.contrary_factors == ["language-capacity"]


def test_zero_on_a_critical_factor_is_verify_and_named_as_contrary() -> None:
    result = status(make_vetting(confidentiality=0))
    assert result.outcome is Outcome.VERIFY
    assert result.contrary_factors == ["confidentiality"]


def test_a_weak_non_critical_factor_does_not_hide_behind_a_total() -> None:
    # 1 on trauma-informed care is not a verify rule, but the scorecard still shows it alone.
    result = status(make_vetting(trauma_informed_care=1))
    assert result.outcome is Outcome.READY


def test_a_later_vetting_ends_a_hard_fail_only_by_saying_it_is_no_longer_observed() -> None:
    bad = make_vetting(
        dt.date(2025, 1, 10),
        professionalism={"score": 0, "hard_fails": ["substantiated-abuse-finding"], "note": "x"},
    )
    silent = make_vetting(dt.date(2026, 2, 1))  # scores 3 everywhere, says nothing of it
    cleared = make_vetting(
        dt.date(2026, 2, 1),
        professionalism={
            "score": 3,
            "evidence": ["written-policy"],
            "note": "finding reversed on appeal; new director",
            "hard_fails_cleared": ["substantiated-abuse-finding"],
        },
    )
    assert status(bad, silent).outcome is Outcome.DO_NOT_REFER
    assert status(bad, cleared).outcome is Outcome.READY
    assert status(cleared, bad).outcome is Outcome.READY  # order in the list does not matter
    assert status(bad).outcome is Outcome.DO_NOT_REFER


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["U", 0, 1, 2, 3, 4]), min_size=11, max_size=11))
def test_without_hard_fails_verify_exactly_when_a_critical_factor_is_weak(
    scores: list[Any],
) -> None:
    picked = {f.replace("-", "_"): s for f, s in zip(FACTOR_IDS, scores, strict=True)}
    result = status(make_vetting(**picked))
    weak = [
        f for f, s in zip(FACTOR_IDS, scores, strict=True) if f in CRITICAL and (s == "U" or s <= 2)
    ]
    assert result.outcome is (Outcome.VERIFY if weak else Outcome.READY)
    assert result.verify_factors == weak


# --- due dates and staleness --------------------------------------------------------------


def test_due_twelve_months_after_and_stale_only_after_the_due_day() -> None:
    vetting = make_vetting(dt.date(2025, 11, 23))
    assert status(vetting).due == dt.date(2026, 11, 23)
    assert status(vetting, today=dt.date(2026, 11, 23)).stale is False
    assert status(vetting, today=dt.date(2026, 11, 24)).stale is True


def test_agency_revet_months_overrides_the_catalog() -> None:
    vetting = make_vetting(dt.date(2026, 4, 1))
    result = status(vetting, months=6)
    assert result.due == dt.date(2026, 10, 1)
    assert result.stale is True
    catalog_six = agency_status(
        make_agency(), [vetting], CatalogInfo(region="X", revet_months=6), TODAY
    )
    assert catalog_six.due == dt.date(2026, 10, 1)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 12, 15), 12) == dt.date(2028, 12, 15)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


# --- rules for vetting files -----------------------------------------------------------------


def messages(vetting: Vetting) -> list[str]:
    return [message for _loc, message in check_vetting(vetting)]


def test_check_vetting_rejects_a_hard_fail_of_another_factor_or_unknown() -> None:
    wrong = make_vetting(confidentiality={"score": 0, "hard_fails": ["lgbtq-identity-correction"]})
    assert messages(wrong) == [
        "'lgbtq-identity-correction' is a hard fail of lgbtq-services, not of confidentiality"
    ]
    unknown = make_vetting(language_capacity={"score": 0, "hard_fails": ["made-up"]})
    assert "unknown hard fail 'made-up'" in messages(unknown)[0]


def test_check_vetting_wants_evidence_that_can_carry_the_score() -> None:
    assert messages(make_vetting()) == []
    thin = make_vetting(confidentiality={"score": 4, "evidence": ["written-policy"]})
    assert messages(thin) == [
        "a score of 4 needs evidence such as site-visit, references, youth-feedback "
        "or other-task-force"
    ]
    self_report = make_vetting(premises_security={"score": 3, "evidence": ["self-report"]})
    assert "a score of 3 needs evidence" in messages(self_report)[0]


def test_catalog_reports_a_rubric_problem_with_file_and_line(tmp_path: Path) -> None:
    vetting = """\
agency: harbor
date: 2026-01-05
assessor: R. Tester
method: [phone]
factors:
  confidentiality:
    score: 0
    note: shares files
    hard_fails: [treats-minors-as-offenders]
"""
    root = write_catalog(tmp_path / "data", vettings={"harbor--2026-01-05.yaml": vetting})
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    text = str(caught.value)
    assert "harbor--2026-01-05.yaml:9: factors.confidentiality.hard_fails[0]:" in text
    assert "is a hard fail of csec-experience, not of confidentiality" in text


# --- the partner list ----------------------------------------------------------------------


def test_partner_list_puts_what_needs_attention_first_and_filters() -> None:
    agencies = [make_agency(ident=name) for name in ["ready", "stale", "verify", "never", "fail"]]
    vettings = {
        "ready": [make_vetting(dt.date(2026, 5, 1), "ready")],
        "stale": [make_vetting(dt.date(2025, 5, 1), "stale")],
        "verify": [make_vetting(dt.date(2026, 5, 1), "verify", informed_consent="U")],
        "fail": [
            make_vetting(
                dt.date(2026, 5, 1),
                "fail",
                premises_security={
                    "score": 1,
                    "hard_fails": ["residential-premises-unsecured"],
                    "note": "no locks",
                },
            )
        ],
    }
    rows = partner_list(agencies, vettings, INFO, TODAY).rows
    assert [r.agency for r in rows] == ["fail", "verify", "stale", "never", "ready"]
    assert rows[2].status.stale is True
    only = partner_list(agencies, vettings, INFO, TODAY, outcomes=[Outcome.READY], stale_only=True)
    assert [r.agency for r in only.rows] == ["stale"]
    assert partner_list(agencies, vettings, INFO, TODAY, service="dental").rows == []
    assert len(partner_list(agencies, vettings, INFO, TODAY, service="food").rows) == 5


def test_helpers_catalog_is_unvetted(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "data", agencies=AGENCIES_HEAD + agency())
    catalog = load_catalog(root)
    result = agency_status(catalog.agencies["harbor"], [], catalog.info, TODAY)
    assert result.outcome is Outcome.NOT_VETTED
