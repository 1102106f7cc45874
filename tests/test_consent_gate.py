"""The consent gate: nothing reaches an agency unless consented, unexpired and unrevoked."""

from __future__ import annotations

import datetime as dt
import json

from referral_cli.casefile.records import Need, Referral, Release, Session, YouthProfile
from referral_cli.casework.lifecycle import new_referral
from referral_cli.export.session import (
    agency_json,
    agency_sections,
    agency_title,
    to_markdown,
    to_text,
)
from referral_cli.session.consent import packet_for, release_state

DAY = dt.date(2026, 11, 23)
AT = dt.datetime(2026, 11, 23, 10, 0)
AGENCY, OTHER = "harbor", "other-place"


def make_session(
    needs: list[str], considerations: list[str], documents: list[str], release: Release | None
) -> Session:
    referral: Referral = new_referral(AGENCY, "Harbor", "requested", "Sam", AT)
    referral = referral.model_copy(update={"intake_documents": documents})
    return Session(
        reference="AC-1",
        worker="Sam",
        program="Outreach",
        created=AT,
        updated=AT,
        needs=[
            Need(service=f"svc-{i}", label=text, form="ongoing") for i, text in enumerate(needs)
        ],
        profile=YouthProfile(language="es", age=16, gender="female", fit=["transit"]),
        considerations=considerations,
        referrals=[referral],
        releases=[release] if release else [],
    )


def exports(session: Session, agency: str, today: dt.date) -> list[str]:
    packet = packet_for(session, agency, today)
    sections = agency_sections(packet)
    title = agency_title(packet)
    return [to_markdown(title, sections), agency_json(packet), to_text(title, sections)]


def test_states() -> None:
    base = Release(agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True)
    assert release_state(None, DAY) == "none"
    assert release_state(base, DAY) == "valid"
    assert release_state(base, DAY + dt.timedelta(days=1)) == "expired"
    assert release_state(base, DAY - dt.timedelta(days=1)) == "not-started"
    assert release_state(base.model_copy(update={"revoked": DAY}), DAY) == "revoked"
    assert release_state(base.model_copy(update={"informed": False}), DAY) == "not-informed"
    assert (
        release_state(base.model_copy(update={"guardian_required": True}), DAY)
        == "guardian-missing"
    )


def test_withheld_items_show_slots_never_keys() -> None:
    release = Release(
        agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True, items=["need:svc-0"]
    )
    session = make_session(["Shelter", "Sexual assault care"], [], [], release)
    data = json.loads(agency_json(packet_for(session, AGENCY, DAY)))
    assert data["withheld"][0] == {"item": "Need 2", "status": "withheld (no consent)"}
    assert "svc-1" not in json.dumps(data) and "Sexual" not in json.dumps(data)


def test_markdown_in_consented_text_is_escaped() -> None:
    release = Release(
        agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True, items=["consideration:1"]
    )
    session = make_session([], ["[call me](http://x) <b>"], [], release)
    md = exports(session, AGENCY, DAY)[0]
    assert "](http" not in md.replace("\\]", "") and "<b>" not in md
