"""An agency's copy as an HL7 FHIR R4 Bundle, for agencies whose systems close the loop in FHIR.

Built only from the `AgencyPacket` the consent gate released, like the Markdown copy: the
ServiceRequest carries the consented needs and the other consented items as notes, the Task
carries the referral's state in the SDOH Clinical Care task states, the Consent has one permit
provision per shared item. The youth is never a Patient resource: the subject is the case
reference only, so no name, birth date or address can travel. Written as plain JSON here (the
runtime needs no FHIR library); tests validate it with fhir.resources.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from referral_cli.casefile.records import STATUS_LABELS
from referral_cli.errors import ReferralError
from referral_cli.session.consent import AgencyPacket, Item
from referral_cli.session.handover import Handover
from referral_cli.text import clean, clip

# Our identifiers; a Task coming back names its referral with REFERRAL_SYSTEM "REF/agency-id".
CASE_SYSTEM = "urn:referral-cli:case"
REFERRAL_SYSTEM = "urn:referral-cli:referral"
AGENCY_SYSTEM = "urn:referral-cli:agency"
SERVICE_SYSTEM = "urn:referral-cli:service"
ITEM_SYSTEM = "urn:referral-cli:consent-item"

# Our lifecycle in the SDOH Clinical Care Task states. The steps before the request is sent
# are drafts; a scheduled hand-off is an accepted referral whose business status says more.
TASK_STATUS: dict[str, str] = {
    "needs_identified": "draft",
    "options_discussed": "draft",
    "consent_pending": "draft",
    "requested": "requested",
    "accepted": "accepted",
    "rejected": "rejected",
    "handoff_scheduled": "accepted",
    "in_progress": "in-progress",
    "on_hold": "on-hold",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
    "entered_in_error": "entered-in-error",
}
# ServiceRequest.priority (request-priority): how soon the agency should call the referrer
PRIORITY = {"emergency": "asap", "urgent": "urgent", "routine": "routine"}
SERVICE_REQUEST_STATUS: dict[str, str] = {
    "draft": "draft",
    "completed": "completed",
    "rejected": "revoked",
    "cancelled": "revoked",
    "failed": "revoked",
    "entered-in-error": "entered-in-error",
    "on-hold": "on-hold",
}
_BY_LABEL = {label: status for status, label in STATUS_LABELS.items()}


def referral_id(packet: AgencyPacket) -> str:
    """The identifier value that ties a Task update back to one referral: "REF/agency"."""
    return f"{packet.reference}/{packet.agency}"


def _uuid(packet: AgencyPacket, kind: str) -> str:
    """A stable id: the same referral always gives the same resource ids."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{REFERRAL_SYSTEM}:{referral_id(packet)}:{kind}"))


def _ref(packet: AgencyPacket, kind: str, display: str = "") -> dict[str, str]:
    out = {"reference": f"urn:uuid:{_uuid(packet, kind)}"}
    if display:
        out["display"] = clean(display)
    return out


def _subject(packet: AgencyPacket) -> dict[str, Any]:
    """The youth, known to the agency only by the case reference."""
    return {
        "identifier": {"system": CASE_SYSTEM, "value": packet.reference},
        "display": f"Youth referred under case {packet.reference}",
    }


def _organizations(packet: AgencyPacket, handover: Handover | None) -> list[dict[str, Any]]:
    sender: dict[str, Any] = {
        "resourceType": "Organization",
        "id": _uuid(packet, "sender"),
        "active": True,
        "name": clean(packet.program),
    }
    if handover is not None:  # whom to call back: the worker's own contact, never the youth's
        telecom = [
            {"system": system, "value": clean(value), "use": "work"}
            for system, value in (("phone", handover.phone), ("email", handover.email))
            if value
        ]
        if telecom:
            sender["contact"] = [{"name": {"text": clean(handover.worker)}, "telecom": telecom}]
    receiver = {
        "resourceType": "Organization",
        "id": _uuid(packet, "receiver"),
        "identifier": [{"system": AGENCY_SYSTEM, "value": packet.agency}],
        "active": True,
        "name": clean(packet.agency_name),
    }
    return [sender, receiver]


def _need_detail(item: Item) -> dict[str, Any]:
    service = item.key.removeprefix("need:")
    coding = {"system": SERVICE_SYSTEM, "code": service, "display": clean(item.text)}
    return {"coding": [coding], "text": clean(item.text)}


