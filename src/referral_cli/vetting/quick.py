"""Answer a warm `show`, `vet` or `agencies --service` from the cache, without pydantic.

A worker asks these in front of a youth, so they must start as fast as `referral --help`.
The cache row of an agency is the validated agency as JSON; read back as plain attribute
objects it feeds the same views as the model does. Each function returns None whenever it
cannot answer with certainty (no current cache, a name rather than an id, an unknown
service...): the caller then takes the ordinary path, which also gives the full errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from referral_cli.catalog.warm import Quick
from referral_cli.vetting.standing import (
    AgencyListing,
    AgencyRow,
    Scorecard,
    VettingStatus,
    not_vetted,
)

if TYPE_CHECKING:
    from referral_cli.catalog.models import Agency, CatalogInfo, Service
    from referral_cli.catalog.validate import VettingRules

_COUNTS = (
    "SELECT count(*) FILTER (WHERE outcome = 'do-not-refer'), count(*) FROM offer WHERE service = ?"
)
_FIRST = (
    "SELECT json FROM offer JOIN agency ON agency.id = offer.agency"
    " WHERE service = ? AND outcome != 'do-not-refer' ORDER BY position LIMIT ?"
)


def _objects(raw: str | bytes) -> Any:
    """JSON with every mapping as an attribute object, as the views read a model."""
    return json.loads(raw, object_hook=lambda d: SimpleNamespace(**d))


def _status(cache: Quick, agency: Agency, today: dt.date) -> VettingStatus:
    card = _scorecard(cache, agency.id, today)
    if card is not None:
        return card.status
    info = _objects(cache.one("SELECT value FROM meta WHERE name = ?", ("info",)))
    return not_vetted(agency, cast("CatalogInfo", info))


def _scorecard(cache: Quick, ident: str, today: dt.date) -> Scorecard | None:
    raw = cache.one("SELECT scorecard FROM standing WHERE agency = ?", (ident,))
    return Scorecard.from_json(json.loads(raw)).as_of(today) if raw else None


def _agency(cache: Quick, ident: str) -> Agency | None:
    if not cache.agency_files_unchanged(ident):
        return None
    raw = cache.one("SELECT json FROM agency WHERE id = ?", (ident,))
    return cast("Agency", _objects(raw)) if raw else None


def _services(cache: Quick) -> tuple[dict[str, Service], dict[str, str]]:
    data = cache.meta("services")
    services = {s["id"]: cast("Service", SimpleNamespace(**s)) for s in data["services"]}
    return services, data["languages"]


def _rules() -> VettingRules:
    """The vetting rules, for re-reading an edited agency (imported only then: ~80 ms)."""
    from referral_cli.vetting.rules import RULES

    return RULES


@contextlib.contextmanager
def _opened(root: Path) -> Iterator[Quick | None]:
    cache = Quick.open(root, _rules)
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()


@contextlib.contextmanager
def _one_agency(root: Path, ident: str) -> Iterator[tuple[Quick, Agency] | None]:
    """The open cache and one agency from it, or None when either is not to be had."""
    with _opened(root) as cache:
        agency = _agency(cache, ident) if cache is not None else None
        yield (cache, agency) if cache is not None and agency is not None else None


def agency_card(root: Path, ident: str, today: dt.date) -> tuple[Any, ...] | None:
    """(agency, services, languages, status) for `render.catalog.agency_card`, or None."""
    with _one_agency(root, ident) as found:
        if found is None:
            return None
        cache, agency = found
        services, languages = _services(cache)
        return agency, services, languages, _status(cache, agency, today)


def scorecard(
    root: Path, ident: str, today: dt.date
) -> tuple[Scorecard, list[tuple[str, bool]]] | None:
    """The scorecard of an agency, or None; an agency never vetted gets a card with no rows
    and the rubric's factors (label, critical) as the cache keeps them, still to assess."""
    with _one_agency(root, ident) as found:
        if found is None:
            return None
        cache, agency = found
        card = _scorecard(cache, ident, today)
        if card is not None:
            return card, []
        factors = [(str(label), bool(critical)) for label, critical in cache.meta("factors")]
        status = _status(cache, agency, today)
        return Scorecard(ident, agency.name, today, status, rows=[]), factors


def offering(root: Path, service: str, today: dt.date, limit: int) -> AgencyListing | None:
    """Agencies offering a service (given by id or exact synonym), do-not-refer held back."""
    with _opened(root) as cache:
        if cache is None:
            return None
        service_id = _service_id(cache, service)
        if service_id is None:
            return None
        # the held-back count depends on the vetting files of every agency offering it
        if not cache.service_files_unchanged(service_id):
            return None
        held_back, total = cache.rows(_COUNTS, (service_id,))[0]
        rows = []
        for (raw,) in cache.rows(_FIRST, (service_id, limit or -1)):
            agency = cast("Agency", _objects(raw))
            rows.append(AgencyRow(agency, _status(cache, agency, today)))
        return AgencyListing(rows, held_back, total - held_back - len(rows))


def _service_id(cache: Quick, wanted: str) -> str | None:
    services = cache.meta("services")["services"]
    if any(s["id"] == wanted for s in services):
        return wanted
    folded = wanted.strip().casefold()
    hits = [
        s["id"]
        for s in services
        if folded == s["label"].casefold() or folded in (x.casefold() for x in s["synonyms"])
    ]
    return hits[0] if len(hits) == 1 else None
