"""The agency packet: enough to act on without calling back, and no trace of what was kept back."""

from __future__ import annotations

import datetime as dt
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from referral_cli.casefile.records import Escort, Handoff, Release, Session
from referral_cli.casework.lifecycle import move
from referral_cli.export.session import agency_json, agency_sections, agency_title, to_markdown
from referral_cli.export.session import to_text as plain
from referral_cli.session.consent import items_for, packet_for
from referral_cli.session.handover import handover_for
from tests.test_consent_gate import AGENCY, AT, DAY, make_session

PLACEHOLDERS = {"-", "none", "nothing", "n/a", "unknown", "withheld", "not shared"}


def with_logistics(session: Session) -> Session:
    referral = session.referrals[0]
    referral = move(referral, "accepted", "Sam", AT)
    referral = move(referral, "handoff_scheduled", "Sam", AT, "2026-11-26 15:00")
    referral = referral.model_copy(
        update={
            "urgency": "emergency",
            "handoff": Handoff(when="2026-11-26 15:00", who="Sam and the youth", transport="bus"),
            "escort": Escort(wants=True, plan="Sam comes to the first visit"),
        }
    )
    return session.model_copy(
        update={"referrals": [referral], "worker_phone": "503-555-0142", "worker_email": ""}
    )


def documents(session: Session, today: dt.date) -> list[str]:
    packet = packet_for(session, AGENCY, today)
    handover = handover_for(session, packet)
    sections = agency_sections(packet, handover)
    title = agency_title(packet)
    return [
        to_markdown(title, sections),
        plain(title, sections),
        agency_json(packet, handover),
    ]


tokens = st.lists(st.from_regex(r"[A-Z]{12}", fullmatch=True), min_size=3, max_size=6, unique=True)


@settings(max_examples=40, deadline=None)
@given(texts=tokens, chosen=st.lists(st.booleans(), min_size=10, max_size=10), valid=st.booleans())
def test_never_an_unconsented_item_nor_a_trace_of_one(
    texts: list[str], chosen: list[bool], valid: bool
) -> None:
    needs, considerations = texts[:2], texts[2:]
    probe = make_session(needs, considerations, [], None)
    keys = [i.key for i in items_for(probe, AGENCY)]
    picked = [k for k, c in zip(keys, chosen, strict=False) if c]
    release = Release(
        agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=valid, items=picked
    )
    session = with_logistics(make_session(needs, considerations, [], release))
    shared_texts = {i.text for i in items_for(session, AGENCY) if i.key in picked and valid}
    for doc in documents(session, DAY):
        for token in texts:
            if not any(token in t for t in shared_texts):
                assert token not in doc
        assert "withheld" not in doc.lower()
        assert not re.search(
            r"(Need|About the youth|Special consideration|Intake document) \d", doc
        )
        for line in doc.splitlines():
            value = line.rsplit(":", 1)[-1].strip(" *-\"',").lower()
            assert value not in PLACEHOLDERS or not value, line


def test_the_agency_can_act_without_calling_back() -> None:
    release = Release(agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True)
    text = documents(with_logistics(make_session(["Shelter"], [], [], release)), DAY)[1]
    assert "Referred by: Sam, Outreach" in text and "Phone: 503-555-0142" in text
    assert "within 24 hours (by 2026-11-24)" in text
    assert "Hand-off visit: 2026-11-26 15:00\n" in text
    # the worker's free text about who goes and the escort plan never reaches the agency
    assert "Sam and the youth" not in text and "Sam comes to the first visit" not in text
    assert "Escort: the referring worker will confirm who comes to the hand-off" in text
    assert "the youth wants" not in text  # her wish is hers: no consent item covers it


def test_a_lapsed_consent_keeps_only_whom_to_call_back() -> None:
    release = Release(
        agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True, revoked=DAY
    )
    session = with_logistics(make_session(["Shelter"], [], [], release))
    text, data = documents(session, DAY)[1], json.loads(documents(session, DAY)[2])
    assert "Phone: 503-555-0142" in text and "consent was revoked" in text
    assert "2026-11-26" not in text and "24 hours" not in text
    assert set(data["referrer"]) == {"worker", "program", "phone", "email"}
