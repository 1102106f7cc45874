"""`referral contacts`: agencies named in sessions that the catalog does not hold yet.

For the coordinator, who adds one to the catalog (`contacts add-to-catalog`) and vets it.
Counts and contact details only: never a case reference, and nothing about a youth or a
case ever goes into the catalog (the agency's name, phone, services and who suggested it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from referral_cli.commands.common import DataFormat, DataFormatOption, DataOption, ReferralGroup

if TYPE_CHECKING:
    from referral_cli.catalog.load import Catalog

contacts_app = typer.Typer(
    cls=ReferralGroup,
    rich_markup_mode=None,
    help="New contacts from your sessions, not in the catalog yet: for the coordinator to add.",
)


def listed(catalog: Catalog | None = None) -> list[dict[str, Any]]:
    """Every new contact in the worker's sessions, once per name and phone (no case reference).

    With the catalog, each says whether an agency of that name or phone is in it now.
    """
    from referral_cli.casefile.retention import case_command_startup
    from referral_cli.casefile.store import list_sessions

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
                    "in_catalog": None,
                },
            )
            row["sessions"] += 1
            row["services"] = sorted({*row["services"], c.service})
            if c.suggested_by:
                row["suggested_by"] = sorted({*row["suggested_by"], c.suggested_by})
    rows = list(found.values())
    if catalog is not None:
        for row in rows:
            row["in_catalog"] = in_catalog(catalog, row["name"], row["phone"])
    return rows


def in_catalog(catalog: Catalog, name: str, phone: str) -> str | None:
    """The id of a catalog agency with this name or phone, if there is one."""

    def digits(text: str | None) -> str:
        return "".join(ch for ch in text or "" if ch.isdigit())

    wanted = digits(phone)
    for agency in catalog.agencies.values():
        phones = {digits(agency.phone), digits(agency.contact.phone)} - {""}
        if agency.name.casefold() == name.casefold() or (wanted and wanted in phones):
            return agency.id
    return None


@contacts_app.callback(invoke_without_command=True)
def contacts(
    ctx: typer.Context, fmt: DataFormatOption = DataFormat.TEXT, data: DataOption = None
) -> None:
    """New contacts from your sessions, not in the catalog yet: for the coordinator to add."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from referral_cli.commands.common import load
    from referral_cli.console import command
    from referral_cli.text import one_line

    rows = listed(load(data))
    if fmt is DataFormat.JSON:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("No new contacts: every agency in your sessions is in the catalog.")
        return
    for row in rows:
        by = f"; suggested by {', '.join(row['suggested_by'])}" if row["suggested_by"] else ""
        now = f"; in the catalog now as {row['in_catalog']}" if row["in_catalog"] else ""
        typer.echo(
            one_line(
                f"{row['name']} [NOT VETTED]: {row['phone']}; for {', '.join(row['services'])}"
                f"{by}; in {row['sessions']} session(s){now}"
            )
        )
    if any(not row["in_catalog"] for row in rows):
        typer.echo(
            "To add one to the catalog (NOT VETTED until you vet it): "
            + command("contacts add-to-catalog NAME --sector SECTOR")
        )


def new_agency(row: dict[str, Any], ident: str, sector: str, languages: list[str]) -> Any:
    """The catalog entry for a new contact: its name, phone, services, who suggested it.

    Nothing else is known yet, and the entry says so; nothing about any youth or case.
    """
    from pydantic import ValidationError

    from referral_cli.catalog.models import Agency
    from referral_cli.errors import ReferralError

    by = ", ".join(row["suggested_by"])
    unknown = "Not known yet: ask the agency"
    try:
        return Agency.model_validate(
            {
                "id": ident,
                "name": row["name"],
                "sector": sector,
                "description": "A new contact met in a referral session"
                + (f", suggested by {by}" if by else "")
                + ". Not vetted yet: confirm its hours, area, languages, who it serves and "
                "its referral contact when you vet it.",
                "services": row["services"],
                "languages": languages,
                "populations": {},
                "hours": {"regular": unknown},
                "access": {"area": unknown},
                "phone": row["phone"],
                "contact": {"role": "Not known yet: ask for the person who takes referrals"},
                "cost": "unknown",
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReferralError(f"Cannot add it: {where}: {first['msg']}.") from None


def choose(rows: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    """The listed contact by its id, its name, or a unique part of its name."""
    from referral_cli.errors import ReferralError

    w = wanted.strip().casefold()
    exact = [r for r in rows if w in (r["id"].casefold(), r["name"].casefold())]
    some = exact or [r for r in rows if w and w in r["name"].casefold()]
    if len(some) == 1:
        return some[0]
    names = ", ".join(f"{r['name']} ({r['id']})" for r in (some or rows)) or "none"
    why = "matches several" if some else "is not a new contact in your sessions"
    raise ReferralError(f"'{wanted}' {why}. New contacts: {names}.")


@contacts_app.command("add-to-catalog")
def add_to_catalog(
    contact: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT", help="The new contact's name (or part of it) or its listed id."
        ),
    ],
    sector: Annotated[
        str,
        typer.Option(
            "--sector",
            metavar="SECTOR",
            help="Its partner sector, e.g. runaway-homeless-youth, immigrant-serving.",
        ),
    ],
    ident: Annotated[
        str | None,
        typer.Option("--id", metavar="ID", help="Its catalog id (default: from its name)."),
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option(
            "--language", metavar="LANGUAGE", help="A language it works in (repeat; default en)."
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Add a new contact to the catalog, NOT VETTED, then say how to vet it.

    Only the agency's name, phone, services and who suggested it are written: never who the
    youth is or which case named it. The catalog is checked after the write, and left as it
    was if anything is wrong.
    """
    from typing import get_args

    from referral_cli.catalog.add import add_agency
    from referral_cli.catalog.models import Sector
    from referral_cli.catalog.places import resolve_data_dir
    from referral_cli.commands.common import load
    from referral_cli.console import command
    from referral_cli.errors import ReferralError
    from referral_cli.vetting.rules import check_catalog

    sectors = get_args(Sector)
    if sector not in sectors:
        raise ReferralError(f"Unknown sector '{sector}'. Sectors: {', '.join(sectors)}.")
    root = resolve_data_dir(data)
    catalog = load(data)
    row = choose(listed(catalog), contact)
    if row["in_catalog"]:
        raise ReferralError(
            f"{row['name']} is in the catalog already, as {row['in_catalog']}: "
            f"vet it with {command('vet ' + row['in_catalog'] + ' --record')}"
        )
    ident = ident or row["id"].removeprefix("new-")
    if ident in catalog.agencies:
        raise ReferralError(f"The catalog has an agency '{ident}' already: give another --id.")
    for code in language or ["en"]:
        if code not in catalog.languages:
            raise ReferralError(f"Unknown language '{code}': services.yaml does not list it.")
    agency = new_agency(row, ident, sector, language or ["en"])
    path = add_agency(root, agency, lambda r: [str(p) for p in check_catalog(r)[1]])
    typer.echo(f"Added {agency.name} to the catalog as {agency.id} ({_shown(path)}): NOT VETTED.")
    typer.echo("Hours, area and its referral contact say 'Not known yet' until you vet it.")
    typer.echo(f"Vet it next: {command(f'vet {agency.id} --record')}")


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def register(app: typer.Typer) -> None:
    """Add the contacts group to the root app."""
    app.add_typer(contacts_app, name="contacts")
