"""New contacts (issue 15, point 8): added in step 3 too, kept in the case, and the
coordinator's one command that puts a listed contact into the catalog, NOT VETTED, in either
catalog layout, never with case data, and leaves the catalog untouched on any problem."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from referral_cli.casefile.records import Session
from tests.helpers import write_answers
from tests.test_session_conversation import HARBOR, issue_case

Run = Callable[..., Result]
NEW = "new-eastside-youth-drop-in"
EASTSIDE = {
    "name": "Eastside Youth Drop-In",
    "phone": "503-555-0199",
    "service": "emergency-shelter",
    "suggested_by": "Alder Youth Harbor's intake",
}


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def saved(ref: str = "AC-3001") -> Session:
    from referral_cli.casefile.store import load_session

    return load_session(ref)


def step_3_case() -> dict[str, Any]:
    """The shelter's intake, called with the youth, names another drop-in shelter."""
    answers = issue_case()
    answers["find"] = {"consider": [HARBOR]}
    answers["ask"] = {
        HARBOR: {"call": "now", "present": ["youth", "worker"], "said": "Full tonight."},
        "new_contact": "yes",
        "new": EASTSIDE,
        NEW: {"call": "later"},
    }
    answers["discuss"] = {
        HARBOR: {"view": "", "wants": "no"},
        NEW: {"view": "", "wants": "yes", "near_danger": "no", "transport": "", "checked": "no"},
    }
    answers["share"][NEW] = answers["share"].pop(HARBOR)
    answers["share"][NEW]["checked"] = "no"
    for later in ("contact", "handoff", "escort"):
        del answers[later]
    return answers


@pytest.fixture
def with_contact(run: Run, tmp_path: Path) -> Result:
    result = run("start", "--answers", write_answers(tmp_path, step_3_case()), "--no-input")
    assert result.exit_code == 0, result.output
    return result


def test_a_call_in_step_3_can_add_a_new_contact(with_contact: Result, run: Run) -> None:
    out = with_contact.output
    step_3 = out.split("Did a call name another agency to consider (a new contact)?: yes")[1]
    assert "Eastside Youth Drop-In: 503-555-0199 (a new contact, NOT VETTED)" in step_3
    session = saved()
    [contact] = session.new_contacts
    assert contact.agency == NEW and contact.suggested_by == "Alder Youth Harbor's intake"
    assert [c.agency for c in session.considered] == [HARBOR, NEW]
    assert session.considered[1].marks == ["NOT VETTED"]
    assert "Eastside Youth Drop-In [NOT VETTED]" in out  # where the youth decides, step 4
    listed = run("contacts").output
    assert "Eastside Youth Drop-In [NOT VETTED]: 503-555-0199; for emergency-shelter" in listed
    assert "AC-3001" not in listed


def test_without_the_key_an_answers_file_adds_no_contact(run: Run, tmp_path: Path) -> None:
    answers = issue_case()
    for later in ("contact", "handoff", "escort"):
        del answers[later]
    result = run("start", "--answers", write_answers(tmp_path, answers), "--no-input")
    assert result.exit_code == 0, result.output
    assert saved().new_contacts == []


def catalog_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


@pytest.mark.usefixtures("with_contact")
def test_add_to_catalog_writes_agencies_yaml_not_vetted_without_case_data(
    run: Run, data_copy: Path
) -> None:
    result = run(
        "contacts", "add-to-catalog", "eastside", "--sector", "runaway-homeless-youth",
        "--data", str(data_copy),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added Eastside Youth Drop-In to the catalog as eastside-youth-drop-in" in result.output
    assert "Vet it next: referral vet eastside-youth-drop-in --record" in result.output
    text = (data_copy / "agencies.yaml").read_text()
    data = yaml.safe_load(text)
    added = data["agencies"][-1]
    assert added["id"] == "eastside-youth-drop-in" and added["phone"] == "503-555-0199"
    assert added["services"] == ["emergency-shelter"]
    assert "suggested by Alder Youth Harbor's intake" in added["description"]
    # nothing about the youth or the case: no reference, language, age, needs beyond its own
    for case_word in ("AC-3001", "Spanish", "16", "Full tonight", "female", "Sam R."):
        assert case_word not in yaml.safe_dump(added), case_word
    assert "vettings" not in added and not list((data_copy / "vettings").glob("eastside*"))
    shown = run("vet", "eastside-youth-drop-in", "--data", str(data_copy)).output
    assert "Outcome: NOT VETTED" in shown
    listing = run("agencies", "--service", "shelter", "--data", str(data_copy)).output
    assert "Eastside Youth Drop-In  not vetted" in listing
    listed = json.loads(run("contacts", "--format", "json", "--data", str(data_copy)).output)
    assert listed[0]["in_catalog"] == "eastside-youth-drop-in"
    again = run(
        "contacts", "add-to-catalog", "eastside", "--sector", "community", "--data", str(data_copy)
    )
    assert again.exit_code == 1 and "in the catalog already" in again.output


@pytest.mark.usefixtures("with_contact")
def test_add_to_catalog_keeps_the_one_file_per_agency_layout(run: Run, data_copy: Path) -> None:
    assert run("catalog", "split", "--data", str(data_copy)).exit_code == 0
    result = run(
        "contacts", "add-to-catalog", NEW, "--id", "eastside-drop-in", "--sector", "community",
        "--language", "en", "--language", "es", "--data", str(data_copy),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = data_copy / "agencies" / "eastside-drop-in.yaml"
    added = yaml.safe_load(path.read_text())
    assert added["name"] == "Eastside Youth Drop-In" and added["languages"] == ["en", "es"]
    assert "eastside" not in (data_copy / "agencies.yaml").read_text().casefold()
    assert run("catalog", "validate", "--data", str(data_copy)).exit_code == 0


@pytest.mark.usefixtures("with_contact")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eastside", "--sector", "shelters"], "Unknown sector 'shelters'"),
        (["eastside", "--sector", "community", "--id", "Bad Id"], "Cannot add it: id"),
        (["eastside", "--sector", "community", "--id", HARBOR], "has an agency"),
        (["eastside", "--sector", "community", "--language", "xx"], "Unknown language 'xx'"),
        (["nobody", "--sector", "community"], "is not a new contact in your sessions"),
    ],
)
def test_a_bad_request_leaves_the_catalog_untouched(
    run: Run, data_copy: Path, args: list[str], message: str
) -> None:
    before = catalog_files(data_copy)
    result = run("contacts", "add-to-catalog", *args, "--data", str(data_copy))
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert catalog_files(data_copy) == before


def test_a_problem_found_after_writing_undoes_the_write(data_copy: Path) -> None:
    from referral_cli.catalog.add import add_agency
    from referral_cli.catalog.models import Agency
    from referral_cli.errors import ReferralError

    agency = Agency.model_validate(
        {
            "id": "eastside-youth-drop-in",
            "name": "Eastside Youth Drop-In",
            "sector": "community",
            "services": ["emergency-shelter"],
            "languages": ["en"],
            "populations": {},
            "hours": {"regular": "unknown"},
            "access": {"area": "unknown"},
            "contact": {"role": "unknown"},
        }
    )
    before = catalog_files(data_copy)
    seen: list[bytes] = []

    def failing(root: Path) -> list[str]:
        seen.append((root / "agencies.yaml").read_bytes())
        return ["agencies.yaml:9: something wrong"]

    with pytest.raises(ReferralError, match="Nothing was added"):
        add_agency(data_copy, agency, failing)
    assert b"eastside-youth-drop-in" in seen[0]  # it was written, then checked
    assert catalog_files(data_copy) == before
