"""Turn HSDS organizations into catalog agencies, and merge them into a catalog folder.

HSDS cannot say everything our catalog needs (sector, referral contact role, coarse area).
Where it is silent the import picks a safe default and lists the field as "needs review";
when the agency already exists, such fields keep the coordinator's value instead, so an
import never overwrites what a person decided with a guess.

Writing keeps `agencies.yaml` hand-editable: new agencies are appended as YAML text and a
changed agency's entry is replaced in place, so comments elsewhere in the file survive.
Only when the file's layout does not allow that is it rewritten whole, after a copy to
`agencies.yaml.bak`. Imported text is stored as plain text: control characters are removed
and nothing is ever interpreted as markup.
"""

from __future__ import annotations

import copy
import math
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from referral_cli.catalog.load import AGENCIES_FILE, SERVICES_FILE, Catalog, default_data_dir
from referral_cli.catalog.models import Agency, Email, Phone, Service
from referral_cli.errors import ReferralError
from referral_cli.hsds.mapping import (
    EXTENSION,
    TAXONOMY_ID,
    TAXONOMY_NAME,
    HsdsProblem,
    Mapping,
    slug,
)
from referral_cli.hsds.read import WHERE, Obj, Package
from referral_cli.text import clean, one_line

MAX_TEXT = 2000


@dataclass
class ServiceLine:
    """One HSDS service and what it became (our service ids, or nothing)."""

    name: str
    mapped: list[str]
    because: list[str]
    skipped: str = ""


@dataclass
class ImportedAgency:
    """One organization turned into an agency, with what a coordinator must check."""

    agency: Agency
    hsds_id: str
    where: str
    review: list[str] = field(default_factory=list)
    assumed: list[tuple[str, ...]] = field(default_factory=list)
    services: list[ServiceLine] = field(default_factory=list)
    unknown_languages: list[str] = field(default_factory=list)
    action: str = "new"  # new | updated | unchanged


@dataclass
class Unimported:
    """An organization left out because none of its services maps to ours."""

    name: str
    where: str
    services: list[ServiceLine]


