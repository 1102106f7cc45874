"""Rich views of the coalition reports and the HSDS import summary; data is never markup."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from referral_cli.catalog.models import GROUPS
from referral_cli.coalition.hesitations import HesitationCounts, help_label, reason_label
from referral_cli.coalition.reports import ConsultationLog, CoverageReport, GapReport
from referral_cli.hsds.results import ImportResult
from referral_cli.render.catalog import outcome_text
from referral_cli.text import counted, one_line


def _lines(title: str, items: list[str], style: str = "") -> Text:
    text = Text(title + "\n", style="bold")
    for item in items:
        text.append("  " + one_line(item) + "\n", style=style)
    return text


def gaps_view(report: GapReport) -> RenderableType:
    """Needs by group with offered / ready counts; rows with no ready provider in red.

    The ready, stale, verify, unvetted and do-not-refer columns add up to offered.
    """
    heading = Text(
        f"Service gaps in {one_line(report.region)} on {report.as_of} "
        f"({report.filter.describe()}: {report.agencies_considered} agencies)",
        style="bold",
    )
    from referral_cli.render.narrow import TableOrList

    headers = ("need", "offered", "ready", "stale", "verify", "unvetted", "do not refer", "gap")
    table = Table(box=box.SIMPLE, expand=False)
    table.add_column("need", no_wrap=True, min_width=26)
    for column in headers[1:-1]:
        table.add_column(column, justify="right")
    table.add_column("gap", no_wrap=True)
    cells: list[list[str | Text]] = []
    group = None
    for row in report.needs:
        if row.group != group:
            group = row.group
            cells.append([Text(GROUPS.get(group, group), style="bold")])
            table.add_row(*cells[-1])
        gap = (
            "no provider"
            if row.no_provider
            else "none ready"
            if row.no_ready_provider
            else ("no ready " + ", ".join(row.forms_without_ready))
            if row.forms_without_ready
            else ""
        )
        style = "red" if row.no_ready_provider else "yellow" if gap else ""
        cells.append(
            [
                "  " + one_line(row.label),
                str(row.offered),
                str(row.ready),
                str(row.ready_stale),
                str(row.verify),
                str(row.not_vetted),
                Text(str(row.do_not_refer), style="red" if row.do_not_refer else ""),
                Text(gap, style=style),
            ]
        )
        table.add_row(*cells[-1])
    parts: list[RenderableType] = [heading, TableOrList(headers, cells, table)]
    if report.no_provider:
        parts.append(_lines("No agency offers:", report.no_provider, "red"))
    if report.no_ready_provider:
        parts.append(_lines("No agency ready to refer for:", report.no_ready_provider, "red"))
    if report.missing_forms:
        parts.append(_lines("No ready agency for this form:", report.missing_forms, "yellow"))
    if not report.no_ready_provider and not report.missing_forms:
        parts.append(Text("Every need has at least one agency ready to refer.", style="green"))
    if report.hesitations is not None:
        parts.append(hesitations_view(report.hesitations))
    return Group(*parts)


def hesitations_view(counts: HesitationCounts) -> RenderableType:
    """Where youth hesitated, by need, and what would have helped: counts, no case."""
    from referral_cli.render.narrow import Indented

    def line(text: str) -> RenderableType:
        return Indented(Text(one_line(text)))  # wrapped lines stay indented, none padded

    parts: list[RenderableType] = [
        Text(f"Where youth hesitated ({counts.sessions} of your sessions, counts only)", "bold")
    ]
    if not counts.options_hesitant:
        return Group(*parts, line("No hesitation recorded."))
    parts.append(
        line(
            f"{counted(counts.options_hesitant, 'option')} hesitated over; "
            f"{counts.wanted_after} wanted after talking it through"
        )
    )
    for need in counts.by_need:
        why = ", ".join(f"{reason_label(r)} ({n})" for r, n in need.by_reason.items()) or "-"
        helps = ", ".join(f"{help_label(h)} ({n})" for h, n in need.by_help.items()) or "-"
        parts.append(
            line(
                f"{need.label}: {need.options_hesitant} hesitant ({need.wanted_after} wanted "
                f"after); why: {why}; would help: {helps}"
            )
        )
    return Group(*parts)


def coverage_view(report: CoverageReport) -> RenderableType:
    """Partner sectors with their agencies; missing sectors stand out."""
    heading = Text(f"Partner sectors in {one_line(report.region)} on {report.as_of}", style="bold")
    table = Table(box=box.SIMPLE, expand=False)
    for column in ("sector", "agencies", "ready", "partners"):
        table.add_column(column)
    for row in report.sectors:
        table.add_row(
            one_line(row.label),
            str(len(row.agencies)),
            str(row.ready),
            Text("MISSING", style="red")
            if not row.agencies
            else Text(one_line(", ".join(row.agencies))),
        )
    parts: list[RenderableType] = [heading, table]
    if report.missing:
        parts.append(_lines("Sectors with no partner:", report.missing, "red"))
    if report.without_ready:
        parts.append(
            _lines("Sectors with partners but none ready to refer:", report.without_ready, "yellow")
        )
    return Group(*parts)


def consultations_view(log: ConsultationLog) -> RenderableType:
    """The consultation log as a table, newest first."""
    period = log.period()
    heading = Text(
        f"Partner consultations in {one_line(log.region)} ({period}): {len(log.entries)}",
        style="bold",
    )
    from referral_cli.render.narrow import Cell, TableOrList

    headers = ("date", "agency", "who", "method", "why", "outcome")
    table = Table(box=box.SIMPLE, expand=False)
    for column in headers:
        table.add_column(column, no_wrap=column == "date")
    rows: list[list[Cell]] = []
    for entry in log.entries:
        rows.append(
            [
                str(entry.date),
                one_line(entry.agency_name),
                one_line(entry.who),
                ", ".join(entry.method),
                entry.trigger,
                outcome_text(entry.outcome),
            ]
        )
        table.add_row(*rows[-1])
    return Group(heading, TableOrList(headers, rows, table))


DETAIL_LIMIT = 20  # organizations shown one by one on screen; beyond that, counts only


def import_lines(result: ImportResult) -> list[str]:
    """The import summary as plain lines (every piece of imported text cleaned): each
    organization for a small import, counts and the review file's path for a large one."""
    verb = "Would import" if result.dry_run else "Imported"
    counts = {
        a: sum(x.action == a for x in result.agencies) for a in ("new", "updated", "unchanged")
    }
    out = [result.read_as] if result.read_as else []
    out += [
        f"{verb} {counted(len(result.agencies), 'agency', 'agencies')} into {result.target}: "
        f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged.",
    ]
    detailed = len(result.agencies) + len(result.unmapped_orgs) <= DETAIL_LIMIT
    out += _details(result) if detailed else _counts(result)
    if result.new_languages:
        out.append(
            (
                "Languages to add to services.yaml: "
                if result.dry_run
                else "Languages added to services.yaml: "
            )
            + one_line(", ".join(f"{c} ({n})" for c, n in result.new_languages.items()))
        )
    if result.warnings:
        out.append(f"Warnings ({len(result.warnings)}):")
        out += [f"  {one_line(w)}" for w in result.warnings[: 50 if detailed else 10]]
        if len(result.warnings) > (50 if detailed else 10):
            out.append("  ... the rest are in the review file")
    out += [f"Note: {one_line(n)}" for n in result.notes[:20]]
    if result.backup:
        out.append(
            f"agencies.yaml was rewritten whole (comments lost); the old file is {result.backup}"
        )
    if result.review_files:
        out.append("Review list: " + " and ".join(result.review_files))
    if result.agencies and not result.dry_run:
        out.append(
            "Imported agencies are not vetted: vet each one (`referral vet`) "
            "before referring a youth."
        )
    return out


