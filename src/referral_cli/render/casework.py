"""Rich views of follow-ups and activity counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from referral_cli.casework.followups import Activity, FollowUp
from referral_cli.text import one_line


def followups_view(
    rows: Sequence[FollowUp],
    today: dt.date,
    dropped: Mapping[tuple[str, str], str] | None = None,
) -> RenderableType:
    """Open referrals, overdue ones marked so they stand out; `dropped` names referrals whose
    agency's vetting standing is worse than when it was chosen, with why."""
    if not rows:
        return Text("No open referrals to follow up.")
    from referral_cli.render.narrow import Cell, TableOrList

    dropped = dropped or {}
    title = f"Open referrals as of {today}"
    headers = ("reference", "agency", "status", "follow up")
    table = Table(box=box.SIMPLE, title=title, title_justify="left")
    for column in headers:
        table.add_column(column, no_wrap=column == "reference")
    cells: list[list[Cell]] = []
    for row in rows:
        due = Text(str(row.follow_up) if row.follow_up else "not set")
        if row.overdue:
            due.append(f"  OVERDUE {-(row.days or 0)} days", style="bold red")
        elif row.days is not None:
            due.append(f"  in {row.days} days" if row.days else "  today", style="yellow")
        agency = Text(one_line(row.agency_name))
        if (row.reference, row.agency) in dropped:
            agency.append("\nSTANDING DROPPED: ", style="bold red")
            agency.append(one_line(dropped[(row.reference, row.agency)]), style="red")
        cells.append([row.reference, agency, row.status_label, due])
        table.add_row(*cells[-1])
    shown = TableOrList(headers, cells, table, title=title)
    if not dropped:
        return shown
    note = Text(
        f"{len(dropped)} referral(s) to an agency whose vetting standing dropped since it was "
        "chosen: talk to your lead before going on.",
        style="bold red",
    )
    return Group(shown, note)


def _counts(title: str, counts: dict[str, int]) -> Table:
    table = Table(box=box.SIMPLE, title=title, title_justify="left")
    table.add_column("")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(one_line(key), str(value))
    if not counts:
        table.add_row("none", "0")
    return table


def activity_view(report: Activity) -> RenderableType:
    """The worker's own activity, as counts only."""
    head = Text(
        f"{report.sessions} sessions; {report.referrals_made} referrals made; "
        f"{report.needs_met_in_house} needs met in-house; "
        f"{report.no_referral_sessions} sessions ended without a referral."
    )
    return Group(
        head,
        _counts("Needs identified", report.needs_identified),
        _counts("Referrals by status", report.referrals_by_status),
        _counts("Options the youth declined, by reason", report.declined_by_reason),
        _counts("Hesitations, by reason", report.hesitations_by_reason),
        _counts("Hesitations, by what would help", report.hesitations_by_help),
        _counts("No-referral sessions, by reason", report.no_referral_reasons),
    )