@dataclass
class ImportResult:
    """Everything `import-hsds` did or would do, for the summary and --format json."""

    source: str
    target: str
    mapping: str
    agencies: list[ImportedAgency] = field(default_factory=list)
    unmapped_orgs: list[Unimported] = field(default_factory=list)
    problems: list[HsdsProblem] = field(default_factory=list)
    skipped_invalid: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    backup: str | None = None
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Machine-readable summary."""
        return {
            "source": self.source,
            "target": self.target,
            "mapping": self.mapping,
            "dry_run": self.dry_run,
            "agencies": [
                {
                    "id": a.agency.id,
                    "name": a.agency.name,
                    "action": a.action,
                    "needs_review": a.review,
                    "services": [
                        {
                            "hsds": s.name,
                            "mapped": s.mapped,
                            "because": s.because,
                            "skipped": s.skipped,
                        }
                        for s in a.services
                    ],
                    "unknown_languages": a.unknown_languages,
                }
                for a in self.agencies
            ],
            "not_imported_unmapped": [
                {"name": u.name, "where": u.where, "services": [s.name for s in u.services]}
                for u in self.unmapped_orgs
            ],
            "unmapped_services": self.unmapped_services(),
            "problems": [p.as_dict() for p in self.problems],
            "skipped_invalid": self.skipped_invalid,
            "warnings": self.warnings,
            "notes": self.notes,
            "written": self.written,
            "backup": self.backup,
        }

    def unmapped_services(self) -> list[str]:
        """HSDS service names that mapped to nothing, once each, for the mapping file."""
        names: dict[str, None] = {}
        items: list[ImportedAgency | Unimported] = [*self.agencies, *self.unmapped_orgs]
        for item in items:
            for line in item.services:
                if not line.mapped and not line.skipped:
                    names[line.name] = None
        return list(names)


# --- small helpers -------------------------------------------------------------------------


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        return ""
    out = one_line(value)
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"


def _block(value: Any) -> str:
    """Longer free text: control characters removed, line breaks kept."""
    return clean(value).strip() if isinstance(value, str) else ""


def _dicts(value: Any) -> list[Obj]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


_PHONE: TypeAdapter[str] = TypeAdapter(Phone)
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


def _ok_phone(number: str) -> bool:
    try:
        _PHONE.validate_python(number)
    except ValidationError:
        return False
    return True


def _ok_email(value: str) -> bool:
    try:
        _EMAIL.validate_python(value)
    except ValidationError:
        return False
    return True


def _phone_text(phone: Obj) -> str | None:
    number = _text(phone.get("number")).strip("\"' ")
    extension = phone.get("extension")
    if isinstance(extension, int | float) and not isinstance(extension, bool) and extension > 0:
        number = f"{number} x{int(extension)}"
    return number if number and _ok_phone(number) else None


def _deep_update(
    base: dict[str, Any], extra: dict[str, Any], path: tuple[str, ...] = ()
) -> set[tuple[str, ...]]:
    """Overlay the extension on the standard fields; return the paths it set."""
    touched: set[tuple[str, ...]] = set()
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            touched |= _deep_update(base[key], value, (*path, key))
        else:
            base[key] = value
            touched.add((*path, key))
            if isinstance(value, dict):
                touched |= {(*path, key, k) for k in value}
    return touched


def _covered(path: tuple[str, ...], touched: set[tuple[str, ...]]) -> bool:
    return any(path[: len(t)] == t for t in touched)


# --- one organization -> one agency --------------------------------------------------------


class _Mapper:
    """Maps organizations for one catalog and one mapping file."""

    def __init__(self, mapping: Mapping, services: dict[str, Service], languages: dict[str, str]):
        self.mapping = mapping
        self.services = services
        self.languages = languages
        self.language_names = {name.casefold(): code for code, name in languages.items()}
        self.used_ids: dict[str, str] = {}

    def language(self, item: Obj) -> tuple[str | None, str]:
        code = _text(item.get("code")).casefold()
        name = _text(item.get("name"))
        for key in (code, name.casefold()):
            if not key:
                continue
            if key in self.languages:
                return key, ""
            if key in self.mapping.languages:
                return self.mapping.languages[key], ""
            if key in self.language_names:
                return self.language_names[key], ""
        shown = f"{name} ({code})" if name and code else name or code
        return None, shown

    def service_ids(self, service: Obj) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
        """Our ids for one HSDS service: our own taxonomy first, then the mapping file."""
        terms: list[tuple[str, str]] = []
        ours: list[tuple[str, tuple[str, ...]]] = []
        because: list[str] = []
        for attribute in _dicts(service.get("attributes")):
            term = attribute.get("taxonomy_term")
            if not isinstance(term, dict):
                continue
            code, name = _text(term.get("code")), _text(term.get("name"))
            detail = term.get("taxonomy_detail")
            taxonomy = _text(term.get("taxonomy")) or (
                _text(detail.get("name")) if isinstance(detail, dict) else ""
            )
            if (
                taxonomy == TAXONOMY_NAME or term.get("taxonomy_id") == TAXONOMY_ID
            ) and code in self.services:
                ours.append((code, ()))
                because.append(f"term '{code}' of {TAXONOMY_NAME}")
            else:
                terms.append((code, name))
        if ours:
            return ours, because
        names = [_text(service.get("name")), _text(service.get("alternate_name"))]
        matches = self.mapping.match_services(names, terms)
        return [(m.target, m.forms) for m in matches], [m.because for m in matches]

    def agency_id(self, org: Obj, ext: dict[str, Any]) -> str:
        from referral_cli.hsds.mapping import hsds_id

        wanted = ext.get("agency_id")
        hsds = str(org.get("id") or "")
        if isinstance(wanted, str) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", wanted):
            base = wanted
        else:
            base = slug(_text(org.get("name")), "agency-" + (hsds_id("hsds", hsds)[:8]))
        ident, n = base, 2
        while ident in self.used_ids and self.used_ids[ident] != hsds:
            ident, n = f"{base}-{n}", n + 1
        self.used_ids[ident] = hsds
        return ident

    def convert(self, org: Obj) -> ImportedAgency | Unimported | list[HsdsProblem]:
        """The agency for one organization, or why it cannot be one."""
        where = str(org.get(WHERE) or org.get("id"))
        name = _text(org.get("name"))
        ext_raw = org.get(EXTENSION)
        ext: dict[str, Any] = copy.deepcopy(ext_raw) if isinstance(ext_raw, dict) else {}
        review: list[str] = []
        lines: list[ServiceLine] = []
        offered: dict[str, dict[str, Any]] = {}
        services = _dicts(org.get("services"))
        languages: list[str] = []
        unknown: list[str] = []

        def add_languages(items: Any) -> None:
            for item in _dicts(items):
                code, shown = self.language(item)
                if code and code not in languages:
                    languages.append(code)
                elif not code and shown and shown not in unknown:
                    unknown.append(shown)

        for service in services:
            label = _text(service.get("name")) or str(service.get("id"))
            status = service.get("status")
            if status in ("inactive", "defunct"):
                lines.append(ServiceLine(label, [], [], skipped=f"status {status}"))
                continue
            ids, because = self.service_ids(service)
            lines.append(ServiceLine(label, [i for i, _ in ids], because))
            sext_raw = service.get(EXTENSION)
            sext = sext_raw if isinstance(sext_raw, dict) else {}
            note_parts = []
            if status == "temporarily closed":
                note_parts.append("HSDS: temporarily closed")
            if service.get("assured_date") or service.get("assurer_email"):
                by = _text(service.get("assurer_email"))
                note_parts.append(
                    f"HSDS listing assured {_text(service.get('assured_date')) or '(no date)'}"
                    + (f" by {by}" if by else "")
                    + " (an HSDS assurance, not a vetting)"
                )
            for service_id, forms in ids:
                entry = offered.setdefault(
                    service_id, {"id": service_id, "forms": set(), "all": False, "note": []}
                )
                known_forms = set(self.services[service_id].forms)
                kept = [f for f in forms if f in known_forms]
                if kept:
                    entry["forms"] |= set(kept)
                else:
                    entry["all"] = True
                if isinstance(sext.get("forms"), list):
                    entry["ext_forms"] = sext["forms"]
                if isinstance(sext.get("note"), str):
                    entry["ext_note"] = sext["note"]
                entry["note"] += [n for n in note_parts if n not in entry["note"]]
            add_languages(service.get("languages"))
            for sal in _dicts(service.get("service_at_locations")):
                location = sal.get("location")
                if isinstance(location, dict):
                    add_languages(location.get("languages"))
        if not offered:
            return Unimported(name or where, where, lines)
        for location in _dicts(org.get("locations")):
            add_languages(location.get("languages"))
        for phone in _dicts(org.get("phones")):
            add_languages(phone.get("languages"))

        data: dict[str, Any] = {"name": name, "description": _block(org.get("description"))}
        assumed: list[tuple[str, ...]] = []
        touched: set[tuple[str, ...]] = set()

        def default(path: tuple[str, ...], why: str | None = None) -> None:
            assumed.append(path)
            if why:
                review.append(why)

        # services, with their forms and notes
        data["services"] = []
        for entry in offered.values():
            chosen: list[str] = [] if entry["all"] else sorted(entry["forms"])
            item: dict[str, Any] = {"id": entry["id"]}
            if "ext_forms" in entry:
                chosen = entry["ext_forms"]
            if chosen:
                item["forms"] = chosen
            note = entry.get("ext_note", "; ".join(entry["note"]))
            if note:
                item["note"] = _text(note)
            data["services"].append(item)

        # languages
        if languages:
            data["languages"] = languages
        else:
            data["languages"] = [self.mapping.default_language]
            default(
                ("languages",),
                f"languages: none the catalog knows; set to {self.mapping.default_language}",
            )

        # ages from the services' eligibility
        mins = [s["minimum_age"] for s in services if isinstance(s.get("minimum_age"), int | float)]
        maxs = [s["maximum_age"] for s in services if isinstance(s.get("maximum_age"), int | float)]
        populations: dict[str, Any] = {}
        if mins and len(mins) == len(services):
            populations["age_min"] = math.floor(min(mins))
        if maxs and len(maxs) == len(services):
            populations["age_max"] = math.ceil(max(maxs))
        data["populations"] = populations

        # hours from the first schedule that says something
        schedules = [
            sch
            for s in services
            for sch in _dicts(s.get("schedules"))
            + [
                x
                for sal in _dicts(s.get("service_at_locations"))
                for x in _dicts(sal.get("schedules"))
            ]
        ] + [sch for loc in _dicts(org.get("locations")) for sch in _dicts(loc.get("schedules"))]
        hours: dict[str, Any] = {}
        for schedule in schedules:
            regular = _text(schedule.get("description"))
            if not regular and (schedule.get("opens_at") or schedule.get("byday")):
                days = _text(schedule.get("byday"))
                times = "-".join(
                    _text(schedule.get(k))[:5] for k in ("opens_at", "closes_at") if schedule.get(k)
                )
                regular = " ".join(x for x in (days, times) if x)
            if regular:
                hours["regular"] = regular
                if _text(schedule.get("notes")):
                    hours["note"] = _text(schedule.get("notes"))
                break
        data["hours"] = hours

        # coarse area: a city, never a street address
        locations = [
            loc
            for s in services
            for sal in _dicts(s.get("service_at_locations"))
            if isinstance(loc := sal.get("location"), dict)
        ] + _dicts(org.get("locations"))
        access: dict[str, Any] = {}
        for location in locations:
            for address in _dicts(location.get("addresses")):
                city = _text(address.get("city"), 200)
                state = _text(address.get("state_province"), 100)
                if city:
                    access["area"] = ", ".join(x for x in (city, state) if x)
                    break
            if "area" in access:
                break
        for location in locations:
            if _text(location.get("transportation")):
                access["transit"] = True
            for item in _dicts(location.get("accessibility")):
                words = " ".join(_text(item.get(k)) for k in ("description", "details")).casefold()
                if "wheelchair" in words and not re.search(
                    r"\b(no|not|without)\b[^.]*wheelchair", words
                ):
                    access["wheelchair"] = True
                if not access.get("note") and _text(item.get("description")):
                    access["note"] = _text(item.get("description"), 500)
        data["access"] = access

        # how to reach them
        phones = (
            _dicts(org.get("phones"))
            + [p for s in services for p in _dicts(s.get("phones"))]
            + [p for loc in locations for p in _dicts(loc.get("phones"))]
        )
        contacts = _dicts(org.get("contacts")) + [
            c
            for s in services
            for c in _dicts(s.get("contacts"))
            + [
                x
                for sal in _dicts(s.get("service_at_locations"))
                for x in _dicts(sal.get("contacts"))
            ]
        ]
        phones += [p for c in contacts for p in _dicts(c.get("phones"))]
        numbers = [n for p in phones if (n := _phone_text(p))]
        if numbers:
            data["phone"] = numbers[0]
        emails = [_text(org.get("email"))] + [_text(s.get("email")) for s in services]
        emails = [e for e in emails if e]
        good = [e for e in emails if _ok_email(e)]
        if good:
            data["email"] = good[0]
        elif emails:
            review.append(f"email: '{emails[0]}' is not an email address; left out")
        website = _text(org.get("website")) or next(
            (_text(s.get("url")) for s in services if _text(s.get("url"))), ""
        )
        if website:
            data["website"] = website
        contact: dict[str, Any] = {}
        if contacts:
            first = contacts[0]
            role = _text(first.get("title")) or _text(first.get("department"))
            if role:
                contact["role"] = role
            if _text(first.get("name")):
                contact["name"] = _text(first.get("name"))
            if _ok_email(_text(first.get("email"))):
                contact["email"] = _text(first.get("email"))
            contact_numbers = [n for p in _dicts(first.get("phones")) if (n := _phone_text(p))]
            if contact_numbers:
                contact["phone"] = contact_numbers[0]
        data["contact"] = contact

        documents = []
        for s in services:
            for doc in _dicts(s.get("required_documents")):
                text = _text(doc.get("document"))
                if text and text not in documents:
                    documents.append(text)
        data["intake"] = {"documents": documents} if documents else {}

        amounts: list[float] = [
            float(c["amount"])
            for s in services
            for c in _dicts(s.get("cost_options"))
            if isinstance(c.get("amount"), int | float)
        ]
        fees = " ".join(
            _text(s.get("fees_description")) + " " + _text(s.get("fees")) for s in services
        )
        if any(a > 0 for a in amounts):
            data["cost"] = "fee"
            review.append(
                "cost: HSDS lists fees; set to fee (check for sliding scale or insurance)"
            )
        elif amounts or re.search(r"\b(free|no cost|no charge)\b", fees, re.IGNORECASE):
            data["cost"] = "free"

        # the extension: what only our own export carries
        ext.pop("vetting", None)
        ident = self.agency_id(org, ext)
        ext.pop("agency_id", None)
        touched = _deep_update(data, ext)
        data["id"] = ident

        # safe defaults for what neither HSDS nor the extension said
        if not _covered(("sector",), touched):
            found = self.mapping.match_sector(
                [name, _text(org.get("alternate_name"))] + [line.name for line in lines], []
            )
            if found:
                data["sector"] = found.target
                assumed.append(("sector",))
            else:
                data["sector"] = self.mapping.default_sector
                default(("sector",), f"sector: not in HSDS; set to {self.mapping.default_sector}")
        if "phone" not in data:
            return [
                HsdsProblem(
                    where,
                    f"organization '{name}': no usable phone number "
                    "(the catalog needs one to make a referral)",
                )
            ]
        if not data["hours"].get("regular"):
            data["hours"]["regular"] = "Not stated (ask the agency)"
            default(("hours", "regular"), "hours: no schedule in HSDS")
        if not data["access"].get("area"):
            data["access"]["area"] = "Unknown"
            default(("access", "area"), "area: no city in HSDS; set to Unknown")
        if not data["contact"].get("role"):
            data["contact"]["role"] = "Intake"
            default(("contact", "role"), "contact role: not in HSDS; set to Intake")
        if "cost" not in data:
            data["cost"] = "free"
            default(("cost",), "cost: not stated in HSDS; set to free")
        maybe: list[tuple[str, ...]] = [
            ("populations", "genders"),
            ("populations", "lgbtq_affirming"),
            ("hours", "after_hours"),
            ("access", "transit"),
            ("access", "wheelchair"),
            ("confidential_address",),
            ("contact", "trauma_trained"),
            ("intake", "requires_self_identification"),
            ("revet_months",),
        ]
        for path in maybe:
            present = data
            for part in path[:-1]:
                present = present.get(part, {})
            if path[-1] not in present and not _covered(path, touched):
                assumed.append(path)
        try:
            agency = Agency.model_validate(data)
        except ValidationError as exc:
            return [
                HsdsProblem(
                    where,
                    f"organization '{name}': "
                    + ".".join(str(p) for p in err["loc"])
                    + f": {err['msg'][:1].lower()}{err['msg'][1:]}".replace("Value error, ", ""),
                )
                for err in exc.errors()
            ]
        for path in list(assumed):
            if _covered(path, touched):
                assumed.remove(path)
        return ImportedAgency(
            agency=agency,
            hsds_id=str(org.get("id") or ""),
            where=where,
            review=review,
            assumed=assumed,
            services=lines,
            unknown_languages=unknown,
        )


# --- merging into a catalog ------------------------------------------------------------------


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
    problems = list(package.problems)
    mapper = _Mapper(mapping, services, languages)
    for org in package.organizations:
        org_id = str(org.get("id"))
        if org_id in package.invalid or str(org.get(WHERE)) in package.invalid:
            result.skipped_invalid.append(_text(org.get("name")) or str(org.get(WHERE)))
            continue
        converted = mapper.convert(org)
        if isinstance(converted, list):
            problems.extend(converted)
            result.skipped_invalid.append(_text(org.get("name")) or str(org.get(WHERE)))
        elif isinstance(converted, Unimported):
            result.unmapped_orgs.append(converted)
        else:
            result.agencies.append(converted)
    result.problems = problems
    if problems and not skip_invalid:
        result.agencies = []
        return result
    existing = catalog.agencies if catalog is not None else {}
    for item in result.agencies:
        before = existing.get(item.agency.id)
        if before is None:
            item.action = "new"
            continue
        item.agency = merge(before, item)
        item.action = "unchanged" if item.agency == before else "updated"
        item.review = [r for r in item.review if not _review_kept(r)]
    return result


def _review_kept(message: str) -> bool:
    """A review note about a defaulted field is moot once the existing value was kept."""
    return message.split(":")[0] in ("sector", "hours", "area", "contact role", "cost", "languages")


# --- writing -----------------------------------------------------------------------------------

AGENCIES_HEADER = """\
# agencies.yaml: partner agencies a worker may refer a youth to.
# Created by `referral catalog import-hsds`. Check every field listed as "needs review"
# in the import summary, and vet each agency (`referral vet`) before referring a youth.

