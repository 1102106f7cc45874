"""Turn one HSDS organization into one catalog agency (the field groups are in `fields`).

HSDS cannot say everything our catalog needs (sector, referral contact role, coarse area).
Where it is silent the import picks a safe default and lists the field as "needs review";
the merge later keeps the coordinator's value for such fields instead, so an import never
overwrites what a person decided with a guess. Imported text is stored as plain text:
control characters are removed and nothing is ever interpreted as markup.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import ValidationError

from referral_cli.catalog.models import Agency, Service
from referral_cli.hsds.fields import (
    Draft,
    Path,
    access,
    ages,
    all_schedules,
    cost,
    documents,
    reach,
    service_entries,
    service_locations,
    service_notes,
    validation_problems,
)
from referral_cli.hsds.languages import lookup
from referral_cli.hsds.mapping import (
    EXTENSION,
    TAXONOMY_ID,
    TAXONOMY_NAME,
    HsdsProblem,
    Mapping,
    hsds_id,
    slug,
)
from referral_cli.hsds.results import ImportedAgency, ServiceLine, Unimported
from referral_cli.hsds.schedules import hours
from referral_cli.hsds.schema import WHERE, Obj
from referral_cli.hsds.sites import sites
from referral_cli.hsds.values import (
    block,
    covered,
    deep_update,
    dicts,
    text,
)

# Fields HSDS may leave unsaid that the merge keeps from the existing agency when it does.
MAYBE: list[Path] = [
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


_LANGUAGE_KEYS = ("code", "name", "language")
_LANGUAGE_LIST = re.compile(r"\s*(?:[,;/]|\band\b)\s*")  # "English, Spanish and Urdu"

# What one HSDS service maps to: (our ids with their forms, the ids, why each, why none).
Found = tuple[list[tuple[str, tuple[str, ...]]], list[str], list[str], str]


def source_id(org: Obj, ext: dict[str, Any]) -> str:
    """The id the agency's source directory gives it: the one our own export carries
    (`x_referral.source`, where the agency was imported from) before the export's own, so
    that export then import keeps the agency's original source and matches on it."""
    carried = ext.get("source")
    found = carried.get("id") if isinstance(carried, dict) else None
    return found if isinstance(found, str) and found else str(org.get("id") or "")


# --- the mapper ------------------------------------------------------------------------------


