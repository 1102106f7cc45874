"""Vetting rubric: eleven factors, scores, hard fails, outcomes and re-vet due dates.

The rubric itself (questions, evidence kinds, level meanings, hard fails) is data in
`vetting/rubric.yaml`, loaded once on first use. The rules that turn a vetting into an outcome live
here, and are deliberately few:

* A hard fail in the latest vetting means DO NOT REFER, whatever the scores.
* No vetting at all means NOT VETTED.
* U (not assessed) or a score of 2 or less on a critical factor (confidentiality, informed
  consent, premises security, non-discrimination) means VERIFY BEFORE REFERRAL.
* A score of 0 (contrary evidence or refusal) is not by itself "do not refer": the named hard
  fails are the do-not-refer list, so that reason can always be said out loud. A 0 on a
  critical factor is VERIFY (it is <= 2) and every 0 is listed as contrary evidence beside
  the outcome, so it is never hidden.
* Otherwise READY. Stale (today is after the re-vet due date) is a separate flag.

There is no total: every factor's score is shown, so a weak factor cannot hide.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, Field, model_validator

from referral_cli.catalog.models import (
    Agency,
    CatalogInfo,
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
from referral_cli.errors import ReferralError
from referral_cli.vetting.standing import (
    OUTCOME_LABELS,
    FactorRow,
    Outcome,
    Scorecard,
    VettingStatus,
    not_vetted,
    revet_months_for,
)

if TYPE_CHECKING:
    from referral_cli.prompt.asker import Asker

FACTOR_IDS: tuple[FactorId, ...] = get_args(FactorId)
UNASSESSED = FactorAssessment()  # shared default: building one per lookup was measurable
SCORES: tuple[str, ...] = ("U", "0", "1", "2", "3", "4")
VERIFY_AT_OR_BELOW = 2
VETTINGS_DIR = "vettings"
T = TypeVar("T")


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
    return Rubric.model_validate(yaml.safe_load(raw))


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


# --- outcome, status, due dates -------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def latest(history: Sequence[Vetting]) -> Vetting | None:
    """The most recent vetting; on a date tie, the one listed last."""
    return sorted(history, key=lambda v: v.date)[-1] if history else None


def judge(vetting: Vetting) -> tuple[Outcome, list[FactorId], list[str], list[FactorId]]:
    """One vetting judged on its own: (outcome, verify factors, hard fails, contrary factors)."""
    rub = rubric()
    hard_fails: list[str] = []
    verify: list[FactorId] = []
    contrary: list[FactorId] = []
    for factor in rub.factors:
        assessment = vetting.factors.get(factor.id, UNASSESSED)
        hard_fails.extend(h for h in assessment.hard_fails if h not in hard_fails)
        if assessment.score == 0:
            contrary.append(factor.id)
        if factor.critical and is_critical_weak(assessment.score):
            verify.append(factor.id)
    if hard_fails:
        outcome = Outcome.DO_NOT_REFER
    elif verify:
        outcome = Outcome.VERIFY
    else:
        outcome = Outcome.READY
    return outcome, verify, hard_fails, contrary


def agency_status(
    agency: Agency, history: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> VettingStatus:
    """The outcome of the latest vetting, whether it is stale, and when re-vetting is due."""
    months = revet_months_for(agency, info)
    last = latest(history)
    if last is None:
        return not_vetted(agency, info)
    outcome, verify, hard_fails, contrary = judge(last)
    due = add_months(last.date, months)
    return VettingStatus(
        agency=agency.id,
        outcome=outcome,
        stale=today > due,
        last_vetted=last.date,
        due=due,
        verify_factors=list(verify),
        hard_fails=hard_fails,
        contrary_factors=list(contrary),
        revet_months=months,
        vettings=len(history),
        verify_labels=[factor_label(f) for f in verify],
        hard_fail_texts=[hard_fail_text(h) for h in hard_fails],
        contrary_labels=[factor_label(f) for f in contrary],
    )


# --- rules for a vetting file ----------------------------------------------------


def check_vetting(vetting: Vetting) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Rubric rules a vetting file must follow (e.g. hard-fail ids known for their factor).

    Scores must rest on evidence that can support them: a 3 (documented) needs at least one
    documented kind of evidence, a 4 (verified in practice) at least one verified kind.
    """
    rub = rubric()
    for factor_id, assessment in vetting.factors.items():
        factor = rub.factor(factor_id)
        known = [h.id for h in factor.hard_fails]
        seen: set[str] = set()
        for i, hard_fail_id in enumerate(assessment.hard_fails):
            loc: tuple[int | str, ...] = ("factors", factor_id, "hard_fails", i)
            if hard_fail_id in seen:
                yield loc, f"hard fail '{hard_fail_id}' is listed twice"
            seen.add(hard_fail_id)
            if hard_fail_id in known:
                continue
            owner = rub.hard_fail(hard_fail_id)
            if owner is not None:
                yield loc, f"'{hard_fail_id}' is a hard fail of {owner[0].id}, not of {factor_id}"
            else:
                choices = ", ".join(known) if known else "none (this factor has no hard fails)"
                yield loc, f"unknown hard fail '{hard_fail_id}' (known for {factor_id}: {choices})"
        gap = evidence_gap(assessment.score, assessment.evidence)
        if gap is not None:
            yield ("factors", factor_id, "score"), gap


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


