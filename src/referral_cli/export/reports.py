"""Markdown and JSON forms of the coalition reports; every data cell is escaped with `md()`."""

from __future__ import annotations

from referral_cli.catalog.models import GROUPS
from referral_cli.coalition.hesitations import HesitationCounts, help_label, reason_label
from referral_cli.coalition.reports import ConsultationLog, CoverageReport, GapReport
from referral_cli.export.markdown import bullets, table
from referral_cli.text import counted, md
from referral_cli.vetting.standing import OUTCOME_LABELS


def gaps_markdown(report: GapReport) -> str:
    """The gap report for a coalition meeting: summary lists first, then the full table."""
    parts = [
        f"# Service gaps: {md(report.region)}",
        f"As of {report.as_of}; counting {md(report.filter.describe())} "
        f"({report.agencies_considered} agencies). Ready = vetted ready to refer and not overdue.",
        "## No agency offers",
        bullets(report.no_provider) or "None.",
        "## No agency ready to refer",
        bullets(report.no_ready_provider) or "None.",
        "## No ready agency for one form",
        bullets(report.missing_forms) or "None.",
        "## All needs",
        table(
            ["group", "need", "offered", "ready", "stale", "verify", "not vetted", "do not refer"],
            [
                [
                    GROUPS.get(r.group, r.group),
                    r.label,
                    str(r.offered),
                    str(r.ready),
                    str(r.ready_stale),
                    str(r.verify),
                    str(r.not_vetted),
                    str(r.do_not_refer),
                ]
                for r in report.needs
            ],
        ),
    ]
    if report.hesitations is not None:
        parts += hesitations_markdown(report.hesitations)
    return "\n\n".join(parts) + "\n"


def hesitations_markdown(counts: HesitationCounts) -> list[str]:
    """Where youth hesitated, by need, and what would have helped: counts, no case."""
    parts = [
        "## Where youth hesitated",
        f"From {counts.sessions} of the worker's sessions; counts only, no case references. "
        f"{counted(counts.options_hesitant, 'option')} hesitated over, "
        f"{counts.wanted_after} wanted after talking it through.",
    ]
    if not counts.by_need:
        return parts
    rows = [
        [
            n.label,
            str(n.options_hesitant),
            str(n.wanted_after),
            ", ".join(f"{reason_label(r)} {c}" for r, c in n.by_reason.items()),
            ", ".join(f"{help_label(h)} {c}" for h, c in n.by_help.items()),
        ]
        for n in counts.by_need
    ]
    parts.append(table(["need", "hesitant", "wanted after", "why", "would help"], rows))
    return parts


def coverage_markdown(report: CoverageReport) -> str:
    """Partner sectors and the ones the coalition has no partner in."""
    parts = [
        f"# Partner sectors: {md(report.region)}",
        f"As of {report.as_of}.",
        "## Sectors with no partner",
        bullets(report.missing) or "None.",
        "## Sectors with partners but none ready to refer",
        bullets(report.without_ready) or "None.",
        "## All sectors",
        table(
            ["sector", "agencies", "ready", "partners"],
            [
                [r.label, str(len(r.agencies)), str(r.ready), ", ".join(r.agencies)]
                for r in report.sectors
            ],
        ),
    ]
    return "\n\n".join(parts) + "\n"


def consultations_markdown(log: ConsultationLog) -> str:
    """The documentation of consultation with partner agencies, one row per vetting."""
    period = log.period()
    parts = [
        f"# Consultation with partner agencies: {md(log.region)}",
        f"Period: {period}. {len(log.entries)} consultations (agency vettings and re-vettings).",
        table(
            ["date", "agency", "who", "method", "why", "outcome", "note"],
            [
                [
                    str(e.date),
                    e.agency_name,
                    e.who,
                    ", ".join(e.method),
                    e.trigger,
                    OUTCOME_LABELS[e.outcome]
                    + (f" ({', '.join(e.hard_fails)})" if e.hard_fails else ""),
                    e.note,
                ]
                for e in log.entries
            ],
        )
        if log.entries
        else "No consultations in this period.",
    ]
    return "\n\n".join(parts) + "\n"