class Mapper:
    """Maps organizations for one catalog and one mapping file."""

    def __init__(self, mapping: Mapping, services: dict[str, Service], languages: dict[str, str]):
        self.mapping = mapping
        self.services = services
        self.languages = languages
        self.language_names = {name.casefold(): code for code, name in languages.items()}
        self.added: dict[str, str] = {}  # languages not in services.yaml: code -> name
        self.outcomes: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], Found] = {}
        self.language_lists: dict[tuple[str, ...], list[tuple[str | None, str]]] = {}

    def language(self, item: Obj) -> tuple[str | None, str]:
        """Our code for an HSDS language, or None and how to show the unknown one."""
        code = text(item.get("code")).casefold()
        name = text(item.get("name")) or text(item.get("language"))
        keys = [k for k in (code, name.casefold()) if k]
        for key in keys:
            if key in self.languages:
                return key, ""
            if key in self.mapping.languages:
                return self.mapping.languages[key], ""
            if key in self.language_names:
                return self.language_names[key], ""
        for key in keys:
            found = lookup(key)
            if found is not None:
                self.added.setdefault(found[0], found[1])
                return found[0], ""
        shown = f"{name} ({code})" if name and code else name or code
        return None, shown

    def add_languages(self, items: Any, known: list[str], unknown: list[str]) -> None:
        """Collect the languages of a list of HSDS language objects, once each ("English,
        Spanish" in one cell, as older directories write it, is two languages)."""
        for item in dicts(items):
            for code, shown in self.languages_of(item):
                if code and code not in known:
                    known.append(code)
                elif not code and shown and shown not in unknown:
                    unknown.append(shown)

    def languages_of(self, item: Obj) -> list[tuple[str | None, str]]:
        """What `language` makes of each language one HSDS language object names. Only its
        code, name and language are read (any value but text reads as none), so each such
        triple is worked out once: a directory names the same few languages for every
        service."""
        key = tuple(v if isinstance(v, str) else "" for v in map(item.get, _LANGUAGE_KEYS))
        found = self.language_lists.get(key)
        if found is None:
            name = text(item.get("name")) or text(item.get("language"))
            parts = _LANGUAGE_LIST.split(name) if name else []
            singles = [{**item, "name": p} for p in parts if p] if len(parts) > 1 else [item]
            found = self.language_lists[key] = [self.language(single) for single in singles]
        return found

    def service_ids(self, service: Obj) -> Found:
        """Our ids for one HSDS service (our own taxonomy first, then the mapping file) with
        their forms, the ids alone, why each, and why none when none. The lists of a name
        seen before are the ones given then: 50,000 service lines share them, unchanged."""
        terms: list[tuple[str, str]] = []
        ours: list[tuple[str, tuple[str, ...]]] = []
        because: list[str] = []
        for attribute in dicts(service.get("attributes")):
            term = attribute.get("taxonomy_term")
            if not isinstance(term, dict):
                continue
            code, name = text(term.get("code")), text(term.get("name"))
            detail = term.get("taxonomy_detail")
            taxonomy = text(term.get("taxonomy")) or (
                text(detail.get("name")) if isinstance(detail, dict) else ""
            )
            if (
                taxonomy == TAXONOMY_NAME or term.get("taxonomy_id") == TAXONOMY_ID
            ) and code in self.services:
                ours.append((code, ()))
                because.append(f"term '{code}' of {TAXONOMY_NAME}")
            else:
                terms.append((code, name))
        if ours:
            return ours, [i for i, _ in ours], because, ""
        names = [text(service.get("name")), text(service.get("alternate_name"))]
        key = (tuple(names), tuple(terms))
        found = self.outcomes.get(key)
        if found is None:  # directories repeat service names: map each name once
            outcome = self.mapping.outcome(names, terms)
            matches = outcome.matches
            found = self.outcomes[key] = (
                [(m.target, m.forms) for m in matches],
                [m.target for m in matches],
                [m.because for m in matches],
                outcome.why_not,
            )
        return found

    def agency_id(self, org: Obj, ext: dict[str, Any]) -> tuple[str, str]:
        """The id our own export carried (also returned as claimed), else a slug of the name;
        `identity.assign` makes it unique against the catalog."""
        wanted = ext.get("agency_id")
        if isinstance(wanted, str) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", wanted):
            return wanted, wanted
        found = slug(text(org.get("name")), "")
        if found:  # the fallback's UUID only when the name leaves nothing (a tenth of a second
            return found, ""  # per 25,000 organizations, all but never used)
        return "agency-" + hsds_id("hsds", str(org.get("id") or ""))[:8], ""

    def offer(
        self, services: list[Obj], languages: list[str], unknown: list[str]
    ) -> tuple[list[ServiceLine], dict[str, dict[str, Any]]]:
        """What each HSDS service became, and our services with their forms and notes."""
        lines: list[ServiceLine] = []
        offered: dict[str, dict[str, Any]] = {}
        for service in services:
            label = text(service.get("name")) or str(service.get("id"))
            status = service.get("status")
            if status in ("inactive", "defunct"):
                lines.append(ServiceLine(label, [], [], skipped=f"status {status}"))
                continue
            ids, mapped, because, why_not = self.service_ids(service)
            lines.append(ServiceLine(label, mapped, because, why_not=why_not))
            sext_raw = service.get(EXTENSION)
            sext = sext_raw if isinstance(sext_raw, dict) else {}
            notes = service_notes(service)
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
                entry["note"] += [n for n in notes if n not in entry["note"]]
            self.add_languages(service.get("languages"), languages, unknown)
            for loc in service_locations([service]):
                self.add_languages(loc.get("languages"), languages, unknown)
        return lines, offered

    def defaults(self, org: Obj, draft: Draft, lines: list[ServiceLine]) -> None:
        """Safe defaults for what neither HSDS nor the extension said (all listed for review)."""
        data, touched = draft.data, draft.touched
        if not covered(("sector",), touched):
            found, tied = self.mapping.sector_for(
                [data["name"], text(org.get("alternate_name"))],
                [line.name for line in lines if not line.skipped],
            )
            if found:
                data["sector"] = found.target
                draft.assumed.append(("sector",))
            else:
                data["sector"] = self.mapping.default_sector
                said = f"its services suggest {tied} equally" if tied else "not in HSDS"
                draft.default(("sector",), f"sector: {said}; set to {self.mapping.default_sector}")
        if not data["hours"].get("regular"):
            data["hours"]["regular"] = "Not stated (ask the agency)"
            draft.default(("hours", "regular"), "hours: no schedule in HSDS")
        if not data["access"].get("area"):
            data["access"]["area"] = "Unknown"
            draft.default(("access", "area"), "area: no city in HSDS; set to Unknown")
        if not data["contact"].get("role"):
            data["contact"]["role"] = "Intake"
            draft.default(("contact", "role"), "contact role: not in HSDS; set to Intake")
        if "cost" not in data:
            data["cost"] = "unknown"
            draft.default(("cost",), "cost: not stated in HSDS; set to unknown (ask the agency)")
        for path in MAYBE:
            present = data
            for part in path[:-1]:
                present = present.get(part, {})
            if path[-1] not in present and not covered(path, touched):
                draft.assumed.append(path)

    def convert(self, org: Obj) -> ImportedAgency | Unimported | list[HsdsProblem]:
        """The agency for one organization, or why it cannot be one."""
        where = str(org.get(WHERE) or org.get("id"))
        name = text(org.get("name"))
        ext_raw = org.get(EXTENSION)
        ext: dict[str, Any] = copy.deepcopy(ext_raw) if isinstance(ext_raw, dict) else {}
        services = dicts(org.get("services"))
        languages: list[str] = []
        unknown: list[str] = []
        lines, offered = self.offer(services, languages, unknown)
        if not offered:
            return Unimported(name or where, where, lines)
        for location in dicts(org.get("locations")):
            self.add_languages(location.get("languages"), languages, unknown)
        locations = service_locations(services) + dicts(org.get("locations"))
        for location in locations:
            for phone in dicts(location.get("phones")):  # 1.x/2.0: a site's phone's languages
                self.add_languages(phone.get("languages"), languages, unknown)
        for phone in dicts(org.get("phones")):
            self.add_languages(phone.get("languages"), languages, unknown)
        draft = Draft({"name": name, "description": block(org.get("description"))})
        data = draft.data
        data["services"] = service_entries(offered)
        if languages:
            data["languages"] = languages
        else:
            data["languages"] = [self.mapping.default_language]
            draft.default(
                ("languages",),
                f"languages: none in HSDS; set to {self.mapping.default_language}",
            )
        data["populations"] = ages(services)
        data["hours"], notes = hours(all_schedules(org, services))
        draft.review.extend(notes)
        data["access"] = access(locations, draft)
        reach(org, services, locations, draft)
        data["intake"] = documents(services)
        found = sites(org, services)
        if found is None:
            draft.assumed.append(("sites",))  # HSDS lists no place: keep a person's sites
        elif found:
            data["sites"] = found
        cost(services, draft)
        ext.pop("vetting", None)  # the extension: what only our own export carries
        ident, claimed = self.agency_id(org, ext)
        ext.pop("agency_id", None)
        draft.touched = deep_update(data, ext)
        data["id"] = ident
        self.defaults(org, draft, lines)
        try:
            agency = Agency.model_validate(data)
        except ValidationError as exc:
            return validation_problems(where, name, exc)
        return ImportedAgency(
            agency=agency,
            hsds_id=source_id(org, ext),
            where=where,
            claimed=claimed,
            review=draft.review,
            defaulted=draft.defaulted,
            assumed=[p for p in draft.assumed if not covered(p, draft.touched)],
            services=lines,
            unknown_languages=unknown,
        )
