"""Measure issue #17's import target: 50,000 HSDS services in at most 10 s and 300 MB.

    .venv/bin/python benchmarks/hsds_import.py                 # 50,000 services, HSDS 3.0 CSV
    .venv/bin/python benchmarks/hsds_import.py --services 50000 --form json --repeat 3

Generates a tabular HSDS 3.0 package (or one JSON file) into --bench-dir: organizations with
two services each, a location with a city, phones (a fax first), five schedule rows,
languages, and service names drawn from real 211 listings, so that mapping, phones, hours and
review notes all do their real work. Then times whole `referral catalog import-hsds` runs
into an empty catalog (median wall and CPU time, user and system apart; peak RSS from
/usr/bin/time; the load average before and after, as the machine is shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
NAMES = [
    "Youth Shelter",
    "Food Pantry",
    "Career Counseling",
    "Legal Clinic",
    "Immigration Legal Clinic",
    "Tenant Rights Information/Counseling",
    "Runaway and Homeless Youth Shelters",
    "Mental Health Services",
    "Homeless Shelter Volunteer Opportunities",
    "GED Preparation",
    "Support Services",
    "Substance Abuse Treatment",
]
CITIES = ["Oakland", "Fresno", "Reno", "Salem", "Eugene", "Bend"]


def rows(services: int) -> dict[str, list[dict[str, str]]]:
    """The tables of a package with `services` services (two per organization)."""
    t: dict[str, list[dict[str, str]]] = {
        k: []
        for k in (
            "organizations",
            "services",
            "locations",
            "addresses",
            "phones",
            "schedules",
            "service_at_location",
            "languages",
        )
    }
    for n in range(services // 2):
        org = f"org-{n}"
        t["organizations"].append(
            {"id": org, "name": f"Community Agency {n % 9000}", "description": "Serves youth."}
        )
        loc = f"loc-{n}"
        t["locations"].append(
            {
                "id": loc,
                "organization_id": org,
                "location_type": "physical",
                "transportation": "Bus 22 stops at the door"
                if n % 2
                else "No public transit nearby",
            }
        )
        t["addresses"].append(
            {
                "id": f"adr-{n}",
                "location_id": loc,
                "address_1": "1 Main St",
                "city": CITIES[n % len(CITIES)],
                "state_province": "CA" if n % 3 else "",
                "postal_code": "94607",
                "country": "US",
                "address_type": "physical",
            }
        )
        t["phones"].append(
            {"id": f"fax-{n}", "organization_id": org, "number": "510-555-0100", "type": "fax"}
        )
        t["phones"].append(
            {
                "id": f"ph-{n}",
                "organization_id": org,
                "number": f"510-555-{n % 10000:04d} X 30",
                "type": "voice",
            }
        )
        for s in range(2):
            svc = f"svc-{n}-{s}"
            t["services"].append(
                {
                    "id": svc,
                    "organization_id": org,
                    "name": NAMES[(n + s) % len(NAMES)],
                    "status": "active",
                }
            )
            t["service_at_location"].append(
                {"id": f"sal-{n}-{s}", "service_id": svc, "location_id": loc}
            )
            t["languages"].append(
                {
                    "id": f"lang-{n}-{s}",
                    "service_id": svc,
                    "name": ["Spanish", "Urdu", "Hindi"][n % 3],
                }
            )
            for d, day in enumerate(("MO", "TU", "WE", "TH", "FR")):
                t["schedules"].append(
                    {
                        "id": f"sch-{n}-{s}-{d}",
                        "service_id": svc,
                        "byday": day,
                        "opens_at": "09:00",
                        "closes_at": "17:00",
                    }
                )
    return t


def write_csv(root: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, items in tables.items():
        with (root / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            fields = sorted({k for row in items for k in row})
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(items)
    return root


def write_json(root: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    """One JSON file of nested organizations, as an HSDS 3.0 API page would carry them."""
    root.mkdir(parents=True, exist_ok=True)
    orgs = {
        o["id"]: {**o, "services": [], "phones": [], "locations": []}
        for o in tables["organizations"]
    }
    locations = {}
    for loc in tables["locations"]:
        locations[loc["id"]] = {**loc, "addresses": []}
        orgs[loc["organization_id"]]["locations"].append(locations[loc["id"]])
    for adr in tables["addresses"]:
        locations[adr["location_id"]]["addresses"].append(adr)
    for ph in tables["phones"]:
        orgs[ph["organization_id"]]["phones"].append(ph)
    by_svc = {}
    for svc in tables["services"]:
        by_svc[svc["id"]] = {**svc, "schedules": [], "languages": []}
        orgs[svc["organization_id"]]["services"].append(by_svc[svc["id"]])
    for sch in tables["schedules"]:
        by_svc[sch["service_id"]]["schedules"].append(sch)
    for lang in tables["languages"]:
        by_svc[lang["service_id"]]["languages"].append(lang)
    path = root / "organizations.json"
    path.write_text(json.dumps({"contents": list(orgs.values())}))
    return path


def measure(source: Path, repeat: int) -> dict[str, Any]:
    """Median wall, CPU (user + system: less moved by other load on a shared machine), user
    and system seconds, max peak RSS (MB) of whole import runs, the load average before and
    after, and the summary's first line."""
    runs: list[tuple[float, float, float, float]] = []
    first = ""
    load_before = os.getloadavg()[0]
    for _ in range(repeat):
        target = Path(tempfile.mkdtemp(prefix="hsds-bench-"))
        shutil.rmtree(target)
        cmd = [
            "/usr/bin/time",
            "-f",
            "%U %S %M",
            str(BIN / "referral"),
            "catalog",
            "import-hsds",
            str(source),
            "--data",
            str(target),
        ]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        user, system, peak = done.stderr.strip().splitlines()[-1].split()
        runs.append((wall, float(user), float(system), int(peak) / 1024))
        first = done.stdout.splitlines()[0]
        shutil.rmtree(target, ignore_errors=True)
    return {
        "wall": statistics.median(r[0] for r in runs),
        "cpu": statistics.median(r[1] + r[2] for r in runs),
        "user": statistics.median(r[1] for r in runs),
        "sys": statistics.median(r[2] for r in runs),
        "peak": max(r[3] for r in runs),
        "load": (load_before, os.getloadavg()[0]),
        "first": first,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=50000)
    parser.add_argument("--form", choices=("csv", "json"), default="csv")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bench-dir", type=Path, default=Path("/tmp/referral-bench-hsds"))
    args = parser.parse_args()
    root = args.bench_dir / f"{args.form}-{args.services}"
    if not root.exists():
        tables = rows(args.services)
        source = write_csv(root, tables) if args.form == "csv" else write_json(root, tables)
    else:
        source = root if args.form == "csv" else root / "organizations.json"
    found = measure(source, args.repeat)
    print(found["first"])
    print(
        f"HSDS 3.0 {args.form}, {args.services} services, median of {args.repeat}: "
        f"{found['wall']:.1f} s wall, {found['cpu']:.1f} s CPU ({found['user']:.1f} user + "
        f"{found['sys']:.1f} sys), {found['peak']:.0f} MB peak RSS (target: 10 s, 300 MB); "
        f"load average {found['load'][0]:.1f} before, {found['load'][1]:.1f} after"
    )


if __name__ == "__main__":
    main()
