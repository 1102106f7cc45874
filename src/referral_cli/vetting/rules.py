"""The catalog loader with the vetting rubric plugged in: what every command loads through.

The catalog layer knows nothing of the rubric (it sits below it); this module hands it the
rubric's checks for vetting files and the standings the cache keeps for warm commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from referral_cli.catalog.load import (
    Catalog,
    Progress,
    Standings,
    VettingRules,
)
from referral_cli.catalog.load import check_catalog as _check
from referral_cli.catalog.load import load_catalog as _load
from referral_cli.catalog.models import Agency, Vetting
from referral_cli.catalog.validate import STANDING_READS
from referral_cli.errors import CatalogProblem


def _check_vetting(vetting: Vetting) -> Iterator[tuple[tuple[int | str, ...], str]]:
    from referral_cli.vetting.rubric import check_vetting

    return check_vetting(vetting)


def standings(catalog: Catalog, day: dt.date) -> Standings:
    """Each vetted agency's outcome and scorecard (JSON) on `day`, for the cache."""
    from pydantic import TypeAdapter

    from referral_cli.vetting.judge import scorecard
    from referral_cli.vetting.standing import Scorecard

    as_json = TypeAdapter(Scorecard).dump_json  # asdict() + json.dumps took ~1 ms a card
    cards = {
        ident: scorecard(_reads(catalog.agencies[ident]), history, catalog.info, day)
        for ident, history in catalog.vettings.items()
        if history and ident in catalog.agencies
    }
    return {ident: (card.status.outcome, as_json(card)) for ident, card in cards.items()}


def _reads(agency: Agency) -> Agency:
    """The agency as its standing may see it: STANDING_READS only (the cache keeps a standing
    while those are unchanged), so reading any other field fails at once."""
    return cast(
        "Agency", SimpleNamespace(**{name: getattr(agency, name) for name in STANDING_READS})
    )


def factors() -> list[tuple[str, bool]]:
    """The rubric's factors (label, critical), for the cache (warm never-vetted scorecard)."""
    from referral_cli.vetting.rubric import rubric

    return [(factor.label, factor.critical) for factor in rubric().factors]


RULES = VettingRules(check=_check_vetting, standings=standings, factors=factors)


def load_catalog(root: Path) -> Catalog:
    """The validated catalog (see `catalog.load.load_catalog`), judged by the rubric."""
    return _load(root, RULES)


def check_catalog(
    root: Path, progress: Progress | None = None
) -> tuple[Catalog | None, list[CatalogProblem]]:
    """Every problem in the catalog, the rubric's rules for vetting files included."""
    return _check(root, RULES, progress)
