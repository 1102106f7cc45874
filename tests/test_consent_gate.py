"""The consent gate: nothing reaches an agency unless consented, unexpired and unrevoked."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from referral_cli.casefile.records import Need, Referral, Release, Session, YouthProfile
from referral_cli.casework.lifecycle import new_referral
from referral_cli.export.session import (
    agency_json,
    agency_sections,
    agency_title,
    to_markdown,
    to_text,
)
from referral_cli.session.consent import items_for, packet_for, release_state

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


# Distinct tokens of one length: none can be a substring of another or of our own wording.
tokens = st.lists(st.from_regex(r"[A-Z]{12}", fullmatch=True), min_size=1, max_size=9, unique=True)


@settings(max_examples=100, deadline=None)
@given(
    texts=tokens,
    split=st.lists(st.integers(0, 2), min_size=9, max_size=9),
    chosen=st.lists(st.booleans(), min_size=13, max_size=13),
    expires_in=st.integers(-5, 60),
    revoked=st.booleans(),
    informed=st.booleans(),
    guardian_required=st.booleans(),
    guardian=st.booleans(),
    for_other=st.booleans(),
)
def test_no_unconsented_text_reaches_an_agency(
    texts: list[str],
    split: list[int],
    chosen: list[bool],
    expires_in: int,
    revoked: bool,
    informed: bool,
    guardian_required: bool,
    guardian: bool,
    for_other: bool,
) -> None:
    groups: list[list[str]] = [[], [], []]
    for text, where in zip(texts, split, strict=False):
        groups[where].append(text)
    needs, considerations, documents = groups
    draft = make_session(needs, considerations, documents, None)
    keys = [i.key for i in items_for(draft, AGENCY)]
    consented = [k for k, yes in zip(keys, chosen, strict=False) if yes]
    release = Release(
        agency=OTHER if for_other else AGENCY,
        items=consented,
        purpose="Referral",
        given=DAY - dt.timedelta(days=10),
        expires=DAY + dt.timedelta(days=expires_in),
        informed=informed,
        guardian_required=guardian_required,
        consent_by=["youth", "guardian"] if guardian else ["youth"],
        revoked=DAY - dt.timedelta(days=1) if revoked else None,
    )
    session = make_session(needs, considerations, documents, release)
    valid = (
        not for_other
        and not revoked
        and expires_in >= 0
        and informed
        and (guardian or not guardian_required)
    )
    released = [i for i in items_for(session, AGENCY) if valid and i.key in consented]
    allowed = {t for t in texts if any(t in i.text for i in released)}
    keys_out = {i.key for i in released}
    for out in exports(session, AGENCY, DAY):
        for text in texts:
            assert (text in out) == (text in allowed)
        assert ("Gender" in out) == ("about:gender" in keys_out)
        assert ("transit" in out) == ("about:fit" in keys_out)


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


def test_withheld_items_leave_no_trace() -> None:
    release = Release(
        agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True, items=["need:svc-0"]
    )
    session = make_session(["Shelter", "Sexual assault care"], [], [], release)
    data = json.loads(agency_json(packet_for(session, AGENCY, DAY)))
    assert "withheld" not in data and [i["text"] for i in data["shared"]] == ["Shelter (ongoing)"]
    for text in exports(session, AGENCY, DAY):
        assert "svc-1" not in text and "Sexual" not in text
        assert "Need 2" not in text and "withheld" not in text.lower()


def test_markdown_in_consented_text_is_escaped() -> None:
    release = Release(
        agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True, items=["consideration:1"]
    )
    session = make_session([], ["[call me](http://x) <b>"], [], release)
    md = exports(session, AGENCY, DAY)[0]
    assert "](http" not in md.replace("\\]", "") and "<b>" not in md
