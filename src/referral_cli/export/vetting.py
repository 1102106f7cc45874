"""Markdown and JSON for vettings: pure functions from result models to text.

Markdown is for the case file and the site visit: tables that render on any GitHub-flavoured
viewer, every data cell escaped with `text.md`. JSON is the result model itself, so it
validates straight back into `Scorecard`, `VettingHistory` or `PartnerList`.
"""

from __future__ import annotations

from typing import Any

from referral_cli.catalog.models import Agency
from referral_cli.export.markdown import field_list, table
from referral_cli.text import md
from referral_cli.vetting.history import VettingHistory
from referral_cli.vetting.judge import PartnerList, score_strip
from referral_cli.vetting.rubric import factor_label, hard_fail_text, rubric
from referral_cli.vetting.standing import OUTCOME_LABELS, Outcome, Scorecard, VettingStatus


def to_json(result: Any) -> str:
    """Any result (pydantic model or dataclass) as indented JSON (dates as YYYY-MM-DD)."""
    from pydantic import TypeAdapter

    return TypeAdapter(type(result)).dump_json(result, indent=2).decode() + "\n"


def outcome_line(status: VettingStatus) -> str:
    """The outcome and its reasons as plain text (escaped by the caller)."""
    text = OUTCOME_LABELS[status.outcome].upper()
    if status.outcome is Outcome.VERIFY:
        text += ": " + ", ".join(
            factor_label(f) + (" (contrary evidence)" if f in status.contrary_factors else "")
            for f in status.verify_factors
        )
    elif status.outcome is Outcome.DO_NOT_REFER:
        text += ": hard fail " + "; ".join(
            hard_fail_text(h, with_id=True) for h in status.hard_fails
        )
    if status.stale:
        text += f" (STALE: re-vetting was due {status.due})"
    return text


def _status_pairs(status: VettingStatus) -> list[tuple[str, str]]:
    pairs = [("Outcome", outcome_line(status))]
    if status.contrary_factors:
        names = ", ".join(factor_label(f) for f in status.contrary_factors)
        pairs.append(("Contrary evidence (score 0)", names))
    pairs += [("Caution", note) for note in status.notes]
    if status.due is not None:
        pairs.append(("Re-vetting due", f"{status.due} (every {status.revet_months} months)"))
    return pairs


def record_hint(agency: str, record: str | None) -> str:
    """The command that records a vetting, as the caller can run it (a full path if needed)."""
    return record or f"referral vet {agency} --record"


def unassessed_markdown(agency: str, record: str | None) -> list[str]:
    """A never-vetted agency: all eleven factors still to assess, and how to record them."""
    factors = rubric().factors
    rows = [
        [str(n), f.label + (" (critical)" if f.critical else ""), "U", "not assessed"]
        for n, f in enumerate(factors, start=1)
    ]
    return [
        md(f"No vetting on file: none of the {len(factors)} factors is assessed yet."),
        "",
        table(["#", "Factor", "Score", "Standing"], rows),
        "",
        f"Record a vetting: `{record_hint(agency, record)}`",
        "",
    ]


def scorecard_json(card: Scorecard, record: str | None = None) -> str:
    """The scorecard as JSON; a never-vetted one also names the factors left and the command.

    The extra keys appear only when no vetting is on file (`rows` then all score U).
    """
    import json

    data = json.loads(to_json(card))
    if card.date is None:
        data["vetting_on_file"] = False
        data["not_assessed"] = [f.id for f in rubric().factors]
        data["record_command"] = record_hint(card.agency, record)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def scorecard_markdown(card: Scorecard, record: str | None = None) -> str:
    """The scorecard for a case file: summary fields, then one table row per factor."""
    rub = rubric()
    pairs = [("Agency", f"{card.agency_name} ({card.agency})"), *_status_pairs(card.status)]
    if card.date is not None:
        pairs += [
            ("Vetted", str(card.date)),
            ("Assessor", card.assessor or ""),
            ("Method", ", ".join(card.method)),
            ("Reason", str(card.trigger)),
            ("Vettings on file", str(card.status.vettings)),
        ]
    if card.note:
        pairs.append(("Note", card.note))
    pairs.append(("Printed", str(card.today)))
    out = [f"# Vetting scorecard: {md(card.agency_name)}", "", field_list(pairs), ""]
    if card.date is None:
        out += unassessed_markdown(card.agency, record)
        return "\n".join(out)
    rows = []
    for row in card.rows:
        flags = []
        if row.hard_fails:
            flags.append("HARD FAIL: " + ", ".join(row.hard_fails))
        if row.verify:
            flags.append("verify")
        if row.score == 0:
            flags.append("contrary")
        rows.append(
            [
                str(row.number),
                row.label + (" (critical)" if row.critical else ""),
                str(row.score),
                "; ".join(flags),
                ", ".join(row.evidence),
                row.note,
                f"{row.assessor}, {row.date}",
            ]
        )
    headers = ["#", "Factor", "Score", "Flag", "Evidence", "Note", "Assessed"]
    out += ["## Factors", "", table(headers, rows), ""]
    scale = [f"{k}: {v}" for k, v in rub.scale.items()]
    out += ["Scale: " + md("; ".join(scale)), ""]
    return "\n".join(out)


