"""Read an HSDS 3.0 package (JSON or tabular CSV) into nested organization objects.

Every object is checked against the parts of the HSDS 3.0 schema the import relies on
(required fields, types, enumerations) and every link between tables that decides where a
row belongs. Each problem names its file and row (CSV) or JSON path, and the organization
it belongs to, so that `--skip-invalid` can leave out whole organizations, never half of one.

The official examples break some of their own links (a contact whose organization_id points
nowhere but whose service_id is fine). A row with at least one good link is attached there
and the broken link is a warning; a row that belongs nowhere is an error.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from referral_cli.errors import ReferralError
from referral_cli.hsds.mapping import EXTENSION, HsdsProblem

Obj = dict[str, Any]
WHERE = "_where"  # where an object came from, for messages; never an HSDS property

# What the import reads of each HSDS object: required fields, types, enumerations.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "description"),
    "service": ("id", "name", "status"),
    "location": ("id", "location_type"),
    "address": (
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "phone": ("id", "number"),
    "contact": ("id",),
    "language": ("id",),
    "schedule": ("id",),
    "accessibility": ("id",),
    "required_document": ("id",),
    "service_at_location": ("id",),
    "attribute": ("id",),
    "taxonomy_term": ("id", "name", "description"),
    "cost_option": ("id",),
}
_NUMBERS: dict[str, tuple[str, ...]] = {
    "service": ("minimum_age", "maximum_age"),
    "phone": ("extension",),
    "cost_option": ("amount",),
}
_STRINGS: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "alternate_name", "description", "email", "website"),
    "service": (
        "id",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "fees_description",
        "fees",
        "assured_date",
        "assurer_email",
    ),
    "location": ("id", "organization_id", "location_type", "name", "transportation"),
    "address": ("id", "location_id", "city", "region", "state_province", "address_type"),
    "phone": ("id", "number"),
    "contact": ("id", "name", "title", "department", "email"),
    "language": ("id", "name", "code"),
    "schedule": ("id", "description", "notes", "byday", "opens_at", "closes_at"),
    "accessibility": ("id", "description", "details"),
    "required_document": ("id", "document"),
    "service_at_location": ("id", "service_id", "location_id"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_entity", "value"),
    "taxonomy_term": ("id", "code", "name", "taxonomy", "taxonomy_id"),
    "cost_option": ("id",),
}
_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("service", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("location", "location_type"): ("physical", "postal", "virtual"),
    ("address", "address_type"): ("physical", "postal", "virtual"),
}
_CHILD_LISTS: dict[str, dict[str, str]] = {
    "organization": {
        "services": "service",
        "phones": "phone",
        "contacts": "contact",
        "locations": "location",
        "attributes": "attribute",
    },
    "service": {
        "phones": "phone",
        "schedules": "schedule",
        "languages": "language",
        "contacts": "contact",
        "required_documents": "required_document",
        "attributes": "attribute",
        "service_at_locations": "service_at_location",
        "cost_options": "cost_option",
    },
    "location": {
        "addresses": "address",
        "phones": "phone",
        "languages": "language",
        "accessibility": "accessibility",
        "schedules": "schedule",
        "contacts": "contact",
    },
    "contact": {"phones": "phone"},
    "phone": {"languages": "language"},
    "service_at_location": {"phones": "phone", "schedules": "schedule", "contacts": "contact"},
}
_CHILD_OBJECTS: dict[str, dict[str, str]] = {
    "service": {"organization": "organization"},
    "service_at_location": {"location": "location"},
    "attribute": {"taxonomy_term": "taxonomy_term"},
}
# CSV file of each table in a package without datapackage.json (and the HSDS defaults).
TABLE_FILES: dict[str, str] = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "phone": "phones.csv",
    "contact": "contacts.csv",
    "language": "languages.csv",
    "schedule": "schedules.csv",
    "accessibility": "accessibility.csv",
    "required_document": "required_documents.csv",
    "service_at_location": "service_at_location.csv",
    "attribute": "attributes.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "cost_option": "cost_options.csv",
}


@dataclass
class Package:
    """What was read: organizations (services nested), and every problem, warning and note."""

    organizations: list[Obj] = field(default_factory=list)
    problems: list[HsdsProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)  # ids of organizations with a problem
    kind: str = "json"

    def problem(self, where: str, message: str, org_ids: set[str] | None = None) -> None:
        """Record a problem and mark the organizations it belongs to as invalid."""
        self.problems.append(HsdsProblem(where, message))
        self.invalid |= org_ids or set()


# --- progress --------------------------------------------------------------------------


class Progress:
    """A progress bar on stderr, shown only on a terminal and only once a read takes a while."""

    DELAY = 0.5

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = max(total, 1)
        self.enabled = enabled and sys.stderr.isatty()
        self.done = 0
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def advance(self, amount: int) -> None:
        """Count work done; start the bar after DELAY seconds."""
        self.done += amount
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self.started < self.DELAY:
                return
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

            from referral_cli.console import make_console

            self._bar = Progress(
                TextColumn("Reading HSDS"),
                BarColumn(),
                TaskProgressColumn(),
                console=make_console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("read", total=self.total)
        self._bar.update(self._task, completed=min(self.done, self.total))

    def close(self) -> None:
        """Remove the bar (it is transient)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class _Counting(io.RawIOBase):
    """A binary reader that reports how many bytes were read, for the progress bar."""

    def __init__(self, raw: IO[bytes], tick: Callable[[int], None]) -> None:
        self.raw = raw
        self.tick = tick

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.tick(len(data))
        return len(data)


