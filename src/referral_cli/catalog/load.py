"""Load and validate the YAML catalogs; every problem is reported with file, line and field.

The catalog is `services.yaml`, `agencies.yaml`, optionally one file per agency under
`agencies/` (the files layout, see `files`) and one file per vetting under `vettings/`.
Each file is parsed (`yamlfile`), validated and cross-checked (`validate`); a clean catalog is
cached (`cache`), so the next load reads it back without parsing.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from referral_cli.catalog.cache import Standings as Standings
from referral_cli.catalog.collector import collector_paused
from referral_cli.catalog.contents import Catalog as Catalog
from referral_cli.catalog.files import agency_files, check_agency_file, check_agency_files
from referral_cli.catalog.files import vetting_files as vetting_files
from referral_cli.catalog.models import (
    AgenciesCatalog,
    Agency,
    CatalogInfo,
    ServicesCatalog,
    Vetting,
)
from referral_cli.catalog.places import AGENCIES_FILE as AGENCIES_FILE
from referral_cli.catalog.places import SERVICES_FILE as SERVICES_FILE
from referral_cli.catalog.places import VETTINGS_DIR as VETTINGS_DIR
from referral_cli.catalog.places import default_data_dir as default_data_dir
from referral_cli.catalog.places import is_packaged as is_packaged
from referral_cli.catalog.places import resolve_data_dir as resolve_data_dir
from referral_cli.catalog.validate import (
    Loc,
    check_agencies,
    check_services,
    check_vetting_file,
    field_name,
    validate_model,
)
from referral_cli.catalog.validate import VettingRules as VettingRules
from referral_cli.catalog.yamlfile import Lines
from referral_cli.catalog.yamlfile import parse_yaml as parse_yaml
from referral_cli.errors import CatalogError, CatalogProblem

# --- entry points ------------------------------------------------------------


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
    agency_paths = agency_files(root)
    total = 2 + len(agency_paths) + len(vetting_paths)
    done = 0
    here = f"{Path.cwd()}{os.sep}"

    def shown_as(path: Path) -> str:
        text = str(path)
        return text[len(here) :] if text.startswith(here) else text

    def load(path: Path, model: type[BaseModel], checks: Any = None) -> Any:
        shown = shown_as(path)
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
    file_ids = {p.stem for p in agency_paths}

    def agencies_checks(a: AgenciesCatalog) -> Iterator[tuple[Loc, str]]:
        assert services is not None
        for loc, message in check_agencies(a, services):
            if loc != ("catalog", "task_force") or a.catalog.task_force not in file_ids:
                yield loc, message

    agencies: AgenciesCatalog | None = step(
        load(root / AGENCIES_FILE, AgenciesCatalog, agencies_checks if services else None)
    )
    if agencies is None and services is not None:
        problems.extend(_sound_entries_checked(root / AGENCIES_FILE, shown_as, services))
    listed = {a.id for a in agencies.agencies} if agencies else set()
    found: list[Agency] = []
    found_paths: list[Path] = []
    for path in agency_paths:
        one: Agency | None = step(
            load(path, Agency, lambda a, p=path: check_agency_file(a, p, listed))
        )
        if one is not None:
            found.append(one)
            found_paths.append(path)
    if services is not None and agencies is not None:
        for index, loc, message in check_agency_files(found, services, agencies.catalog):
            path = found_paths[index]
            line = Lines(path).line(loc)
            problems.append(CatalogProblem(shown_as(path), line, field_name(loc), message))
    # No follow-on errors: None when agencies.yaml could not be read, and an agency file that
    # could not be read still names its agency (its own error says what is wrong with it).
    agency_ids = (
        (listed | {a.id for a in found} | {p.stem for p in agency_paths}) if agencies else None
    )
    vettings: dict[str, list[Vetting]] = {}
    for path in vetting_paths:
        vetting: Vetting | None = step(
            load(path, Vetting, lambda v, p=path: check_vetting_file(v, agency_ids, p, rules))
        )
        if vetting is not None:
            vettings.setdefault(vetting.agency, []).append(vetting)
    if problems or services is None or agencies is None:
        return None, _by_line(problems)
    for history in vettings.values():
        history.sort(key=lambda v: v.date)
    catalog = Catalog(
        root=root,
        info=agencies.catalog,
        languages=dict(services.languages),
        services={s.id: s for s in services.services},
        hotlines=list(services.hotlines),
        agencies={a.id: a for a in [*agencies.agencies, *found]},
        vettings=vettings,
    )
    return catalog, []


def load_catalog(root: Path, rules: VettingRules) -> Catalog:
    """The validated catalog, or a CatalogError listing every problem with file and line.

    Warm (no catalog file changed since the last load): read from the cache, agencies on
    demand. After edits to agency or vetting files only: re-read just those (`update`).
    Cold: parse and check every file, then store the result. Problems always come
    from a fresh parse, so they name file and line; a catalog with problems is never cached.
    """
    from referral_cli.catalog import cache

    cached, key, stale = cache.lookup(root, lambda: _checked(root, rules))
    if cached is not None:
        return cached
    with collector_paused(freeze=len(key.files) >= FREEZE_FILES):
        if stale is not None:
            from referral_cli.catalog.update import update

            updated = update(root, key, stale, rules)
            if updated is not None:
                return updated
        key.hash_racy()  # before parsing, so an edit made during the parse is seen next time
        catalog = _checked(root, rules)
        # Judged as of the build; staleness is redone on reading.
        cache.store(catalog, key, rules.standings(catalog, key.built_day()), rules.factors())
    return catalog


FREEZE_FILES = 2_000  # catalogs this large are frozen out of the collector's sight once built


def _checked(root: Path, rules: VettingRules) -> Catalog:
    """`check_catalog`, raising its problems."""
    catalog, problems = check_catalog(root, rules)
    if catalog is None:
        raise CatalogError(problems)
    return catalog


def _by_line(problems: list[CatalogProblem]) -> list[CatalogProblem]:
    """Each file's problems in line order (its field errors came first, then the checks
    across files), the files in the order they were read: a coordinator fixes top down."""
    order: dict[str, int] = {}
    for problem in problems:
        order.setdefault(problem.file, len(order))
    return sorted(problems, key=lambda p: (order[p.file], p.line or 0))


def _sound_entries_checked(
    path: Path, shown_as: Callable[[Path], str], services: ServicesCatalog
) -> Iterator[CatalogProblem]:
    """When agencies.yaml as a whole does not validate, its sound entries still get the
    checks against services.yaml (unknown services, forms, languages, ages): one field error
    had hidden an unknown service in every other agency until it was fixed."""
    data, found = parse_yaml(path, shown_as(path))
    if found or not isinstance(data, dict) or not isinstance(data.get("agencies"), list):
        return
    try:
        info = CatalogInfo.model_validate(data.get("catalog"))
    except ValidationError:
        return  # its own error is reported; the checks need the catalog's facts
    sound: list[tuple[int, Agency]] = []
    for index, item in enumerate(data["agencies"]):
        with contextlib.suppress(ValidationError):
            sound.append((index, Agency.model_validate(item)))
    lines = Lines(path)
    checked = check_agency_files([a for _, a in sound], services, info)
    for k, loc, message in checked:
        where = ("agencies", sound[k][0], *loc)
        yield CatalogProblem(shown_as(path), lines.line(where), field_name(where), message)
