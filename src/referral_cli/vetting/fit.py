"""Fit facts (LGBTQ services, languages, getting there) from the vetting before the listing.

An agency's own flags (`lgbtq_affirming`, its languages, transit and step-free access) are
what it says of itself. The vetting's per-youth factors are what a coordinator found: where
the vetting scored that factor 0 (contrary evidence) or 1 (no such practice), it outweighs
the flag; a 3 or 4 confirms it. Every fact says which source spoke, so a worker can tell a
checked fact from a claim. Pure and free of pydantic: the warm path shows these too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from referral_cli.vetting.standing import SCORE_WORDS, VettingStatus

if TYPE_CHECKING:
    from referral_cli.catalog.models import Agency

OUTWEIGHS_AT_OR_BELOW = 1  # a 0 or 1 in the vetting overrides the agency's own flag
CONFIRMS_AT_OR_ABOVE = 3
LGBTQ_HARM = "lgbtq-identity-correction"
FACTOR_NAMES = {
    "lgbtq-services": "LGBTQ services",
    "language-capacity": "language capacity",
    "location-accessibility": "location and access",
}


@dataclass(frozen=True)
class FitFact:
    """Whether a fit fact holds, and who said so (the vetting or the agency's own listing)."""

    holds: bool
    source: str


def _scored(factor: str, score: int) -> str:
    return f"vetting scored {FACTOR_NAMES[factor]} {score} ({SCORE_WORDS[score]})"


def _judged(factor: str, claimed: bool, status: VettingStatus | None) -> FitFact:
    """The agency's claim, weighed against the vetting's latest score for the factor."""
    score = status.fit_scores.get(factor) if status is not None else None
    if score is None:
        return FitFact(claimed, "agency's own listing, not vetted")
    if score <= OUTWEIGHS_AT_OR_BELOW:
        return FitFact(False, _scored(factor, score))
    if score >= CONFIRMS_AT_OR_ABOVE:
        return FitFact(True if factor == "lgbtq-services" else claimed, _scored(factor, score))
    return FitFact(claimed, f"agency's own listing; {_scored(factor, score)}")


def lgbtq_fact(agency: Agency, status: VettingStatus | None) -> FitFact:
    """LGBTQ-affirming: a standing identity-correction hard fail or a 0/1 says no."""
    if status is not None and LGBTQ_HARM in status.hard_fails:
        return FitFact(False, "vetting found a hard fail: tries to 'correct' identity")
    return _judged("lgbtq-services", bool(agency.populations.lgbtq_affirming), status)


def language_fact(agency: Agency, status: VettingStatus | None, code: str) -> FitFact:
    """Serves in a language: listed by the agency, and not contradicted by the vetting."""
    listed = code in agency.languages
    if not listed:
        return FitFact(False, "not among the agency's languages")
    return _judged("language-capacity", listed, status)


def access_fact(agency: Agency, status: VettingStatus | None, what: str) -> FitFact:
    """`wheelchair`, `transit` or `after-hours`, weighed against location and access."""
    claimed = {
        "wheelchair": agency.access.wheelchair,
        "transit": agency.access.transit,
        "after-hours": agency.hours.after_hours,
    }[what]
    if not claimed:
        return FitFact(False, "agency's own listing")
    return _judged("location-accessibility", bool(claimed), status)
