"""Merge mapped agencies into a catalog: new, updated or unchanged, keeping what people decided."""

from __future__ import annotations

from typing import Any

from referral_cli.catalog.contents import Catalog
from referral_cli.catalog.models import Agency, Service
from referral_cli.hsds.convert import Mapper
from referral_cli.hsds.identity import assign
from referral_cli.hsds.mapping import Mapping
from referral_cli.hsds.results import ImportedAgency, ImportResult, Unimported
from referral_cli.hsds.schema import WHERE, Package
from referral_cli.hsds.values import dicts, text


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path[:-1]:
        data = data.get(part) or {}
    return data.get(path[-1])


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def merge(existing: Agency, imported: ImportedAgency) -> Agency:
    """HSDS facts over the existing agency; the coordinator's values where HSDS was silent."""
    new = imported.agency.model_dump()
    old = existing.model_dump()
    for path in imported.assumed:
        _set(new, path, _get(old, path))
    old_services = {s["id"]: s for s in old["services"]}
    new["services"] = [old_services.get(s["id"], s) for s in new["services"]]
    return Agency.model_validate(new)


def read_summary(package: Package) -> str:
    """What was read, said plainly: "Read an HSDS 1.x tabular package: 14 organizations, ..."."""
    services = sum(len(dicts(org.get("services"))) for org in package.organizations)
    form = {"csv": "tabular package", "json": "JSON document"}.get(package.kind, package.kind)
    what = f"an {package.version} {form}"
    if package.version == "Open Referral UK":
        what = "Open Referral UK service pages"
    elif package.version == "Ohana API CSV":
        what = "an Ohana API CSV export (read as HSDS 1.0)"
    return f"Read {what}: {len(package.organizations)} organizations, {services} services"


def plan(
    package: Package,
    catalog: Catalog | None,
    mapping: Mapping,
    services: dict[str, Service],
    languages: dict[str, str],
    skip_invalid: bool,
) -> ImportResult:
    """Map every organization and decide, per agency, new / updated / unchanged."""
    result = ImportResult(source="", target="", mapping=mapping.source)
    result.warnings = list(package.warnings)
    result.notes = list(package.notes)
    result.read_as = read_summary(package)
    problems = list(package.problems)
    mapper = Mapper(mapping, services, languages)
    # each organization's rows are let go once it is converted, so the package and the
    # agencies are never both held whole (half the peak memory of a 50,000-service import)
    organizations, package.organizations = package.organizations, []
    for n, org in enumerate(organizations):
        organizations[n] = {}
        org_id = str(org.get("id"))
        if org_id in package.invalid or str(org.get(WHERE)) in package.invalid:
            result.skipped_invalid.append(text(org.get("name")) or str(org.get(WHERE)))
            continue
        converted = mapper.convert(org)
        if isinstance(converted, list):
            problems.extend(converted)
            result.skipped_invalid.append(text(org.get("name")) or str(org.get(WHERE)))
        elif isinstance(converted, Unimported):
            result.unmapped_orgs.append(converted)
        else:
            result.agencies.append(converted)
    result.problems = problems
    used = {code for item in result.agencies for code in item.agency.languages}
    result.new_languages = {c: n for c, n in mapper.added.items() if c in used}
    if problems and not skip_invalid:
        result.agencies = []
        return result
    result.id_conflicts = assign(result.agencies, catalog)
    existing = catalog.agencies if catalog is not None else {}
    for item in result.agencies:
        before = existing.get(item.agency.id)
        if before is None:
            item.action = "new"
            continue
        item.agency = merge(before, item)
        item.action = "unchanged" if item.agency == before else "updated"
        item.review = [r for r in item.review if r not in item.defaulted]
    return result
