"""Markdown and JSON for follow-ups and activity counts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

from referral_cli.casework.followups import Activity, FollowUp
from referral_cli.export.markdown import table


def followups_markdown(
    rows: Sequence[FollowUp],
    today: dt.date,
    dropped: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """The worker's follow-up list for their own notes (it names case references)."""
    dropped = dropped or {}
    body = table(
        ["Reference", "Agency", "Status", "Follow up", "Overdue", "Standing dropped"],
        [
            [
                r.reference,
                r.agency_name,
                r.status_label,
                str(r.follow_up or "not set"),
                "yes" if r.overdue else "",
                dropped.get((r.reference, r.agency), ""),
            ]
            for r in rows
        ],
    )
    return f"# Open referrals as of {today}\n\n{body}\n"


def followups_json(
    rows: Sequence[FollowUp], dropped: Mapping[tuple[str, str], str] | None = None
) -> str:
    """Machine-readable follow-up list; `standing_dropped` is why, or null."""
    dropped = dropped or {}
    return json.dumps(
        [
            r.model_dump(mode="json") | {"standing_dropped": dropped.get((r.reference, r.agency))}
            for r in rows
        ],
        indent=2,
    )


def activity_markdown(report: Activity) -> str:
    """Counts only, safe to share with the coalition: no case references."""
    parts = [
        "# Referral activity (counts only)",
        "",
        f"- Sessions: {report.sessions}",
        f"- Referrals made: {report.referrals_made}",
        f"- Needs met in-house: {report.needs_met_in_house}",
        f"- Sessions without a referral: {report.no_referral_sessions}",
    ]
    for title, counts in (
        ("Needs identified", report.needs_identified),
        ("Referrals by status", report.referrals_by_status),
        ("Options the youth declined, by reason", report.declined_by_reason),
        ("Hesitations, by reason", report.hesitations_by_reason),
        ("Hesitations, by what would help", report.hesitations_by_help),
        ("No-referral sessions, by reason", report.no_referral_reasons),
    ):
        rows = [[key, str(value)] for key, value in counts.items()] or [["none", "0"]]
        parts += ["", f"## {title}", "", table(["", "Count"], rows)]
    return "\n".join(parts) + "\n"