# --- checking one object ------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def check_object(kind: str, obj: Any, where: str, pkg: Package, orgs: set[str]) -> bool:
    """Check one HSDS object and its nested children; False if the object itself is unusable."""
    if not isinstance(obj, dict):
        pkg.problem(where, f"must be an {kind} object, not {_type_name(obj)}", orgs)
        return False
    ok = True
    for name in _REQUIRED[kind]:
        if obj.get(name) in (None, ""):
            pkg.problem(where, f"{kind}.{name} is required but missing", orgs)
            ok = False
    for name in _STRINGS.get(kind, ()):
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            pkg.problem(where, f"{kind}.{name} must be text, not {_type_name(value)}", orgs)
            ok = False
    for name in _NUMBERS.get(kind, ()):
        value = obj.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            pkg.problem(where, f"{kind}.{name} must be a number, not {_type_name(value)}", orgs)
            ok = False
    for (table, name), allowed in _ENUMS.items():
        value = obj.get(name)
        if table == kind and isinstance(value, str) and value and value not in allowed:
            pkg.problem(
                where, f"{kind}.{name} must be one of {', '.join(allowed)}, not '{value}'", orgs
            )
            ok = False
    for key, child_kind in _CHILD_LISTS.get(kind, {}).items():
        children = obj.get(key)
        if children is None:
            continue
        if not isinstance(children, list):
            pkg.problem(where, f"{kind}.{key} must be a list, not {_type_name(children)}", orgs)
            ok = False
            continue
        for i, child in enumerate(children):
            if isinstance(child, dict):
                child.setdefault(WHERE, f"{where}.{key}[{i}]")
            ok = check_object(child_kind, child, f"{where}.{key}[{i}]", pkg, orgs) and ok
    for key, child_kind in _CHILD_OBJECTS.get(kind, {}).items():
        child = obj.get(key)
        if child is not None and (kind, key) != ("service", "organization"):
            ok = check_object(child_kind, child, f"{where}.{key}", pkg, orgs) and ok
    return ok


# --- JSON form ------------------------------------------------------------------------------


def _classify(obj: Any) -> str:
    if not isinstance(obj, dict):
        return "unknown"
    if "status" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if "service_id" in obj or "location_id" in obj or ("service" in obj and "location" in obj):
        return "service_at_location"
    if any(k in obj for k in ("version", "code", "parent_id", "taxonomy", "term_uri")):
        return "taxonomy"
    if any(k in obj for k in ("id", "name", "description", "services", "phones")):
        return "organization"
    return "unknown"


