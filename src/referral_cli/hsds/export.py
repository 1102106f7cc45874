"""Write the catalog as Open Referral HSDS 3.0: JSON (an organization list page) and CSV.

Each agency becomes an organization with one HSDS service per service it offers. Ids are
UUIDs derived from our ids, so exporting twice gives the same file and diffs stay small.
No street address is ever written (the catalog holds none); an agency whose address is
confidential gets no location at all, not even its coarse area as a location name.
What HSDS has no field for travels in the `x_referral` extension property (see `hsds`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from referral_cli.catalog.load import Catalog
from referral_cli.catalog.models import Agency
from referral_cli.hsds.mapping import EXTENSION, TAXONOMY_ID, TAXONOMY_NAME, hsds_id

Obj = dict[str, Any]

# Columns of each CSV table we write, in HSDS order, plus the extension column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "description", "email", "website", EXTENSION),
    "service": (
        "id",
        "organization_id",
        "name",
        "description",
        "status",
        "minimum_age",
        "maximum_age",
        EXTENSION,
    ),
    "location": (
        "id",
        "location_type",
        "organization_id",
        "name",
        "description",
        "transportation",
    ),
    "accessibility": ("id", "location_id", "description"),
    "contact": ("id", "organization_id", "name", "title", "email"),
    "phone": ("id", "organization_id", "contact_id", "location_id", "number"),
    "language": ("id", "service_id", "name", "code"),
    "schedule": ("id", "service_id", "location_id", "description", "notes"),
    "service_at_location": ("id", "service_id", "location_id"),
    "required_document": ("id", "service_id", "document"),
    "taxonomy": ("id", "name", "description"),
    "taxonomy_term": ("id", "code", "name", "description", "taxonomy", "taxonomy_id"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity"),
}
FILES: dict[str, str] = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "accessibility": "accessibility.csv",
    "contact": "contacts.csv",
    "phone": "phones.csv",
    "language": "languages.csv",
    "schedule": "schedules.csv",
    "service_at_location": "service_at_location.csv",
    "required_document": "required_documents.csv",
    "taxonomy": "taxonomies.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "attribute": "attributes.csv",
}
NUMBER_COLUMNS = {"minimum_age", "maximum_age"}


def _vetting(catalog: Catalog, agency: Agency, today: dt.date) -> Obj:
    from referral_cli.vetting.judge import agency_status

    status = agency_status(agency, catalog.vettings_of(agency.id), catalog.info, today)
    return {
        "outcome": status.outcome.value,
        "stale": status.stale,
        "last_vetted": status.last_vetted.isoformat() if status.last_vetted else None,
        "due": status.due.isoformat() if status.due else None,
        "as_of": today.isoformat(),
    }


def _service(catalog: Catalog, agency: Agency, org_id: str, index: int) -> Obj:
    offered = agency.services[index]
    service = catalog.services[offered.id]
    sid = hsds_id("service", agency.id, offered.id)
    out: Obj = {
        "id": sid,
        "organization_id": org_id,
        "name": service.label,
        "description": service.description,
        "status": "active",
    }
    pop = agency.populations
    if pop.age_min is not None:
        out["minimum_age"] = pop.age_min
    if pop.age_max is not None:
        out["maximum_age"] = pop.age_max
    out["languages"] = [
        {
            "id": hsds_id("language", agency.id, offered.id, code),
            "service_id": sid,
            "code": code,
            "name": catalog.language_name(code),
        }
        for code in agency.languages
    ]
    schedule: Obj = {
        "id": hsds_id("schedule", agency.id, offered.id),
        "service_id": sid,
        "description": agency.hours.regular,
    }
    if agency.hours.note:
        schedule["notes"] = agency.hours.note
    out["schedules"] = [schedule]
    out["required_documents"] = [
        {"id": hsds_id("document", agency.id, offered.id, str(i)), "service_id": sid, "document": d}
        for i, d in enumerate(agency.intake.documents)
    ]
    term_id = hsds_id("term", offered.id)
    out["attributes"] = [
        {
            "id": hsds_id("attribute", agency.id, offered.id),
            "link_id": sid,
            "taxonomy_term_id": term_id,
            "link_type": "service_category",
            "link_entity": "service",
            "taxonomy_term": {
                "id": term_id,
                "code": offered.id,
                "name": service.label,
                "description": service.description,
                "taxonomy": TAXONOMY_NAME,
                "taxonomy_id": TAXONOMY_ID,
            },
        }
    ]
    ext: Obj = {}
    if offered.forms:
        ext["forms"] = list(offered.forms)
    if offered.note:
        ext["note"] = offered.note
    if ext:
        out[EXTENSION] = ext
    return out


def _coarse_location(agency: Agency, org_id: str) -> Obj:
    """The agency's one place: its coarse area as the name, transit and access facts."""
    location_id = hsds_id("location", agency.id)
    location: Obj = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": org_id,
        "name": agency.access.area,
    }
    if agency.access.transit:
        location["transportation"] = "Reachable by public transit."
    notes = [agency.access.note] if agency.access.note else []
    if agency.access.wheelchair:
        notes.append("Wheelchair accessible.")
    if notes:
        location["accessibility"] = [
            {
                "id": hsds_id("accessibility", agency.id),
                "location_id": location_id,
                "description": " ".join(notes),
            }
        ]
    return location


