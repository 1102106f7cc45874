"""Load and validate the YAML catalogs; every problem is reported with file, line and field.

The catalog is `services.yaml`, `agencies.yaml` and one file per vetting under `vettings/`.
Parsing uses libyaml's `CSafeLoader` when present (safe_load semantics either way). Line
numbers are only looked up when something is wrong, so a clean load pays nothing for them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import BaseModel, ValidationError

from referral_cli.catalog import yamlstream
from referral_cli.catalog.cache import Standings as Standings
from referral_cli.catalog.contents import Catalog as Catalog
from referral_cli.catalog.models import (
    AgenciesCatalog,
    ServicesCatalog,
    Vetting,
)
from referral_cli.catalog.places import AGENCIES_FILE as AGENCIES_FILE
from referral_cli.catalog.places import SERVICES_FILE as SERVICES_FILE
from referral_cli.catalog.places import VETTINGS_DIR as VETTINGS_DIR
from referral_cli.catalog.places import default_data_dir as default_data_dir
from referral_cli.catalog.places import is_packaged as is_packaged
from referral_cli.catalog.places import resolve_data_dir as resolve_data_dir
from referral_cli.errors import CatalogError, CatalogProblem

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_EXPANDED_NODES = 20_000_000

_Loc = tuple[int | str, ...]

_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loading, except that dates stay text: pydantic then reports a bad date with its line."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


# --- parsing ---------------------------------------------------------------


def parse_yaml(path: Path, shown: str) -> tuple[Any, list[CatalogProblem]]:
    """Parse one YAML file safely; a syntax error becomes a problem with its line."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [CatalogProblem(shown, None, "", "file is too large to be a catalog")]
        text = path.read_bytes()
    except FileNotFoundError:
        return None, [CatalogProblem(shown, None, "", "file not found")]
    except OSError as exc:
        return None, [CatalogProblem(shown, None, "", f"cannot be read ({exc.strerror})")]
    if _too_deep(text):
        return None, [CatalogProblem(shown, None, "", "nested too deeply to be a catalog")]
    collecting = gc.isenabled()
    gc.disable()  # the parser makes many small objects; the collector only slows it down
    aliased = False
    try:
        try:
            data = yamlstream.load(text, _Loader)
        except yamlstream.Unusual:
            aliased = True  # or tagged, or broken: PyYAML itself answers
            data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "not valid YAML"
        return None, [CatalogProblem(shown, line, "", f"YAML syntax error: {what}")]
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        return None, [CatalogProblem(shown, None, "", f"not valid YAML ({exc})")]
    except RecursionError:
        return None, [CatalogProblem(shown, None, "", "nested too deeply to be a catalog")]
    finally:
        if collecting:
            gc.enable()
    try:
        if aliased and _ANCHOR.search(text) and _expanded_size(data) > MAX_EXPANDED_NODES:
            message = "uses YAML aliases that expand to far too much data (an 'alias bomb')"
            return None, [CatalogProblem(shown, None, "", message)]
    except RecursionError:
        return None, [CatalogProblem(shown, None, "", "nested too deeply to be a catalog")]
    if data is None:
        return None, [CatalogProblem(shown, None, "", "file is empty")]
    if not isinstance(data, dict):
        return None, [CatalogProblem(shown, 1, "", "must be a mapping of fields, not a list")]
    return data, []


MAX_DEPTH = 500
# Both written so that the regex engine skips ahead quickly: at 50,000 agencies the naive
# `^[ \t]{500,}` (multiline) and `(-[ \t]+){500,}` took 1.5 s of a cold start.
_DEEP_INDENT = re.compile(rb"\n[ \t]{%d}" % MAX_DEPTH)
_DEEP_DASHES = re.compile(rb"-[ \t](?:[ \t]*-[ \t]){%d}" % (MAX_DEPTH - 1))
_BRACKETS = re.compile(rb"[\[\]{}]")


