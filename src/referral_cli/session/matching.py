"""Rank the agencies that could meet one need for one youth, and say why.

Pure functions over catalog models and already-computed vetting statuses, so the rules can
be tested without a terminal or a clock. Two rules are absolute: an agency whose vetting says
do-not-refer is never offered, and an agency that does not offer the service (in the form
needed) is not a candidate. The order is vetting standing first, then fit with the youth; fit
facts the vetting assessed (LGBTQ services, language, access) come from it before the
agency's own flags, and every reason says which source spoke.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from referral_cli.casefile.records import Need, YouthProfile
from referral_cli.catalog.models import Agency
from referral_cli.vetting.fit import access_fact, language_fact, lgbtq_fact
from referral_cli.vetting.standing import Outcome, VettingStatus

# The order: vetting standing first (the tier), then fit points within a tier, then name;
# ORDER_NOTE says so once, above the list (a line on every candidate read as if its own tier
# came first). A candidate that does not fit the youth (age, language where needed) or must
# be checked (gender, unknown age, a wanted affirming place) carries a mark, so it is never
# the default pick.
TIERS: dict[str, int] = {"ready": 0, "stale": 1, "verify": 2, "not-vetted": 3}
TIER_WORDS = ("ready to refer", "overdue", "verify", "not vetted")
ORDER_NOTE = f"Listed: {', '.join(TIER_WORDS)}; the best fit to this youth first in each."
# Points, kept for the record of what was considered (and the order within a tier).
VETTED_READY = 30
VETTED_VERIFY = 10
STALE = -10
MISMATCH = -40
LANGUAGE_YES, LANGUAGE_NO = 10, -15
WANTED_YES, WANTED_NO = 8, -8
WHEELCHAIR_NO = -20
DOES_NOT_FIT = "DOES NOT FIT"
ADULT = 18
NO_UPPER_AGE = 99  # an age_max this high is no upper limit


@dataclass(frozen=True)
class Candidate:
    """An agency that could meet a need, its score, warning marks and every reason."""

    agency: Agency
    score: int
    marks: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    tier: int = 0
    fit: int = 0


def _met(reason: str) -> bool:
    """Sort key: what does not fit or must be asked (- or ?) before what fits (+)."""
    return reason.startswith("+")


def offers(agency: Agency, need: Need) -> bool:
    """Whether the agency offers this service in the form the youth needs."""
    for offered in agency.services:
        if offered.id == need.service and (not offered.forms or need.form in offered.forms):
            return True
    return False


def _tier(status: VettingStatus | None) -> int:
    if status is None or status.outcome == Outcome.NOT_VETTED:
        return TIERS["not-vetted"]
    if status.outcome == Outcome.VERIFY:
        return TIERS["verify"]
    return TIERS["stale"] if status.stale else TIERS["ready"]


def _vetting(status: VettingStatus | None) -> tuple[int, list[str], list[str]]:
    if status is None or status.outcome == Outcome.NOT_VETTED:
        return 0, ["NOT VETTED"], ["not vetted: check it with your lead before referring"]
    score, marks, reasons = 0, [], []
    if status.outcome == Outcome.READY:
        score += VETTED_READY
        reasons.append("vetted: ready to refer")
    elif status.outcome == Outcome.VERIFY:
        score += VETTED_VERIFY
        marks.append("VERIFY")
        factors = ", ".join(status.verify_reasons()) or "some factors"
        reasons.append(f"verify before referral: {factors}")
    if status.stale:
        score += STALE
        marks.append("STALE")
        due = f" (due {status.due.isoformat()})" if status.due else ""
        reasons.append(f"vetting overdue{due}")
    return score, marks, reasons


def _ages(agency: Agency, age: int | None) -> tuple[int, list[str], list[str]]:
    """An age restriction: a mismatch sinks and marks; with the age unknown it is shown."""
    low = agency.populations.age_min or 0
    high = agency.populations.age_max
    high = None if high is None or high >= NO_UPPER_AGE else high
    if low == 0 and high is None:  # "ages 0+" is no limit at all
        return 0, [], []
    span = f"{low}+" if high is None else f"{low}-{high}"
    if age is None:  # shown; an adults-only place is checked before it is picked
        marks = ["CHECK AGE"] if low >= ADULT else []
        return 0, marks, [f"? serves ages {span} only (the youth's age was not given)"]
    if age < low or (high is not None and age > high):
        return MISMATCH, [DOES_NOT_FIT], [f"- serves ages {span} only"]
    return 0, [], []


def _gender(agency: Agency, gender: str | None) -> tuple[int, list[str], list[str]]:
    """Say what the agency serves and let the worker decide; LGBTQ-affirming admits no one."""
    genders = agency.populations.genders
    if not gender or "any" in genders or gender in genders:
        return 0, [], []
    served = ", ".join(genders)
    return MISMATCH, ["CHECK GENDER"], [f"- serves {served} only: ask whether it serves this youth"]


def _language(
    agency: Agency, status: VettingStatus | None, code: str | None, name: str
) -> tuple[int, list[str], list[str]]:
    if not code:
        return 0, [], []
    fact = language_fact(agency, status, code)
    if fact.holds:
        return LANGUAGE_YES, [], [f"+ speaks {name} ({fact.source})"]
    if fact.source.startswith("not among"):
        return LANGUAGE_NO, [DOES_NOT_FIT], [f"- no {name}-speaking staff listed"]
    return LANGUAGE_NO, [DOES_NOT_FIT], [f"- {name} not confirmed ({fact.source})"]


WANTED: tuple[tuple[str, str, str, int], ...] = (
    ("after-hours", "answers after hours", "no after-hours answer", WANTED_NO),
    ("wheelchair", "step-free access", "no step-free access", WHEELCHAIR_NO),
    ("transit", "reachable by transit", "not reachable by transit", WANTED_NO),
)


def _wanted(
    agency: Agency, status: VettingStatus | None, wanted: set[str]
) -> tuple[int, list[str], list[str]]:
    """The extras the youth asked for; LGBTQ and access facts follow the vetting first."""
    score, marks, reasons = 0, [], []
    if "lgbtq-affirming" in wanted:
        fact = lgbtq_fact(agency, status)
        score += WANTED_YES if fact.holds else WANTED_NO
        if fact.holds:
            reasons.append(f"+ LGBTQ-affirming ({fact.source})")
        else:
            marks.append("NOT AFFIRMING")
            reasons.append(f"- not LGBTQ-affirming ({fact.source})")
    for key, yes, no, penalty in WANTED:
        if key in wanted:
            fact = access_fact(agency, status, key)
            score += WANTED_YES if fact.holds else penalty
            reasons.append(f"+ {yes} ({fact.source})" if fact.holds else f"- {no} ({fact.source})")
    if "confidential-address" in wanted:
        has = agency.confidential_address
        score += WANTED_YES if has else WANTED_NO
        reasons.append("+ confidential address" if has else "- address not confidential")
    return score, marks, reasons


def _fit(
    agency: Agency, status: VettingStatus | None, profile: YouthProfile, language_name: str
) -> tuple[int, list[str], list[str]]:
    score, marks, reasons = 0, [], []
    for part in (
        _language(agency, status, profile.language, language_name),
        _ages(agency, profile.age),
        _gender(agency, profile.gender),
        _wanted(agency, status, set(profile.fit)),
    ):
        score += part[0]
        marks += [m for m in part[1] if m not in marks]
        reasons += part[2]
    return score, marks, reasons


def rank(
    agencies: Iterable[Agency],
    need: Need,
    profile: YouthProfile,
    statuses: Mapping[str, VettingStatus],
    language_name: str = "",
) -> list[Candidate]:
    """Candidates for one need: vetting standing first, then fit; do-not-refer left out."""
    found: list[Candidate] = []
    for agency in agencies:
        status = statuses.get(agency.id)
        if status is not None and status.outcome == Outcome.DO_NOT_REFER:
            continue
        if not offers(agency, need):
            continue
        score, marks, reasons = _vetting(status)
        name = language_name or (profile.language or "")
        fit_score, fit_marks, fit_reasons = _fit(agency, status, profile, name)
        tier = _tier(status)
        found.append(
            Candidate(
                agency,
                score + fit_score,
                marks + fit_marks,
                [*reasons, *sorted(fit_reasons, key=_met)],
                tier,
                fit_score,
            )
        )
    found.sort(key=lambda c: (c.tier, -c.fit, c.agency.name.casefold()))
    return found
