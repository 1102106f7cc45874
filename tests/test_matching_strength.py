"""Matching, pinned where mutation testing showed a change would pass unnoticed (issue #21):
the vetting outweighs an agency's own access claims, and several fit needs add up."""

from __future__ import annotations

from referral_cli.casefile.records import YouthProfile
from referral_cli.session.matching import VETTED_READY, WANTED_NO, WANTED_YES, WHEELCHAIR_NO, rank
from referral_cli.vetting.standing import Outcome
from tests.test_matching import SHELTER, agency, only, status


def test_a_vetting_that_found_no_step_free_access_outweighs_the_agencys_claim() -> None:
    claims = agency("a", access={"area": "N", "wheelchair": True})
    vetted = status("a", Outcome.READY)
    vetted.fit_scores["location-accessibility"] = 1  # the coordinator found no such practice
    found = only(rank([claims], SHELTER, YouthProfile(fit=["wheelchair"]), {"a": vetted}))
    assert found.score == VETTED_READY + WHEELCHAIR_NO
    assert [r for r in found.reasons if r.startswith("- ")] == [
        "- no step-free access (vetting scored location and access 1 (no such practice))"
    ]


def test_several_fit_needs_each_count() -> None:
    """A confidential address asked for with after-hours help: neither hides the other."""
    profile = YouthProfile(fit=["after-hours", "confidential-address"])
    neither = agency("a")
    both = agency("b", confidential_address=True, hours={"regular": "24/7", "after_hours": True})
    statuses = {a: status(a, Outcome.READY) for a in ("a", "b")}
    first, second = rank([neither, both], SHELTER, profile, statuses)
    assert (first.agency.id, first.score) == ("b", VETTED_READY + 2 * WANTED_YES)
    assert (second.agency.id, second.score) == ("a", VETTED_READY + 2 * WANTED_NO)
