"""`referral contacts`: agencies named in sessions that the catalog does not hold yet.

For the coordinator, who adds them to the catalog and vets them. Counts and contact details
only: never a case reference.
"""

from __future__ import annotations

from typing import Any

import typer

from referral_cli.commands.common import DataFormat, DataFormatOption


def contacts(fmt: DataFormatOption = DataFormat.TEXT) -> None:
    """New contacts from your sessions, not in the catalog yet: for the coordinator to add."""
    import json

    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions
    from referral_cli.session.steps.context import command
    from referral_cli.text import one_line

    case_command_startup()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for session in list_sessions():  # no case reference leaves this loop
        for c in session.new_contacts:
            row = found.setdefault(
                (c.name.casefold(), c.phone),
                {
                    "id": c.agency,
                    "name": c.name,
                    "phone": c.phone,
                    "services": [],
                    "suggested_by": [],
                    "sessions": 0,
                },
            )
            row["sessions"] += 1
            row["services"] = sorted({*row["services"], c.service})
            if c.suggested_by:
                row["suggested_by"] = sorted({*row["suggested_by"], c.suggested_by})
    rows = list(found.values())
    if fmt is DataFormat.JSON:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("No new contacts: every agency in your sessions is in the catalog.")
        return
    for row in rows:
        by = f"; suggested by {', '.join(row['suggested_by'])}" if row["suggested_by"] else ""
        typer.echo(
            one_line(
                f"{row['name']} [NOT VETTED]: {row['phone']}; for {', '.join(row['services'])}"
                f"{by}; in {row['sessions']} session(s)"
            )
        )
    typer.echo(
        "To add one: give it an entry in the catalog's agencies.yaml (id as listed with "
        f"--format json), then vet it: {command('vet ID --record')}"
    )


def register(app: typer.Typer) -> None:
    """Add this module's command to the root app."""
    app.command("contacts")(contacts)
