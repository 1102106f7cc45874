"""An independent oracle for the consent gate, checked through `summary --for` in every format.

The property states, from the generated case alone, what each agency may see: an item (by its
stable key: need:<service>, about:<fact>, consideration:<n>, document:<n>, n counted from 1 in
the order entered) is shared with an agency only if that agency's release names it, the youth
was informed, a guardian consented where one is required, and today lies between the day the
consent was given and the day it expires, with no revocation on or before today. It never asks
the code under test what the items are; it only reads what the CLI prints.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from referral_cli.casefile.records import (
    Escort,
    Handoff,
    Need,
    Referral,
    Release,
    Session,
    StatusChange,
    YouthProfile,
)
from referral_cli.casefile.store import purge_session, save_session
from tests.conftest import REAL_START

Run = Callable[..., Result]
TODAY = REAL_START.date()  # the suite pins the real clock (conftest); exports judge at it
REFERRED = dt.datetime.combine(TODAY - dt.timedelta(days=40), dt.time(10, 0))
AGENCIES = ("harbor", "north-star")
GENDERS = ("female", "male", "nonbinary", "transgender")
FITS = ("lgbtq-affirming", "after-hours", "wheelchair", "transit", "confidential-address")
_REFS = itertools.count(100)


# Distinct tokens of one length: none is a substring of another or of the tool's own wording.
TOKEN = st.from_regex(r"[A-Z]{12}", fullmatch=True)


@dataclass
class Expected:
    """What the oracle says one item is: its key, slot, and how the agency copy shows it."""

    key: str
    slot: str
    label: str
    text: str
    tokens: list[str] = field(default_factory=list)


@dataclass
class Consent:
    """One generated release, with the facts that decide whether it counts today."""

    items: list[str]
    purpose: str
    shared_how: str
    given: dt.date
    expires: dt.date
    informed: bool
    guardian_required: bool
    guardian_signed: bool
    revoked: dt.date | None

    @property
    def valid(self) -> bool:
        return (
            self.informed
            and (self.guardian_signed or not self.guardian_required)
            and self.given <= TODAY <= self.expires
            and self.revoked is None
        )

    @property
    def lapsed_on(self) -> dt.date | None:
        if self.revoked is not None:
            return self.revoked
        return self.expires if self.expires < TODAY else None


# Each flaw that voids a consent is drawn on its own, about one time in five, so most releases
# are valid (and the sharing side is tested as hard as the blocking side) and flaws combine.
FLAW = st.integers(0, 4).map(lambda n: n == 0)


@st.composite
def consents(draw: st.DrawFn, keys: list[str], purpose: str) -> Consent:
    given = TODAY - dt.timedelta(days=draw(st.just(0) | st.integers(0, 30)))  # today counts
    if draw(FLAW):
        given = TODAY + dt.timedelta(days=draw(st.integers(1, 3)))  # starts later
    # expiry is inclusive: a release that expires today still counts today
    expires = TODAY + dt.timedelta(days=draw(st.just(0) | st.integers(0, 60)))
    if draw(FLAW):
        expires = TODAY - dt.timedelta(days=draw(st.just(1) | st.integers(1, 3)))
    expires = max(expires, given)
    revoked = None
    if given <= TODAY and draw(FLAW):
        revoked = TODAY - dt.timedelta(days=draw(st.integers(0, (TODAY - given).days)))
    chosen = [k for k in keys if draw(st.booleans())]
    if draw(st.booleans()):
        chosen.append("document:99")  # a key that names nothing must share nothing
    guardian_required = draw(st.booleans())
    # where a guardian must consent, they usually did; where not, either is fine
    signed = not draw(FLAW) if guardian_required else draw(st.booleans())
    return Consent(
        items=chosen,
        purpose=purpose,
        shared_how=draw(st.sampled_from(["verbal", "written", "electronic"])),
        given=given,
        expires=expires,
        informed=not draw(FLAW),
        guardian_required=guardian_required,
        guardian_signed=signed,
        revoked=revoked,
    )


@dataclass
class Case:
    """A generated case: its session, and the oracle's view of each agency's items."""

    reference: str
    session: Session
    names: dict[str, str]
    items: dict[str, list[Expected]]
    releases: dict[str, Consent]
    all_tokens: list[str]
    when: dict[str, str]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    tokens = iter(draw(st.lists(TOKEN, min_size=28, max_size=28, unique=True)))
    all_tokens: list[str] = []

    def token() -> str:
        t = next(tokens)
        all_tokens.append(t)
        return t

    needs: list[Need] = []
    shared_items: list[Expected] = []
    n = 0
    for i in range(draw(st.integers(0, 3))):
        own = draw(st.booleans())
        label = token()
        needs.append(Need(service=f"svc-{i}", label=label, form="ongoing", own_program=own))
        if not own:  # met in-house, so never part of a referral
            n += 1
            shared_items.append(
                Expected(f"need:svc-{i}", f"Need {n}", "Need", f"{label} (ongoing)", [label])
            )
    age = draw(st.none() | st.integers(5, 30))
    language = draw(st.booleans())
    language_name = token()
    gender = draw(st.none() | st.sampled_from(GENDERS))
    fit = draw(st.lists(st.sampled_from(FITS), unique=True, max_size=3))
    about: list[tuple[str, str, str, list[str]]] = []
    if age is not None:
        about.append(("about:age", "Age", str(age), []))
    if language:
        about.append(("about:language", "Language", f"{language_name} (es)", [language_name]))
    if gender is not None:
        about.append(("about:gender", "Gender", gender, []))
    if fit:
        about.append(("about:fit", "Access and fit needs", ", ".join(fit), []))
    for n, (key, label, text, toks) in enumerate(about, 1):
        shared_items.append(Expected(key, f"About the youth {n}", label, text, toks))
    considerations = [token() for _ in range(draw(st.integers(0, 2)))]
    for n, text in enumerate(considerations, 1):
        shared_items.append(
            Expected(
                f"consideration:{n}",
                f"Special consideration {n}",
                "Special consideration",
                text,
                [text],
            )
        )
    names: dict[str, str] = {}
    when: dict[str, str] = {}
    items: dict[str, list[Expected]] = {}
    referrals: list[Referral] = []
    releases: dict[str, Consent] = {}
    for agency in AGENCIES:
        names[agency] = token()
        # the hand-off time: the normalised date and time (shown to the agency while its
        # consent is valid), or an older case file's free text (never shown to any agency)
        structured = draw(st.booleans())
        minutes = draw(st.integers(0, 60 * 24 * 30 - 1))
        at = dt.datetime.combine(TODAY, dt.time(0, 0)) + dt.timedelta(minutes=minutes)
        when[agency] = f"{at:%Y-%m-%d %H:%M}" if structured else f"Thu {token()} 3pm"
        documents = [token() for _ in range(draw(st.integers(0, 3)))]
        items[agency] = shared_items + [
            Expected(f"document:{n}", f"Intake document {n}", "Intake document", doc, [doc])
            for n, doc in enumerate(documents, 1)
        ]
        referrals.append(
            Referral(
                agency=agency,
                agency_name=names[agency],
                intake_documents=documents,
                status="requested",
                history=[StatusChange(status="requested", at=REFERRED, by="Sam")],
                # the worker's own free text about logistics: never in any agency's copy
                handoff=Handoff(when=when[agency], who=token(), transport=token()),
                escort=Escort(wants=True, plan=token()),
            )
        )
        keys = [k.key for k in items[agency]] + [
            f"need:{need.service}" for need in needs if need.own_program
        ]
        if draw(st.integers(0, 5)) > 0:
            releases[agency] = draw(consents(keys, token()))
    reference = f"AC-{next(_REFS)}"
    session = Session(
        reference=reference,
        worker="Sam",
        program="Outreach",
        created=REFERRED,
        updated=REFERRED,
        needs=needs,
        profile=YouthProfile(
            language="es" if language else None,
            language_name=language_name if language else "",
            age=age,
            gender=gender,
            fit=list(fit),
        ),
        considerations=considerations,
        referrals=referrals,
        releases=[
            Release(
                agency=agency,
                items=c.items,
                purpose=c.purpose,
                shared_how=c.shared_how,  # type: ignore[arg-type]
                given=c.given,
                expires=c.expires,
                informed=c.informed,
                guardian_required=c.guardian_required,
                consent_by=["youth", "guardian"] if c.guardian_signed else ["youth"],
            )
            for agency, c in releases.items()
        ],
    )
    return Case(reference, session, names, items, releases, all_tokens, when)


def _summary(run: Run, reference: str, agency: str, fmt: str) -> str:
    result = run("summary", reference, "--for", agency, "--format", fmt)
    assert result.exit_code == 0, result.output
    return result.stdout


def _check_agency_copy(run: Run, case: Case, agency: str) -> None:
    consent = case.releases.get(agency)
    valid = consent is not None and consent.valid
    consented = set(consent.items) if consent is not None else set()
    shared = [i for i in case.items[agency] if valid and i.key in consented]
    withheld = [i for i in case.items[agency] if valid and i.key not in consented]
    visible = {t for i in shared for t in i.tokens} | {case.names[agency]}
    if valid and consent is not None:
        visible.add(consent.purpose)

    copies = {
        fmt: _summary(run, case.reference, agency, fmt) for fmt in ("text", "markdown", "json")
    }
    data = json.loads(copies["json"])
    assert data["copy"] == "agency"
    assert data["agency_name"] == case.names[agency]
    assert data["status"] == "requested"
    assert data["referred_on"] == REFERRED.date().isoformat()
    assert (data["consent"] == "valid") is valid
    assert data["shared"] == [{"label": i.label, "text": i.text} for i in shared]
    assert "withheld" not in data  # the agency is never told how much the youth kept back
    assert data["purpose"] == (consent.purpose if valid and consent else "")
    assert data["shared_how"] == (consent.shared_how if valid and consent else "")
    assert data["expires"] == (consent.expires.isoformat() if valid and consent else None)
    lapsed = consent.lapsed_on if consent is not None else None
    assert data["lapsed_on"] == (lapsed.isoformat() if lapsed else None)

    for fmt, out in copies.items():
        for t in case.all_tokens:
            assert (t in out) == (t in visible), (fmt, t)
        labels = {i.label for i in shared}
        for label in ("Age", "Language", "Gender", "Access and fit needs", "Intake document"):
            # a shared item shows its label; a withheld one leaves no trace at all
            shown = {"text": f"  {label}: ", "markdown": f"**{label}:**", "json": f'"{label}"'}
            assert (shown[fmt] in out) == (label in labels), (fmt, label)
        for fact in (*FITS, *GENDERS):
            assert bool(re.search(rf"(?<![\w-]){fact}(?![\w-])", out)) == any(
                re.search(rf"(?<![\w-]){fact}(?![\w-])", i.text) for i in shared
            ), (fmt, fact)
        # the agency learns the hand-off time only as a date and time, under a valid release
        at = case.when[agency]
        structured = not at.startswith("Thu ")
        shown_at = at.replace(":", "\\:") if fmt == "markdown" else at  # Markdown-escaped
        assert (shown_at in out) is (valid and structured), (fmt, at)
        assert "Thu " not in out and "3pm" not in out, fmt
        if fmt == "json":
            assert data["referrer"].get("handoff_when", "") == (at if valid and structured else "")
            continue
        assert ("Nothing about the youth is shared" in out) is not valid
        if valid and consent is not None:
            colon = ":" if fmt == "text" else ":**"
            assert f"Valid until{colon} {consent.expires}" in out
            assert f"Shared how{colon} {consent.shared_how}" in out
        else:
            assert "Shared how" not in out and "Valid until" not in out
        if not valid and lapsed is not None:  # an expiry date is the last day it held
            assert f"{'after' if 'expired' in out else 'on'} {lapsed}." in out
        for item in withheld:
            assert item.slot not in out and "withheld" not in out


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_each_agency_copy_shows_exactly_what_its_release_allows_today(
    run: Run, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    monkeypatch.delenv("REFERRAL_TODAY", raising=False)
    save_session(case.session)
    for agency, consent in case.releases.items():
        if consent.revoked is not None:
            result = run("consent", "revoke", case.reference, agency, "--on", str(consent.revoked))
            assert result.exit_code == 0, result.output
    for agency in AGENCIES:
        _check_agency_copy(run, case, agency)
    purge_session(case.reference)  # keep the folder small: every command reads every case