def _locations(agency: Agency, org_id: str) -> list[Obj]:
    """One location per site (name, city as its description, phone, hours), else the
    agency's one coarse location. No street address is ever written."""
    if not agency.sites:
        return [_coarse_location(agency, org_id)]
    out = []
    for n, site in enumerate(agency.sites):
        location_id = hsds_id("location", agency.id, "site", str(n))
        location: Obj = {
            "id": location_id,
            "location_type": "physical",
            "organization_id": org_id,
            "name": site.name,
        }
        if site.area:
            location["description"] = site.area
        if site.phone:
            location["phones"] = [
                {
                    "id": hsds_id("phone", agency.id, "site", str(n)),
                    "location_id": location_id,
                    "number": site.phone,
                }
            ]
        if site.hours:
            location["schedules"] = [
                {
                    "id": hsds_id("schedule", agency.id, "site", str(n)),
                    "location_id": location_id,
                    "description": site.hours,
                }
            ]
        out.append(location)
    return out


def organization(
    catalog: Catalog, agency: Agency, today: dt.date, *, with_vetting: bool = True
) -> Obj:
    """One agency as a full HSDS organization object, services nested."""
    org_id = hsds_id("organization", agency.id)
    org: Obj = {"id": org_id, "name": agency.name, "description": agency.description}
    if agency.email:
        org["email"] = agency.email
    if agency.website:
        org["website"] = agency.website
    org["phones"] = (
        [{"id": hsds_id("phone", agency.id), "organization_id": org_id, "number": agency.phone}]
        if agency.phone
        else []
    )
    contact = agency.contact
    contact_id = hsds_id("contact", agency.id)
    person: Obj = {"id": contact_id, "organization_id": org_id, "title": contact.role}
    if contact.name:
        person["name"] = contact.name
    if contact.email:
        person["email"] = contact.email
    if contact.phone:
        person["phones"] = [
            {
                "id": hsds_id("phone", agency.id, "contact"),
                "contact_id": contact_id,
                "number": contact.phone,
            }
        ]
    org["contacts"] = [person]
    org["locations"] = [] if agency.confidential_address else _locations(agency, org_id)
    org["services"] = [_service(catalog, agency, org_id, i) for i in range(len(agency.services))]
    for offered, service in zip(agency.services, org["services"], strict=True):
        # where each service is given: every site (or the one coarse location), unless the
        # address is confidential; the first keeps the id it had before sites existed
        service["service_at_locations"] = [
            {
                "id": hsds_id("service_at_location", agency.id, offered.id, *extra),
                "service_id": service["id"],
                "location_id": location["id"],
            }
            for n, location in enumerate(org["locations"])
            for extra in [[location["id"]] if n else []]
        ]
    ext: Obj = {
        "agency_id": agency.id,
        "sector": agency.sector,
        "populations": {
            "genders": list(agency.populations.genders),
            "lgbtq_affirming": agency.populations.lgbtq_affirming,
        },
        "hours": {"after_hours": agency.hours.after_hours},
        "access": agency.access.model_dump(mode="json"),
        "confidential_address": agency.confidential_address,
        "contact": {"trauma_trained": contact.trauma_trained},
        "intake": {
            "requires_self_identification": agency.intake.requires_self_identification,
            "note": agency.intake.note,
        },
        "cost": agency.cost,
    }
    if agency.revet_months is not None:
        ext["revet_months"] = agency.revet_months
    if agency.source is not None:  # the directory it came from: a re-import keeps it
        ext["source"] = agency.source.model_dump(mode="json")
    if agency.sites and not agency.confidential_address:
        # exactly as the catalog has them (the source's ids too), and the agency's own hours
        # and phone, which the sites' schedules and phones would otherwise add to on import
        ext["sites"] = [
            site.model_dump(mode="json", exclude_defaults=True) for site in agency.sites
        ]
        ext["hours"]["regular"] = agency.hours.regular
        ext["phone"] = agency.phone
    if with_vetting:
        ext["vetting"] = _vetting(catalog, agency, today)
    org[EXTENSION] = ext
    return org


