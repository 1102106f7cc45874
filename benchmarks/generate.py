"""Write a synthetic catalog of N agencies that passes `referral catalog validate`.

Agencies and vetting records are built from the shipped example catalog (data/): each
synthetic agency copies a real example's shape (about 25 fields), then draws its own id,
name, services (with valid forms), languages, ages and contact details. About a quarter of
the agencies get a vetting file copied from a shipped vetting, and some of those a second,
later one, so the catalog has the same mix of files a coalition's would.

    python benchmarks/generate.py 10000 /tmp/cat-10k
    python benchmarks/generate.py 100 1000 10000 50000 --into /tmp/referral-bench
    python benchmarks/generate.py 10000 /tmp/cat-10k-files --layout files

`--layout files` writes the same catalog with one file per agency (agencies/<id>.yaml) and
only the `catalog:` section in agencies.yaml.

Output is deterministic for a given N and --seed. Never write a large catalog into the repo.
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

SHIPPED = Path(__file__).resolve().parents[1] / "data"
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WORDS = tuple(
    [
        "alder",
        "birch",
        "cedar",
        "dawn",
        "ember",
        "fern",
        "grove",
        "harbor",
        "iris",
        "juniper",
        "kestrel",
        "laurel",
        "maple",
        "north",
        "oak",
        "pine",
        "quarry",
        "river",
        "sage",
        "tide",
        "union",
        "valley",
        "willow",
        "yarrow",
        "zephyr",
        "bridge",
        "haven",
        "light",
        "path",
        "compass",
        "beacon",
        "anchor",
        "summit",
        "meadow",
        "lantern",
        "hearth",
    ]
)
KINDS = (
    "Youth Services",
    "Community Health",
    "Legal Aid",
    "Family Center",
    "Survivor Network",
    "Drop-In Center",
    "Counselling",
    "Housing Alliance",
    "Advocacy Project",
    "Outreach",
)
AREAS = ("North", "South", "East", "West", "Central", "Downtown", "Riverside", "Uptown")


def _load(path: Path) -> Any:
    return yaml.load(path.read_bytes(), Loader=_Loader)


def _phone(rng: random.Random) -> str:
    return f"{rng.randint(201, 989)}-555-{rng.randint(100, 199):04d}"


def _agency(
    rng: random.Random,
    index: int,
    templates: list[dict[str, Any]],
    services: list[dict[str, Any]],
    languages: list[str],
) -> dict[str, Any]:
    agency = copy.deepcopy(rng.choice(templates))
    first, second = rng.sample(WORDS, 2)
    kind = rng.choice(KINDS)
    ident = f"{first}-{second}-{kind.lower().replace(' ', '-')}-{index}"
    agency["id"] = ident
    agency["name"] = f"{first.title()} {second.title()} {kind} {index}"
    offered: list[Any] = []
    for service in rng.sample(services, rng.randint(2, 8)):
        roll = rng.random()
        if roll < 0.6:
            offered.append(service["id"])
        elif roll < 0.8 and len(service["forms"]) > 1:
            offered.append({"id": service["id"], "forms": [rng.choice(service["forms"])]})
        else:
            offered.append({"id": service["id"], "note": f"Ask for the {kind.lower()} team."})
    agency["services"] = offered
    agency["languages"] = ["en", *rng.sample(languages, rng.randint(0, 3))]
    low = rng.choice((0, 10, 12, 14, 16, 18))
    agency["populations"] = {
        "age_min": low,
        "age_max": rng.choice((21, 24, 99) if low >= 18 else (17, 21, 24, 99)),
        "genders": ["any"],
        "lgbtq_affirming": rng.random() < 0.6,
    }
    agency["access"] = {
        "area": f"{rng.choice(AREAS)} {first.title()} (coarse area only)",
        "transit": rng.random() < 0.7,
        "wheelchair": rng.random() < 0.6,
    }
    agency["phone"] = _phone(rng)
    agency["email"] = f"intake.{index}@example.org"
    agency["website"] = f"https://example.org/{ident}"
    contact = dict(agency.get("contact") or {"role": "Intake coordinator"})
    contact["phone"] = _phone(rng)
    contact["email"] = f"referrals.{index}@example.org"
    agency["contact"] = contact
    agency.pop("revet_months", None)
    return agency


def _dump(data: Any) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))


def generate(count: int, target: Path, seed: int = 8, layout: str = "single") -> Path:
    """Write services.yaml, agencies.yaml (or agencies/) and vettings/ for `count` agencies."""
    rng = random.Random(seed * 1_000_003 + count)
    services_doc = _load(SHIPPED / "services.yaml")
    agencies_doc = _load(SHIPPED / "agencies.yaml")
    templates = [a for a in agencies_doc["agencies"] if "revet_months" not in a] or list(
        agencies_doc["agencies"]
    )
    services = services_doc["services"]
    languages = [code for code in services_doc["languages"] if code != "en"]
    vetting_templates = [_load(p) for p in sorted((SHIPPED / "vettings").glob("*.yaml"))]

    if target.exists():
        shutil.rmtree(target)
    (target / "vettings").mkdir(parents=True)
    shutil.copyfile(SHIPPED / "services.yaml", target / "services.yaml")

    agencies = [_agency(rng, i, templates, services, languages) for i in range(count)]
    info = dict(agencies_doc["catalog"])
    info["region"] = f"Synthetic coalition ({count} agencies)"
    info["task_force"] = agencies[0]["id"]
    if layout == "files":
        (target / "agencies").mkdir()
        for agency in agencies:
            (target / "agencies" / f"{agency['id']}.yaml").write_text(_dump(agency))
        text = _dump({"catalog": info})
    else:
        text = _dump({"catalog": info, "agencies": agencies})
    (target / "agencies.yaml").write_text("# Synthetic benchmark catalog.\n" + text)

    for agency in agencies:
        if rng.random() >= 0.25:
            continue
        visits = 2 if rng.random() < 0.2 else 1
        for visit in range(visits):
            vetting = copy.deepcopy(rng.choice(vetting_templates))
            vetting["agency"] = agency["id"]
            day = f"{2024 + visit}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            vetting["date"] = day
            path = target / "vettings" / f"{agency['id']}--{day}.yaml"
            path.write_text(yaml.dump(vetting, Dumper=_Dumper, sort_keys=False, width=100))
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: one count and a folder, or several counts into --into/<count>."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("counts", nargs="+", help="agency counts, then (alone) a target folder")
    parser.add_argument("--into", type=Path, help="parent folder: writes <into>/agencies-<N>")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--layout",
        choices=("single", "files"),
        default="single",
        help="single: one agencies.yaml; files: agencies/<id>.yaml (--into adds -files)",
    )
    args = parser.parse_args(argv)
    suffix = "-files" if args.layout == "files" else ""
    if args.into is None:
        if len(args.counts) != 2:
            parser.error("give COUNT FOLDER, or COUNT... --into PARENT")
        jobs = [(int(args.counts[0]), Path(args.counts[1]))]
    else:
        jobs = [(int(n), args.into / f"agencies-{int(n)}{suffix}") for n in args.counts]
    for count, target in jobs:
        generate(count, target, args.seed, args.layout)
        size = sum(p.stat().st_size for p in target.glob("agenc*/**/*.yaml")) / 1e6
        size += (target / "agencies.yaml").stat().st_size / 1e6
        files = len(list((target / "vettings").glob("*.yaml")))
        print(f"{target}: {count} agencies ({size:.1f} MB), {files} vetting files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