class _JsonCollector:
    """Gathers organizations and free-standing services from many JSON documents."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.orgs: dict[str, Obj] = {}
        self.loose_services: list[tuple[Obj, str]] = []

    def add_org(self, org: Obj, where: str) -> None:
        org_id = org.get("id") if isinstance(org.get("id"), str) else None
        org.setdefault(WHERE, where)
        valid = check_object("organization", org, where, self.pkg, {org_id or where})
        if not valid and org_id is None:
            self.orgs[where] = org
            return
        key = org_id or where
        known = self.orgs.get(key)
        if known is None:
            self.orgs[key] = org
            return
        for name, value in org.items():  # the same organization seen again: fill the gaps
            if name == "services":
                have = {s.get("id") for s in known.get("services") or [] if isinstance(s, dict)}
                extra = [s for s in value or [] if isinstance(s, dict) and s.get("id") not in have]
                known["services"] = list(known.get("services") or []) + extra
            elif known.get(name) in (None, "", []):
                known[name] = value

    def add_service(self, service: Obj, where: str) -> None:
        service.setdefault(WHERE, where)
        nested = service.get("organization")
        org_id = service.get("organization_id")
        if isinstance(nested, dict):
            nested = {k: v for k, v in nested.items() if k != "services"}
            self.add_org(nested, f"{where}.organization")
            org_id = nested.get("id")
        owner = {org_id} if isinstance(org_id, str) else {where}
        check_object("service", service, where, self.pkg, owner)
        self.loose_services.append((service, org_id if isinstance(org_id, str) else ""))

    def add(self, obj: Any, where: str) -> None:
        kind = _classify(obj)
        if kind == "organization":
            self.add_org(obj, where)
        elif kind == "service":
            self.add_service(obj, where)
        else:
            what = {"unknown": "not an HSDS object"}.get(kind, f"a {kind.replace('_', ' ')}")
            self.pkg.notes.append(f"{where}: skipped ({what}; only organizations and services)")

    def finish(self) -> None:
        for service, org_id in self.loose_services:
            org = self.orgs.get(org_id) if org_id else None
            if org is None:
                how = f"organization_id '{org_id}'" if org_id else "no organization_id"
                self.pkg.problem(
                    service[WHERE],
                    f"service '{service.get('name')}' has {how}, which matches no organization "
                    "in the input",
                    {org_id or service[WHERE]},
                )
                continue
            services = org.setdefault("services", [])
            if not any(isinstance(s, dict) and s.get("id") == service.get("id") for s in services):
                services.append(service)
        self.pkg.organizations.extend(self.orgs.values())


def _read_json_file(path: Path, collector: _JsonCollector, tables: dict[str, list[Obj]]) -> None:
    pkg = collector.pkg
    name = path.name
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        pkg.problem(name, f"cannot be read ({exc})", {name})
        return
    except json.JSONDecodeError as exc:
        pkg.problem(f"{name}:{exc.lineno}", f"not valid JSON ({exc.msg})", {name})
        return
    except RecursionError:
        pkg.problem(name, "nested too deeply", {name})
        return
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        for i, item in enumerate(data["contents"]):
            collector.add(item, f"{name}: contents[{i}]")
    elif isinstance(data, dict) and data and all(str(k).endswith(".csv") for k in data):
        for file_name, rows in data.items():
            tables.setdefault(str(file_name), []).extend(rows if isinstance(rows, list) else [])
    elif isinstance(data, list):
        for i, item in enumerate(data):
            collector.add(item, f"{name}: [{i}]")
    else:
        collector.add(data, name)


def _read_json(paths: list[Path], pkg: Package, progress: Progress) -> None:
    collector = _JsonCollector(pkg)
    tabular_json: dict[str, list[Obj]] = {}
    for path in paths:
        _read_json_file(path, collector, tabular_json)
        progress.advance(path.stat().st_size)
    collector.finish()
    if tabular_json:
        by_file = {file_name: table for table, file_name in TABLE_FILES.items()}

        def rows(table: str) -> Iterator[tuple[str, Obj]]:
            for file_name, items in tabular_json.items():
                if by_file.get(file_name) == table:
                    for i, row in enumerate(items):
                        yield f"{file_name}[{i}]", row

        _assemble(lambda t: rows(t), pkg, convert=False)


# --- tabular form ----------------------------------------------------------------------------


def _csv_rows(path: Path, tick: Callable[[int], None]) -> Iterator[tuple[str, Obj]]:
    """Stream the rows of one CSV file as (where, row); row numbers count the header as 1."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(
            io.BufferedReader(_Counting(raw, tick)), encoding="utf-8-sig", newline=""
        )
        try:
            reader = csv.DictReader(text)
            for number, row in enumerate(reader, start=2):
                yield (
                    f"{path.name} row {number}",
                    {k: v for k, v in row.items() if k is not None and v not in (None, "")},
                )
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ReferralError(f"{path.name}: not a readable CSV file ({exc})") from None


def _convert(kind: str, row: Obj, where: str, pkg: Package) -> Obj:
    """CSV cells are text: turn numbers and the JSON extension column into values."""
    extension = row.get(EXTENSION)
    if isinstance(extension, str):
        try:
            row[EXTENSION] = json.loads(extension)
        except ValueError:
            pkg.problem(where, f"{kind}.{EXTENSION} must be a JSON object")
            row[EXTENSION] = None
    for name in _NUMBERS.get(kind, ()):
        value = row.get(name)
        if isinstance(value, str):
            try:
                number = float(value)
                row[name] = int(number) if number.is_integer() else number
            except ValueError:
                pkg.problem(where, f"{kind}.{name} must be a number, not '{value}'")
                row[name] = None
    return row


