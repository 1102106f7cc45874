"""FHIR: the agency's copy as a valid R4 Bundle, and a Task update that closes the loop."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from referral_cli.casefile.records import Need, Release, Session, YouthProfile
from referral_cli.casework.lifecycle import new_referral
from referral_cli.export.fhir import agency_bundle
from referral_cli.session.consent import items_for, packet_for

Run = Callable[..., Result]
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"
HARBOR = "alder-county-youth-harbor"
# The task states of the SDOH Clinical Care guide (fhir.resources does not check code values).
SDOH_TASK_STATES = {
    "draft",
    "requested",
    "accepted",
    "rejected",
    "cancelled",
    "in-progress",
    "on-hold",
    "failed",
    "completed",
    "entered-in-error",
}


@pytest.fixture(autouse=True)
def _one_session(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    result = run("start", "--answers", str(EXAMPLE), "--no-input")
    assert result.exit_code == 0, result.output


def resources(bundle: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in bundle["entry"]:
        out.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return out


def bundle_of(run: Run) -> dict[str, Any]:
    result = run("summary", "AC-2041", "--for", "youth-harbor", "--format", "fhir")
    assert result.exit_code == 0, result.output
    Bundle.model_validate_json(result.stdout)  # raises on anything R4(B) does not allow
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def task_file(tmp_path: Path, task: dict[str, Any], **changes: Any) -> str:
    changed = copy.deepcopy(task) | changes
    path = tmp_path / "task.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    return str(path)


def test_bundle_validates_and_holds_only_what_the_agency_copy_holds(run: Run) -> None:
    bundle = bundle_of(run)
    found = resources(bundle)
    assert sorted(found) == ["Consent", "Organization", "ServiceRequest", "Task"]
    assert {o["name"] for o in found["Organization"]} == {
        "Alder County Youth Outreach",
        "Alder County Youth Harbor",
    }
    (task,) = found["Task"]
    assert task["status"] == "accepted"  # a scheduled hand-off is an accepted referral
    assert task["businessStatus"]["text"] == "hand-off scheduled"
    assert task["status"] in SDOH_TASK_STATES
    (request,) = found["ServiceRequest"]
    assert [d["text"] for d in request["orderDetail"]] == ["Emergency shelter (emergency)"]
    (consent,) = found["Consent"]
    assert consent["status"] == "active"
    assert consent["provision"]["period"]["end"] == "2026-12-23"
    assert consent["provision"]["actor"][0]["reference"]["display"] == "Alder County Youth Harbor"

    worker = json.loads(run("summary", "AC-2041", "--format", "json").stdout)["session"]
    agency = json.loads(run("summary", "AC-2041", "--for", "youth-harbor", "-f", "json").stdout)
    assert len(consent["provision"]["provision"]) == len(agency["shared"])
    text = json.dumps(bundle, ensure_ascii=False)
    for item in agency["shared"]:
        assert item["text"] in text
    shared = {i["text"] for i in agency["shared"]}
    unshared = [n["label"] for n in worker["needs"] if not n["own_program"]][1:]
    unshared += [c for c in worker["considerations"] if c not in shared]
    assert unshared, "the example session must withhold something for this test to mean much"
    for secret in unshared:
        assert secret not in text
    assert worker["worker"] in text  # the agency copy names the worker, so may the bundle


def test_the_bundle_says_whom_to_call_back_and_what_to_act_on(run: Run) -> None:
    """A new user found the worker's phone, the urgency and the hand-off in the text, Markdown
    and JSON copies but not in the FHIR one."""
    agency = json.loads(run("summary", "AC-2041", "--for", "youth-harbor", "-f", "json").stdout)
    found = resources(bundle_of(run))
    (request,) = found["ServiceRequest"]
    assert request["priority"] == "urgent"
    notes = [n["text"] for n in request["note"]]
    assert f"Hand-off visit: {agency['referrer']['handoff_when']}" in notes
    assert any(n.startswith("Urgency: urgent: please call the referring worker") for n in notes)
    # whom to call back: the worker's phone, as `referral profile` keeps it
    from referral_cli.casefile.store import load_session
    from referral_cli.session.consent import packet_for
    from referral_cli.session.handover import handover_for

    session = load_session("AC-2041")
    packet = packet_for(session, "alder-county-youth-harbor", dt.date(2026, 11, 23))
    handover = handover_for(session, packet).model_copy(update={"phone": "503-555-0100"})
    out = agency_bundle(packet, handover)
    Bundle.model_validate_json(out)
    sender = next(o for o in resources(json.loads(out))["Organization"] if "identifier" not in o)
    assert sender["contact"][0]["telecom"] == [
        {"system": "phone", "value": "503-555-0100", "use": "work"}
    ]


def test_revoked_consent_leaves_nothing_about_the_youth(run: Run) -> None:
    assert run("consent", "revoke", "AC-2041", "youth-harbor").exit_code == 0
    found = resources(bundle_of(run))
    (consent,) = found["Consent"]
    assert consent["status"] == "inactive"
    assert "provision" not in consent["provision"]
    (request,) = found["ServiceRequest"]
    assert "orderDetail" not in request and "note" not in request
    assert "priority" not in request  # nor how soon, nor the hand-off
    assert "Emergency shelter" not in json.dumps(found)


def test_fhir_needs_one_agency(run: Run) -> None:
    result = run("summary", "AC-2041", "--format", "fhir")
    assert result.exit_code == 2
    assert "--for AGENCY" in result.stderr


def test_a_task_update_moves_the_referral_round_trip(run: Run, tmp_path: Path) -> None:
    (task,) = resources(bundle_of(run))["Task"]
    started = task_file(tmp_path, task, status="in-progress")
    moved = run("status", "AC-2041", "--from-fhir", started)
    assert moved.exit_code == 0, moved.output
    assert "in progress" in moved.stdout
    again = run("status", "AC-2041", "--from-fhir", started)
    assert again.exit_code == 0 and "nothing changed" in again.stdout

    done = task_file(
        tmp_path, task, status="completed", executionPeriod={"start": "2026-11-24T09:00:00Z"}
    )
    closed = run("status", "AC-2041", "--from-fhir", done)
    assert closed.exit_code == 0, closed.output
    referral = json.loads(run("summary", "AC-2041", "-f", "json").stdout)["session"]["referrals"][0]
    assert referral["status"] == "completed"
    assert referral["first_contact"] == "2026-11-24"
    assert referral["history"][-1]["by"] == "Alder County Youth Harbor (FHIR Task)"
    assert resources(bundle_of(run))["Task"][0]["status"] == "completed"


def test_a_rejection_carries_its_reason_and_a_refused_move_is_an_error(
    run: Run, tmp_path: Path
) -> None:
    (task,) = resources(bundle_of(run))["Task"]
    no_reason = run(
        "status", "AC-2041", "--from-fhir", task_file(tmp_path, task, status="rejected")
    )
    assert no_reason.exit_code == 1
    assert "statusReason" in no_reason.stderr
    held = task_file(tmp_path, task, status="on-hold", statusReason={"text": "no bed tonight"})
    assert run("status", "AC-2041", "--from-fhir", held).exit_code == 0
    summary = json.loads(run("summary", "AC-2041", "-f", "json").stdout)
    assert summary["session"]["referrals"][0]["history"][-1]["note"] == "no bed tonight"
    rejected = task_file(tmp_path, task, status="rejected", statusReason={"text": "full"})
    refused = run("status", "AC-2041", "--from-fhir", rejected)
    assert refused.exit_code == 1
    assert "cannot become rejected by agency" in refused.stderr
    assert "Traceback" not in refused.output


def test_a_task_for_another_referral_changes_nothing(run: Run, tmp_path: Path) -> None:
    (task,) = resources(bundle_of(run))["Task"]
    other = [{"system": "urn:referral-cli:referral", "value": f"AC-9999/{HARBOR}"}]
    result = run("status", "AC-2041", "--from-fhir", task_file(tmp_path, task, identifier=other))
    assert result.exit_code == 1
    assert "Task of referral AC-9999, not AC-2041" in result.stderr
    foreign = task_file(tmp_path, task, identifier=[{"system": "urn:x", "value": "1"}])
    assert "not the Task of a referral" in run("status", "AC-2041", "--from-fhir", foreign).stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    broken = run("status", "AC-2041", "--from-fhir", str(bad))
    assert broken.exit_code == 1 and "Not JSON" in broken.stderr
    both = run("status", "AC-2041", "in_progress", "--from-fhir", str(bad))
    assert both.exit_code == 2
    status = json.loads(run("summary", "AC-2041", "-f", "json").stdout)["session"]
    assert status["referrals"][0]["status"] == "handoff_scheduled"


DAY = dt.date(2026, 11, 23)
AT = dt.datetime(2026, 11, 23, 10, 0)


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.from_regex(r"[A-Z]{12}", fullmatch=True), min_size=3, max_size=3, unique=True
    ),
    chosen=st.lists(st.booleans(), min_size=7, max_size=7),
    expires_in=st.integers(-3, 30),
)
def test_no_unconsented_text_reaches_a_bundle(
    texts: list[str], chosen: list[bool], expires_in: int
) -> None:
    need, consideration, document = texts
    referral = new_referral("harbor", "Harbor", "requested", "Sam", AT)
    referral = referral.model_copy(update={"intake_documents": [document]})
    draft = Session(
        reference="AC-1",
        worker="Sam",
        program="Outreach",
        created=AT,
        updated=AT,
        needs=[Need(service="svc", label=need, form="ongoing")],
        profile=YouthProfile(language="es", age=16, gender="female", fit=["transit"]),
        considerations=[consideration],
        referrals=[referral],
    )
    items = items_for(draft, "harbor")
    consented = [i for i, yes in zip(items, chosen, strict=False) if yes]
    release = Release(
        agency="harbor",
        items=[i.key for i in consented],
        purpose="Referral",
        given=DAY - dt.timedelta(days=10),
        expires=DAY + dt.timedelta(days=expires_in),
        informed=True,
    )
    session = draft.model_copy(update={"releases": [release]})
    out = agency_bundle(packet_for(session, "harbor", DAY))
    Bundle.model_validate_json(out)
    released = {i.text for i in consented} if expires_in >= 0 else set()
    for text in texts:
        assert (text in out) == any(text in r for r in released)
    assert ("female" in out) == ("female" in released)
