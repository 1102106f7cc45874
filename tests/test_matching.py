"""Ranking candidate agencies for one need and one youth, with visible reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from referral_cli.casefile.records import Need, YouthProfile
from referral_cli.catalog.models import Agency
from referral_cli.session.matching import (
    LANGUAGE_NO,
    LANGUAGE_YES,
    MISMATCH,
    STALE,
    TIER_WORDS,
    VETTED_READY,
    VETTED_VERIFY,
    WANTED_NO,
    WANTED_YES,
    WHEELCHAIR_NO,
    Candidate,
    rank,
)
from referral_cli.vetting.standing import Outcome, VettingStatus

SHELTER = Need(service="emergency-shelter", label="Emergency shelter", form="emergency")


def agency(aid: str, **changes: Any) -> Agency:
    data: dict[str, Any] = {
        "id": aid,
        "name": aid.title(),
        "sector": "housing",
        "services": ["emergency-shelter"],
        "languages": ["en"],
        "populations": {"age_min": 12, "age_max": 17},
        "hours": {"regular": "24/7"},
        "access": {"area": "North"},
        "phone": "503-555-0100",
        "contact": {"role": "Intake"},
    }
    data.update(changes)
    return Agency.model_validate(data)


def status(
    aid: str,
    outcome: Outcome,
    stale: bool = False,
    due: dt.date | None = None,
    verify: tuple[str, ...] = (),
) -> VettingStatus:
    return VettingStatus(
        agency=aid,
        outcome=outcome,
        stale=stale,
        last_vetted=None,
        due=due,
        verify_factors=list(verify),
    )


def only(found: list[Candidate]) -> Candidate:
    assert len(found) == 1
    return found[0]


def test_do_not_refer_is_never_offered_however_good_the_fit() -> None:
    bad = agency("bad", languages=["en", "es"], populations={"lgbtq_affirming": True})
    ok = agency("ok")
    statuses = {"bad": status("bad", Outcome.DO_NOT_REFER), "ok": status("ok", Outcome.NOT_VETTED)}
    profile = YouthProfile(language="es", fit=["lgbtq-affirming"])
    found = rank([bad, ok], SHELTER, profile, statuses)
    assert [c.agency.id for c in found] == ["ok"]


def test_vetting_ranks_first_and_is_marked() -> None:
    agencies = [agency("a-ready"), agency("b-verify"), agency("c-unvetted"), agency("d-stale")]
    statuses = {
        "a-ready": status("a-ready", Outcome.READY),
        "b-verify": status("b-verify", Outcome.VERIFY),
        "d-stale": status("d-stale", Outcome.READY, stale=True),
    }
    found = rank(agencies, SHELTER, YouthProfile(), statuses)
    assert [c.agency.id for c in found] == ["a-ready", "d-stale", "b-verify", "c-unvetted"]
    marks = {c.agency.id: c.marks for c in found}
    assert marks == {
        "a-ready": [],
        "d-stale": ["STALE"],
        "b-verify": ["VERIFY"],
        "c-unvetted": ["NOT VETTED"],
    }


def test_fit_with_the_youth_moves_the_rank_with_reasons() -> None:
    plain = agency("plain")
    fitting = agency(
        "fitting",
        languages=["en", "es"],
        populations={"lgbtq_affirming": True},
        access={"area": "East", "transit": True},
    )
    statuses = {a: status(a, Outcome.READY) for a in ("plain", "fitting")}
    profile = YouthProfile(language="es", fit=["lgbtq-affirming", "transit"])
    first, second = rank([plain, fitting], SHELTER, profile, statuses, "Spanish")
    assert first.agency.id == "fitting"
    assert "+ speaks Spanish (agency's own listing, not vetted)" in first.reasons
    assert "+ LGBTQ-affirming (agency's own listing, not vetted)" in first.reasons
    assert "- no Spanish-speaking staff listed" in second.reasons
    assert "- not reachable by transit (agency's own listing)" in second.reasons


def test_age_and_gender_mismatch_sink_but_stay_visible() -> None:
    adults = agency("adults", populations={"age_min": 18})
    girls = agency("girls", populations={"genders": ["female"]})
    statuses = {a: status(a, Outcome.READY) for a in ("adults", "girls")}
    found = rank([adults, girls], SHELTER, YouthProfile(age=15, gender="male"), statuses)
    reasons = {c.agency.id: c.reasons for c in found}
    assert "- serves ages 18+ only" in reasons["adults"]
    assert "- serves female only: ask whether it serves this youth" in reasons["girls"]
    # each mismatch costs the same, and neither wipes out the vetting points
    assert [c.score for c in found] == [VETTED_READY + MISMATCH] * 2
    fits = agency("zz-fits", populations={"genders": ["male"]})
    statuses["zz-fits"] = status("zz-fits", Outcome.READY)
    found = rank([adults, girls, fits], SHELTER, YouthProfile(age=15, gender="male"), statuses)
    assert found[0].agency.id == "zz-fits"  # first, though its name sorts last


def test_only_agencies_offering_the_form_needed() -> None:
    ongoing_only = agency("ongoing", services=[{"id": "emergency-shelter", "forms": ["ongoing"]}])
    other = agency("other", services=["food"])
    assert rank([ongoing_only, other], SHELTER, YouthProfile(), {}) == []


# --- each rule on its own: what it adds, what it takes away, and why it says so ----------


def test_vetting_points_and_reasons() -> None:
    a = agency("a", populations={})  # no age limit, so only the vetting (and the order) speaks
    not_vetted = "not vetted: check it with your lead before referring"
    cases = [
        (None, 0, ["NOT VETTED"], [not_vetted], "not vetted"),
        (status("a", Outcome.NOT_VETTED), 0, ["NOT VETTED"], [not_vetted], "not vetted"),
        (
            status("a", Outcome.READY),
            VETTED_READY,
            [],
            ["vetted: ready to refer"],
            "ready to refer",
        ),
        (
            status("a", Outcome.VERIFY, verify=("confidentiality", "informed-consent")),
            VETTED_VERIFY,
            ["VERIFY"],
            ["verify before referral: confidentiality, informed-consent"],
            "verify",
        ),
        (
            status("a", Outcome.VERIFY),
            VETTED_VERIFY,
            ["VERIFY"],
            ["verify before referral: some factors"],
            "verify",
        ),
        (
            status("a", Outcome.READY, stale=True, due=dt.date(2025, 3, 31)),
            VETTED_READY + STALE,
            ["STALE"],
            ["vetted: ready to refer", "vetting overdue (due 2025-03-31)"],
            "overdue",
        ),
        (
            status("a", Outcome.VERIFY, stale=True),
            VETTED_VERIFY + STALE,
            ["VERIFY", "STALE"],
            ["verify before referral: some factors", "vetting overdue"],
            "verify",
        ),
    ]
    for vetting, score, marks, reasons, tier in cases:
        found = only(rank([a], SHELTER, YouthProfile(), {"a": vetting} if vetting else {}))
        assert (found.score, found.marks) == (score, marks), vetting
        # the vetting reasons only: the list's order is said once, above it (render)
        assert found.reasons == reasons, vetting
        assert (TIER_WORDS[found.tier], found.fit) == (tier, 0), vetting
    stale = only(rank([a], SHELTER, YouthProfile(), {"a": status("a", Outcome.READY, True)}))
    assert stale.reasons[-1] == "vetting overdue"
    assert TIER_WORDS[stale.tier] == "overdue"


def test_language_adds_when_spoken_and_costs_when_not() -> None:
    speaks = agency("zz-speaks", languages=["en", "es"])
    silent = agency("aa-silent")
    statuses = {a: status(a, Outcome.READY) for a in ("zz-speaks", "aa-silent")}
    first, second = rank([silent, speaks], SHELTER, YouthProfile(language="es"), statuses)
    assert first.agency.id == "zz-speaks"
    assert first.score == VETTED_READY + LANGUAGE_YES
    assert second.score == VETTED_READY + LANGUAGE_NO
    # without the catalog's name for it, the reason names the language code (and its source)
    assert "+ speaks es (agency's own listing, not vetted)" in first.reasons
    assert "- no es-speaking staff listed" in second.reasons
    assert (first.marks, second.marks) == ([], ["DOES NOT FIT"])  # #20: a mismatch is marked
    assert (first.fit, second.fit) == (LANGUAGE_YES, LANGUAGE_NO)
    nothing = rank([silent], SHELTER, YouthProfile(), statuses)
    assert only(nothing).score == VETTED_READY and only(nothing).reasons == [
        "vetted: ready to refer",
        "? serves ages 12-17 only (the youth's age was not given)",
    ]


@pytest.mark.parametrize(
    ("low", "high", "age", "fits", "span"),
    [
        (12, 17, 12, True, ""),  # both limits are inclusive
        (12, 17, 17, True, ""),
        (12, 17, 11, False, "12-17"),
        (12, 17, 18, False, "12-17"),
        (18, None, 17, False, "18+"),
        (18, 99, 17, False, "18+"),
        (18, 100, 17, False, "18+"),
        (18, 98, 17, False, "18-98"),
        (None, 17, 18, False, "0-17"),
        (None, None, 30, True, ""),
    ],
)
def test_age_limits(low: int | None, high: int | None, age: int, fits: bool, span: str) -> None:
    a = agency("a", populations={"age_min": low, "age_max": high})
    found = only(rank([a], SHELTER, YouthProfile(age=age), {"a": status("a", Outcome.READY)}))
    assert found.score == VETTED_READY + (0 if fits else MISMATCH)
    assert found.marks == ([] if fits else ["DOES NOT FIT"])
    assert found.fit == (0 if fits else MISMATCH)
    assert found.reasons[1:] == ([] if fits else [f"- serves ages {span} only"])


@pytest.mark.parametrize(
    ("genders", "youth", "affirming", "fits"),
    [
        (["any"], "male", False, True),
        (["female"], "female", False, True),
        (["female", "nonbinary"], "nonbinary", False, True),
        (["female"], "male", False, False),
        (["female", "nonbinary"], "male", False, False),
        (["male"], "female", True, False),  # affirming does not admit a girl to a boys' house
        (["female"], None, False, True),  # gender not given: no restriction applies
        (["female"], "transgender", False, False),
        # #20: LGBTQ-affirming never infers admission; a transgender youth is still checked
        (["female"], "transgender", True, False),
    ],
)
def test_gender_rule(genders: list[str], youth: str | None, affirming: bool, fits: bool) -> None:
    a = agency("a", populations={"genders": genders, "lgbtq_affirming": affirming})
    profile = YouthProfile(gender=youth)  # type: ignore[arg-type]
    found = only(rank([a], SHELTER, profile, {"a": status("a", Outcome.READY)}))
    assert found.score == VETTED_READY + (0 if fits else MISMATCH)
    # #20: the restriction is shown and the worker asks; it is never decided for them
    asked = f"- serves {', '.join(genders)} only: ask whether it serves this youth"
    assert (asked in found.reasons) is not fits
    assert found.marks == ([] if fits else ["CHECK GENDER"])
    assert found.fit == (0 if fits else MISMATCH)


# #20: each reason names its source; with no vetting score for the factor, that is the listing
LISTED = "(agency's own listing, not vetted)"
FIT_CHECKS = [
    (
        "lgbtq-affirming",
        {"populations": {"lgbtq_affirming": True}},
        f"+ LGBTQ-affirming {LISTED}",
        f"- not LGBTQ-affirming {LISTED}",
        WANTED_NO,
    ),
    (
        "after-hours",
        {"hours": {"regular": "24/7", "after_hours": True}},
        f"+ answers after hours {LISTED}",
        "- no after-hours answer (agency's own listing)",
        WANTED_NO,
    ),
    (
        "wheelchair",
        {"access": {"area": "N", "wheelchair": True}},
        f"+ step-free access {LISTED}",
        "- no step-free access (agency's own listing)",
        WHEELCHAIR_NO,
    ),
    (
        "transit",
        {"access": {"area": "N", "transit": True}},
        f"+ reachable by transit {LISTED}",
        "- not reachable by transit (agency's own listing)",
        WANTED_NO,
    ),
    (
        "confidential-address",
        {"confidential_address": True},
        "+ confidential address",
        "- address not confidential",
        WANTED_NO,
    ),
]


@pytest.mark.parametrize(("need", "has", "met", "unmet", "penalty"), FIT_CHECKS)
def test_each_fit_check_adds_when_met_and_costs_when_not(
    need: str, has: dict[str, Any], met: str, unmet: str, penalty: int
) -> None:
    yes, no = agency("zz-yes", **has), agency("aa-no")
    statuses = {a: status(a, Outcome.READY) for a in ("zz-yes", "aa-no")}
    profile = YouthProfile(fit=[need])  # type: ignore[list-item]
    first, second = rank([no, yes], SHELTER, profile, statuses)
    assert (first.agency.id, first.score) == ("zz-yes", VETTED_READY + WANTED_YES)
    assert (second.agency.id, second.score) == ("aa-no", VETTED_READY + penalty)
    assert met in first.reasons
    assert not [r for r in first.reasons if r.startswith("- ")]
    missing = [r for r in second.reasons if r.startswith("- ")]
    assert missing == [unmet]
    assert (first.fit, second.fit) == (WANTED_YES, penalty)
    # a fit the youth did not ask for neither adds nor costs anything
    plain = rank([no, yes], SHELTER, YouthProfile(), statuses)
    assert [c.score for c in plain] == [VETTED_READY, VETTED_READY]


def test_fit_checks_add_up_with_the_rest() -> None:
    a = agency("a", languages=["es"], populations={"age_min": 18, "genders": ["female"]})
    profile = YouthProfile(language="es", age=15, gender="male", fit=["transit", "wheelchair"])
    found = only(rank([a], SHELTER, profile, {"a": status("a", Outcome.VERIFY)}))
    assert found.score == (
        VETTED_VERIFY + LANGUAGE_YES + MISMATCH + MISMATCH + WANTED_NO + WHEELCHAIR_NO
    )


def test_unknown_age_shows_the_restriction_and_checks_adults_only() -> None:
    # #20: with the youth's age unknown nothing is added or taken, but the limit is shown
    teens, adults = agency("teens"), agency("adults", populations={"age_min": 18})
    statuses = {a: status(a, Outcome.READY) for a in ("teens", "adults")}
    found = {c.agency.id: c for c in rank([teens, adults], SHELTER, YouthProfile(), statuses)}
    assert [c.score for c in found.values()] == [VETTED_READY, VETTED_READY]
    assert found["teens"].marks == [] and found["adults"].marks == ["CHECK AGE"]
    assert "? serves ages 12-17 only (the youth's age was not given)" in found["teens"].reasons
    assert "? serves ages 18+ only (the youth's age was not given)" in found["adults"].reasons


def test_fit_facts_from_the_vetting_outweigh_the_listing() -> None:
    # #20: a vetting score of 0/1 overrides the agency's own flag, and the reason says so
    a = agency("a", languages=["en", "es"], populations={"lgbtq_affirming": True})
    vetted = status("a", Outcome.READY)
    vetted.fit_scores.update({"lgbtq-services": 1, "language-capacity": 0})
    profile = YouthProfile(language="es", fit=["lgbtq-affirming"])
    found = only(rank([a], SHELTER, profile, {"a": vetted}, "Spanish"))
    assert found.score == VETTED_READY + LANGUAGE_NO + WANTED_NO
    assert found.marks == ["DOES NOT FIT", "NOT AFFIRMING"]
    assert found.reasons == [
        "vetted: ready to refer",
        "- Spanish not confirmed (vetting scored language capacity 0 (contrary evidence))",
        "- not LGBTQ-affirming (vetting scored LGBTQ services 1 (no such practice))",
    ]
    # a 3 or 4 confirms the fact, naming the vetting as its source
    vetted.fit_scores.update({"lgbtq-services": 4, "language-capacity": 3})
    found = only(rank([a], SHELTER, profile, {"a": vetted}, "Spanish"))
    assert found.score == VETTED_READY + LANGUAGE_YES + WANTED_YES
    assert "+ speaks Spanish (vetting scored language capacity 3 (documented))" in found.reasons
    assert "+ LGBTQ-affirming (vetting scored LGBTQ services 4 (verified in practice))" in (
        found.reasons
    )


def test_what_does_not_fit_is_listed_before_what_fits() -> None:
    # a new user read "+ speaks Spanish (...); - serves ages 18+ only" as the mismatch tacked on
    a = agency("a", languages=["en", "es"], populations={"age_min": 18})
    profile = YouthProfile(language="es", age=15)
    found = only(rank([a], SHELTER, profile, {"a": status("a", Outcome.READY)}))
    fit = [r for r in found.reasons if r[:1] in "+-?"]
    assert fit[0] == "- serves ages 18+ only" and fit[-1].startswith("+ speaks es")


@pytest.mark.parametrize(("low", "high"), [(0, None), (None, 120), (0, 99), (None, None)])
def test_no_real_age_limit_says_nothing_about_age(low: int | None, high: int | None) -> None:
    # a new user read "? serves ages 0+ only (the youth's age was not given)"
    a = agency("a", populations={"age_min": low, "age_max": high})
    found = only(rank([a], SHELTER, YouthProfile(), {"a": status("a", Outcome.READY)}))
    assert found.reasons == ["vetted: ready to refer"] and found.marks == []
