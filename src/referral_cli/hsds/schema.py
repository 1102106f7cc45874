"""The parts of the HSDS 3.0 schema the import relies on, and the check of one object.

Each problem names its file and row (CSV) or JSON path, and the organizations it belongs to,
so that `--skip-invalid` can leave out whole organizations, never half of one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from referral_cli.hsds.mapping import HsdsProblem

Obj = dict[str, Any]
WHERE = "_where"  # where an object came from, for messages; never an HSDS property

# What the import reads of each HSDS object: required fields, types, enumerations.
REQUIRED: dict[str, tuple[str, ...]] = {
    # Only what an import cannot do without: a missing description, state or postal code is
    # not a reason to leave an organization out (the catalog keeps a city at most).
    "organization": ("id", "name"),
    "service": ("id", "name", "status"),
    "location": ("id", "location_type"),
    "address": ("id",),
    "phone": ("id", "number"),
    "contact": ("id",),
    "language": ("id",),
    "schedule": ("id",),
    "accessibility": ("id",),
    "required_document": ("id",),
    "service_at_location": ("id",),
    "attribute": ("id",),
    "taxonomy_term": ("id", "name"),
    "cost_option": ("id",),
}
NUMBERS: dict[str, tuple[str, ...]] = {
    "service": ("minimum_age", "maximum_age"),
    "phone": ("extension",),
    "cost_option": ("amount",),
}
STRINGS: dict[str, tuple[str, ...]] = {
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
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("service", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("location", "location_type"): ("physical", "postal", "virtual"),
    ("address", "address_type"): ("physical", "postal", "virtual"),
}
CHILD_LISTS: dict[str, dict[str, str]] = {
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
CHILD_OBJECTS: dict[str, dict[str, str]] = {
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
    version: str = "HSDS 3.0"  # what was read, as the summary says it

    def problem(self, where: str, message: str, org_ids: set[str] | None = None) -> None:
        """Record a problem and mark the organizations it belongs to as invalid."""
        self.problems.append(HsdsProblem(where, message))
        self.invalid |= org_ids or set()


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


# The enumerations of each kind, so a row is not compared with every other table's.
_ENUMS_OF: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    kind: [(name, allowed) for (table, name), allowed in ENUMS.items() if table == kind]
    for kind, _ in ENUMS
}


def check_object(
    kind: str, obj: Any, where: str, pkg: Package, orgs: set[str], *, cells: bool = False
) -> bool:
    """Check one HSDS object and its nested children; False if the object itself is unusable.

    `cells`: a flat CSV row, whose cells are text by construction and which has no children
    yet, so only required fields, numbers and enumerations can be wrong (500,000 rows).
    """
    if not isinstance(obj, dict):
        article = "an" if kind[0] in "aeiou" else "a"
        pkg.problem(where, f"must be {article} {kind} object, not {_type_name(obj)}", orgs)
        return False
    ok = True
    for name in REQUIRED[kind]:
        if obj.get(name) in (None, ""):
            pkg.problem(where, f"{kind}.{name} is required but missing", orgs)
            ok = False
    for name in () if cells else STRINGS.get(kind, ()):
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            pkg.problem(where, f"{kind}.{name} must be text, not {_type_name(value)}", orgs)
            ok = False
    for name in NUMBERS.get(kind, ()):
        value = obj.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            pkg.problem(where, f"{kind}.{name} must be a number, not {_type_name(value)}", orgs)
            ok = False
    for name, allowed in _ENUMS_OF.get(kind, ()):
        value = obj.get(name)
        if isinstance(value, str) and value and value not in allowed:
            pkg.problem(
                where, f"{kind}.{name} must be one of {', '.join(allowed)}, not '{value}'", orgs
            )
            ok = False
    if cells:
        return ok
    for key, child_kind in CHILD_LISTS.get(kind, {}).items():
        children = obj.get(key)
        if children is None:
            continue
        if not isinstance(children, list):
            pkg.problem(where, f"{kind}.{key} must be a list, not {_type_name(children)}", orgs)
            ok = False
            continue
        for i, child in enumerate(children):  # its path is passed, never stored in it
            ok = check_object(child_kind, child, f"{where}.{key}[{i}]", pkg, orgs) and ok
    for key, child_kind in CHILD_OBJECTS.get(kind, {}).items():
        child = obj.get(key)
        if child is not None and (kind, key) != ("service", "organization"):
            ok = check_object(child_kind, child, f"{where}.{key}", pkg, orgs) and ok
    return ok
