"""Rich views of the catalog. Every piece of catalog text goes through `one_line`/`clean`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from referral_cli.standing import OUTCOME_LABELS, AgencyListing, Outcome, VettingStatus
from referral_cli.text import clean, one_line
from referral_cli.vocab import GROUPS, SECTORS

if TYPE_CHECKING:
    from referral_cli.catalog import Catalog
    from referral_cli.models import Agency, Service

OUTCOME_STYLE = {
    Outcome.READY: "green",
    Outcome.VERIFY: "yellow",
    Outcome.DO_NOT_REFER: "bold red",
    Outcome.NOT_VETTED: "magenta",
}
SHORT_LABEL = {
    Outcome.READY: "ready",
    Outcome.VERIFY: "verify first",
    Outcome.DO_NOT_REFER: "DO NOT REFER",
    Outcome.NOT_VETTED: "not vetted",
}


def outcome_text(outcome: Outcome, short: bool = False) -> Text:
    """An outcome as words on screen; do-not-refer in capitals so it cannot be missed."""
    label = SHORT_LABEL[outcome] if short else OUTCOME_LABELS[outcome]
    if outcome is Outcome.DO_NOT_REFER:
        label = label.upper()
    return Text(label, style=OUTCOME_STYLE[outcome])


def status_text(status: VettingStatus, short: bool = False) -> Text:
    """Outcome plus a STALE mark, styled but never parsed as markup."""
    text = outcome_text(status.outcome, short)
    if status.stale:
        text.append(" STALE", style="bold yellow")
    return text


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def services_view(catalog: Catalog) -> RenderableType:
    """The needs taxonomy, one table per group, as a worker scans it."""
    tables: list[RenderableType] = []
    for group, title in GROUPS.items():
        services = [s for s in catalog.services.values() if s.group == group]
        if not services:
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE, expand=False)
        table.add_column("id", no_wrap=True)
        table.add_column("service")
        table.add_column("forms")
        table.add_column("also called")
        for s in services:
            table.add_row(
                one_line(s.id),
                one_line(s.label),
                ", ".join(s.forms),
                one_line(", ".join(s.synonyms)),
            )
        tables.append(table)
    return Group(*tables)


def hotlines_view(catalog: Catalog) -> RenderableType:
    """The hotlines from the catalog, for the end of a session or a blank checklist."""
    table = Table(title="Hotlines", title_justify="left", box=box.SIMPLE)
    for column in ("hotline", "region", "call", "text", "hours"):
        table.add_column(column)
    for h in catalog.hotlines:
        text = f"{h.text_keyword} to {h.text}" if h.text and h.text_keyword else h.text or ""
        table.add_row(one_line(h.name), one_line(h.region), h.call or "", text, one_line(h.hours))
    return table


def agencies_view(listing: AgencyListing) -> RenderableType:
    """Agencies with their vetting standing; held-back do-not-refer agencies are counted,
    and so are the matches beyond the list's limit, with how to see them."""
    table = Table(box=box.SIMPLE, expand=True, pad_edge=False)
    table.add_column("agency (id)", ratio=1, min_width=20, overflow="fold")
    table.add_column("sector", width=14, no_wrap=True, overflow="ellipsis")
    table.add_column("languages", width=10)
    table.add_column("LGBTQ+", width=6)
    table.add_column("24h", width=3)
    table.add_column("vetting", width=12)
    for row in listing.rows:
        a = row.agency
        name = Text(one_line(a.name))
        name.append(f"\n{one_line(a.id)}", style="dim")
        table.add_row(
            name,
            one_line(a.sector),
            ", ".join(a.languages),
            "yes" if a.populations.lgbtq_affirming else "",
            "yes" if a.hours.after_hours else "",
            status_text(row.status, short=True),
        )
    count = f"{len(listing.rows) + listing.more} agencies"
    if listing.more:
        count += (
            f", the first {len(listing.rows)} shown: narrow with --language, --sector, --lgbtq"
            " or --search, or see them all with --limit 0"
        )
    parts: list[RenderableType] = [table, Text(count)]
    if listing.withheld:
        parts.append(
            Text(
                f"{listing.withheld} more held back: do not refer (see `referral vettings`).",
                style="red",
            )
        )
    return Group(*parts)


def agency_card(
    agency: Agency,
    services: Mapping[str, Service],
    languages: Mapping[str, str],
    status: VettingStatus,
) -> RenderableType:
    """Everything the catalog knows about one agency.

    Reads only attributes, so the cache can pass its stored row as plain objects.
    """
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    pop = agency.populations
    ages = f"{pop.age_min if pop.age_min is not None else 'any'}-{pop.age_max or 'any'}"
    offers = []
    for offered in agency.services:
        service = services.get(offered.id)
        label = service.label if service else offered.id
        forms = offered.forms or (service.forms if service else [])
        offers.append(f"{label} ({', '.join(forms)})")
    spoken = ", ".join(languages.get(code, code) for code in agency.languages)
    contact = agency.contact
    rows: list[tuple[str, str | Text]] = [
        ("Sector", SECTORS[agency.sector]),
        ("Vetting", status_text(status)),
        ("Re-vet due", str(status.due) if status.due else "-"),
        ("About", agency.description),
        ("Services", "\n".join(offers)),
        ("Languages", spoken),
        ("Serves", f"ages {ages}; {', '.join(pop.genders)}"),
        ("LGBTQ+", "affirming" if pop.lgbtq_affirming else "not stated"),
        (
            "Hours",
            agency.hours.regular + (" (after-hours line)" if agency.hours.after_hours else ""),
        ),
        ("Area", agency.access.area),
        (
            "Access",
            f"transit: {_yes(agency.access.transit)}; wheelchair: {_yes(agency.access.wheelchair)}",
        ),
        ("Address", "confidential" if agency.confidential_address else "listed"),
        ("Phone", agency.phone),
        ("Email", agency.email or "-"),
        ("Referral contact", ", ".join(x for x in (contact.role, contact.name) if x)),
        ("Contact phone", contact.phone or "-"),
        ("Trauma/CSEC trained contact", _yes(contact.trauma_trained)),
        ("Intake documents", ", ".join(agency.intake.documents) or "none"),
        ("Must self-identify", _yes(agency.intake.requires_self_identification)),
        ("Cost", agency.cost),
    ]
    for label, value in rows:
        grid.add_row(label, value if isinstance(value, Text) else Text(clean(value)))
    return Panel(grid, title=Text(one_line(agency.name)), title_align="left", box=box.ROUNDED)
