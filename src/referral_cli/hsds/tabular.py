"""Read an HSDS tabular package: CSV files, with or without datapackage.json."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from referral_cli.catalog.inputs import read_input
from referral_cli.errors import ReferralError
from referral_cli.hsds.assemble import assemble
from referral_cli.hsds.legacy import legacy_rows, version
from referral_cli.hsds.progress import Counting, Progress
from referral_cli.hsds.schema import TABLE_FILES, Obj, Package

MAX_HSDS_BYTES = 500 * 1024 * 1024  # an HSDS file larger than this is not a real export


def _csv_rows(path: Path, tick: Callable[[int], None]) -> Iterator[tuple[str, Obj]]:
    """Stream the rows of one CSV file as (where, row); row numbers count the header as 1."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(
            io.BufferedReader(Counting(raw, tick)), encoding="utf-8-sig", newline=""
        )
        try:
            yield from _rows(path.name, csv.reader(text))
        except UnicodeDecodeError:
            raise ReferralError(not_utf8(path)) from None
        except csv.Error as exc:
            raise ReferralError(f"{path.name}: not a readable CSV file ({exc})") from None


def _rows(name: str, reader: Iterator[list[str]]) -> Iterator[tuple[str, Obj]]:
    """The rows as csv.DictReader gives them (blank lines skipped, a cell beyond the header
    or missing from it left out), without the empty cells; csv.reader and the header, as
    DictReader's own per-row work took a tenth of a 50,000-service import."""
    header = next(reader, None)
    if header is None:
        return
    fast = len(set(header)) == len(header)  # a repeated column: the last one wins, as in a dict
    # one copy of each short repeated cell ("MO", "09:00"); ids are never repeated
    shared: dict[str, str] = {}
    number = 1
    for row in reader:
        if not row:
            continue
        number += 1
        if fast:
            pairs: Iterable[tuple[str, str]] = zip(header, row, strict=False)
        else:  # as DictReader: a column past a short row's end is missing, even if named before
            cells = dict(zip(header, row, strict=False))
            for missing in header[len(row) :]:
                cells.pop(missing, None)
            pairs = cells.items()
        yield (
            f"{name} row {number}",
            {
                k: shared.setdefault(v, v) if len(v) <= 16 and k != "id" else v
                for k, v in pairs
                if v
            },
        )


def not_utf8(path: Path) -> str:
    """Where a file stops being UTF-8, and what to do about it (the usual culprit is Excel)."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = line[exc.start : exc.start + 1].hex()
                return (
                    f"{path.name} line {number}: not UTF-8 text (byte 0x{byte}); save the file "
                    "as UTF-8 (in Excel: Save As, 'CSV UTF-8') and import again"
                )
    return f"{path.name}: not UTF-8 text; save the file as UTF-8 and import again"


def _table_paths(root: Path, pkg: Package) -> dict[str, Path]:
    package_file = root / "datapackage.json"
    files = dict(TABLE_FILES)
    if package_file.is_file():
        try:
            described = json.loads(read_input(package_file, MAX_HSDS_BYTES, "a data package"))
            resources = described.get("resources") if isinstance(described, dict) else None
        except (OSError, ValueError):
            resources = None
        if not isinstance(resources, list):
            raise ReferralError(
                "datapackage.json: not a valid data package (needs a list of resources)"
            )
        for resource in resources:
            table = _resource_table(resource, files)
            listed = resource.get("path") if isinstance(resource, dict) else None
            if table is None or not isinstance(listed, str) or not listed:
                continue
            if (root / listed).is_file():
                files[table] = listed
            elif (root / files[table]).is_file():
                pkg.warnings.append(
                    f"datapackage.json: {table} is listed at '{listed}', which does not exist; "
                    f"read {files[table]} beside it instead"
                )
            else:
                raise ReferralError(
                    f"datapackage.json lists {table} at '{listed}', which does not exist"
                )
    found = {table: root / name for table, name in files.items() if (root / name).is_file()}
    for path in found.values():  # is_file: regular files only (a link to a device is not)
        if path.stat().st_size > MAX_HSDS_BYTES:
            raise ReferralError(f"{path.name}: too large to be an HSDS table")
    if "organization" not in found:
        raise ReferralError(f"{root}: no organizations.csv; is this an HSDS tabular package?")
    if "service" not in found:
        pkg.notes.append("no services.csv: organizations have no services to map")
    return found


def _resource_table(resource: object, files: dict[str, str]) -> str | None:
    """The table a datapackage resource describes: by name (singular or plural) or file name."""
    if not isinstance(resource, dict):
        return None
    name = str(resource.get("name") or "")
    if name in files:
        return name
    by_file = {file.removesuffix(".csv"): table for table, file in files.items()}
    stem = Path(str(resource.get("path") or "")).stem
    return by_file.get(name) or by_file.get(stem)


def read_tabular(root: Path, pkg: Package, progress: Progress) -> None:
    """Join the package's CSV tables into nested organizations (older versions translated)."""
    older = version(root)
    if older is not None:
        pkg.version = f"HSDS {older}" if older[0].isdigit() else older
        if not (root / "organizations.csv").is_file():
            raise ReferralError(f"{root}: no organizations.csv; is this an HSDS tabular package?")
        if (root / "regular_schedules.csv").is_file():
            pkg.notes.append(
                "regular_schedules.csv: weekday numbers read as 1 = Monday ... 7 = Sunday "
                "(ISO 8601); check the hours of one agency against the source"
            )
        assemble(legacy_rows(root, lambda p: _csv_rows(p, progress.advance)), pkg, convert=True)
        return
    paths = _table_paths(root, pkg)

    def rows(table: str) -> Iterator[tuple[str, Obj]]:
        path = paths.get(table)
        if path is not None:
            yield from _csv_rows(path, progress.advance)

    assemble(rows, pkg, convert=True)
