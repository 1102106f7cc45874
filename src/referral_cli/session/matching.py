"""Rank the agencies that could meet one need for one youth, and say why.

Pure functions over catalog models and already-computed vetting statuses, so the rules can
be tested without a terminal or a clock. Two rules are absolute: an agency whose vetting says
do-not-refer is never offered, and an agency that does not offer the service (in the form
needed) is not a candidate. Everything else moves the rank up or down with a visible reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from referral_cli.casefile.records import Need, YouthProfile
from referral_cli.catalog.models import Agency
from referral_cli.vetting.standing import Outcome, VettingStatus

# Points for each rule. Vetting weighs most; a hard mismatch (age, gender, access) sinks an
# agency to the bottom but keeps it visible, so the worker sees why it does not fit.
VETTED_READY = 30
VETTED_VERIFY = 10
STALE = -10
MISMATCH = -40
LANGUAGE_YES, LANGUAGE_NO = 10, -15
WANTED_YES, WANTED_NO = 8, -8
WHEELCHAIR_NO = -20


@dataclass(frozen=True)
class Candidate:
    """An agency that could meet a need, its score, warning marks and every reason."""

    agency: Agency
    score: int
    marks: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def offers(agency: Agency, need: Need) -> bool:
    """Whether the agency offers this service in the form the youth needs."""
    for offered in agency.services:
        if offered.id == need.service and (not offered.forms or need.form in offered.forms):
            return True
    return False


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
        factors = ", ".join(status.verify_factors) or "some factors"
        reasons.append(f"verify before referral: {factors}")
    if status.stale:
        score += STALE
        marks.append("STALE")
        due = f" (due {status.due.isoformat()})" if status.due else ""
        reasons.append(f"vetting overdue{due}")
    return score, marks, reasons


def _fit(agency: Agency, profile: YouthProfile, language_name: str) -> tuple[int, list[str]]:
    score, reasons = 0, []
    pops = agency.populations
    if profile.language:
        if profile.language in agency.languages:
            score += LANGUAGE_YES
            reasons.append(f"+ speaks {language_name}")
        else:
            score += LANGUAGE_NO
            reasons.append(f"- no {language_name}-speaking staff listed")
    if profile.age is not None:
        low, high = pops.age_min, pops.age_max
        if (low is not None and profile.age < low) or (high is not None and profile.age > high):
            score += MISMATCH
            if high is None or high >= 99:
                span = f"{low}+"
            else:
                span = f"{low if low is not None else 0}-{high}"
            reasons.append(f"- serves ages {span} only")
    if (
        profile.gender
        and "any" not in pops.genders
        and profile.gender not in pops.genders
        and not (profile.gender == "transgender" and pops.lgbtq_affirming)
    ):
        score += MISMATCH
        reasons.append(f"- serves {', '.join(pops.genders)} only")
    wanted = set(profile.fit)
    checks = (
        ("lgbtq-affirming", pops.lgbtq_affirming, "LGBTQ-affirming", WANTED_NO),
        ("after-hours", agency.hours.after_hours, "answers after hours", WANTED_NO),
        ("wheelchair", agency.access.wheelchair, "step-free access", WHEELCHAIR_NO),
        ("transit", agency.access.transit, "reachable by transit", WANTED_NO),
        ("confidential-address", agency.confidential_address, "confidential address", WANTED_NO),
    )
    for key, has, label, penalty in checks:
        if key in wanted:
            score += WANTED_YES if has else penalty
            reasons.append(f"+ {label}" if has else f"- not {label}")
    return score, reasons


def rank(
    agencies: Iterable[Agency],
    need: Need,
    profile: YouthProfile,
    statuses: Mapping[str, VettingStatus],
    language_name: str = "",
) -> list[Candidate]:
    """Candidates for one need, best first; do-not-refer agencies are left out entirely."""
    found: list[Candidate] = []
    for agency in agencies:
        status = statuses.get(agency.id)
        if status is not None and status.outcome == Outcome.DO_NOT_REFER:
            continue
        if not offers(agency, need):
            continue
        score, marks, reasons = _vetting(status)
        fit_score, fit_reasons = _fit(agency, profile, language_name or (profile.language or ""))
        found.append(Candidate(agency, score + fit_score, marks, reasons + fit_reasons))
    found.sort(key=lambda c: (-c.score, c.agency.name.casefold()))
    return found
