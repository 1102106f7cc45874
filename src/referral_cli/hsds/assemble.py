"""Join HSDS table rows (CSV, or tabular JSON) into nested organization objects.

Every link that decides where a row belongs is checked. The official examples break some of
their own links (a contact whose organization_id points nowhere but whose service_id is
fine): a row with at least one good link is attached there and the broken link is a warning;
a row that belongs nowhere is an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from referral_cli.hsds.mapping import EXTENSION
from referral_cli.hsds.schema import NUMBERS, WHERE, Obj, Package, check_object

Rows = Callable[[str], Iterator[tuple[str, Obj]]]
Links = list[tuple[str, str]]

# Rows that hang under a parent: (kind, the parent's list, the links that may place them).
CHILDREN: list[tuple[str, str, Links]] = [
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


def convert_cells(kind: str, row: Obj, where: str, pkg: Package) -> Obj:
    """CSV cells are text: turn numbers and the JSON extension column into values."""
    extension = row.get(EXTENSION)
    if isinstance(extension, str):
        try:
            row[EXTENSION] = json.loads(extension)
        except ValueError:
            pkg.problem(where, f"{kind}.{EXTENSION} must be a JSON object")
            row[EXTENSION] = None
    for name in NUMBERS.get(kind, ()):
        value = row.get(name)
        if isinstance(value, str):
            try:
                number = float(value)
                row[name] = int(number) if number.is_integer() else number
            except ValueError:
                pkg.problem(where, f"{kind}.{name} must be a number, not '{value}'")
                row[name] = None
    return row


# Rows other rows link to: only these are indexed by id and remember their organizations (a
# schedule, address or language row is never a parent; keeping sets for them cost memory).
PARENTS = (
    "organization",
    "service",
    "location",
    "contact",
    "phone",
    "service_at_location",
    "taxonomy_term",
)
NOBODY: frozenset[str] = frozenset()


class Assembler:
    """One join of a package's tables; remembers which organizations each row belongs to.

    Only organizations keep where they came from (`WHERE`, for the conversion's messages);
    other rows are given theirs while their table is joined, so 500,000 rows do not each hold
    a "schedules.csv row 123456" string for the rest of the import.
    """

    def __init__(self, rows: Rows, pkg: Package, *, convert: bool) -> None:
        self.rows = rows
        self.pkg = pkg
        self.convert = convert
        self.owners: dict[tuple[str, str], frozenset[str]] = {}
        self.index: dict[str, dict[str, Obj]] = {}
        self.bad: set[int] = set()  # rows that failed their check (a key in each row cost memory)

    def each(self, kind: str) -> Iterator[tuple[str, Obj]]:
        """The rows of one table as they are read, with where each came from, checked."""
        for where, row in self.rows(kind):
            # CSV rows are the reader's own new dicts; JSON rows are copied, never changed
            row = convert_cells(kind, row, where, self.pkg) if self.convert else dict(row)
            if kind == "organization":
                row[WHERE] = where
            if not check_object(kind, row, where, self.pkg, set(), cells=self.convert):
                self.bad.add(id(row))  # rows live until the join ends, so ids stay unique
            yield where, row

    def load(self, kind: str) -> list[tuple[str, Obj]]:
        """Every row of one table (parents are indexed by id, so all are read first)."""
        out = list(self.each(kind))
        if kind in PARENTS:
            self.index[kind] = {r["id"]: r for _, r in out if isinstance(r.get("id"), str)}
        return out

    def place(
        self, kind: str, row: Obj, where: str, links: Links, *, strict: bool = True
    ) -> list[tuple[str, Obj]]:
        """The parents a row links to; report broken links; record the row's organizations."""
        parents: list[tuple[str, Obj]] = []
        broken: list[str] = []
        index = self.index
        for link, parent_kind in links:
            value = row.get(link)
            if not value or not isinstance(value, str):
                continue
            parent = index[parent_kind].get(value) if parent_kind in index else None
            if parent is None:
                broken.append(f"{link} '{value}'")
            else:
                parents.append((parent_kind, parent))
        bad = id(row) in self.bad
        orgs = NOBODY
        if bad or kind in PARENTS:  # a good leaf row's organizations are never asked for
            owned = [self.owners.get((k, p["id"]), NOBODY) for k, p in parents]
            orgs = owned[0] if len(owned) == 1 else frozenset().union(*owned)  # shared
            if kind in PARENTS:
                self.owners[(kind, str(row.get("id")))] = orgs
        if broken and not parents and strict:
            self.pkg.problem(where, f"{kind} links to nothing in the package: {', '.join(broken)}")
        elif broken:
            self.pkg.warnings.append(f"{where}: ignored broken link {', '.join(broken)}")
        if bad:
            if kind not in PARENTS:  # a streamed row is freed now: its id may be reused
                self.bad.discard(id(row))
            self.pkg.invalid |= orgs
            return []
        return parents

    def organizations(self) -> list[Obj]:
        """The organizations table; each organization owns itself."""
        organizations = [org for _, org in self.load("organization")]
        for org in organizations:
            self.owners[("organization", str(org.get("id")))] = frozenset({str(org.get("id"))})
            if id(org) in self.bad:
                self.pkg.invalid.add(str(org.get("id")))
        return organizations

    def services(self) -> None:
        """Services under their organization."""
        for where, service in self.load("service"):
            if not service.get("organization_id"):
                self.pkg.problem(where, "service.organization_id is required but missing")
            parents = self.place("service", service, where, [("organization_id", "organization")])
            for _, org in parents:
                org.setdefault("services", []).append(service)

    def service_locations(self, sals: list[tuple[str, Obj]]) -> None:
        """Service-at-location rows under their service, each with its location inside."""
        for where, sal in sals:
            for link in ("service_id", "location_id"):
                if not sal.get(link):
                    self.pkg.problem(where, f"service_at_location.{link} is required but missing")
            parents = self.place("service_at_location", sal, where, [("service_id", "service")])
            location = self.index["location"].get(str(sal.get("location_id")))
            if sal.get("location_id") and location is None:
                self.pkg.problem(
                    where,
                    f"service_at_location.location_id '{sal['location_id']}' matches no location",
                    set(self.owners[("service_at_location", str(sal.get("id")))]),
                )
            for _, service in parents:
                if location is not None:
                    sal["location"] = location
                    service.setdefault("service_at_locations", []).append(sal)
                    key = ("location", str(location.get("id")))
                    owned = self.owners[("service", str(service["id"]))]
                    known = self.owners.get(key, NOBODY)
                    if not owned <= known:
                        self.owners[key] = known | owned

    def locations(self, locations: list[tuple[str, Obj]]) -> None:
        """Locations under their organization (optional when a service already reached them)."""
        for where, location in locations:
            key = ("location", str(location.get("id")))
            reached = self.owners.get(key, NOBODY)
            parents = self.place(
                "location",
                location,
                where,
                [("organization_id", "organization")],
                strict=not reached,
            )
            if not reached <= self.owners[key]:
                self.owners[key] = self.owners[key] | reached
            if id(location) in self.bad:
                self.pkg.invalid |= reached
            for _, org in parents:
                org.setdefault("locations", []).append(location)

    def attributes(self) -> None:
        """Taxonomy attributes, with their term inside, under a service or an organization."""
        rows = self.load("taxonomy_term")
        terms = {t["id"]: t for _, t in rows if id(t) not in self.bad and t.get("id")}
        self.index["any"] = {**self.index.get("service", {}), **self.index.get("organization", {})}
        for where, attribute in self.load("attribute"):
            term = terms.get(str(attribute.get("taxonomy_term_id")))
            if term is not None:
                attribute["taxonomy_term"] = term
            links = [("link_id", "any")]
            for _, parent in self.place("attribute", attribute, where, links, strict=False):
                parent.setdefault("attributes", []).append(attribute)

    def run(self) -> None:
        """Join every table, in the order that lets each row find its parents."""
        organizations = self.organizations()
        self.services()
        sals = self.load("service_at_location")
        locations = self.load("location")
        self.service_locations(sals)
        self.locations(locations)
        del sals, locations
        for kind, list_key, links in CHILDREN:
            leaf = kind not in PARENTS
            # equal leaf rows (without their spent id and links), one dict: directories
            # repeat "MO 09:00-17:00" and "Spanish" for every service (250,000 held 60 MB);
            # nothing changes a row after the join
            same: dict[tuple[object, ...], Obj] = {}
            spent = ("id", *(link for link, _ in links))
            shared = self.convert and kind not in NUMBERS
            for where, row in self.each(kind) if leaf else self.load(kind):
                placed = self.place(kind, row, where, links)
                if leaf:  # its id and links are spent once it is placed: 250,000 schedules
                    for key in spent:
                        row.pop(key, None)
                    if shared and EXTENSION not in row:
                        try:  # noqa: SIM105 - a context manager per row cost 0.1 s of 500,000
                            row = same.setdefault((*row, *row.values()), row)
                        except TypeError:  # a cell not text: kept apart
                            pass
                for _, parent in placed:
                    parent.setdefault(list_key, []).append(row)
        self.attributes()
        self.pkg.organizations.extend(organizations)


def assemble(rows: Rows, pkg: Package, *, convert: bool) -> None:
    """Join table rows into nested organizations, checking every link that places a row."""
    Assembler(rows, pkg, convert=convert).run()
