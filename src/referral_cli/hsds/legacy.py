"""HSDS 1.x and 2.x tabular packages (and Ohana API CSV), read as HSDS 3.0 rows.

Most published Open Referral directories are still 1.x or 2.x: physical_addresses.csv
instead of addresses.csv, regular_schedules.csv with a weekday number, services_taxonomy.csv
and taxonomy.csv, no location_type. Each older table is translated row by row into the 3.0
table the join expects, so the rest of the import is the same for every version. The
version is told from the tables present and said in the summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from referral_cli.hsds.schema import Obj

Rows = Iterator[tuple[str, Obj]]
Reader = Callable[[Path], Rows]

LEGACY_MARKERS = (
    "physical_addresses.csv",
    "regular_schedules.csv",
    "services_at_location.csv",
    "services_taxonomy.csv",
    "service_taxonomy.csv",
    "mail_addresses.csv",
)
# 2.0 renamed or added these (2.0.0 and 2.0.1 are the only 2.x releases).
V2_MARKERS = (
    "service_attributes.csv",
    "other_attributes.csv",
    "taxonomy_terms.csv",
    "schedules.csv",
)
# ISO 8601 numbering (1 = Monday); 0 is read as Sunday, as cron writes it.
WEEKDAYS = {"0": "SU", "1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU"}


def version(root: Path) -> str | None:
    """'1.x', '2.0' or 'Ohana API CSV' for an older package, None for HSDS 3."""
    names = {p.name for p in root.glob("*.csv")}
    if "mail_addresses.csv" in names:
        return "Ohana API CSV"
    legacy = any(m in names for m in LEGACY_MARKERS)
    if not legacy and "locations.csv" in names:
        header = (root / "locations.csv").open("rb").readline().decode("utf-8", "replace")
        legacy = "location_type" not in header
    if not legacy:
        return None
    return "2.0" if any(m in names for m in V2_MARKERS) else "1.x"


def _first(root: Path, *names: str) -> Path | None:
    return next((root / n for n in names if (root / n).is_file()), None)


def _each(root: Path, read: Reader, *names: str) -> Rows:
    path = _first(root, *names)
    if path is not None:
        yield from read(path)


def _organizations(root: Path, read: Reader) -> Rows:
    for where, row in _each(root, read, "organizations.csv"):
        if "url" in row and "website" not in row:
            row["website"] = row.pop("url")
        yield where, row


def _services(root: Path, read: Reader) -> Rows:
    for where, row in _each(root, read, "services.csv"):
        row.setdefault("status", "active")  # 1.0 exports often leave it out
        yield where, row


def _locations(root: Path, read: Reader) -> Rows:
    for where, row in _each(root, read, "locations.csv"):
        row.setdefault("location_type", "physical")
        yield where, row


def _addresses(root: Path, read: Reader) -> Rows:
    for kind, names in (
        ("physical", ("physical_addresses.csv", "addresses.csv")),
        ("postal", ("postal_addresses.csv", "mail_addresses.csv")),
    ):
        for where, row in _each(root, read, *names):
            row.setdefault("address_type", kind)
            yield where, row


def _schedules(root: Path, read: Reader) -> Rows:
    """1.x regular_schedules.csv (a weekday number per row), or 2.0 schedules.csv (RRULE
    `byday`, as 3.0 has it)."""
    for where, row in _each(root, read, "regular_schedules.csv", "schedules.csv"):
        if "weekday" in row:
            day = str(row.pop("weekday") or "").strip()
            row["byday"] = WEEKDAYS.get(day, day)
        yield where, row


def _languages(root: Path, read: Reader) -> Rows:
    """languages.csv rows, and the comma-separated `language` column of phones.csv."""
    yield from _each(root, read, "languages.csv")
    for where, row in _each(root, read, "phones.csv"):
        for n, code in enumerate(str(row.get("language") or "").split(",")):
            if code.strip() and row.get("id"):
                yield (
                    where,
                    {"id": f"{row['id']}#language{n}", "phone_id": row["id"], "code": code.strip()},
                )


def _accessibility(root: Path, read: Reader) -> Rows:
    for where, row in _each(root, read, "accessibility_for_disabilities.csv"):
        row["description"] = row.pop("accessibility", "")
        yield where, row


def _terms(root: Path, read: Reader) -> Rows:
    """1.x taxonomy.csv (`name`, `vocabulary`) or 2.0 taxonomy_terms.csv (`term`)."""
    for where, row in _each(root, read, "taxonomy_terms.csv", "taxonomy.csv"):
        if "vocabulary" in row:
            row.setdefault("taxonomy", row.pop("vocabulary"))
        if "term" in row and not row.get("name"):
            row["name"] = row.pop("term")
        yield where, row


def _attributes(root: Path, read: Reader) -> Rows:
    """Service taxonomy links: 1.x services_taxonomy.csv (`taxonomy_id`), 2.0
    service_attributes.csv (`taxonomy_term_id`), both by `service_id`; and 2.0
    other_attributes.csv, which already links by `link_id`."""
    for where, row in _each(
        root, read, "services_taxonomy.csv", "service_taxonomy.csv", "service_attributes.csv"
    ):
        row["link_id"] = row.pop("service_id", "") or row.get("link_id", "")
        if "taxonomy_id" in row:
            row["taxonomy_term_id"] = row.pop("taxonomy_id")
        row["link_entity"] = "service"
        yield where, row
    for where, row in _each(root, read, "other_attributes.csv"):
        row.setdefault("link_entity", row.get("link_type", ""))
        yield where, row


def _plain(*names: str) -> Callable[[Path, Reader], Rows]:
    def rows(root: Path, read: Reader) -> Rows:
        yield from _each(root, read, *names)

    return rows


TABLES: dict[str, Callable[[Path, Reader], Rows]] = {
    "organization": _organizations,
    "service": _services,
    "location": _locations,
    "address": _addresses,
    "phone": _plain("phones.csv"),
    "contact": _plain("contacts.csv"),
    "language": _languages,
    "schedule": _schedules,
    "accessibility": _accessibility,
    "required_document": _plain("required_documents.csv"),
    "service_at_location": _plain("services_at_location.csv", "service_at_location.csv"),
    "attribute": _attributes,
    "taxonomy_term": _terms,
}


def legacy_rows(root: Path, read: Reader) -> Callable[[str], Rows]:
    """Rows of each HSDS 3.0 table, translated from the older package at root."""

    def rows(table: str) -> Rows:
        translate = TABLES.get(table)
        if translate is not None:
            yield from translate(root, read)

    return rows