def _acting(request: dict[str, Any], handover: Handover | None) -> None:
    """What the text copy's "To act on this referral" says (present only under a valid
    release): urgency as the request's priority, the hand-off and escort as notes."""
    if handover is None:
        return
    if handover.urgency:
        request["priority"] = PRIORITY[handover.urgency]
    notes = [
        f"{label}: {value}"
        for label, value in (
            ("Urgency", handover.urgency_text),
            ("Contact by", handover.contact_by.isoformat() if handover.contact_by else ""),
            ("Hand-off visit", handover.handoff_when),
            ("Escort", handover.escort),
        )
        if value
    ]
    if notes:
        request.setdefault("note", []).extend({"text": clean(n)} for n in notes)


def _service_request(packet: AgencyPacket, task_status: str) -> dict[str, Any]:
    needs = [i for i in packet.shared if i.key.startswith("need:")]
    others = [i for i in packet.shared if not i.key.startswith("need:")]
    request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": _uuid(packet, "request"),
        "identifier": [{"system": REFERRAL_SYSTEM, "value": referral_id(packet)}],
        "status": SERVICE_REQUEST_STATUS.get(task_status, "active"),
        "intent": "order",
        "code": {"text": f"Referral to {clean(packet.agency_name)}"},
        "subject": _subject(packet),
        "requester": _ref(packet, "sender", f"{packet.worker}, {packet.program}"),
        "performer": [_ref(packet, "receiver", packet.agency_name)],
    }
    if needs:
        request["orderDetail"] = [_need_detail(i) for i in needs]
    if packet.referred_on:
        request["authoredOn"] = packet.referred_on.isoformat()
    if packet.purpose:
        request["reasonCode"] = [{"text": clean(packet.purpose)}]
    if others:
        request["note"] = [{"text": clean(f"{i.label}: {i.text}")} for i in others]
    return request


def _task(packet: AgencyPacket, status: str, task_status: str) -> dict[str, Any]:
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": _uuid(packet, "task"),
        "identifier": [{"system": REFERRAL_SYSTEM, "value": referral_id(packet)}],
        "status": task_status,
        "businessStatus": {"text": STATUS_LABELS[status]},
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/CodeSystem/task-code",
                    "code": "fulfill",
                    "display": "Fulfill the focal request",
                }
            ]
        },
        "focus": _ref(packet, "request"),
        "for": _subject(packet),
        "requester": _ref(packet, "sender", packet.program),
        "owner": _ref(packet, "receiver", packet.agency_name),
    }
    if packet.referred_on:
        task["authoredOn"] = packet.referred_on.isoformat()
    return task


def _consent(packet: AgencyPacket) -> dict[str, Any]:
    """The release: a permit for each shared item to the agency, for the release's period."""
    valid = packet.consent == "valid"
    provision: dict[str, Any] = {"type": "permit" if valid else "deny"}
    if packet.expires:
        provision["period"] = {"end": packet.expires.isoformat()}
    provision["actor"] = [
        {
            "role": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                        "code": "IRCP",
                        "display": "information recipient",
                    }
                ]
            },
            "reference": _ref(packet, "receiver", packet.agency_name),
        }
    ]
    if packet.purpose:
        provision["purpose"] = [{"display": clean(packet.purpose)}]
    if valid and packet.shared:
        provision["provision"] = [
            {
                "type": "permit",
                "code": [
                    {
                        "coding": [{"system": ITEM_SYSTEM, "code": item.key}],
                        "text": clean(f"{item.label}: {item.text}"),
                    }
                ],
            }
            for item in packet.shared
        ]
    return {
        "resourceType": "Consent",
        "id": _uuid(packet, "consent"),
        "status": "active" if valid else "inactive",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                    "display": "Privacy Consent",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
                ]
            }
        ],
        "patient": _subject(packet),
        "organization": [_ref(packet, "sender", packet.program)],
        "policyRule": {
            "text": clean(
                f"Release of information to {packet.agency_name}: {packet.consent_text}; "
                "revocable at any time"
            )
        },
        "provision": provision,
    }


