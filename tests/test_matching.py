"""Ranking candidate agencies for one need and one youth, with visible reasons."""

from __future__ import annotations

from typing import Any

from referral_cli.casefile.records import Need, YouthProfile
from referral_cli.catalog.models import Agency
from referral_cli.session.matching import rank
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


def status(aid: str, outcome: Outcome, stale: bool = False) -> VettingStatus:
    return VettingStatus(agency=aid, outcome=outcome, stale=stale, last_vetted=None, due=None)


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
    assert all(c.score < 0 for c in found)


def test_only_agencies_offering_the_form_needed() -> None:
    ongoing_only = agency("ongoing", services=[{"id": "emergency-shelter", "forms": ["ongoing"]}])
    other = agency("other", services=["food"])
    assert rank([ongoing_only, other], SHELTER, YouthProfile(), {}) == []
