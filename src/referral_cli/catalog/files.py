"""Which files a catalog has, and the files layout: one agency per file, `agencies/<id>.yaml`.

A coalition that keeps a large catalog in git edits one small file per agency instead of one
58 MB file: no merge conflicts between coordinators, and the cache re-reads only what changed.
agencies.yaml still holds the `catalog:` section (region, revet_months, task_force) and may
hold agencies too; catalog order is agencies.yaml's agencies, then the files by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from referral_cli.catalog.models import AgenciesCatalog, Agency, CatalogInfo, ServicesCatalog
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR, VETTINGS_DIR
from referral_cli.catalog.validate import Loc, check_agencies


def agency_files(root: Path) -> list[Path]:
    """The one-agency files, in catalog order (by name)."""
    folder = root / AGENCY_DIR
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def vetting_files(root: Path) -> list[Path]:
    """The vetting record files in recording order: `x--2026-05-01-2` after `x--2026-05-01`."""
    folder = root / VETTINGS_DIR
    return sorted(folder.glob("*.yaml"), key=recording_order) if folder.is_dir() else []


def recording_order(path: Path) -> tuple[str, int]:
    """The sort key of a vetting file: its agency and date, then its same-day number."""
    match = re.fullmatch(r"(.+--\d{4}-\d{2}-\d{2})-(\d+)", path.stem)
    return (match[1], int(match[2])) if match else (path.stem, 1)


def check_agency_file(agency: Agency, path: Path, listed: set[str]) -> Iterator[tuple[Loc, str]]:
    """One agency file: named for its id, and not also in agencies.yaml (ids in `listed`)."""
    if path.stem != agency.id:
        # A copied file left unrenamed would shadow the agency it was copied from.
        yield (
            ("id",),
            f"is '{agency.id}' but the file name says otherwise: name it {agency.id}.yaml",
        )
    elif agency.id in listed:
        yield ("id",), f"duplicate id '{agency.id}' ({AGENCIES_FILE} has it too)"


def check_agency_files(
    agencies: list[Agency], services: ServicesCatalog, info: CatalogInfo
) -> Iterator[tuple[int, Loc, str]]:
    """agencies.yaml's per-agency rules for agencies in files: (which agency, field, message).

    The rules are check_agencies' own, run once over all the files' agencies (one call per
    file cost ~80 ms per 1,000 files), so both layouts are held to the same rules. Its
    whole-list rules (unique ids, the task force) are the caller's: file names keep ids
    unique, and the task force may be anywhere.
    """
    together = AgenciesCatalog.model_construct(catalog=info, agencies=agencies)
    for loc, message in check_agencies(together, services):
        if loc[0] == "agencies" and isinstance(loc[1], int) and loc[2:] != ("id",):
            yield loc[1], loc[2:], message
