"""Add one agency to a catalog, in the layout it uses, or leave the catalog as it was.

The coordinator's step after a worker met a new contact (`referral contacts`): the agency is
written into agencies.yaml (after the agencies it lists, everything else kept as written) or
as agencies/<id>.yaml when the catalog keeps one file per agency. The whole catalog is then
checked; on any problem the write is undone, so a catalog is never left half-edited.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from referral_cli.catalog.files import agency_files
from referral_cli.catalog.layout import write_atomic
from referral_cli.catalog.models import Agency
from referral_cli.catalog.places import AGENCIES_FILE, AGENCY_DIR, is_packaged
from referral_cli.catalog.yamlfile import Loader
from referral_cli.errors import ReferralError

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Check = Callable[[Path], list[str]]  # the whole catalog's problems, [] when clean


def agency_data(agency: Agency) -> dict[str, Any]:
    """The agency as a coordinator writes it: fields left at their default left out."""
    data = agency.model_dump(mode="json", exclude_defaults=True)
    data["services"] = [s["id"] if set(s) == {"id"} else s for s in data.get("services", [])]
    return {k: data[k] for k in type(agency).model_fields if k in data}


def _dump(data: Any) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))


def _load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError:
        return None


def appended(text: str, data: dict[str, Any]) -> str:
    """agencies.yaml's text with one more agency at the end of its `agencies:` list.

    Only block lists are extended (what a coordinator writes); the result must read back as
    the same file plus that agency, or nothing is written.
    """
    try:
        tree = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:
        raise ReferralError(f"{AGENCIES_FILE} is not valid YAML ({exc}).") from None
    if not isinstance(tree, yaml.MappingNode):
        raise ReferralError(f"{AGENCIES_FILE} is not a mapping of fields.")
    found = [v for k, v in tree.value if isinstance(k, yaml.ScalarNode) and k.value == "agencies"]
    body = _dump(data).rstrip("\n").splitlines()
    if not found:
        out = text.rstrip("\n") + "\n\nagencies:\n" + _item(body, 2)
    else:
        node = found[0]
        if not isinstance(node, yaml.SequenceNode) or node.flow_style or not node.value:
            raise ReferralError(
                f"{AGENCIES_FILE} does not list its agencies as a block list (`- id: ...`): "
                "add this one by hand, or keep one file per agency (referral catalog split)."
            )
        indent = max(node.value[0].start_mark.column - 2, 0) + 2
        lines = text.splitlines(keepends=True)
        end = node.end_mark.line + (1 if node.end_mark.column else 0)
        head = "".join(lines[:end])
        if head and not head.endswith("\n"):
            head += "\n"
        out = head + _item(body, indent) + "".join(lines[end:])
    before, after = _load(text), _load(out)
    expected = dict(before or {})
    expected["agencies"] = [*(expected.get("agencies") or []), data]
    if after != expected:
        raise ReferralError(f"Cannot add to {AGENCIES_FILE}: it would not read back as written.")
    return out


def _item(body: list[str], indent: int) -> str:
    """A YAML mapping as one item of a block list whose content starts at `indent`."""
    pad = " " * indent
    first = " " * (indent - 2) + "- " + body[0]
    return "\n".join([first, *(pad + line for line in body[1:])]) + "\n"


def add_agency(root: Path, agency: Agency, check: Check) -> Path:
    """Write `agency` into the catalog at `root`, check the whole catalog, undo on a problem.

    Returns the file written. Refuses the example catalog inside the package.
    """
    if is_packaged(root):
        raise ReferralError(
            "The example catalog inside the installed package is read-only: copy it with "
            "`referral catalog init DIR`, then use --data DIR or REFERRAL_DATA."
        )
    data = agency_data(agency)
    if agency_files(root):
        path = root / AGENCY_DIR / f"{agency.id}.yaml"
        if path.exists():
            raise ReferralError(f"{AGENCY_DIR}/{path.name} exists already: choose another --id.")
        write_atomic(path, _dump(data))

        def undo() -> None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    else:
        path = root / AGENCIES_FILE
        try:
            before = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReferralError(f"Cannot read {path}: {exc}.") from None
        write_atomic(path, appended(before, data))

        def undo() -> None:
            write_atomic(path, before)

    try:
        problems = check(root)
    except BaseException:
        undo()
        raise
    if problems:
        undo()
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise ReferralError(f"Nothing was added: the catalog would have problems ({shown}).")
    return path