# --- result models for the views -----------------------------------------------------


def _rows(vetting: Vetting | None, verify: set[str]) -> list[FactorRow]:
    rub = rubric()
    rows = []
    for number, factor in enumerate(rub.factors, start=1):
        given = vetting.factors.get(factor.id) if vetting else None
        assessment = given or UNASSESSED
        rows.append(
            FactorRow(
                factor=factor.id,
                number=number,
                label=factor.label,
                critical=factor.critical,
                per_youth=factor.per_youth,
                score=assessment.score,
                evidence=list(assessment.evidence),
                note=assessment.note,
                hard_fails=list(assessment.hard_fails),
                hard_fail_texts=[_hard_fail_description(h) for h in assessment.hard_fails],
                verify=factor.id in verify,
                assessor=vetting.assessor if vetting else None,
                date=vetting.date if vetting else None,
            )
        )
    return rows


def scorecard(
    agency: Agency, history: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> Scorecard:
    """The scorecard of an agency's latest vetting (every factor, even the unassessed)."""
    last = latest(history)
    status = agency_status(agency, history, info, today)
    return Scorecard(
        agency=agency.id,
        agency_name=agency.name,
        today=today,
        status=status,
        assessor=last.assessor if last else None,
        date=last.date if last else None,
        method=list(last.method) if last else [],
        trigger=last.trigger if last else None,
        note=last.note if last else "",
        rows=_rows(last, set(status.verify_factors)),
        scale={k: v.split(" (")[0] for k, v in rubric().scale.items()},
    )


def _hard_fail_description(hard_fail_id: str) -> str:
    found = rubric().hard_fail(hard_fail_id)
    return found[1].text if found else hard_fail_id


class HistoryEntry(BaseModel):
    """One vetting in an agency's history, judged on its own, and what changed since the last."""

    vetting: Vetting
    outcome: Outcome
    verify_factors: list[FactorId] = []
    hard_fails: list[str] = []
    changes: list[str] = []


class VettingHistory(BaseModel):
    """Every vetting of one agency, oldest first, with the changes between them."""

    agency: str
    agency_name: str
    today: dt.date
    status: VettingStatus
    entries: list[HistoryEntry]


def _score_text(score: Score) -> str:
    return str(score)


def changes_between(before: Vetting, after: Vetting) -> list[str]:
    """Plain sentences for what changed from one vetting to the next, factor by factor."""
    rub = rubric()
    out: list[str] = []
    old_outcome, new_outcome = judge(before)[0], judge(after)[0]
    if old_outcome != new_outcome:
        out.append(f"Outcome: {OUTCOME_LABELS[old_outcome]} -> {OUTCOME_LABELS[new_outcome]}")
    for factor in rub.factors:
        old = before.factors.get(factor.id, UNASSESSED)
        new = after.factors.get(factor.id, UNASSESSED)
        parts: list[str] = []
        if old.score != new.score:
            parts.append(f"score {_score_text(old.score)} -> {_score_text(new.score)}")
        added = [e for e in new.evidence if e not in old.evidence]
        dropped = [e for e in old.evidence if e not in new.evidence]
        if added:
            parts.append("evidence added: " + ", ".join(added))
        if dropped:
            parts.append("evidence no longer cited: " + ", ".join(dropped))
        found = [h for h in new.hard_fails if h not in old.hard_fails]
        cleared = [h for h in old.hard_fails if h not in new.hard_fails]
        if found:
            parts.append("hard fail found: " + ", ".join(found))
        if cleared:
            parts.append("hard fail cleared: " + ", ".join(cleared))
        if parts:
            out.append(f"{factor.label}: " + "; ".join(parts))
    return out


def history(
    agency: Agency, vettings: Sequence[Vetting], info: CatalogInfo, today: dt.date
) -> VettingHistory:
    """An agency's vettings oldest first, each judged on its own, with what changed."""
    ordered = sorted(vettings, key=lambda v: v.date)
    entries: list[HistoryEntry] = []
    for i, vetting in enumerate(ordered):
        outcome, verify, hard_fails, _ = judge(vetting)
        entries.append(
            HistoryEntry(
                vetting=vetting,
                outcome=outcome,
                verify_factors=verify,
                hard_fails=hard_fails,
                changes=changes_between(ordered[i - 1], vetting) if i else [],
            )
        )
    return VettingHistory(
        agency=agency.id,
        agency_name=agency.name,
        today=today,
        status=agency_status(agency, ordered, info, today),
        entries=entries,
    )


class PartnerRow(BaseModel):
    """One agency in the partner list: its standing and the scores behind it."""

    agency: str
    name: str
    sector: str
    status: VettingStatus
    scores: dict[FactorId, Score]


class PartnerList(BaseModel):
    """Every partner agency, those needing attention first."""

    today: dt.date
    outcomes: list[Outcome] = []
    service: str | None = None
    stale_only: bool = False
    rows: list[PartnerRow]


def partner_list(
    agencies: Sequence[Agency],
    vettings: Mapping[str, Sequence[Vetting]],
    info: CatalogInfo,
    today: dt.date,
    outcomes: Sequence[Outcome] = (),
    service: str | None = None,
    stale_only: bool = False,
) -> PartnerList:
    """The whole partner list, filtered, sorted so what needs attention comes first."""
    rows: list[PartnerRow] = []
    for agency in agencies:
        if service is not None and all(s.id != service for s in agency.services):
            continue
        history_of = vettings.get(agency.id, [])
        status = agency_status(agency, history_of, info, today)
        if outcomes and status.outcome not in outcomes:
            continue
        if stale_only and not status.stale:
            continue
        last = latest(history_of)
        scores: dict[FactorId, Score] = {
            f: (last.factors[f].score if last and f in last.factors else "U") for f in FACTOR_IDS
        }
        rows.append(
            PartnerRow(
                agency=agency.id,
                name=agency.name,
                sector=agency.sector,
                status=status,
                scores=scores,
            )
        )
    rows.sort(key=lambda r: (*r.status.attention_key(), r.name.casefold()))
    return PartnerList(
        today=today, outcomes=list(outcomes), service=service, stale_only=stale_only, rows=rows
    )


def score_strip(scores: Mapping[FactorId, Score]) -> str:
    """Eleven scores in factor order as one short string, e.g. "4334 U3 ..." -> "43342U43344"."""
    return "".join(str(scores.get(f, "U")) for f in FACTOR_IDS)


# --- recording a vetting -----------------------------------------------------------


def parse_score(raw: str) -> Score:
    """A score as typed: U (or ?) or 0 to 4. Blank is refused: not assessed is said, not assumed."""
    text = str(raw).strip().upper()
    if text in {"U", "?"}:
        return "U"
    if text in {"0", "1", "2", "3", "4"}:
        return int(text)  # type: ignore[return-value]
    raise ValueError(f"'{raw}' is not a score: use U (not assessed), 0, 1, 2, 3 or 4")


def parse_choices(raw: Any, allowed: Sequence[str], what: str) -> list[str]:
    """A comma- or space-separated list (or a YAML list) of ids from `allowed`, or numbers."""
    items = raw if isinstance(raw, list) else re.split(r"[,\s]+", str(raw or ""))
    out: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item or item.lower() in {"none", "-"}:
            continue
        if item.isdigit() and 1 <= int(item) <= len(allowed):
            item = allowed[int(item) - 1]
        if item not in allowed:
            raise ValueError(f"'{item}' is not a known {what}: use {', '.join(allowed)}")
        if item not in out:
            out.append(item)
    return out


def parse_date(raw: Any, today: dt.date) -> dt.date:
    """A vetting date: YYYY-MM-DD (blank = today), not in the future."""
    if isinstance(raw, dt.date):
        day = raw
    elif not str(raw).strip():
        day = today
    else:
        try:
            day = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValueError(f"'{raw}' is not a date: use YYYY-MM-DD") from None
    if day > today:
        raise ValueError(f"{day} is in the future; record a vetting on or after the day it happens")
    return day


def _parser(parse: Callable[[str], T]) -> Callable[[str], T]:
    """Turn a pure parser's ValueError into the ReferralError the prompt loop re-asks on."""

    def wrapped(raw: str) -> T:
        try:
            return parse(raw)
        except ValueError as exc:
            raise ReferralError(f"{exc}.") from None

    return wrapped


def _optional(asker: Asker, key: str, question: str) -> str:
    """Optional text: empty when a script leaves it out, even with --no-input."""
    if key not in asker.answers and not asker.interactive:
        return ""
    return asker.optional(key, question)


def interview(
    asker: Asker,
    say: Callable[[str], None],
    agency: Agency,
    previous: Vetting | None,
    today: dt.date,
) -> Vetting:
    """Ask the eleven factors, then assessor, date and method; return the (unsaved) vetting.

    The previous vetting's answers are shown for reference but never offered as defaults,
    so a re-vet cannot be completed by pressing Enter eleven times.
    """
    rub = rubric()
    evidence_ids = list(rub.evidence_kinds)
    say(f"Vetting {agency.name} ({agency.id}) on the eleven factors.")
    say("Scores: " + "; ".join(f"{k} {v}" for k, v in rub.scale.items()))
    say("Evidence kinds: " + ", ".join(f"{i}) {k}" for i, k in enumerate(evidence_ids, 1)))
    factors: dict[FactorId, FactorAssessment] = {}
    for number, factor in enumerate(rub.factors, start=1):
        say("")
        flags = " [critical]" if factor.critical else ""
        flags += " [also judged per youth]" if factor.per_youth else ""
        say(f"{number}/11  {factor.title}{flags}")
        say(f"  Ask: {factor.question}")
        say(
            "  Evidence that counts: "
            + ", ".join(f"{evidence_ids.index(e) + 1}) {e}" for e in factor.evidence)
        )
        for level, meaning in sorted(factor.levels.items()):
            say(f"    {level}  {meaning}")
        if previous is not None:
            old = previous.factors.get(factor.id, UNASSESSED)
            cited = f" ({', '.join(old.evidence)})" if old.evidence else ""
            say(f"  Last time ({previous.date}): {old.score}{cited}")
        factors[factor.id] = _ask_factor(asker, say, factor, evidence_ids)
    say("")
    assessor = asker.text("assessor", "Assessor (name and role)")
    day = asker.ask(
        "date",
        "Date of the vetting (YYYY-MM-DD)",
        _parser(lambda raw: parse_date(raw, today)),
        default="",
        shown_default=today.isoformat(),
    )
    methods = list(rub.methods)
    say("Methods: " + ", ".join(f"{i}) {m}" for i, m in enumerate(methods, 1)))
    method = asker.ask(
        "method",
        "Method (numbers or ids, comma-separated)",
        _parser(lambda raw: _non_empty(parse_choices(raw, methods, "method"))),
    )
    usual = "annual" if previous is not None else "initial"
    if "trigger" in asker.answers or asker.interactive:
        trigger = asker.choice("trigger", "Why now", list(rub.triggers), default=usual)
    else:
        trigger = usual
    overall = _optional(asker, "note", "Overall note")
    return Vetting.model_validate(
        {
            "agency": agency.id,
            "date": day,
            "assessor": assessor,
            "method": method,
            "trigger": trigger,
            "factors": factors,
            "note": overall,
        }
    )


def _non_empty(items: list[str]) -> list[str]:
    if not items:
        raise ValueError("give at least one")
    return items


def _ask_hard_fails(asker: Asker, factor: Factor) -> list[str]:
    """Hard fails observed: `<factor>.hard_fails` in answers, else one yes/no per condition."""
    key = f"{factor.id}.hard_fails"
    known = [h.id for h in factor.hard_fails]
    if key in asker.answers:
        found: list[str] = asker.ask(
            key,
            "Hard fails observed",
            _parser(lambda raw: parse_choices(raw, known, f"hard fail of {factor.id}")),
        )
        return found
    keys = {h.id: f"{factor.id}.hard-fail.{h.id}" for h in factor.hard_fails}
    return [
        h.id
        for h in factor.hard_fails
        if (asker.interactive or keys[h.id] in asker.answers)
        and asker.confirm(keys[h.id], f"  Hard fail observed? {h.text}")
    ]


def _ask_factor(
    asker: Asker, say: Callable[[str], None], factor: Factor, evidence_ids: Sequence[str]
) -> FactorAssessment:
    """Score, evidence, hard fails and note for one factor; re-asks until they agree."""
    key = factor.id
    while True:
        score: Score = asker.ask(f"{key}.score", "Score (U, 0-4)", _parser(parse_score))
        evidence: list[str] = []
        given = f"{key}.evidence" in asker.answers
        if given or (score != "U" and asker.interactive):
            evidence = asker.ask(
                f"{key}.evidence",
                "Evidence (numbers or ids, comma-separated)",
                _parser(lambda raw: parse_choices(raw, evidence_ids, "evidence kind")),
                default="",
                shown_default="none",
            )
        short = evidence_gap(score, evidence)
        if short is None:
            break
        if f"{key}.score" in asker.answers or not asker.interactive:
            raise ReferralError(f"{key}: {short}.")
        say(f"  {short[:1].upper()}{short[1:]}. Give the score again, with its evidence.")
    hard_fails = _ask_hard_fails(asker, factor) if factor.hard_fails else []
    needs_note = score == 0 or bool(hard_fails)
    if needs_note:
        if not asker.interactive and f"{key}.note" not in asker.answers:
            raise ReferralError(
                f"'{key}.note' is required: say what the contrary evidence or hard fail was."
            )
        note = asker.text(f"{key}.note", "Note (required: what you saw or were told)")
    else:
        note = _optional(asker, f"{key}.note", "Note")
    return FactorAssessment.model_validate(
        {"score": score, "evidence": evidence, "note": note, "hard_fails": hard_fails}
    )


# --- writing a vetting file ------------------------------------------------------------


def dump_vetting(vetting: Vetting) -> str:
    """A vetting as YAML in the shipped files' layout: header comment, factors in rubric order."""
    import yaml

    factors: dict[str, dict[str, Any]] = {}
    for factor_id in FACTOR_IDS:
        if factor_id not in vetting.factors:
            continue
        assessment = vetting.factors[factor_id]
        entry: dict[str, Any] = {"score": assessment.score}
        if assessment.evidence:
            entry["evidence"] = list(assessment.evidence)
        if assessment.note:
            entry["note"] = assessment.note
        if assessment.hard_fails:
            entry["hard_fails"] = list(assessment.hard_fails)
        factors[factor_id] = entry
    data: dict[str, Any] = {
        "agency": vetting.agency,
        "date": vetting.date,
        "assessor": vetting.assessor,
        "method": list(vetting.method),
        "trigger": vetting.trigger,
        "factors": factors,
    }
    if vetting.note:
        data["note"] = vetting.note
    head = (
        "# Vetting recorded with `referral vet --record`. Scores: U not assessed, 0 contrary\n"
        "# evidence or refusal, 1 no such practice, 2 stated only, 3 documented, 4 verified.\n"
    )
    body = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )
    return head + body


def vetting_path(root: Path, agency_id: str, day: dt.date) -> Path:
    """`vettings/<agency>--<date>.yaml`, or -2, -3... so an earlier vetting is never replaced."""
    folder = root / VETTINGS_DIR
    path = folder / f"{agency_id}--{day.isoformat()}.yaml"
    n = 2
    while path.exists():
        path = folder / f"{agency_id}--{day.isoformat()}-{n}.yaml"
        n += 1
    return path


def save_vetting(root: Path, vetting: Vetting) -> Path:
    """Write a new vetting file atomically; refuse anything that would not load back."""
    import yaml

    from referral_cli.casefile.files import atomic_write_text

    problems = [message for _loc, message in check_vetting(vetting)]
    if problems:
        raise ReferralError("This vetting breaks the rubric: " + "; ".join(problems) + ".")
    text = dump_vetting(vetting)
    if Vetting.model_validate(yaml.safe_load(text)) != vetting:  # pragma: no cover - a bug guard
        raise ReferralError("The vetting could not be written faithfully; nothing was saved.")
    path = vetting_path(root, vetting.agency, vetting.date)
    atomic_write_text(path, text, mode=0o644)
    return path