def _table_paths(root: Path, pkg: Package) -> dict[str, Path]:
    package_file = root / "datapackage.json"
    files = dict(TABLE_FILES)
    if package_file.is_file():
        try:
            described = json.loads(package_file.read_bytes())
            resources = described.get("resources") if isinstance(described, dict) else None
        except (OSError, ValueError):
            resources = None
        if not isinstance(resources, list):
            raise ReferralError(
                "datapackage.json: not a valid data package (needs a list of resources)"
            )
        for resource in resources:
            if isinstance(resource, dict) and resource.get("name") in files:
                files[str(resource["name"])] = str(resource.get("path") or files[resource["name"]])
    found = {table: root / name for table, name in files.items() if (root / name).is_file()}
    if "organization" not in found:
        raise ReferralError(f"{root}: no organizations.csv; is this an HSDS tabular package?")
    if "service" not in found:
        pkg.notes.append("no services.csv: organizations have no services to map")
    return found


def _read_tabular(root: Path, pkg: Package, progress: Progress) -> None:
    paths = _table_paths(root, pkg)

    def rows(table: str) -> Iterator[tuple[str, Obj]]:
        path = paths.get(table)
        if path is not None:
            yield from _csv_rows(path, progress.advance)

    _assemble(rows, pkg, convert=True)


# --- joining tables into organizations ----------------------------------------------------------


def _assemble(
    rows: Callable[[str], Iterator[tuple[str, Obj]]], pkg: Package, *, convert: bool
) -> None:
    """Join table rows into nested organizations, checking every link that places a row."""
    owners: dict[tuple[str, str], set[str]] = {}
    index: dict[str, dict[str, Obj]] = {}

    def load(kind: str) -> list[Obj]:
        out = []
        for where, row in rows(kind):
            row = _convert(kind, dict(row), where, pkg) if convert else dict(row)
            row[WHERE] = where
            row["_ok"] = check_object(kind, row, where, pkg, set())
            out.append(row)
        index[kind] = {r["id"]: r for r in out if isinstance(r.get("id"), str)}
        return out

    def place(
        kind: str, row: Obj, links: list[tuple[str, str]], *, strict: bool = True
    ) -> list[tuple[str, Obj]]:
        """The parents a row links to; report broken links; record the row's organizations."""
        parents: list[tuple[str, Obj]] = []
        broken: list[str] = []
        for link, parent_kind in links:
            value = row.get(link)
            if not isinstance(value, str) or not value:
                continue
            parent = index.get(parent_kind, {}).get(value)
            if parent is None:
                broken.append(f"{link} '{value}'")
            else:
                parents.append((parent_kind, parent))
        orgs: set[str] = set()
        for parent_kind, parent in parents:
            orgs |= owners.get((parent_kind, parent["id"]), set())
        owners[(kind, str(row.get("id")))] = orgs
        if broken and not parents and strict:
            pkg.problem(row[WHERE], f"{kind} links to nothing in the package: {', '.join(broken)}")
        elif broken:
            pkg.warnings.append(f"{row[WHERE]}: ignored broken link {', '.join(broken)}")
        if not row["_ok"]:
            pkg.invalid |= orgs
            return []
        return parents

    organizations = load("organization")
    for org in organizations:
        owners[("organization", str(org.get("id")))] = {str(org.get("id"))}
        if not org["_ok"]:
            pkg.invalid.add(str(org.get("id")))
    for service in load("service"):
        org_id = service.get("organization_id")
        if not org_id:
            pkg.problem(service[WHERE], "service.organization_id is required but missing")
        parents = place("service", service, [("organization_id", "organization")])
        for _, org in parents:
            org.setdefault("services", []).append(service)
    sals = load("service_at_location")
    locations = load("location")
    for sal in sals:
        for link in ("service_id", "location_id"):
            if not sal.get(link):
                pkg.problem(sal[WHERE], f"service_at_location.{link} is required but missing")
        parents = place("service_at_location", sal, [("service_id", "service")])
        location = index["location"].get(str(sal.get("location_id")))
        if sal.get("location_id") and location is None:
            pkg.problem(
                sal[WHERE],
                f"service_at_location.location_id '{sal['location_id']}' matches no location",
                owners[("service_at_location", str(sal.get("id")))],
            )
        for _, service in parents:
            if location is not None:
                sal["location"] = location
                service.setdefault("service_at_locations", []).append(sal)
                key = ("location", str(location.get("id")))
                owners[key] = owners.get(key, set()) | owners[("service", str(service["id"]))]
    for location in locations:
        reached = owners.get(("location", str(location.get("id"))), set())
        parents = place(
            "location", location, [("organization_id", "organization")], strict=not reached
        )
        owners[("location", str(location.get("id")))] |= reached
        if not location["_ok"]:
            pkg.invalid |= reached
        for _, org in parents:
            org.setdefault("locations", []).append(location)
    children = [
        ("address", "addresses", [("location_id", "location")]),
        ("accessibility", "accessibility", [("location_id", "location")]),
        (
            "contact",
            "contacts",
            [
                ("organization_id", "organization"),
                ("service_id", "service"),
                ("service_at_location_id", "service_at_location"),
                ("location_id", "location"),
            ],
        ),
        (
            "phone",
            "phones",
            [
                ("organization_id", "organization"),
                ("service_id", "service"),
                ("location_id", "location"),
                ("contact_id", "contact"),
                ("service_at_location_id", "service_at_location"),
            ],
        ),
        (
            "language",
            "languages",
            [("service_id", "service"), ("location_id", "location"), ("phone_id", "phone")],
        ),
        (
            "schedule",
            "schedules",
            [
                ("service_id", "service"),
                ("location_id", "location"),
                ("service_at_location_id", "service_at_location"),
            ],
        ),
        ("required_document", "required_documents", [("service_id", "service")]),
        ("cost_option", "cost_options", [("service_id", "service")]),
    ]
    for kind, list_key, links in children:
        for row in load(kind):
            for _, parent in place(kind, row, links):
                parent.setdefault(list_key, []).append(row)
    terms = {t["id"]: t for t in load("taxonomy_term") if t.get("_ok") and t.get("id")}
    index["any"] = {**index.get("service", {}), **index.get("organization", {})}
    for attribute in load("attribute"):
        term = terms.get(str(attribute.get("taxonomy_term_id")))
        if term is not None:
            attribute["taxonomy_term"] = term
        for _, parent in place("attribute", attribute, [("link_id", "any")], strict=False):
            parent.setdefault("attributes", []).append(attribute)
    pkg.organizations.extend(organizations)