"""


def agency_yaml(agency: Agency, indent: int = 2) -> str:
    """One agency as a YAML list item, in the style of the shipped agencies.yaml."""
    data = agency.model_dump(mode="json", exclude_defaults=True)
    data["services"] = [
        s["id"] if set(s) == {"id"} else s
        for s in agency.model_dump(mode="json", exclude_defaults=True)["services"]
    ]
    ordered = {k: data[k] for k in Agency.model_fields if k in data}
    text = yaml.safe_dump([ordered], sort_keys=False, allow_unicode=True, width=96)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _entry_spans(text: str) -> tuple[dict[str, tuple[int, int]], int] | None:
    """Line spans of each agency entry, and the item indent, if the file allows text edits."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode) or not root.value:
        return None
    last_key, sequence = root.value[-1]
    if not (isinstance(last_key, yaml.ScalarNode) and last_key.value == "agencies"):
        return None
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style or not sequence.value:
        return None
    lines = text.splitlines(True)
    spans: dict[str, tuple[int, int]] = {}
    indent = 2
    items = sequence.value
    for n, item in enumerate(items):
        if not isinstance(item, yaml.MappingNode):
            return None
        ident = next(
            (v.value for k, v in item.value if isinstance(k, yaml.ScalarNode) and k.value == "id"),
            None,
        )
        start = item.start_mark.line
        prefix = lines[start][: item.start_mark.column]
        if prefix.strip() != "-":
            return None
        indent = len(prefix) - len(prefix.lstrip())
        end = items[n + 1].start_mark.line if n + 1 < len(items) else len(lines)
        while end > start + 1 and (
            not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
        ):
            end -= 1
        if isinstance(ident, str):
            spans[ident] = (start, end)
    return spans, indent


