"""Checking a parsed catalog file: field errors in plain words, and the cross-file rules.

Pydantic's errors are turned into sentences a coordinator can act on, each with its field
path; the cross-file rules (unique ids, known services, forms and languages, vetting files
named for their agency) need more than one file, so the models cannot say them alone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from referral_cli import clock
from referral_cli.catalog.cache import Standings
from referral_cli.catalog.cachekey import vetting_owner
from referral_cli.catalog.contents import Catalog
from referral_cli.catalog.models import AgenciesCatalog, ServicesCatalog, Vetting
from referral_cli.catalog.places import SERVICES_FILE
from referral_cli.catalog.yamlfile import Lines
from referral_cli.errors import CatalogProblem
from referral_cli.text import clip

Loc = tuple[int | str, ...]
_NAME = re.compile(r"(?P<agency>.+)--(?P<date>\d{4}-\d{2}-\d{2})(-\d+)?\.yaml")


def field_name(loc: Loc) -> str:
    """A pydantic location as a dotted field path, e.g. agencies[3].services[0].id."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or "(" in part:  # pydantic's union / validator tags
            continue
        else:
            out += f".{part}" if out else part
    return out


_PLAIN = {
    "missing": "is required but missing",
    "extra_forbidden": "is not a known field (check the spelling)",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date without a time (YYYY-MM-DD)",
}


def _plain_message(error: Any, model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _field_names(model, error["loc"][:-1])
        close = difflib.get_close_matches(str(error["loc"][-1]), known, n=1, cutoff=0.6)
        return _PLAIN[kind] + (f"; did you mean {close[0]}?" if close else "")
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if "a-z0-9" in pattern:
            read = clip(str(error.get("input", "")), 60)  # a mis-indented list reads as one id
            return (
                "must be an id of lowercase letters, digits and hyphens (e.g. youth-harbor),"
                f" not '{read}'"
            )
        if "a-z]{2,3}" in pattern:
            return "must be a language code such as en, es or vi"
        if "0-9]{3,8}" in pattern:
            return "must be a short code of 3 to 8 digits"
        return "has the wrong form"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return "is too long"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    message = str(error["msg"])
    return message[:1].lower() + message[1:]


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at `loc` inside `model` (list items and mapping
    values followed), for suggesting the one a misspelt key meant; [] if none is found."""
    kind: Any = model
    for part in loc:
        kind = _model_in(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if not isinstance(part, str) or part not in kind.model_fields:
                return []
            kind = kind.model_fields[part].annotation
        elif get_origin(kind) in (list, dict):
            kind = get_args(kind)[-1]  # a list's items, a mapping's values
        else:
            return []
    kind = _model_in(kind)
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _model_in(kind: Any) -> Any:
    """The type inside Annotated[...] and X | None."""
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    if isinstance(kind, UnionType) or get_origin(kind) is Union:
        inner = [k for k in get_args(kind) if k is not type(None)]
        return inner[0] if len(inner) == 1 else kind
    return kind


def validate_model(model: type[BaseModel], data: Any, shown: str, lines: Lines) -> Any:
    """Validate parsed data; on failure return the problems, each located in the file."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [
            CatalogProblem(
                shown, lines.line(err["loc"]), field_name(err["loc"]), _plain_message(err, model)
            )
            for err in exc.errors()
        ]
        return None, problems


# --- cross-file checks -------------------------------------------------------


def _duplicates(ids: Sequence[str]) -> Iterator[int]:
    seen: set[str] = set()
    for index, ident in enumerate(ids):
        if ident in seen:
            yield index
        seen.add(ident)


def check_services(services: ServicesCatalog) -> Iterator[tuple[Loc, str]]:
    """services.yaml's own rules: unique service and hotline ids."""
    for i in _duplicates([s.id for s in services.services]):
        yield ("services", i, "id"), f"duplicate id '{services.services[i].id}'"
    for i in _duplicates([h.id for h in services.hotlines]):
        yield ("hotlines", i, "id"), f"duplicate id '{services.hotlines[i].id}'"


def check_agencies(
    agencies: AgenciesCatalog, services: ServicesCatalog
) -> Iterator[tuple[Loc, str]]:
    """agencies.yaml against services.yaml: unique ids, known services, forms and languages."""
    known = {s.id: s for s in services.services}
    ids = [a.id for a in agencies.agencies]
    for i in _duplicates(ids):
        yield ("agencies", i, "id"), f"duplicate id '{ids[i]}'"
    task_force = agencies.catalog.task_force
    if task_force and task_force not in ids:
        yield ("catalog", "task_force"), f"no agency has the id '{task_force}'"
    for i, agency in enumerate(agencies.agencies):
        for j in _duplicates([s.id for s in agency.services]):
            yield (
                ("agencies", i, "services", j, "id"),
                f"'{agency.services[j].id}' is listed twice: list each service once, "
                "with every form it offers",
            )
        for j, offered in enumerate(agency.services):
            service = known.get(offered.id)
            if service is None:
                close = difflib.get_close_matches(offered.id, list(known), n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                yield ("agencies", i, "services", j, "id"), f"unknown service '{offered.id}'{hint}"
            elif bad := [f for f in offered.forms if f not in service.forms]:
                yield (
                    ("agencies", i, "services", j, "forms"),
                    f"'{offered.id}' has no {' or '.join(bad)} form",
                )
        if services.languages:
            for j, code in enumerate(agency.languages):
                if code not in services.languages:
                    yield (
                        ("agencies", i, "languages", j),
                        f"unknown language code '{code}' (add it to languages in {SERVICES_FILE})",
                    )
        ages = agency.populations
        if ages.age_min is not None and ages.age_max is not None and ages.age_min > ages.age_max:
            yield ("agencies", i, "populations", "age_min"), "is greater than age_max"


# The only fields of an agency its standing may read (with its vettings, the catalog's info
# and the day, on which only staleness depends): an edit that leaves them and the vettings as
# they were keeps the cached standing, and `update` need not load the rubric to judge it again.
STANDING_READS = ("id", "name", "revet_months")


@dataclass(frozen=True)
class VettingRules:
    """What the vetting layer lends the loader, so the catalog never imports the rubric.

    `check` adds the rubric's rules to a vetting file's checks; `standings` judges a clean
    catalog on a day, for the cache to keep as plain rows (warm `vet`, `show`, `agencies`),
    reading of each agency only STANDING_READS; `factors` names the rubric's factors (label,
    critical), which the cache keeps for the warm scorecard of an agency never vetted.
    """

    check: Callable[[Vetting], Iterable[tuple[Loc, str]]]
    standings: Callable[[Catalog, dt.date], Standings]
    factors: Callable[[], list[tuple[str, bool]]]


def check_vetting_file(
    vetting: Vetting, agency_ids: set[str] | None, path: Path, rules: VettingRules
) -> Iterator[tuple[Loc, str]]:
    """A vetting file: its agency exists, its name says so, its date is past and matches the
    name, and the rubric's rules hold.

    A vetting dated in the future records a consultation that has not happened (and would
    override today's standing); a name whose date disagrees hides when it happened.
    `agency_ids` is None when agencies.yaml itself could not be read: its own error says
    so, and one line per vetting file that "no agency has the id" would only bury it.
    """
    today = clock.today()
    if vetting.date > today:
        yield (
            ("date",),
            f"{vetting.date} is in the future (today is {today}): record a vetting on or "
            "after the day it happens",
        )
    named = _NAME.fullmatch(path.name)
    if named is None or named["date"] != vetting.date.isoformat():
        said = f"says {named['date']}" if named else "has no date (YYYY-MM-DD)"
        yield (
            ("date",),
            f"is {vetting.date} but the file name {said}: name the file "
            f"{vetting.agency}--{vetting.date}.yaml",
        )
    if agency_ids is not None and vetting.agency not in agency_ids:
        yield ("agency",), f"no agency has the id '{vetting.agency}'"
    elif vetting_owner(path.name) != vetting.agency:
        # A copied file left unrenamed would vet the wrong agency; the cache relies on it too.
        yield (
            ("agency",),
            f"is '{vetting.agency}' but the file name says otherwise: name the file "
            f"{vetting.agency}--{vetting.date}.yaml",
        )
    yield from rules.check(vetting)
