"""Recording a vetting: the `vet --record` interview, and writing the new vetting file.

The previous vetting is shown for reference, never offered as defaults, so a re-vet cannot
be completed by pressing Enter; the file is written atomically and refused if it would not
load back under the rubric's rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from referral_cli.catalog.models import Agency, FactorAssessment, FactorId, Score, Vetting
from referral_cli.errors import ReferralError
from referral_cli.vetting.rubric import (
    FACTOR_IDS,
    UNASSESSED,
    Factor,
    check_vetting,
    evidence_gap,
    rubric,
)

if TYPE_CHECKING:
    from referral_cli.prompt.asker import Asker

VETTINGS_DIR = "vettings"
T = TypeVar("T")


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
    standing: Mapping[str, dt.date] | None = None,
) -> Vetting:
    """Ask the eleven factors, then assessor, date and method; return the (unsaved) vetting.

    The previous vetting's answers are shown for reference but never offered as defaults,
    so a re-vet cannot be completed by pressing Enter eleven times. `standing` holds the
    hard fails found before and never cleared (with the day found): they are shown first,
    and at their factor the assessor must say whether each is still observed; only a "no"
    on an assessed factor (score, evidence, note) ends one.
    """
    rub = rubric()
    standing = dict(standing or {})
    evidence_ids = list(rub.evidence_kinds)
    say(f"Vetting {agency.name} ({agency.id}) on the eleven factors.")
    say("Scores: " + "; ".join(f"{k} {v}" for k, v in rub.scale.items()))
    say("Evidence kinds: " + ", ".join(f"{i}) {k}" for i, k in enumerate(evidence_ids, 1)))
    if standing:
        say("")
        say("Standing hard fails: each stays until you assess its factor and find it gone.")
        for hard_fail_id, day in standing.items():
            found = rub.hard_fail(hard_fail_id)
            text = f"{found[0].label}: {found[1].text}" if found else hard_fail_id
            say(f"  ! {text} (found {day})")
    factors: dict[FactorId, FactorAssessment] = {}
    for number, factor in enumerate(rub.factors, start=1):
        _show_factor(say, number, factor, evidence_ids, previous, standing)
        factors[factor.id] = _ask_factor(asker, say, factor, evidence_ids, standing)
    say("")
    assessor = asker.text("assessor", "Assessor (name and role)")
    day = asker.ask(
        "date",
        "Date of the vetting (YYYY-MM-DD)",
        _parser(lambda raw: parse_date(raw, today)),
        default="",
        shown_default=today.isoformat(),
    )
    early = [h for f in factors.values() for h in f.hard_fails_cleared if standing[h] >= day]
    if early:
        raise ReferralError(
            f"'{early[0]}' was found on {standing[early[0]]}: only a vetting on a later day "
            "can find it no longer observed."
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


def _show_factor(
    say: Callable[[str], None],
    number: int,
    factor: Factor,
    evidence_ids: Sequence[str],
    previous: Vetting | None,
    standing: Mapping[str, dt.date],
) -> None:
    """The factor's question, levels and what was found last time, standing hard fails first."""
    say("")
    flags = " [critical]" if factor.critical else ""
    flags += " [also judged per youth]" if factor.per_youth else ""
    say(f"{number}/11  {factor.title}{flags}")
    for h in factor.hard_fails:
        if h.id in standing:
            say(f"  ! Hard fail standing since {standing[h.id]}: {h.text}")
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


def _non_empty(items: list[str]) -> list[str]:
    if not items:
        raise ValueError("give at least one")
    return items


def _ask_hard_fails(asker: Asker, factor: Factor, standing: Sequence[str]) -> list[str]:
    """New hard fails observed: `<factor>.hard_fails` in answers, else one yes/no per condition.

    Standing ones are asked by `_ask_standing`, so they are not asked twice.
    """
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
        if h.id not in standing
        and (asker.interactive or keys[h.id] in asker.answers)
        and asker.confirm(keys[h.id], f"  Hard fail observed? {h.text}")
    ]


def _ask_standing(
    asker: Asker,
    say: Callable[[str], None],
    factor: Factor,
    standing: Sequence[str],
    assessed: bool,
) -> tuple[list[str], list[str]]:
    """(still observed, no longer observed) among the factor's standing hard fails.

    Unassessed (U or no evidence), unanswered, or Enter: the hard fail stands. The question
    has no default; only an explicit "n" on an assessed factor clears it.
    """
    if not standing:
        return [], []
    if not assessed:
        say("  Not assessed with evidence this time, so the standing hard fail stays.")
        return [], []
    list_key = f"{factor.id}.hard_fails_cleared"
    if list_key in asker.answers:
        cleared: list[str] = asker.ask(
            list_key,
            "Hard fails no longer observed",
            _parser(lambda raw: parse_choices(raw, list(standing), "standing hard fail")),
        )
        return [], cleared
    still: list[str] = []
    gone: list[str] = []
    for h in (h for h in factor.hard_fails if h.id in standing):
        key = f"{factor.id}.hard-fail.{h.id}"
        if not (asker.interactive or key in asker.answers):
            continue
        question = f"  Still observed? {h.text} (n only if you checked it is gone)"
        (still if asker.confirm(key, question, default=None) else gone).append(h.id)
    return still, gone


def _ask_factor(
    asker: Asker,
    say: Callable[[str], None],
    factor: Factor,
    evidence_ids: Sequence[str],
    standing: Mapping[str, dt.date],
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
    here = [h.id for h in factor.hard_fails if h.id in standing]
    still, cleared = _ask_standing(asker, say, factor, here, score != "U" and bool(evidence))
    found = _ask_hard_fails(asker, factor, here) if factor.hard_fails else []
    hard_fails = still + [h for h in found if h not in still]
    cleared = [h for h in cleared if h not in hard_fails]
    if score == 0 or hard_fails or cleared:
        if not asker.interactive and f"{key}.note" not in asker.answers:
            raise ReferralError(
                f"'{key}.note' is required: say what the contrary evidence or hard fail was, "
                "or what shows a hard fail is no longer observed."
            )
        note = asker.text(f"{key}.note", "Note (required: what you saw or were told)")
    else:
        note = _optional(asker, f"{key}.note", "Note")
    return FactorAssessment.model_validate(
        {
            "score": score,
            "evidence": evidence,
            "note": note,
            "hard_fails": hard_fails,
            "hard_fails_cleared": cleared,
        }
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
        if assessment.hard_fails_cleared:
            entry["hard_fails_cleared"] = list(assessment.hard_fails_cleared)
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
    """Write a new vetting file atomically; refuse anything that would not load back.

    The file is created exclusively: of two recorders at the same moment, the second takes
    the next free name instead of replacing the first one's vetting.
    """
    import yaml

    from referral_cli.casefile.files import create_new

    problems = [message for _loc, message in check_vetting(vetting)]
    if problems:
        raise ReferralError("This vetting breaks the rubric: " + "; ".join(problems) + ".")
    text = dump_vetting(vetting)
    if Vetting.model_validate(yaml.safe_load(text)) != vetting:  # pragma: no cover - a bug guard
        raise ReferralError("The vetting could not be written faithfully; nothing was saved.")
    for _ in range(1000):
        path = vetting_path(root, vetting.agency, vetting.date)
        try:
            create_new(path, text.encode("utf-8"), mode=0o644)
        except FileExistsError:
            continue  # another recorder took this name a moment ago
        return path
    raise ReferralError(f"No free file name for a vetting of {vetting.agency} in {root}.")
