"""Load and validate the YAML catalogs; every problem is reported with file, line and field.

The catalog is `services.yaml`, `agencies.yaml` and one file per vetting under `vettings/`.
Each file is parsed (`yamlfile`), validated and cross-checked (`validate`); a clean catalog is
cached (`cache`), so the next load reads it back without parsing.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from referral_cli.catalog.cache import Standings as Standings
from referral_cli.catalog.contents import Catalog as Catalog
from referral_cli.catalog.models import AgenciesCatalog, ServicesCatalog, Vetting
from referral_cli.catalog.places import AGENCIES_FILE as AGENCIES_FILE
from referral_cli.catalog.places import SERVICES_FILE as SERVICES_FILE
from referral_cli.catalog.places import VETTINGS_DIR as VETTINGS_DIR
from referral_cli.catalog.places import default_data_dir as default_data_dir
from referral_cli.catalog.places import is_packaged as is_packaged
from referral_cli.catalog.places import resolve_data_dir as resolve_data_dir
from referral_cli.catalog.validate import VettingRules as VettingRules
from referral_cli.catalog.validate import (
    check_agencies,
    check_services,
    check_vetting_file,
    field_name,
    validate_model,
)
from referral_cli.catalog.yamlfile import Lines
from referral_cli.catalog.yamlfile import parse_yaml as parse_yaml
from referral_cli.errors import CatalogError, CatalogProblem

# --- entry points ------------------------------------------------------------


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def vetting_files(root: Path) -> list[Path]:
    """The vetting record files in recording order: `x--2026-05-01-2` after `x--2026-05-01`."""
    folder = root / VETTINGS_DIR
    return sorted(folder.glob("*.yaml"), key=_recording_order) if folder.is_dir() else []


def _recording_order(path: Path) -> tuple[str, int]:
    match = re.fullmatch(r"(.+--\d{4}-\d{2}-\d{2})-(\d+)", path.stem)
    return (match[1], int(match[2])) if match else (path.stem, 1)


Progress = Callable[[int, int], None]


def check_catalog(
    root: Path, rules: VettingRules, progress: Progress | None = None
) -> tuple[Catalog | None, list[CatalogProblem]]:
    """Validate every catalog file; return the catalog (if clean) and every problem found.

    The garbage collector is paused throughout: it would only rescan the objects being
    built. `progress(done, total)` is called after each file, for a progress bar.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_catalog(root, rules, progress)
    finally:
        if collecting:
            gc.enable()


def _check_catalog(
    root: Path, rules: VettingRules, progress: Progress | None
) -> tuple[Catalog | None, list[CatalogProblem]]:
    if not root.is_dir():
        shown = _shown(root, root)
        return None, [CatalogProblem(shown, None, "", "catalog folder not found")]
    problems: list[CatalogProblem] = []
    vetting_paths = vetting_files(root)
    total = 2 + len(vetting_paths)
    done = 0

    def load(path: Path, model: type[BaseModel], checks: Any = None) -> Any:
        shown = _shown(root, path)
        data, found = parse_yaml(path, shown)
        problems.extend(found)
        if data is None:
            return None
        lines = Lines(path)
        value, found = validate_model(model, data, shown, lines)
        problems.extend(found)
        if value is not None and checks is not None:
            found = [
                CatalogProblem(shown, lines.line(loc), field_name(loc), msg)
                for loc, msg in checks(value)
            ]
            problems.extend(found)
        return value

    def step(value: Any) -> Any:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)
        return value

    services: ServicesCatalog | None = step(
        load(root / SERVICES_FILE, ServicesCatalog, check_services)
    )
    agencies: AgenciesCatalog | None = step(
        load(
            root / AGENCIES_FILE,
            AgenciesCatalog,
            (lambda a: check_agencies(a, services)) if services else None,
        )
    )
    agency_ids = {a.id for a in agencies.agencies} if agencies else None
    vettings: dict[str, list[Vetting]] = {}
    for path in vetting_paths:
        vetting: Vetting | None = step(
            load(path, Vetting, lambda v, p=path: check_vetting_file(v, agency_ids, p, rules))
        )
        if vetting is not None:
            vettings.setdefault(vetting.agency, []).append(vetting)
    if problems or services is None or agencies is None:
        return None, problems
    for history in vettings.values():
        history.sort(key=lambda v: v.date)
    catalog = Catalog(
        root=root,
        info=agencies.catalog,
        languages=dict(services.languages),
        services={s.id: s for s in services.services},
        hotlines=list(services.hotlines),
        agencies={a.id: a for a in agencies.agencies},
        vettings=vettings,
    )
    return catalog, []


def load_catalog(root: Path, rules: VettingRules) -> Catalog:
    """The validated catalog, or a CatalogError listing every problem with file and line.

    Warm (no catalog file changed since the last load): read from the cache, agencies on
    demand. Cold: parse and check every file, then store the result. Problems always come
    from a fresh parse, so they name file and line; a catalog with problems is never cached.
    """
    from referral_cli.catalog import cache

    cached, key = cache.lookup(root, lambda: _checked(root, rules))
    if cached is not None:
        return cached
    key.hash_racy()  # before parsing, so an edit made during the parse is seen next time
    catalog = _checked(root, rules)
    # Judged as of the build; staleness is redone on reading.
    cache.store(catalog, key, rules.standings(catalog, key.built_day()))
    return catalog


def _checked(root: Path, rules: VettingRules) -> Catalog:
    """`check_catalog`, raising its problems."""
    catalog, problems = check_catalog(root, rules)
    if catalog is None:
        raise CatalogError(problems)
    return catalog
