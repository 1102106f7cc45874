"""Finding agencies in the catalog: filters and free-text search, as pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from referral_cli.catalog.load import Catalog
from referral_cli.catalog.models import SECTORS, Agency
from referral_cli.errors import ReferralError
from referral_cli.vetting.fit import language_fact, lgbtq_fact
from referral_cli.vetting.judge import agency_status
from referral_cli.vetting.standing import AgencyListing, AgencyRow, Outcome, VettingStatus


@dataclass(frozen=True)
class AgencyFilter:
    """What a worker asked for with `referral agencies`."""

    service: str | None = None
    language: str | None = None
    sector: str | None = None
    lgbtq: bool = False
    search: str | None = None


def language_code(catalog: Catalog, wanted: str) -> str:
    """The catalog's code for a language as typed (code, name or part of it), or an error."""
    code = catalog.language_code(wanted)
    if code is not None:
        return code
    known = ", ".join(f"{code} ({name})" for code, name in sorted(catalog.languages.items()))
    raise ReferralError(f"Unknown language '{wanted}'. Known languages: {known}.")


def _search_text(catalog: Catalog, agency: Agency) -> str:
    parts = [agency.id, agency.name, agency.description, SECTORS[agency.sector]]
    for offered in agency.services:
        service = catalog.services.get(offered.id)
        if service is not None:
            parts += [service.id, service.label, *service.synonyms]
    return " ".join(parts).casefold()


def statuses(catalog: Catalog, today: dt.date) -> dict[str, VettingStatus]:
    """Vetting standing of every agency on a given day."""
    return {
        agency.id: agency_status(agency, catalog.vettings_of(agency.id), catalog.info, today)
        for agency in catalog.agencies.values()
    }


def find_agencies(
    catalog: Catalog, wanted: AgencyFilter, today: dt.date, limit: int = 0
) -> AgencyListing:
    """Agencies matching every filter given, the first `limit` of them (0: all).

    When a service is asked for, the list is a set of referral options, so do-not-refer
    agencies are held back (and counted, so the worker knows they exist).
    """
    service_id = catalog.find_service(wanted.service).id if wanted.service else None
    language = language_code(catalog, wanted.language) if wanted.language else None
    if wanted.sector and wanted.sector not in SECTORS:
        raise ReferralError(
            f"Unknown sector '{wanted.sector}'. Sectors: {', '.join(sorted(SECTORS))}."
        )
    words = wanted.search.casefold().split() if wanted.search else []
    rows: list[AgencyRow] = []
    withheld = 0
    if service_id:  # the cache's index: no need to load every agency of a big catalog
        from referral_cli.catalog.cache import agencies_offering

        candidates: Iterable[Agency] = agencies_offering(catalog, service_id)
    else:
        candidates = catalog.agencies.values()
    for agency in candidates:
        if wanted.sector and agency.sector != wanted.sector:
            continue
        if words:
            haystack = _search_text(catalog, agency)
            if not all(word in haystack for word in words):
                continue
        status = agency_status(agency, catalog.vettings_of(agency.id), catalog.info, today)
        # LGBTQ and language facts follow the vetting where it assessed them
        if language and not language_fact(agency, status, language).holds:
            continue
        if wanted.lgbtq and not lgbtq_fact(agency, status).holds:
            continue
        if service_id and status.outcome is Outcome.DO_NOT_REFER:
            withheld += 1
            continue
        rows.append(AgencyRow(agency, status))
    shown = rows[:limit] if limit else rows
    return AgencyListing(shown, withheld, len(rows) - len(shown))