def write_agencies(root: Path, result: ImportResult, region: str) -> None:
    """Write new and changed agencies into root/agencies.yaml, keeping comments where possible."""
    from referral_cli.casefile.files import atomic_write_text
    from referral_cli.vetting.rules import check_catalog

    changed = [a for a in result.agencies if a.action in ("new", "updated")]
    agencies_path = root / AGENCIES_FILE
    if not (root / SERVICES_FILE).exists():
        root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(default_data_dir() / SERVICES_FILE, root / SERVICES_FILE)
        result.written.append(str(root / SERVICES_FILE))
    if not changed and agencies_path.exists():
        return
    before = agencies_path.read_text(encoding="utf-8") if agencies_path.exists() else None
    if before is None:
        head = AGENCIES_HEADER + yaml.safe_dump(
            {"catalog": {"region": region}}, sort_keys=False, allow_unicode=True
        )
        after = head + "\nagencies:\n" + "".join("\n" + agency_yaml(a.agency) for a in changed)
    else:
        edited = _edit(before, changed)
        after = edited if edited is not None else _rewrite(root, before, changed, result)
    atomic_write_text(agencies_path, after, mode=0o644)
    result.written.append(str(agencies_path))
    _, problems = check_catalog(root)
    if problems:
        if before is None:
            agencies_path.unlink()
        else:
            atomic_write_text(agencies_path, before, mode=0o644)
        raise ReferralError(
            "The import would leave the catalog invalid, so nothing was changed:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def _edit(text: str, changed: list[ImportedAgency]) -> str | None:
    found = _entry_spans(text)
    if found is None:
        return None
    spans, indent = found
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    replacements = {
        spans[a.agency.id]: agency_yaml(a.agency, indent)
        for a in changed
        if a.action == "updated" and a.agency.id in spans
    }
    if any(a.action == "updated" and a.agency.id not in spans for a in changed):
        return None
    for (start, end), new in sorted(replacements.items(), reverse=True):
        lines[start:end] = [new]
    out = "".join(lines)
    for item in changed:
        if item.action == "new":
            out += "\n" + agency_yaml(item.agency, indent)
    return out


def _rewrite(root: Path, before: str, changed: list[ImportedAgency], result: ImportResult) -> str:
    from referral_cli.catalog.models import AgenciesCatalog

    data = yaml.safe_load(before)
    current = AgenciesCatalog.model_validate(data)
    by_id = {a.id: a for a in current.agencies}
    for item in changed:
        by_id[item.agency.id] = item.agency
    backup = root / (AGENCIES_FILE + ".bak")
    shutil.copyfile(root / AGENCIES_FILE, backup)
    result.backup = str(backup)
    head = AGENCIES_HEADER + yaml.safe_dump(
        {"catalog": current.catalog.model_dump(mode="json", exclude_defaults=True)},
        sort_keys=False,
        allow_unicode=True,
    )
    return head + "\nagencies:\n" + "".join("\n" + agency_yaml(a) for a in by_id.values())


# --- entry point -----------------------------------------------------------------------------


def import_hsds(
    source: Path,
    target: Path,
    *,
    mapping_path: Path | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    region: str = "Imported from HSDS (set the region)",
    show_progress: bool = False,
) -> ImportResult:
    """Read HSDS, map it, and merge it into the catalog at target (created if missing)."""
    from referral_cli.catalog.load import parse_yaml
    from referral_cli.catalog.models import ServicesCatalog
    from referral_cli.hsds.mapping import load_mapping
    from referral_cli.hsds.read import read_package
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
    result = plan(package, catalog, mapping, services, languages, skip_invalid)
    result.source, result.target, result.dry_run = str(source), str(target), dry_run
    if result.problems and not skip_invalid:
        return result
    if not dry_run and result.agencies:
        write_agencies(target, result, region)
    return result
