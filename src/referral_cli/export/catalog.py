"""Markdown of the catalog views (services, agencies, one agency, hotlines), to print or paste.

Every piece of catalog text goes through `md()`; the printable page is this Markdown rendered.
"""

from __future__ import annotations

from collections.abc import Mapping

from referral_cli.catalog.load import Catalog
from referral_cli.catalog.models import Agency, Service
from referral_cli.catalog.vocab import GROUPS
from referral_cli.export.markdown import field_list, table
from referral_cli.render.catalog import agency_facts, standing_text, status_text
from referral_cli.text import md
from referral_cli.vetting.standing import AgencyListing, VettingStatus


def services_markdown(catalog: Catalog) -> str:
    """The needs taxonomy, one table per group."""
    out = ["# Services", ""]
    for group, title in GROUPS.items():
        services = [s for s in catalog.services.values() if s.group == group]
        if services:
            rows = [[s.id, s.label, ", ".join(s.forms), ", ".join(s.synonyms)] for s in services]
            out += [f"## {md(title)}", "", table(["id", "service", "forms", "also called"], rows)]
            out.append("")
    return "\n".join(out)


def hotlines_markdown(catalog: Catalog) -> str:
    """The hotlines, to print and hand to a youth or pin by the phone."""
    rows = []
    for h in catalog.hotlines:
        text = f"{h.text_keyword} to {h.text}" if h.text and h.text_keyword else h.text or ""
        rows.append([h.name, h.region, h.call or "", text, h.hours])
    body = table(["hotline", "region", "call", "text", "hours"], rows)
    return f"# Hotlines\n\n{body}\n"


def agencies_markdown(listing: AgencyListing) -> str:
    """The agency list with vetting standing, and what was held back or left out."""
    rows = [
        [
            r.agency.name,
            r.agency.id,
            status_text(r.status, short=True).plain,
            r.agency.sector,
            ", ".join(r.agency.languages),
        ]
        for r in listing.rows
    ]
    out = ["# Agencies", "", table(["agency", "id", "vetting", "sector", "languages"], rows), ""]
    if listing.more:
        out += [f"{listing.more} more matched; see them all with --limit 0.", ""]
    if listing.withheld:
        out += [f"{listing.withheld} more held back: do not refer (see `referral vettings`).", ""]
    return "\n".join(out)


def agency_markdown(
    agency: Agency,
    services: Mapping[str, Service],
    languages: Mapping[str, str],
    status: VettingStatus,
) -> str:
    """Everything the catalog holds about one agency, as the card shows it."""
    facts = agency_facts(agency, services, languages, status)
    rows = [
        facts[0],
        ("Vetting", standing_text(status).plain),
        ("Re-vet due", str(status.due) if status.due else "-"),
        *((label, value.replace("\n", "; ")) for label, value in facts[1:]),
    ]
    return f"# {md(agency.name)}\n\n{field_list(rows)}\n"
