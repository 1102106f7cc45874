"""One small function per group of agency fields, each reading the HSDS objects it needs.

They fill a `Draft`: the agency's data, the notes a coordinator must check, and the fields the
import set without HSDS saying them (the merge keeps a person's value for those).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from referral_cli.hsds.mapping import HsdsProblem
from referral_cli.hsds.phones import choose
from referral_cli.hsds.schema import Obj
from referral_cli.hsds.values import dicts, ok_email, phone_text, text

Path = tuple[str, ...]


@dataclass
class Draft:
    """The agency being built: its fields, the notes for review, the fields it assumed."""

    data: dict[str, Any]
    review: list[str] = field(default_factory=list)
    assumed: list[Path] = field(default_factory=list)
    touched: set[Path] = field(default_factory=set)
    defaulted: list[str] = field(default_factory=list)

    def default(self, path: Path, why: str | None = None) -> None:
        """Record a field the import set without HSDS saying it (moot when merged over a
        coordinator's value, which the merge keeps)."""
        self.assumed.append(path)
        if why:
            self.review.append(why)
            self.defaulted.append(why)


# --- where things sit in an organization -------------------------------------------------


def service_locations(services: list[Obj]) -> list[Obj]:
    """The locations the services are offered at, in order."""
    return [
        loc
        for s in services
        for sal in dicts(s.get("service_at_locations"))
        if isinstance(loc := sal.get("location"), dict)
    ]


def all_schedules(org: Obj, services: list[Obj]) -> list[Obj]:
    """Service, service-at-location and location schedules, in that order."""
    return [
        sch
        for s in services
        for sch in dicts(s.get("schedules"))
        + [x for sal in dicts(s.get("service_at_locations")) for x in dicts(sal.get("schedules"))]
    ] + [sch for loc in dicts(org.get("locations")) for sch in dicts(loc.get("schedules"))]


def all_contacts(org: Obj, services: list[Obj]) -> list[Obj]:
    """Organization, service and service-at-location contacts, in that order."""
    return dicts(org.get("contacts")) + [
        c
        for s in services
        for c in dicts(s.get("contacts"))
        + [x for sal in dicts(s.get("service_at_locations")) for x in dicts(sal.get("contacts"))]
    ]


# --- one field group each ------------------------------------------------------------------


def ages(services: list[Obj]) -> dict[str, Any]:
    """Ages only when every service states them (the widest range)."""
    mins = [s["minimum_age"] for s in services if isinstance(s.get("minimum_age"), int | float)]
    maxs = [s["maximum_age"] for s in services if isinstance(s.get("maximum_age"), int | float)]
    populations: dict[str, Any] = {}
    if mins and len(mins) == len(services):
        populations["age_min"] = math.floor(min(mins))
    if maxs and len(maxs) == len(services):
        populations["age_max"] = math.ceil(max(maxs))
    return populations


# Transit only from positive wording: "No public transit nearby" is not near transit.
TRANSIT = re.compile(
    r"\b(bus(es)?|bus lines?|trains?|metro|subway|light rail|tram|streetcar|trolley|bart|muni|"
    r"caltrain|max|public transit|public transportation|transit|station|stop)\b"
)
NEGATION = re.compile(r"\b(no|not|none|never|without|lack|limited|far from|n/a|unavailable)\b")


def near_transit(words: str) -> bool | None:
    """True when the text says transit is near, None when it says nothing clear."""
    folded = words.casefold()
    if not TRANSIT.search(folded):
        return None
    return not NEGATION.search(folded)


def access(locations: list[Obj], draft: Draft) -> dict[str, Any]:
    """Coarse area (a city, never a street address), transit and wheelchair access."""
    out: dict[str, Any] = {}
    for location in locations:
        for address in dicts(location.get("addresses")):
            city = text(address.get("city"), 200)
            state = text(address.get("state_province"), 100)
            if city:
                out["area"] = ", ".join(x for x in (city, state) if x)
                if not state:
                    draft.review.append(f"area: HSDS gives no state for {city}; check")
                break
        if "area" in out:
            break
    for location in locations:
        said = text(location.get("transportation"))
        if said:
            found = near_transit(said)
            if found:
                out["transit"] = True
            elif f"transit: HSDS says '{said[:120]}'" not in " ".join(draft.review):
                draft.review.append(
                    f"transit: HSDS says '{said[:120]}'; not marked as near transit, check"
                )
        for item in dicts(location.get("accessibility")):
            words = " ".join(text(item.get(k)) for k in ("description", "details")).casefold()
            if "wheelchair" in words and not re.search(
                r"\b(no|not|without)\b[^.]*wheelchair", words
            ):
                out["wheelchair"] = True
            if not out.get("note") and text(item.get("description")):
                out["note"] = text(item.get("description"), 500)
    return out


def contact_person(contacts: list[Obj]) -> dict[str, Any]:
    """The referral contact: the first HSDS contact's role, name, email and phone."""
    contact: dict[str, Any] = {}
    if not contacts:
        return contact
    first = contacts[0]
    role = text(first.get("title")) or text(first.get("department"))
    if role:
        contact["role"] = role
    if text(first.get("name")):
        contact["name"] = text(first.get("name"))
    if ok_email(text(first.get("email"))):
        contact["email"] = text(first.get("email"))
    numbers = [n for p in dicts(first.get("phones")) if (n := phone_text(p))]
    if numbers:
        contact["phone"] = numbers[0]
    return contact


def reach(org: Obj, services: list[Obj], locations: list[Obj], draft: Draft) -> None:
    """Phone, email, website and the referral contact."""
    data = draft.data
    contacts = all_contacts(org, services)
    phones = (
        dicts(org.get("phones"))
        + [p for s in services for p in dicts(s.get("phones"))]
        + [p for loc in locations for p in dicts(loc.get("phones"))]
        + [p for c in contacts for p in dicts(c.get("phones"))]
    )
    number, notes = choose(phones)
    if number:
        data["phone"] = number
        draft.review.extend(notes)
    else:
        draft.review.extend(notes[:-1])
        draft.default(("phone",), notes[-1])
    emails = [text(org.get("email"))] + [text(s.get("email")) for s in services]
    emails = [e for e in emails if e]
    good = [e for e in emails if ok_email(e)]
    if good:
        data["email"] = good[0]
    elif emails:
        draft.review.append(f"email: '{emails[0]}' is not an email address; left out")
    website = text(org.get("website")) or next(
        (text(s.get("url")) for s in services if text(s.get("url"))), ""
    )
    if website:
        data["website"] = website
    data["contact"] = contact_person(contacts)


def documents(services: list[Obj]) -> dict[str, Any]:
    """Intake documents the services require, once each."""
    found: list[str] = []
    for s in services:
        for doc in dicts(s.get("required_documents")):
            name = text(doc.get("document"))
            if name and name not in found:
                found.append(name)
    return {"documents": found} if found else {}


def cost(services: list[Obj], draft: Draft) -> None:
    """Fee, sliding scale, insurance or free as the source says; unknown when it is silent."""
    amounts: list[float] = [
        float(c["amount"])
        for s in services
        for c in dicts(s.get("cost_options"))
        if isinstance(c.get("amount"), int | float) and abs(c["amount"]) < 1e12  # no inf/NaN
    ]
    fees = " ".join(
        text(s.get(k)) for s in services for k in ("fees_description", "fees", "payment_accepted")
    ).casefold()
    if re.search(r"\bsliding[- ]?(fee|scale)|\bincome[- ]based\b", fees):
        draft.data["cost"] = "sliding-scale"
    elif re.search(r"\b(insurance|medicaid|medi-cal|medicare)\b", fees):
        draft.data["cost"] = "insurance"
    elif any(a > 0 for a in amounts) or re.search(r"\$\s?\d|\bfees? (is|are|of)\b", fees):
        draft.data["cost"] = "fee"
        draft.review.append(
            "cost: HSDS lists fees; set to fee (check for sliding scale or insurance)"
        )
    elif amounts or re.search(r"\b(free|no cost|no charge|no fee)\b", fees):
        draft.data["cost"] = "free"


def service_notes(service: Obj) -> list[str]:
    """Notes a service's status and assurance add to our service entry."""
    notes = []
    if service.get("status") == "temporarily closed":
        notes.append("HSDS: temporarily closed")
    if service.get("assured_date") or service.get("assurer_email"):
        by = text(service.get("assurer_email"))
        notes.append(
            f"HSDS listing assured {text(service.get('assured_date')) or '(no date)'}"
            + (f" by {by}" if by else "")
            + " (an HSDS assurance, not a vetting)"
        )
    return notes


def service_entries(offered: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Our services list, with forms and notes."""
    out = []
    for entry in offered.values():
        chosen: list[str] = [] if entry["all"] else sorted(entry["forms"])
        item: dict[str, Any] = {"id": entry["id"]}
        if "ext_forms" in entry:
            chosen = entry["ext_forms"]
        if chosen:
            item["forms"] = chosen
        note = entry.get("ext_note", "; ".join(entry["note"]))
        if note:
            item["note"] = text(note)
        out.append(item)
    return out


def validation_problems(where: str, name: str, exc: ValidationError) -> list[HsdsProblem]:
    """One problem per field the catalog model refused."""
    return [
        HsdsProblem(
            where,
            f"organization '{name}': "
            + ".".join(str(p) for p in err["loc"])
            + f": {err['msg'][:1].lower()}{err['msg'][1:]}".replace("Value error, ", ""),
        )
        for err in exc.errors()
    ]
