"""Read an HSDS tabular package: CSV files, with or without datapackage.json."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from referral_cli.catalog.inputs import read_input
from referral_cli.errors import ReferralError
from referral_cli.hsds.assemble import assemble
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
            reader = csv.DictReader(text)
            for number, row in enumerate(reader, start=2):
                yield (
                    f"{path.name} row {number}",
                    {k: v for k, v in row.items() if k is not None and v not in (None, "")},
                )
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ReferralError(f"{path.name}: not a readable CSV file ({exc})") from None


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
            if isinstance(resource, dict) and resource.get("name") in files:
                files[str(resource["name"])] = str(resource.get("path") or files[resource["name"]])
    found = {table: root / name for table, name in files.items() if (root / name).is_file()}
    for path in found.values():  # is_file: regular files only (a link to a device is not)
        if path.stat().st_size > MAX_HSDS_BYTES:
            raise ReferralError(f"{path.name}: too large to be an HSDS table")
    if "organization" not in found:
        raise ReferralError(f"{root}: no organizations.csv; is this an HSDS tabular package?")
    if "service" not in found:
        pkg.notes.append("no services.csv: organizations have no services to map")
    return found


def read_tabular(root: Path, pkg: Package, progress: Progress) -> None:
    """Join the package's CSV tables into nested organizations."""
    paths = _table_paths(root, pkg)

    def rows(table: str) -> Iterator[tuple[str, Obj]]:
        path = paths.get(table)
        if path is not None:
            yield from _csv_rows(path, progress.advance)

    assemble(rows, pkg, convert=True)
