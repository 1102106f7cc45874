"""Rich views of the catalog. Every piece of catalog text goes through `one_line`/`clean`.

rich.table is imported by the views that draw tables: the agency list, on the warm path of
`agencies --service`, draws none and need not pay for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.text import Text

from referral_cli.catalog.vocab import GROUPS, SECTORS
from referral_cli.render.narrow import Headed, Indented
from referral_cli.text import clean, counted, one_line
from referral_cli.vetting.fit import access_fact, lgbtq_fact
from referral_cli.vetting.standing import OUTCOME_LABELS, AgencyListing, Outcome, VettingStatus

if TYPE_CHECKING:
    from referral_cli.catalog.load import Catalog
    from referral_cli.catalog.models import Agency, Service, Site

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


def standing_text(status: VettingStatus) -> Text:
    """The outcome with what is behind it: hard fails, or the factors to verify (a 0 named)."""
    text = status_text(status)
    if status.outcome is Outcome.VERIFY and status.verify_factors:
        text.append(": " + ", ".join(status.verify_reasons()))
    elif status.outcome is Outcome.DO_NOT_REFER and status.hard_fail_texts:
        text.append(": hard fail " + "; ".join(status.hard_fail_texts))
    for note in status.notes:
        text.append(f"\n{note}", style="yellow")
    return text


def _lgbtq(agency: Agency, status: VettingStatus) -> str:
    """LGBTQ-affirming as the vetting found it, else as the agency says, naming the source."""
    fact = lgbtq_fact(agency, status)
    if fact.holds:
        return f"affirming ({fact.source})"
    if agency.populations.lgbtq_affirming:
        return f"NOT confirmed: the agency says affirming, but {fact.source}"
    return f"not stated ({fact.source})"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def services_view(catalog: Catalog) -> RenderableType:
    """The needs taxonomy, one table per group, as a worker scans it."""
    from rich.table import Table

    from referral_cli.render.narrow import TableOrList

    headers = ("id", "service", "forms", "also called")
    tables: list[RenderableType] = []
    for group, title in GROUPS.items():
        services = [s for s in catalog.services.values() if s.group == group]
        if not services:
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE, expand=False)
        for column in headers:
            table.add_column(column, no_wrap=column == "id")
        rows = [
            [one_line(s.id), one_line(s.label), ", ".join(s.forms), one_line(", ".join(s.synonyms))]
            for s in services
        ]
        for row in rows:
            table.add_row(*row)
        tables.append(TableOrList(headers, rows, table, title=title))
    return Group(*tables)


def hotlines_view(catalog: Catalog) -> RenderableType:
    """The hotlines from the catalog, for the end of a session or a blank checklist."""
    from rich.table import Table

    from referral_cli.render.narrow import TableOrList

    headers = ("hotline", "region", "call", "text", "hours")
    table = Table(title="Hotlines", title_justify="left", box=box.SIMPLE)
    for column in headers:
        table.add_column(column, no_wrap=column in ("call", "text"))
    rows = []
    for h in catalog.hotlines:
        text = f"{h.text_keyword} to {h.text}" if h.text and h.text_keyword else h.text or ""
        rows.append([one_line(h.name), one_line(h.region), h.call or "", text, one_line(h.hours)])
        table.add_row(*rows[-1])
    return TableOrList(headers, rows, table, title="Hotlines")


def agencies_view(listing: AgencyListing) -> RenderableType:
    """Agencies with their vetting standing, two lines each; held-back do-not-refer agencies
    are counted, and so are the matches beyond the list's limit, with how to see them.

    Two lines rather than a table: at 80 columns a table folds long ids over several lines,
    and the id is what the worker types next (`show`, `vet`, `start`).
    """
    parts: list[RenderableType] = []
    for row in listing.rows:
        a = row.agency
        head = Headed(Text(one_line(a.name), style="bold"), status_text(row.status, short=True))
        facts = [one_line(a.id), one_line(a.sector), ", ".join(a.languages)]
        lgbtq = lgbtq_fact(a, row.status)
        if lgbtq.holds:
            facts.append("LGBTQ+ affirming")
        elif a.populations.lgbtq_affirming:  # the agency says so; the vetting found otherwise
            facts.append(f"says LGBTQ+ affirming, but {lgbtq.source}")
        if access_fact(a, row.status, "after-hours").holds:
            facts.append("after-hours")
        if row.status.outcome is Outcome.VERIFY:
            facts.append("verify: " + ", ".join(row.status.verify_reasons()))
        parts += [head, Indented(Text(" · ".join(facts)))]
    count = counted(len(listing.rows) + listing.more, "agency", "agencies")
    if listing.more:
        count += (
            f", the first {len(listing.rows)} shown: narrow with --language, --sector, --lgbtq"
            " or --search, or see them all with --limit=0"
        )
    parts.append(Indented(Text(count), indent=0))
    if listing.withheld:
        parts.append(
            Text(
                f"{listing.withheld} more held back: do not refer (see `referral vettings`).",
                style="red",
            )
        )
    return Group(*parts)


def site_line(site: Site) -> str:
    """A site in one line: name, city, phone, hours (raw catalog text: escape to show)."""
    name = site.name if site.area in ("", site.name) else f"{site.name}, {site.area}"
    hours = f"; {site.hours}" if site.hours else ""
    return f"{name}: {site.phone or 'no phone listed'}{hours}"


def agency_facts(
    agency: Agency,
    services: Mapping[str, Service],
    languages: Mapping[str, str],
    status: VettingStatus,
) -> list[tuple[str, str]]:
    """What the catalog says about one agency, as (label, value) rows: the card and the
    Markdown copy list the same facts. Values are raw catalog text: escape them to show."""
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
    sites = [("Sites", "\n".join(site_line(site) for site in agency.sites))] if agency.sites else []
    return [
        ("Sector", SECTORS[agency.sector]),
        ("About", agency.description),
        ("Services", "\n".join(offers)),
        ("Languages", spoken),
        ("Serves", f"ages {ages}; {', '.join(pop.genders)}"),
        ("LGBTQ+", _lgbtq(agency, status)),
        (
            "Hours",
            agency.hours.regular + (" (after-hours line)" if agency.hours.after_hours else ""),
        ),
        ("Area", agency.access.area),
        *sites,
        (
            "Access",
            f"transit: {_yes(agency.access.transit)}; wheelchair: {_yes(agency.access.wheelchair)}",
        ),
        ("Address", "confidential" if agency.confidential_address else "listed"),
        ("Phone", agency.phone or "no phone listed"),
        ("Email", agency.email or "-"),
        ("Referral contact", ", ".join(x for x in (contact.role, contact.name) if x)),
        ("Contact phone", contact.phone or "-"),
        ("Trauma/CSEC trained contact", _yes(contact.trauma_trained)),
        ("Intake documents", ", ".join(agency.intake.documents) or "none"),
        ("Must self-identify", _yes(agency.intake.requires_self_identification)),
        ("Cost", agency.cost),
    ]


def agency_card(
    agency: Agency,
    services: Mapping[str, Service],
    languages: Mapping[str, str],
    status: VettingStatus,
) -> RenderableType:
    """Everything the catalog knows about one agency.

    Reads only attributes, so the cache can pass its stored row as plain objects.
    """
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    facts = agency_facts(agency, services, languages, status)
    rows: list[tuple[str, str | Text]] = [
        facts[0],
        ("Vetting", standing_text(status)),
        ("Re-vet due", str(status.due) if status.due else "-"),
        *facts[1:],
    ]
    for label, value in rows:
        grid.add_row(label, value if isinstance(value, Text) else Text(clean(value)))
    return Panel(grid, title=Text(one_line(agency.name)), title_align="left", box=box.ROUNDED)
