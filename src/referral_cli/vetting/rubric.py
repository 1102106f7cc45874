"""The vetting rubric as data: eleven factors, the scale, evidence kinds and hard fails.

The rubric itself (questions, evidence kinds, level meanings, hard fails) is data in
`vetting/rubric.yaml`, loaded once on first use. This module holds its model, the words it
gives factors and hard fails, and the rules a vetting file must follow (known hard fails,
scores carried by their evidence); `judge` turns a vetting into an outcome.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Literal, get_args

from pydantic import Field, model_validator

from referral_cli.catalog.models import (
    EvidenceKind,
    FactorAssessment,
    FactorId,
    Id,
    Model,
    Score,
    Text,
    Vetting,
    VettingMethod,
    VettingTrigger,
)

FACTOR_IDS: tuple[FactorId, ...] = get_args(FactorId)
UNASSESSED = FactorAssessment()  # shared default: building one per lookup was measurable
SCORES: tuple[str, ...] = ("U", "0", "1", "2", "3", "4")
VERIFY_AT_OR_BELOW = 2

# --- the rubric, as data -------------------------------------------------------


class HardFail(Model):
    """A condition that makes an agency "do not refer" whatever else it scores."""

    id: Id
    text: Text


class EvidenceInfo(Model):
    """How one kind of evidence is named and the highest score it supports on its own."""

    label: Text
    supports: Literal[2, 3, 4]


class Factor(Model):
    """One of the eleven vetting factors: what to ask, what counts, what each level means."""

    id: FactorId
    label: Text
    title: Text
    question: Text
    evidence: list[EvidenceKind] = Field(min_length=1)
    levels: dict[Literal[0, 1, 2, 3, 4], Text]
    critical: bool = False
    per_youth: bool = False
    hard_fails: list[HardFail] = Field(default_factory=list)

    @model_validator(mode="after")
    def _every_level(self) -> Factor:
        if sorted(self.levels) != [0, 1, 2, 3, 4]:
            raise ValueError(f"factor '{self.id}' must describe levels 0 to 4")
        return self


class Rubric(Model):
    """The whole rubric: the scale, evidence kinds, methods, triggers and the eleven factors."""

    scale: dict[Literal["U", "0", "1", "2", "3", "4"], Text]
    evidence_kinds: dict[EvidenceKind, EvidenceInfo]
    methods: dict[VettingMethod, Text]
    triggers: dict[VettingTrigger, Text]
    factors: list[Factor]

    @model_validator(mode="after")
    def _complete(self) -> Rubric:
        if [f.id for f in self.factors] != list(FACTOR_IDS):
            raise ValueError("the rubric must list the eleven factors once each, in order")
        for name, have, want in (
            ("scale", self.scale, SCORES),
            ("evidence_kinds", self.evidence_kinds, get_args(EvidenceKind)),
            ("methods", self.methods, get_args(VettingMethod)),
            ("triggers", self.triggers, get_args(VettingTrigger)),
        ):
            if set(have) != set(want):
                raise ValueError(f"{name} must cover exactly: {', '.join(want)}")
        ids = [h.id for f in self.factors for h in f.hard_fails]
        if len(ids) != len(set(ids)):
            raise ValueError("hard-fail ids must be unique across factors")
        return self

    def factor(self, factor_id: str) -> Factor:
        """One factor by id (ids are checked against FactorId, so this cannot miss)."""
        return self.factors[FACTOR_IDS.index(factor_id)]

    def hard_fail(self, hard_fail_id: str) -> tuple[Factor, HardFail] | None:
        """The factor that defines a hard-fail id, and its description."""
        for factor in self.factors:
            for hard_fail in factor.hard_fails:
                if hard_fail.id == hard_fail_id:
                    return factor, hard_fail
        return None

    def number(self, factor_id: str) -> int:
        """The factor's 1-based position, as on the worksheet."""
        return FACTOR_IDS.index(factor_id) + 1


@lru_cache(maxsize=1)
def rubric() -> Rubric:
    """The packaged rubric, parsed and validated once per process (vet commands only need it)."""
    from importlib.resources import files

    import yaml

    raw = files("referral_cli.vetting").joinpath("rubric.yaml").read_bytes()
    # libyaml's CSafeLoader has safe_load's semantics at a fraction of the pure-Python cost
    # (~40 ms of the first `show` after an edit went to parsing this file).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return Rubric.model_validate(yaml.load(raw, Loader=loader))


