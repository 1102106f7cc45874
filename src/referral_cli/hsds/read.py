"""Read HSDS 3.0 (a JSON file, a folder of JSON files, or a tabular package) into organizations.

JSON documents may hold organizations, services, or `contents` pages of either; tabular
packages are read by `tabular` and joined by `assemble`. Every object is checked against the
parts of the schema the import relies on (`schema`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from referral_cli.catalog.inputs import InputError, read_input
from referral_cli.errors import ReferralError
from referral_cli.hsds.assemble import assemble
from referral_cli.hsds.progress import Progress
from referral_cli.hsds.schema import TABLE_FILES, WHERE, Obj, Package, check_object
from referral_cli.hsds.stream import NotAPage, Page
from referral_cli.hsds.tabular import MAX_HSDS_BYTES, read_tabular

# --- JSON form ------------------------------------------------------------------------------


def _objects(value: Any) -> list[Obj]:
    """The objects of a list that may be damaged (the damage was reported when checked)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


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
                have = {s.get("id") for s in _objects(known.get("services"))}
                extra = [s for s in _objects(value) if s.get("id") not in have]
                known["services"] = _objects(known.get("services")) + extra
            elif known.get(name) in (None, "", []):
                known[name] = value

    def add_service(self, service: Obj, where: str) -> None:
        service.setdefault(WHERE, where)
        nested = service.get("organization")
        org_id = service.get("organization_id")
        if isinstance(nested, dict):
            nested = {k: v for k, v in nested.items() if k != "services"}
            if not nested.get("id") and isinstance(nested.get("name"), str):
                nested["id"] = "name:" + nested["name"]  # Open Referral UK pages may omit it
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

    def _own_organization(self, service: Obj) -> Obj:
        """A service that names no organization becomes an agency of its own (kept, with a
        warning), as Open Referral UK service pages often have no organization_id."""
        key = f"service:{service.get('id')}"
        self.pkg.warnings.append(
            f"{service[WHERE]}: service '{service.get('name')}' names no organization; "
            "imported as an agency of its own name"
        )
        fields = ("name", "description", "email", "url", "phones", "contacts")
        org = {k: service[k] for k in fields if k in service}
        org.update({"id": key, WHERE: service[WHERE]})
        if "url" in org:
            org["website"] = org.pop("url")
        self.orgs[key] = org
        return org

    def finish(self) -> None:
        for service, org_id in self.loose_services:
            org = self.orgs.get(org_id) if org_id else None
            if org is None and not org_id and isinstance(service.get("name"), str):
                org = self._own_organization(service)
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


def load_json(path: Path) -> Any:
    """One JSON document (or JSON lines, one object a line); a file that cannot be read is an
    error whatever --skip-invalid says, since skipping it would hide every record in it."""
    return _parse(path.name, _text(path))


def _text(path: Path) -> str:
    """The file's text (UTF-8, a byte order mark dropped), or the error that stops the import."""
    name = path.name
    try:  # a regular file, capped: never a link to /dev/zero or a FIFO
        raw = read_input(path, MAX_HSDS_BYTES, "an HSDS file")
    except InputError as exc:
        raise ReferralError(f"{name}: {exc.strerror}") from None
    except OSError as exc:
        raise ReferralError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReferralError(
            f"{name}:{line}: not UTF-8 text; save the file as UTF-8 and import again"
        ) from None


def _parse(name: str, text: str) -> Any:
    """The whole document (the file's bytes are not held while its text is parsed)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            lines = _json_lines(text)
            if lines is not None:
                return lines
        raise ReferralError(f"{name}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except ValueError:  # a number of more than 4,300 digits: Python refuses to convert it
        raise ReferralError(f"{name}: holds a number far too long to be real data") from None
    except RecursionError:
        raise ReferralError(f"{name}: nested too deeply to be HSDS") from None


def _json_lines(text: str) -> list[Any] | None:
    """JSON lines (one object a line), or None when the text is not that either."""
    try:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except (ValueError, RecursionError):  # not JSON, or a number of 4,300+ digits
        return None


OHANA = (
    "This looks like an Ohana API export (Code for America's Ohana API, the format HSDS grew "
    "out of), not HSDS, so it is not imported. Export it as CSV from Ohana (that CSV is close "
    "to HSDS 1.0 and imports as a folder), or convert it to HSDS with Open Referral's tools, "
    "then run import-hsds on the result."
)


def _is_ohana(item: Any) -> bool:
    """Ohana API locations: an organization inside, and Ohana's own fields."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("organization"), dict)
        and any(k in item for k in ("slug", "short_desc", "admin_emails", "coordinates"))
    )


def _read_json_file(path: Path, collector: _JsonCollector, tables: dict[str, list[Obj]]) -> None:
    name = path.name
    text = _text(path)
    if not collector.orgs and not collector.loose_services and _read_page(text, name, collector):
        return
    data = _parse(name, text)
    del text
    if isinstance(data, list) and any(_is_ohana(item) for item in data[:5]):
        raise ReferralError(OHANA)
    if isinstance(data, dict) and isinstance(data.get("content"), list):
        collector.pkg.version = "Open Referral UK"  # paged services: {"content": [...]}
        for i, item in enumerate(data["content"]):
            collector.add(item, f"{name}: content[{i}]")
    elif isinstance(data, dict) and isinstance(data.get("contents"), list):
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


def _read_page(text: str, name: str, collector: _JsonCollector) -> bool:
    """Read a `{"contents": [...]}` page item by item (`stream`), each organization compacted
    once checked; False, with nothing recorded, when it must be read whole instead. Only for
    the first document read, so that going back means only forgetting what it added."""
    pkg = collector.pkg
    before = (len(pkg.problems), len(pkg.warnings), len(pkg.notes), set(pkg.invalid))

    def add(item: Any, where: str) -> str:
        kind = _classify(item)
        collector.add(item, where)
        return kind if kind == "organization" else ""

    try:
        key = Page(text, add, name).read()
    except NotAPage:
        collector.orgs.clear()
        collector.loose_services.clear()
        del pkg.problems[before[0] :], pkg.warnings[before[1] :], pkg.notes[before[2] :]
        pkg.invalid = before[3]
        return False
    if key == "content":
        pkg.version = "Open Referral UK"  # paged services: {"content": [...]}
    return True


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

        assemble(lambda t: rows(t), pkg, convert=False)


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
            read_tabular(tabular_root, pkg, progress)
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
                have = {s.get("id") for s in _objects(known.get("services"))}
                extra = [s for s in _objects(value) if s.get("id") not in have]
                known["services"] = _objects(known.get("services")) + extra
            elif known.get(name) in (None, "", []):
                known[name] = value
    pkg.organizations = merged
