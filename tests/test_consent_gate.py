"""The consent gate: nothing reaches an agency unless consented, unexpired and unrevoked."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from typer.testing import Result

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


# --- `summary --for NAME`: which agency the worker meant --------------------------------


def _saved_case(run: Callable[..., Result]) -> str:
    from referral_cli.casefile.store import save_session

    release = Release(
        agency="harbor",
        purpose="Referral",
        given=DAY,
        expires=DAY,
        informed=True,
        items=["need:svc-0"],
    )
    session = make_session(["Shelter"], [], [], release)
    other = new_referral("north-harbor-clinic", "North Clinic", "requested", "Sam", AT)
    only_released = Release(
        agency="lone-star", purpose="Referral", given=DAY, expires=DAY, informed=True
    )
    session = session.model_copy(
        update={
            "referrals": [*session.referrals, other],
            "releases": [*session.releases, only_released],
        }
    )
    save_session(session)
    return session.reference


@pytest.mark.parametrize(
    ("name", "agency_name"),
    [
        ("harbor", "Harbor"),  # the id
        ("Harbor", "Harbor"),  # the name, any case
        ("north", "North Clinic"),  # a prefix of an id
        ("north c", "North Clinic"),  # a prefix of a name
        ("clinic", "North Clinic"),  # a word inside the name
        ("lone", "lone-star"),  # released to, never referred: its id stands in for a name
    ],
)
def test_for_name_finds_the_agency_meant(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, name: str, agency_name: str
) -> None:
    monkeypatch.delenv("REFERRAL_TODAY", raising=False)
    ref = _saved_case(run)
    result = run("summary", ref, "--for", name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["agency_name"] == agency_name


def test_for_name_refuses_ambiguous_and_unknown(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REFERRAL_TODAY", raising=False)
    ref = _saved_case(run)
    ambiguous = run("summary", ref, "--for", "ar")  # inside harbor, lone-star and more
    assert ambiguous.exit_code == 1
    assert "matches more than one agency" in ambiguous.output
    unknown = run("summary", ref, "--for", "nowhere")
    assert unknown.exit_code == 1
    assert (
        f"{ref} has no referral to 'nowhere'. Agencies in this case: harbor, lone-star, "
        "north-harbor-clinic."
    ) in " ".join(unknown.output.split())


def test_an_agency_with_a_release_but_no_referral(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REFERRAL_TODAY", raising=False)
    ref = _saved_case(run)
    out = run("summary", ref, "--for", "lone-star").stdout
    assert "To: lone-star" in out and "Status: no referral" in out
    data = json.loads(run("summary", ref, "--for", "harbor", "--format", "json").stdout)
    assert data["status"] == "requested" and data["agency_name"] == "Harbor"
    assert data["shared"] == [{"label": "Need", "text": "Shelter (ongoing)"}]


def test_each_reason_consent_does_not_count_is_said() -> None:
    base = Release(agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True)
    cases = [
        (base.model_copy(update={"revoked": DAY, "informed": False}), "consent was revoked"),
        (base.model_copy(update={"expires": DAY - dt.timedelta(days=1)}), "consent expired"),
        (
            base.model_copy(update={"given": DAY + dt.timedelta(days=1)}),
            "the consent starts on a later",
        ),
        # with an item picked: no items and no rights told is "none" at step 6 (nothing-shared)
        (
            base.model_copy(update={"informed": False, "items": ["need:svc-0"]}),
            "not told their rights",
        ),
        (base.model_copy(update={"guardian_required": True}), "guardian's consent is required"),
        (None, "no consent to share anything has been recorded"),
    ]
    for release, why in cases:
        session = make_session(["Shelter"], [], [], release)
        text = exports(session, AGENCY, DAY)[2]
        line = next(x for x in text.splitlines() if "Nothing about the youth is shared" in x)
        assert why in line, why
        assert "Shelter" not in text
    guardian = base.model_copy(
        update={"guardian_required": True, "consent_by": ["youth", "guardian"]}
    )
    assert release_state(guardian, DAY) == "valid"
    assert release_state(base.model_copy(update={"consent_by": ["guardian"]}), DAY) == "valid"


def test_a_name_prefix_wins_over_a_word_inside_another_name(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from referral_cli.casefile.store import save_session

    monkeypatch.delenv("REFERRAL_TODAY", raising=False)
    release = Release(
        agency="youth-harbor", purpose="p", given=DAY, expires=dt.date.today(), informed=True
    )
    session = make_session([], [], [], None).model_copy(
        update={
            "referrals": [
                new_referral("youth-harbor", "Harbor House", "requested", "Sam", AT),
                new_referral("north-clinic", "North Harbor House", "requested", "Sam", AT),
            ],
            "releases": [release],
        }
    )
    save_session(session)
    found = run("summary", session.reference, "--for", "harbor", "--format", "json")
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["agency"] == "youth-harbor"
    revoked = run("consent", "revoke", session.reference, "harbor")
    assert revoked.exit_code == 0, revoked.output
    assert f"nothing more about {session.reference} is shared with Harbor House" in revoked.output


def test_for_name_in_a_case_with_no_agency(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from referral_cli.casefile.store import save_session

    monkeypatch.delenv("REFERRAL_TODAY", raising=False)
    session = make_session([], [], [], None).model_copy(update={"referrals": []})
    save_session(session)
    result = run("summary", session.reference, "--for", "harbor")
    assert result.exit_code == 1
    assert "Agencies in this case: none." in " ".join(result.output.split())


def test_several_fit_needs_are_shared_as_one_readable_item() -> None:
    release = Release(
        agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True, items=["about:fit"]
    )
    session = make_session([], [], [], release)
    session.profile = session.profile.model_copy(update={"fit": ["transit", "wheelchair"]})
    data = json.loads(agency_json(packet_for(session, AGENCY, DAY)))
    assert data["shared"] == [{"label": "Access and fit needs", "text": "transit, wheelchair"}]