# --- entry point -------------------------------------------------------------------------------


def read_package(path: Path, show_progress: bool = False) -> Package:
    """Read HSDS from a JSON file, a folder of JSON files, or a tabular package."""
    pkg = Package()
    if not path.exists():
        raise ReferralError(f"{path}: no such file or folder")
    tabular_root: Path | None = None
    if path.is_dir() and (
        (path / "datapackage.json").is_file() or (path / "organizations.csv").is_file()
    ):
        tabular_root = path
    elif path.is_file() and path.name == "datapackage.json":
        tabular_root = path.parent
    if tabular_root is not None:
        pkg.kind = "csv"
        csvs = list(tabular_root.glob("*.csv"))
        progress = Progress(sum(p.stat().st_size for p in csvs), show_progress)
        try:
            _read_tabular(tabular_root, pkg, progress)
        finally:
            progress.close()
        return pkg
    files = (
        sorted(p for p in path.glob("*.json") if p.name != "datapackage.json")
        if path.is_dir()
        else [path]
    )
    if not files:
        raise ReferralError(f"{path}: no .json files and no datapackage.json found")
    progress = Progress(sum(p.stat().st_size for p in files), show_progress)
    try:
        _read_json(files, pkg, progress)
    finally:
        progress.close()
    _merge_duplicates(pkg)
    return pkg


def _merge_duplicates(pkg: Package) -> None:
    """One organization per HSDS id, even when several files or forms carry it."""
    by_id: dict[str, Obj] = {}
    merged: list[Obj] = []
    for org in pkg.organizations:
        key = org.get("id")
        known = by_id.get(key) if isinstance(key, str) else None
        if known is None:
            if isinstance(key, str):
                by_id[key] = org
            merged.append(org)
            continue
        for name, value in org.items():
            if name == "services":
                have = {s.get("id") for s in known.get("services") or [] if isinstance(s, dict)}
                extra = [s for s in value or [] if isinstance(s, dict) and s.get("id") not in have]
                known["services"] = list(known.get("services") or []) + extra
            elif known.get(name) in (None, "", []):
                known[name] = value
    pkg.organizations = merged
