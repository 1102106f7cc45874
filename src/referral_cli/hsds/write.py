"""Write imported agencies into agencies.yaml, keeping the file hand-editable.

New agencies are appended as YAML text and a changed agency's entry is replaced in place, so
comments elsewhere in the file survive. Only when the file's layout does not allow that is it
rewritten whole, after a copy to `agencies.yaml.bak`. A catalog that keeps its agencies one
file each (`agencies/<id>.yaml`), or a new catalog of more than FILES_LAYOUT_ABOVE agencies,
gets one file per imported agency instead (`write_files`).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from referral_cli.catalog.layout import FILES_LAYOUT_ABOVE, uses_files
from referral_cli.catalog.load import AGENCIES_FILE, SERVICES_FILE, default_data_dir
from referral_cli.catalog.models import Agency
from referral_cli.catalog.places import AGENCY_DIR
from referral_cli.errors import ReferralError
from referral_cli.hsds.results import ImportedAgency, ImportResult

AGENCIES_HEADER = """\
# agencies.yaml: partner agencies a worker may refer a youth to.
# Created by `referral catalog import-hsds`. Check every field listed as "needs review"
# in the import summary, and vet each agency (`referral vet`) before referring a youth.

"""


# libyaml's emitter when PyYAML has it: the pure-Python one took most of a large import.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _plain(agency: Agency) -> dict[str, Any]:
    """The agency as YAML data, fields in model order, `- food` for a bare service."""
    data = agency.model_dump(mode="json", exclude_defaults=True)
    data["services"] = [s["id"] if set(s) == {"id"} else s for s in data["services"]]
    return {k: data[k] for k in Agency.model_fields if k in data}


def agencies_yaml(agencies: list[Agency], indent: int = 2) -> str:
    """Agencies as YAML list items, each after a blank line, in one dump (one per agency
    costs most of a large import)."""
    if not agencies:
        return ""
    text = yaml.dump(
        [_plain(a) for a in agencies], Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=96
    )
    pad = " " * indent
    return "".join(
        ("\n" if line.startswith("- ") else "") + (pad + line if line.strip() else line)
        for line in text.splitlines(True)
    )


def agency_yaml(agency: Agency, indent: int = 2) -> str:
    """One agency as a YAML list item, in the style of the shipped agencies.yaml."""
    return agencies_yaml([agency], indent)[1:]


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
    services_before = (root / SERVICES_FILE).read_text(encoding="utf-8")
    if result.new_languages:
        add_languages(root / SERVICES_FILE, result.new_languages)
        result.written.append(str(root / SERVICES_FILE))
    if not changed and agencies_path.exists():
        return
    before = agencies_path.read_text(encoding="utf-8") if agencies_path.exists() else None
    if uses_files(root) or (before is None and len(changed) > FILES_LAYOUT_ABOVE):
        write_files(root, result, (before, services_before), _head(region), changed)
        return
    if before is None:
        after = _head(region) + "\nagencies:\n" + agencies_yaml([a.agency for a in changed])
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
        atomic_write_text(root / SERVICES_FILE, services_before, mode=0o644)
        raise invalid(problems)


FILES_HEADER = (
    "# Its agencies are in agencies/, one file each (`referral catalog join` puts them here).\n"
)


def write_files(
    root: Path,
    result: ImportResult,
    before: tuple[str | None, str],
    head: str,
    changed: list[ImportedAgency],
) -> None:
    """The files layout: each new or changed agency as agencies/<id>.yaml, except one that
    agencies.yaml lists (edited there, as in the single layout).

    `before` is agencies.yaml's and services.yaml's text before the import (agencies.yaml
    None if new). As with agencies.yaml, a catalog left with problems is put back as it was
    (files replaced get their old text, new files go); so is one interrupted part-way.
    """
    from referral_cli.casefile.files import atomic_write_text
    from referral_cli.catalog.files import vetting_files
    from referral_cli.catalog.inputs import read_input
    from referral_cli.catalog.layout import write_agency_files
    from referral_cli.catalog.yamlfile import MAX_FILE_BYTES
    from referral_cli.vetting.rules import check_catalog

    agencies_yaml_before, services_before = before
    agencies_path, folder = root / AGENCIES_FILE, root / AGENCY_DIR
    listed = set() if agencies_yaml_before is None else set(_listed(agencies_yaml_before))
    in_yaml = [a for a in changed if a.agency.id in listed]
    own = [a.agency for a in changed if a.agency.id not in listed]
    paths = [folder / f"{a.id}.yaml" for a in own]
    replaced = {p: read_input(p, MAX_FILE_BYTES, "a catalog") for p in paths if p.exists()}
    had_folder = folder.is_dir()

    def put_back() -> None:
        for path in paths:
            if path in replaced:
                atomic_write_text(path, replaced[path].decode("utf-8"), mode=0o644)
            else:
                path.unlink(missing_ok=True)
        if not had_folder:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if agencies_yaml_before is None:
            agencies_path.unlink(missing_ok=True)
        else:
            atomic_write_text(agencies_path, agencies_yaml_before, mode=0o644)
        atomic_write_text(root / SERVICES_FILE, services_before, mode=0o644)

    fresh = agencies_yaml_before is None and not had_folder and not vetting_files(root)
    if fresh:  # judged before anything is written: nothing to put back but services.yaml
        problems = new_catalog_problems(root, head, own)
        if problems:
            put_back()
            raise invalid(problems)
    try:
        if agencies_yaml_before is None:
            atomic_write_text(agencies_path, head + FILES_HEADER, mode=0o644)
            result.written.append(str(agencies_path))
        elif in_yaml:
            edited = _edit(agencies_yaml_before, in_yaml)
            if edited is None:
                edited = _rewrite(root, agencies_yaml_before, in_yaml, result)
            atomic_write_text(agencies_path, edited, mode=0o644)
            result.written.append(str(agencies_path))
        if own:
            write_agency_files(root, own)
            result.written.append(f"{folder}/")  # one entry for the lot: there may be 50,000
        problems = [] if fresh else [str(p) for p in check_catalog(root)[1]]
    except BaseException:
        put_back()
        raise
    if problems:
        put_back()
        raise invalid(problems)


def invalid(problems: Sequence[object]) -> ReferralError:
    """The refusal of an import that would leave the catalog invalid (nothing is changed)."""
    return ReferralError(
        "The import would leave the catalog invalid, so nothing was changed:\n"
        + "\n".join(f"  {p}" for p in problems)
    )


def new_catalog_problems(root: Path, head: str, agencies: list[Agency]) -> list[str]:
    """What checking a new catalog of these agencies (files layout) would find, judged in
    memory before it is written: each agency is a validated model already, so what is left
    is services.yaml, agencies.yaml's `catalog:` section and the rules across agencies.
    (Reading back 25,000 agency files just written took 4 s of a 50,000-service import.)"""
    from referral_cli.catalog.files import check_agency_files
    from referral_cli.catalog.load import parse_yaml
    from referral_cli.catalog.models import AgenciesCatalog, ServicesCatalog
    from referral_cli.catalog.validate import check_services

    services_path = root / SERVICES_FILE
    data, found = parse_yaml(services_path, str(services_path))
    if data is None:
        return [str(p) for p in found]
    try:
        services = ServicesCatalog.model_validate(data)
    except ValidationError as exc:
        return [f"{services_path}: {exc.errors()[0]['msg']}"]
    info = AgenciesCatalog.model_validate(yaml.safe_load(head)).catalog  # the import's own
    problems = [
        f"{services_path}: {'.'.join(map(str, loc))}: {message}"
        for loc, message in check_services(services)
    ]
    seen: set[str] = set()
    for agency in agencies:
        if agency.id in seen:
            problems.append(f"{root / AGENCY_DIR / agency.id}.yaml: duplicate id '{agency.id}'")
        seen.add(agency.id)
    for index, loc, message in check_agency_files(agencies, services, info):
        where = root / AGENCY_DIR / f"{agencies[index].id}.yaml"
        problems.append(f"{where}: {'.'.join(map(str, loc))}: {message}")
    return problems


def _listed(text: str) -> list[str]:
    """The ids of the agencies agencies.yaml itself lists."""
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    agencies = data.get("agencies") if isinstance(data, dict) else None
    return [str(a.get("id")) for a in agencies or [] if isinstance(a, dict)]


def _head(region: str) -> str:
    """A new agencies.yaml's header and `catalog:` section."""
    return AGENCIES_HEADER + yaml.safe_dump(
        {"catalog": {"region": region}}, sort_keys=False, allow_unicode=True
    )