def _too_deep(text: bytes) -> bool:
    """Refuse absurd nesting before libyaml sees it: its recursive C parser can crash on it.

    Over-estimates depth (brackets inside quotes count too); a real catalog is a few levels.
    """
    head = text[:MAX_DEPTH]
    if len(head) == MAX_DEPTH and not head.lstrip(b" \t"):
        return True
    if _DEEP_INDENT.search(text) or _DEEP_DASHES.search(text):
        return True
    if text.count(b"[") + text.count(b"{") <= MAX_DEPTH:
        return False
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in (b"[", b"{") else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return True
    return False


_ANCHOR = re.compile(rb"(^|[\s\[{,:-])&[^\s,\[\]{}]+")


def _expanded_size(data: Any) -> int:
    """How many values the data would have with every alias copied out.

    Aliases load as shared objects, so the parse itself is cheap; but validating or
    printing walks the expanded tree. Counting with a memo over shared objects is linear.
    """
    memo: dict[int, int] = {}

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        if key not in memo:
            memo[key] = 0  # a cycle counts once
            children = value.values() if isinstance(value, dict) else value
            memo[key] = 1 + sum(size(child) for child in children)
        return memo[key]

    return size(data)


class _Lines:
    """Finds the line of a field path in a YAML file, composing the node tree on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._root: yaml.Node | None = None

    def line(self, loc: _Loc) -> int | None:
        if self._root is None:
            try:
                self._root = yaml.compose(self.path.read_bytes(), Loader=_Loader)
            except (yaml.YAMLError, OSError, RecursionError):
                return None
        node = self._root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                        line, node = key.start_mark.line + 1, value
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
        return line


def _field_name(loc: _Loc) -> str:
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


def _plain_message(error: Any) -> str:
    kind = error["type"]
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if "a-z0-9" in pattern:
            return "must be an id of lowercase letters, digits and hyphens (e.g. youth-harbor)"
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


def _validate(model: type[BaseModel], data: Any, shown: str, lines: _Lines) -> Any:
    """Validate parsed data; on failure return the problems, each located in the file."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [
            CatalogProblem(
                shown, lines.line(err["loc"]), _field_name(err["loc"]), _plain_message(err)
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


def _check_services(services: ServicesCatalog) -> Iterator[tuple[_Loc, str]]:
    for i in _duplicates([s.id for s in services.services]):
        yield ("services", i, "id"), f"duplicate id '{services.services[i].id}'"
    for i in _duplicates([h.id for h in services.hotlines]):
        yield ("hotlines", i, "id"), f"duplicate id '{services.hotlines[i].id}'"


def _check_agencies(
    agencies: AgenciesCatalog, services: ServicesCatalog
) -> Iterator[tuple[_Loc, str]]:
    known = {s.id: s for s in services.services}
    ids = [a.id for a in agencies.agencies]
    for i in _duplicates(ids):
        yield ("agencies", i, "id"), f"duplicate id '{ids[i]}'"
    task_force = agencies.catalog.task_force
    if task_force and task_force not in ids:
        yield ("catalog", "task_force"), f"no agency has the id '{task_force}'"
    for i, agency in enumerate(agencies.agencies):
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


@dataclass(frozen=True)
class VettingRules:
    """What the vetting layer lends the loader, so the catalog never imports the rubric.

    `check` adds the rubric's rules to a vetting file's checks; `standings` judges a clean
    catalog on a day, for the cache to keep as plain rows (warm `vet`, `show`, `agencies`).
    """

    check: Callable[[Vetting], Iterable[tuple[_Loc, str]]]
    standings: Callable[[Catalog, dt.date], Standings]


def _check_vetting(
    vetting: Vetting, agency_ids: set[str], path: Path, rules: VettingRules
) -> Iterator[tuple[_Loc, str]]:
    from referral_cli.catalog.cache import vetting_owner

    if vetting.agency not in agency_ids:
        yield ("agency",), f"no agency has the id '{vetting.agency}'"
    elif vetting_owner(path.name) != vetting.agency:
        # A copied file left unrenamed would vet the wrong agency; the cache relies on it too.
        yield (
            ("agency",),
            f"is '{vetting.agency}' but the file name says otherwise: name the file "
            f"{vetting.agency}--{vetting.date}.yaml",
        )
    yield from rules.check(vetting)


# --- entry points ------------------------------------------------------------


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def vetting_files(root: Path) -> list[Path]:
    """The vetting record files in recording order: `x--2026-05-01-2` after `x--2026-05-01`."""
    folder = root / VETTINGS_DIR
    return sorted(folder.glob("*.yaml"), key=_recording_order) if folder.is_dir() else []


def _recording_order(path: Path) -> tuple[str, int]:
    match = re.fullmatch(r"(.+--\d{4}-\d{2}-\d{2})-(\d+)", path.stem)
    return (match[1], int(match[2])) if match else (path.stem, 1)


Progress = Callable[[int, int], None]


def check_catalog(
    root: Path, rules: VettingRules, progress: Progress | None = None
) -> tuple[Catalog | None, list[CatalogProblem]]:
    """Validate every catalog file; return the catalog (if clean) and every problem found.

    The garbage collector is paused throughout: it would only rescan the objects being
    built. `progress(done, total)` is called after each file, for a progress bar.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_catalog(root, rules, progress)
    finally:
        if collecting:
            gc.enable()


def _check_catalog(
    root: Path, rules: VettingRules, progress: Progress | None
) -> tuple[Catalog | None, list[CatalogProblem]]:
    if not root.is_dir():
        shown = _shown(root, root)
        return None, [CatalogProblem(shown, None, "", "catalog folder not found")]
    problems: list[CatalogProblem] = []
    vetting_paths = vetting_files(root)
    total = 2 + len(vetting_paths)
    done = 0

    def load(path: Path, model: type[BaseModel], checks: Any = None) -> Any:
        shown = _shown(root, path)
        data, found = parse_yaml(path, shown)
        problems.extend(found)
        if data is None:
            return None
        lines = _Lines(path)
        value, found = _validate(model, data, shown, lines)
        problems.extend(found)
        if value is not None and checks is not None:
            found = [
                CatalogProblem(shown, lines.line(loc), _field_name(loc), msg)
                for loc, msg in checks(value)
            ]
            problems.extend(found)
        return value

    def step(value: Any) -> Any:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)
        return value

    services: ServicesCatalog | None = step(
        load(root / SERVICES_FILE, ServicesCatalog, _check_services)
    )
    agencies: AgenciesCatalog | None = step(
        load(
            root / AGENCIES_FILE,
            AgenciesCatalog,
            (lambda a: _check_agencies(a, services)) if services else None,
        )
    )
    agency_ids = {a.id for a in agencies.agencies} if agencies else set()
    vettings: dict[str, list[Vetting]] = {}
    for path in vetting_paths:
        vetting: Vetting | None = step(
            load(path, Vetting, lambda v, p=path: _check_vetting(v, agency_ids, p, rules))
        )
        if vetting is not None:
            vettings.setdefault(vetting.agency, []).append(vetting)
    if problems or services is None or agencies is None:
        return None, problems
    for history in vettings.values():
        history.sort(key=lambda v: v.date)
    catalog = Catalog(
        root=root,
        info=agencies.catalog,
        languages=dict(services.languages),
        services={s.id: s for s in services.services},
        hotlines=list(services.hotlines),
        agencies={a.id: a for a in agencies.agencies},
        vettings=vettings,
    )
    return catalog, []


def load_catalog(root: Path, rules: VettingRules) -> Catalog:
    """The validated catalog, or a CatalogError listing every problem with file and line.

    Warm (no catalog file changed since the last load): read from the cache, agencies on
    demand. Cold: parse and check every file, then store the result. Problems always come
    from a fresh parse, so they name file and line; a catalog with problems is never cached.
    """
    from referral_cli.catalog import cache

    cached, key = cache.lookup(root, lambda: _checked(root, rules))
    if cached is not None:
        return cached
    key.hash_racy()  # before parsing, so an edit made during the parse is seen next time
    catalog = _checked(root, rules)
    # Judged as of the build; staleness is redone on reading.
    cache.store(catalog, key, rules.standings(catalog, key.built_day()))
    return catalog


def _checked(root: Path, rules: VettingRules) -> Catalog:
    """`check_catalog`, raising its problems."""
    catalog, problems = check_catalog(root, rules)
    if catalog is None:
        raise CatalogError(problems)
    return catalog
