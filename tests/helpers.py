"""Small catalogs written into tmp_path, so each malformed-input test changes one thing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SERVICES = """\
languages:
  en: English
  es: Spanish
services:
  - id: food
    label: Food
    group: basic-needs
    forms: [emergency]
    description: Meals and groceries.
    synonyms: [meals, groceries]
  - id: housing-emergency
    label: Emergency shelter
    group: housing
    forms: [emergency]
    description: A safe bed tonight.
    synonyms: [shelter, bed]
hotlines:
  - id: us-nhth
    name: National Human Trafficking Hotline
    region: United States
    call: 1-888-373-7888
    text: "233733"
    text_keyword: INFO
"""

AGENCY = """\
  - id: {id}
    name: {name}
    sector: housing
    services: [housing-emergency, food]
    languages: [en, es]
    populations:
      age_min: 12
      age_max: 17
      lgbtq_affirming: true
    hours:
      regular: "24/7"
      after_hours: true
    access:
      area: North side
      transit: true
    confidential_address: true
    phone: 503-555-0101
    contact:
      role: Intake coordinator
"""

AGENCIES_HEAD = """\
catalog:
  region: Test County
  example: true
agencies:
"""


def agency(ident: str = "harbor", name: str = "Harbor House") -> str:
    """One valid agency entry (a YAML list item)."""
    return AGENCY.format(id=ident, name=name)


def write_catalog(
    root: Path,
    services: str = SERVICES,
    agencies: str | None = None,
    vettings: dict[str, str] | None = None,
) -> Path:
    """Write a catalog folder; by default it is valid and holds one agency."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "services.yaml").write_text(services)
    default = AGENCIES_HEAD + agency()
    (root / "agencies.yaml").write_text(agencies if agencies is not None else default)
    for name, text in (vettings or {}).items():
        (root / "vettings").mkdir(exist_ok=True)
        (root / "vettings" / name).write_text(text)
    return root


EXAMPLE_ANSWERS = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"


def example_answers() -> dict[str, Any]:
    """docs/answers-example.yaml as a mapping, to change one answer in a test."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_ANSWERS.read_text())
    return data


def write_answers(tmp_path: Path, answers: dict[str, Any], name: str = "answers.yaml") -> str:
    """An answers file in tmp_path; its path as the CLI takes it."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(answers))
    return str(path)
