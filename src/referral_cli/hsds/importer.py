"""`import-hsds`: read an HSDS package, map it, and merge it into a catalog folder.

Reading is in `read` (JSON) and `tabular` (CSV), one organization's conversion in `convert`,
the merge in `merge` and the writing of agencies.yaml in `write`.
"""

from __future__ import annotations

import gc
from pathlib import Path

from pydantic import ValidationError

from referral_cli.catalog.collector import collector_paused
from referral_cli.catalog.load import AGENCIES_FILE, SERVICES_FILE, Catalog, default_data_dir
from referral_cli.errors import ReferralError
from referral_cli.hsds.results import ImportResult


def import_hsds(
    source: Path,
    target: Path,
    *,
    mapping_path: Path | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    region: str = "Imported from HSDS (set the region)",
    show_progress: bool = False,
    allow_moves: bool = False,
) -> ImportResult:
    """Read HSDS, map it, and merge it into the catalog at target (created if missing).

    The garbage collector is paused throughout, as the catalog loader does: a large
    directory is millions of new objects, and each collection would only rescan them
    (a fifth of the CPU time of a 50,000-service import). A large import's result is frozen
    out of the collector's sight before it is switched back on (`gc.freeze`): otherwise the
    first collections after it (the review list, the summary's imports) walked every agency
    again, 0.8 s of a 50,000-service import. Small imports (the test suite, a session) are
    not frozen: a long-lived process gains nothing from it.
    """
    with collector_paused():
        result = _import_hsds(
            source,
            target,
            mapping_path=mapping_path,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            region=region,
            show_progress=show_progress,
            allow_moves=allow_moves,
        )
        if len(result.agencies) + len(result.unmapped_orgs) >= FREEZE_ABOVE:
            gc.freeze()
        return result


FREEZE_ABOVE = 2_000  # organizations: an import this large is frozen once done


def _import_hsds(
    source: Path,
    target: Path,
    *,
    mapping_path: Path | None,
    skip_invalid: bool,
    dry_run: bool,
    region: str,
    show_progress: bool,
    allow_moves: bool,
) -> ImportResult:
    from referral_cli.catalog.load import parse_yaml
    from referral_cli.catalog.models import ServicesCatalog
    from referral_cli.hsds.mapping import load_mapping
    from referral_cli.hsds.merge import plan
    from referral_cli.hsds.read import read_package
    from referral_cli.hsds.write import write_agencies
    from referral_cli.vetting.rules import load_catalog

    catalog: Catalog | None = None
    if (target / AGENCIES_FILE).exists():
        catalog = load_catalog(target)
        services, languages = catalog.services, catalog.languages
    else:
        services_file = target / SERVICES_FILE
        if not services_file.exists():
            services_file = default_data_dir() / SERVICES_FILE
        data, found = parse_yaml(services_file, str(services_file))
        if data is None:
            raise ReferralError(f"Cannot read the services taxonomy: {found[0]}")
        try:
            parsed = ServicesCatalog.model_validate(data)
        except ValidationError as exc:
            raise ReferralError(f"{services_file} is not valid: {exc.errors()[0]['msg']}") from None
        services = {s.id: s for s in parsed.services}
        languages = dict(parsed.languages)
    mapping = load_mapping(mapping_path, set(services), set(languages))
    package = read_package(source, show_progress=show_progress)
    if not package.organizations and not package.problems:
        raise ReferralError(
            f"{source}: no HSDS organizations found, so there is nothing to import"
            + "".join(f"\n  {note}" for note in package.notes[:5])
        )
    result = plan(package, catalog, mapping, services, languages, skip_invalid)
    del package  # the nested HSDS objects: free them before agencies.yaml is written
    result.source, result.target, result.dry_run = str(source), str(target), dry_run
    if result.problems and not skip_invalid:
        return result
    if result.id_conflicts and not allow_moves:
        raise ReferralError(
            "Nothing was imported: these matches could move a vetting to another "
            "organization:\n"
            + "\n".join(f"  {c}" for c in result.id_conflicts)
            + "\nAdd `source: {id: ...}` to the right agency in the file named, or pass "
            "--allow-moves to match them in file order."
        )
    if not dry_run and result.agencies:
        write_agencies(target, result, region)
    return result