def factor_label(factor_id: str) -> str:
    """A factor as a coordinator names it (e.g. "Confidentiality")."""
    return rubric().factor(factor_id).label


def hard_fail_text(hard_fail_id: str, with_id: bool = False) -> str:
    """A hard fail as words, with its factor; the id too where readers may look it up."""
    found = rubric().hard_fail(hard_fail_id)
    if not found:
        return hard_fail_id
    text = f"{found[0].label}: {found[1].text}"
    return f"{text} ({hard_fail_id})" if with_id else text


def is_critical_weak(score: Score) -> bool:
    """U or <= 2: too little to refer on for a critical factor."""
    return score == "U" or score <= VERIFY_AT_OR_BELOW


# --- rules for a vetting file ----------------------------------------------------


def check_vetting(vetting: Vetting) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Rubric rules a vetting file must follow (e.g. hard-fail ids known for their factor).

    Scores must rest on evidence that can support them: a 3 (documented) needs at least one
    documented kind of evidence, a 4 (verified in practice) at least one verified kind.
    """
    rub = rubric()
    for factor_id, assessment in vetting.factors.items():
        factor = rub.factor(factor_id)
        for field in ("hard_fails", "hard_fails_cleared"):
            yield from _hard_fail_ids(factor, field, getattr(assessment, field))
        yield from _clearing_rules(factor_id, assessment)
        gap = evidence_gap(assessment.score, assessment.evidence)
        if gap is not None:
            yield ("factors", factor_id, "score"), gap


def _hard_fail_ids(
    factor: Factor, field: str, ids: Sequence[str]
) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Each id listed once, and a hard fail of this factor (not of another, not unknown)."""
    known = [h.id for h in factor.hard_fails]
    seen: set[str] = set()
    for i, hard_fail_id in enumerate(ids):
        loc: tuple[int | str, ...] = ("factors", factor.id, field, i)
        if hard_fail_id in seen:
            yield loc, f"hard fail '{hard_fail_id}' is listed twice"
        seen.add(hard_fail_id)
        if hard_fail_id in known:
            continue
        owner = rubric().hard_fail(hard_fail_id)
        if owner is not None:
            yield loc, f"'{hard_fail_id}' is a hard fail of {owner[0].id}, not of {factor.id}"
        else:
            choices = ", ".join(known) if known else "none (this factor has no hard fails)"
            yield loc, f"unknown hard fail '{hard_fail_id}' (known for {factor.id}: {choices})"


def _clearing_rules(
    factor_id: str, assessment: FactorAssessment
) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """A hard fail is cleared only by assessing the factor: a score, evidence and a note."""
    if not assessment.hard_fails_cleared:
        return
    loc: tuple[int | str, ...] = ("factors", factor_id, "hard_fails_cleared")
    both = [h for h in assessment.hard_fails_cleared if h in assessment.hard_fails]
    if both:
        yield loc, f"'{both[0]}' cannot be both observed and no longer observed"
    if assessment.score == "U" or not assessment.evidence or not assessment.note.strip():
        yield (
            loc,
            (
                "a hard fail is cleared only by assessing the factor: give a score (not U), "
                "the evidence and a note saying what shows it is no longer observed"
            ),
        )


def evidence_gap(score: Score, evidence: Sequence[str]) -> str | None:
    """Why the evidence cannot carry the score (3 needs documents, 4 needs verification)."""
    if score not in (3, 4):
        return None
    rub = rubric()
    best = max((rub.evidence_kinds[e].supports for e in evidence), default=0)  # type: ignore[index]
    if best >= score:
        return None
    kinds = [k for k, info in rub.evidence_kinds.items() if info.supports >= score]
    return f"a score of {score} needs evidence such as {', '.join(kinds[:-1])} or {kinds[-1]}"


def hard_fail_description(hard_fail_id: str) -> str:
    """A hard fail's own words, without its factor (a scorecard row already names it)."""
    found = rubric().hard_fail(hard_fail_id)
    return found[1].text if found else hard_fail_id