def organizations(catalog: Catalog, today: dt.date, *, with_vetting: bool = True) -> list[Obj]:
    """Every agency of the catalog as an HSDS organization, in catalog order."""
    return [
        organization(catalog, agency, today, with_vetting=with_vetting)
        for agency in catalog.agencies.values()
    ]


def page(items: list[Obj]) -> Obj:
    """An HSDS API list page holding every item (one page)."""
    return {
        "total_items": len(items),
        "total_pages": 1,
        "page_number": 1,
        "size": len(items),
        "first_page": True,
        "last_page": True,
        "empty": not items,
        "contents": items,
    }


def tables(orgs: list[Obj]) -> dict[str, list[Obj]]:
    """The same organizations as HSDS tables (one list of rows per table)."""
    out: dict[str, list[Obj]] = {table: [] for table in COLUMNS}
    out["taxonomy"].append(
        {
            "id": TAXONOMY_ID,
            "name": TAXONOMY_NAME,
            "description": "Needs a youth may be referred for, as ids of referral-cli.",
        }
    )
    terms: dict[str, Obj] = {}
    for org in orgs:
        out["organization"].append(org)
        out["phone"].extend(org["phones"])
        for person in org["contacts"]:
            out["contact"].append(person)
            out["phone"].extend(person.get("phones", []))
        for location in org["locations"]:
            out["location"].append(location)
            out["accessibility"].extend(location.get("accessibility", []))
            out["phone"].extend(location.get("phones", []))
            out["schedule"].extend(location.get("schedules", []))
        for service in org["services"]:
            out["service"].append(service)
            out["language"].extend(service["languages"])
            out["schedule"].extend(service["schedules"])
            out["service_at_location"].extend(service["service_at_locations"])
            out["required_document"].extend(service["required_documents"])
            for attribute in service["attributes"]:
                out["attribute"].append(attribute)
                term = attribute["taxonomy_term"]
                terms[term["id"]] = term
    out["taxonomy_term"] = list(terms.values())
    return out


def _csv_text(table: str, rows: list[Obj]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = COLUMNS[table]
    writer.writerow(columns)
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if column == EXTENSION and value is not None:
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return buffer.getvalue()


def datapackage() -> Obj:
    """The Frictionless data package that describes the CSV tables."""
    resources = []
    for table, columns in COLUMNS.items():
        fields = [
            {
                "name": c,
                "type": "number"
                if c in NUMBER_COLUMNS
                else "object"
                if c == EXTENSION
                else "string",
            }
            for c in columns
        ]
        resources.append(
            {
                "name": table,
                "path": FILES[table],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {"primaryKey": "id", "fields": fields},
            }
        )
    return {
        "name": "referral_cli_catalog",
        "title": "Partner agencies (HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "resources": resources,
    }


def export_hsds(
    catalog: Catalog, folder: Path, today: dt.date, *, with_vetting: bool = True
) -> list[Path]:
    """Write folder/organizations.json and folder/csv/ (datapackage.json + tables)."""
    from referral_cli.casefile.files import atomic_write_text

    orgs = organizations(catalog, today, with_vetting=with_vetting)
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        atomic_write_text(path, text, mode=0o644)
        written.append(path)

    write(
        folder / "organizations.json",
        json.dumps(page(orgs), indent=2, ensure_ascii=False) + "\n",
    )
    csv_dir = folder / "csv"
    for table, rows in tables(orgs).items():
        write(csv_dir / FILES[table], _csv_text(table, rows))
    write(csv_dir / "datapackage.json", json.dumps(datapackage(), indent=2) + "\n")
    return written