def agency_bundle(packet: AgencyPacket, handover: Handover | None = None) -> str:
    """The agency's copy as a FHIR R4 Bundle (collection) of JSON resources; with `handover`,
    also whom to call back and what the text copy says to act on."""
    status = _BY_LABEL.get(packet.status)
    if status is None:
        raise ReferralError(
            f"{packet.reference} has no referral to {clean(packet.agency_name)} to send."
        )
    task_status = TASK_STATUS[status]
    request = _service_request(packet, task_status)
    _acting(request, handover)
    resources = [request, _task(packet, status, task_status)]
    if packet.consent != "none":
        resources.append(_consent(packet))
    resources.extend(_organizations(packet, handover))
    bundle = {
        "resourceType": "Bundle",
        "id": _uuid(packet, "bundle"),
        "identifier": {"system": REFERRAL_SYSTEM, "value": referral_id(packet)},
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    return json.dumps(bundle, indent=2, ensure_ascii=False)


# --- a Task update coming back from the receiving agency -------------------------------

FROM_TASK: dict[str, str] = {
    "requested": "requested",
    "accepted": "accepted",
    "rejected": "rejected",
    "in-progress": "in_progress",
    "on-hold": "on_hold",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
    "entered-in-error": "entered_in_error",
}
# The SDOH Clinical Care guide requires a reason with these states.
REASON_REQUIRED = frozenset({"rejected", "cancelled", "on-hold", "failed", "entered-in-error"})


@dataclass(frozen=True)
class TaskUpdate:
    """What a receiving agency's Task says about one referral, in our own terms."""

    reference: str
    agency: str
    task_status: str
    status: str
    reason: str
    first_contact: dt.date | None


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _task_of(data: object) -> dict[str, Any]:
    """The Task itself, or the one Task of a Bundle."""
    if not isinstance(data, dict):
        raise ReferralError("The file holds no FHIR resource (a JSON object with resourceType).")
    kind = data.get("resourceType")
    if kind == "Bundle":
        entries = _list(data, "entry")
        tasks: list[dict[str, Any]] = [
            e["resource"]
            for e in entries
            if isinstance(e, dict)
            and isinstance(e.get("resource"), dict)
            and e["resource"].get("resourceType") == "Task"
        ]
        if len(tasks) != 1:
            raise ReferralError(f"The Bundle holds {len(tasks)} Tasks; send one Task at a time.")
        return tasks[0]
    if kind != "Task":
        raise ReferralError(f"The file holds a FHIR {clip(str(kind), 40)}, not a Task.")
    return data


def _our_id(task: dict[str, Any]) -> tuple[str, str]:
    """(reference, agency) from the Task's identifier that referral-cli gave it."""
    for ident in _list(task, "identifier"):
        if isinstance(ident, dict) and ident.get("system") == REFERRAL_SYSTEM:
            value = str(ident.get("value", ""))
            reference, _, agency = value.partition("/")
            if reference and agency:
                return reference, agency
    raise ReferralError(
        f"The Task has no identifier with system {REFERRAL_SYSTEM}: it is not the Task of a "
        "referral sent with `referral summary REF --for AGENCY --format fhir`."
    )


def _reason(task: dict[str, Any]) -> str:
    why = task.get("statusReason")
    if not isinstance(why, dict):
        return ""
    text = why.get("text")
    for coding in _list(why, "coding"):
        if not text and isinstance(coding, dict):
            text = coding.get("display") or coding.get("code")
    return clip(str(text), 500) if text else ""


def _started(task: dict[str, Any]) -> dt.date | None:
    period = task.get("executionPeriod")
    start = period.get("start") if isinstance(period, dict) else None
    try:
        return dt.date.fromisoformat(str(start)[:10]) if start else None
    except ValueError:
        raise ReferralError(
            f"executionPeriod.start is not a date: '{clip(str(start), 40)}'."
        ) from None


def read_task(text: str) -> TaskUpdate:
    """The referral and new status a Task update names; a clear error for anything else."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferralError(f"Not JSON: {exc.msg} (line {exc.lineno}).") from None
    task = _task_of(data)
    reference, agency = _our_id(task)
    task_status = str(task.get("status", ""))
    if task_status not in FROM_TASK:
        raise ReferralError(
            f"A Task that is '{clip(task_status, 40)}' does not move a referral; statuses that "
            f"do: {', '.join(FROM_TASK)}."
        )
    reason = _reason(task)
    if task_status in REASON_REQUIRED and not reason:
        raise ReferralError(
            f"The Task is {task_status} but gives no statusReason: ask the agency why, then "
            f"record it with: referral status {reference} {FROM_TASK[task_status]} --note WHY"
        )
    return TaskUpdate(
        reference=reference,
        agency=agency,
        task_status=task_status,
        status=FROM_TASK[task_status],
        reason=reason,
        first_contact=_started(task),
    )
