"""Every place a multi-site organization serves at, so no city or phone is lost on import.

An agency is one organization; when HSDS lists it at two or more physical locations, each
becomes a site (name, city, phone, hours and the source's location id) and the referral
session lets the youth pick one. Only coarse facts are kept: a city, never a street address.
Locations come from the organization and from where its services are given (services at
location), once each, in the order the import reads them for the agency's own area.
"""

from __future__ import annotations

from typing import Any

from referral_cli.hsds.phones import choose
from referral_cli.hsds.schedules import hours
from referral_cli.hsds.schema import Obj
from referral_cli.hsds.values import dicts, text

NOT_A_PLACE = ("virtual", "postal")


def places(org: Obj, services: list[Obj]) -> list[tuple[Obj, list[Obj]]]:
    """Each physical location once, with the services-at-location rows that give it."""
    found: dict[str, tuple[Obj, list[Obj]]] = {}
    for service in services:
        for sal in dicts(service.get("service_at_locations")):
            location = sal.get("location")
            if isinstance(location, dict):
                found.setdefault(str(location.get("id")), (location, []))[1].append(sal)
    for location in dicts(org.get("locations")):
        found.setdefault(str(location.get("id")), (location, []))
    return [p for p in found.values() if text(p[0].get("location_type")) not in NOT_A_PLACE]


def area(location: Obj) -> str:
    """'City, ST' from the location's physical address (postal only when it has none)."""
    addresses = sorted(
        dicts(location.get("addresses")), key=lambda a: a.get("address_type") == "postal"
    )
    for address in addresses:
        city = text(address.get("city"), 200)
        if city:
            return ", ".join(x for x in (city, text(address.get("state_province"), 100)) if x)
    return ""


def site(location: Obj, sals: list[Obj], number: int) -> dict[str, Any]:
    """One site's fields, as the catalog model takes them."""
    city = area(location)
    out: dict[str, Any] = {
        "name": text(location.get("name"), 200) or city or f"Site {number}",
        "area": city,
        "source": text(location.get("id"), 200),
    }
    phone, _ = choose(
        dicts(location.get("phones")) + [p for s in sals for p in dicts(s.get("phones"))]
    )
    if phone:
        out["phone"] = phone
    schedules = dicts(location.get("schedules")) + [
        x for s in sals for x in dicts(s.get("schedules"))
    ]
    regular = hours(schedules)[0].get("regular", "") if schedules else ""
    if regular:
        out["hours"] = regular
    return out


def sites(org: Obj, services: list[Obj]) -> list[dict[str, Any]] | None:
    """The sites of a multi-site organization; [] for one place, None when HSDS lists none
    (the merge then keeps the sites a coordinator entered)."""
    found = places(org, services)
    if not found:
        return None
    if len(found) < 2:
        return []
    return [site(location, sals, n) for n, (location, sals) in enumerate(found, 1)]