def _counts(result: ImportResult) -> list[str]:
    """What a coordinator has to do, counted (the review file lists each item)."""
    lines = [s for a in result.agencies for s in a.services]
    to_check = sum(1 for a in result.agencies if a.review or a.unknown_languages)
    return [
        f"  services: {sum(1 for s in lines if s.mapped)} mapped, "
        f"{sum(1 for s in lines if not s.mapped and not s.skipped)} unmapped, "
        f"{sum(1 for s in lines if s.skipped)} skipped",
        f"  agencies with fields to check: {to_check}",
        f"  not imported, no service maps to the catalog: {len(result.unmapped_orgs)}",
        f"  distinct unmapped service names: {len(result.unmapped_services())}",
        f"  skipped as invalid (--skip-invalid): {len(result.skipped_invalid)}",
    ]


def _details(result: ImportResult) -> list[str]:
    """Each organization, its services and its review notes."""
    out: list[str] = []
    for item in result.agencies:
        out.append(f"  {item.action:9} {item.agency.id}  {one_line(item.agency.name)}")
        for line in item.services:
            if line.skipped:
                out.append(f"      - {one_line(line.name)}: skipped ({line.skipped})")
            elif line.mapped:
                out.append(
                    f"      - {one_line(line.name)} -> {', '.join(line.mapped)}"
                    f" ({one_line('; '.join(line.because))})"
                )
            else:
                why = f" ({one_line(line.why_not)})" if line.why_not else ""
                out.append(f"      - {one_line(line.name)}: UNMAPPED{why}")
        for note in item.review:
            out.append(f"      needs review: {one_line(note)}")
        if item.unknown_languages:
            out.append(
                "      needs review: languages not recognised, left out: "
                + one_line(", ".join(item.unknown_languages))
            )
    if result.unmapped_orgs:
        out.append(f"Not imported, no service maps to the catalog ({len(result.unmapped_orgs)}):")
        for org in result.unmapped_orgs:
            names = ", ".join(one_line(s.name) for s in org.services) or "no services"
            out.append(f"  {one_line(org.name)} ({one_line(org.where)}): {names}")
    unmapped = result.unmapped_services()
    if unmapped:
        out.append(
            f"Unmapped HSDS services ({len(unmapped)}): to map them, copy {result.mapping}, "
            "add names or terms, and import again with --mapping YOUR-COPY"
        )
        out += [f"  {one_line(name)}" for name in unmapped]
    if result.skipped_invalid:
        out.append(f"Skipped as invalid (--skip-invalid): {len(result.skipped_invalid)}")
        out += [f"  {one_line(name)}" for name in result.skipped_invalid]
    for problem in result.problems if result.skipped_invalid else []:
        out.append(f"  problem: {one_line(str(problem))}")
    return out