def history_markdown(hist: VettingHistory, record: str | None = None) -> str:
    """Every vetting (factor by date), then what changed at each one."""
    rub = rubric()
    pairs = [("Agency", f"{hist.agency_name} ({hist.agency})"), *_status_pairs(hist.status)]
    out = [f"# Vetting history: {md(hist.agency_name)}", "", field_list(pairs), ""]
    if not hist.entries:
        out += unassessed_markdown(hist.agency, record)
        return "\n".join(out)
    headers = ["Factor", *(str(e.vetting.date) for e in hist.entries)]
    rows = []
    for factor in rub.factors:
        cells = [factor.label + (" (critical)" if factor.critical else "")]
        for entry in hist.entries:
            assessment = entry.vetting.factors.get(factor.id)
            cell = str(assessment.score) if assessment else "U"
            if assessment and assessment.hard_fails:
                cell += " HARD FAIL"
            cells.append(cell)
        rows.append(cells)
    rows.append(["Outcome", *(OUTCOME_LABELS[e.outcome] for e in hist.entries)])
    out += ["## Scores", "", table(headers, rows), "", "## Vettings", ""]
    for entry in hist.entries:
        v = entry.vetting
        out.append(f"### {v.date}: {md(OUTCOME_LABELS[entry.outcome])}")
        out.append("")
        details = [
            ("Assessor", v.assessor),
            ("Method", ", ".join(v.method)),
            ("Reason", v.trigger),
        ]
        if v.note:
            details.append(("Note", v.note))
        out += [field_list(details), ""]
        if entry.changes:
            out += ["Changes since the previous vetting:", ""]
            out += [f"- {md(change)}" for change in entry.changes]
            out.append("")
    return "\n".join(out)


def partners_markdown(partners: PartnerList) -> str:
    """The partner list as one table, what needs attention first."""
    rub = rubric()
    rows = []
    for row in partners.rows:
        status = row.status
        outcome = OUTCOME_LABELS[status.outcome] + (" STALE" if status.stale else "")
        reasons = ", ".join(status.hard_fails) or (
            "verify: " + ", ".join(factor_label(f) for f in status.verify_factors)
            if status.verify_factors
            else ""
        )
        rows.append(
            [
                f"{row.name} ({row.agency})",
                outcome,
                score_strip(row.scores),
                reasons,
                str(status.last_vetted or "never"),
                str(status.due or ""),
            ]
        )
    headers = ["Agency", "Outcome", "Scores 1-11", "Hard fails / verify", "Last vetted", "Due"]
    legend = ", ".join(f"{i} {f.label}" for i, f in enumerate(rub.factors, start=1))
    filters = []
    if partners.outcomes:
        filters.append("outcome " + ", ".join(o.value for o in partners.outcomes))
    if partners.service:
        filters.append(f"service {partners.service}")
    if partners.stale_only:
        filters.append("stale only")
    out = [f"# Partner agencies as of {partners.today}", ""]
    if filters:
        out += [md("Filtered by " + "; ".join(filters) + "."), ""]
    out += [table(headers, rows), "", md(f"Scores 1-11: {legend}. U = not assessed."), ""]
    return "\n".join(out)


def worksheet_markdown(agency: Agency | None) -> str:
    """An empty vetting worksheet to print for a site visit: questions and boxes to tick."""
    rub = rubric()
    name = f"{agency.name} ({agency.id})" if agency else ""
    title = md(agency.name) if agency else "new agency"
    blank = "...................................................."
    out = [
        f"# Vetting worksheet: {title}",
        "",
        f"- **Agency:** {md(name) or blank}",
        f"- **Assessor:** {blank}",
        f"- **Date:** {blank}",
        "- **Method:** " + " ".join(f"[ ] {md(label)}" for label in rub.methods.values()),
        "- **Reason:** " + " ".join(f"[ ] {md(t)}" for t in rub.triggers),
        "",
        "Scale: " + md("; ".join(f"{k}: {v}" for k, v in rub.scale.items())) + ".",
        "",
        "Critical factors: U or a score of 2 or less means verify before referral. "
        "Any hard fail means do not refer.",
        "",
    ]
    for number, factor in enumerate(rub.factors, start=1):
        tags = " (critical)" if factor.critical else ""
        tags += " (also judged per youth)" if factor.per_youth else ""
        out += [f"## {number}. {md(factor.title)}{md(tags)}", "", f"**Ask:** {md(factor.question)}"]
        out += ["", "**Evidence seen:**", ""]
        for kind, info in rub.evidence_kinds.items():
            counts = " (counts most here)" if kind in factor.evidence else ""
            out.append(f"- [ ] {md(info.label + counts)}")
        out += ["", "**Score:**", ""]
        out.append("- [ ] U: not assessed")
        out += [f"- [ ] {level}: {md(text)}" for level, text in sorted(factor.levels.items())]
        if factor.hard_fails:
            out += ["", "**Hard fail observed (do not refer):**", ""]
            out += [f"- [ ] {md(h.text)} ({md(h.id)})" for h in factor.hard_fails]
        out += ["", f"**Notes:** {blank}", "", blank, ""]
    return "\n".join(out)