def add_languages(path: Path, new: dict[str, str]) -> None:
    """Add languages to services.yaml's `languages:` block as text, so comments survive."""
    from referral_cli.casefile.files import atomic_write_text

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    block = None
    if isinstance(root, yaml.MappingNode):
        block = next(
            (v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "languages"),
            None,
        )
    entries = {code: name for code, name in new.items() if code not in _codes(block)}
    if not entries:
        return
    if isinstance(block, yaml.MappingNode) and block.value and not block.flow_style:
        indent = " " * block.value[0][0].start_mark.column
        end = block.value[-1][1].end_mark.line + (1 if block.value[-1][1].end_mark.column else 0)
        added = [f"{indent}{code}: {_scalar(name)}\n" for code, name in entries.items()]
        lines[end:end] = added
    elif block is None or (isinstance(block, yaml.ScalarNode) and not block.value):
        if block is not None:
            lines = [line for line in lines if not line.startswith("languages:")]
        lines.append("languages:\n")
        lines += [f"  {code}: {_scalar(name)}\n" for code, name in entries.items()]
    else:
        raise ReferralError(
            f"{path}: cannot add languages {', '.join(entries)} (languages: is not a block "
            "mapping); add them by hand and import again"
        )
    atomic_write_text(path, "".join(lines), mode=0o644)


def _codes(block: object) -> set[str]:
    if not isinstance(block, yaml.MappingNode):
        return set()
    return {k.value for k, _ in block.value if isinstance(k, yaml.ScalarNode)}


def _scalar(value: str) -> str:
    """A YAML scalar for a language name (quoted only when needed)."""
    return yaml.safe_dump(value, allow_unicode=True, width=1000).removesuffix("\n...\n").strip()


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
    out += agencies_yaml([a.agency for a in changed if a.action == "new"], indent)
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
    return head + "\nagencies:\n" + agencies_yaml(list(by_id.values()))
