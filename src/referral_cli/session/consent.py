"""The one gate between a case file and anything an agency will see.

`packet_for(session, agency, today)` decides item by item what may go to one agency. Every
agency-facing export is built from the `AgencyPacket` it returns and from nothing else, so an
item the youth did not consent to share with that agency, under a release that is informed,
unexpired and unrevoked today, cannot reach that agency by any route. Withheld items are
not named at all in what the agency sees.

"Today" is two dates: the worker's (`--today`, for training) and the real one. A release
counts only if it is valid at both, and a recorded revocation counts from the moment it is
recorded, whatever its date, so no date typed at the keyboard re-opens a consent. The
revocation ledger in the audit log counts too, so a restored older case file cannot.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from referral_cli.casefile.records import STATUS_LABELS, Release, Session
from referral_cli.catalog.models import Site
from referral_cli.errors import NotFoundError

ReleaseState = Literal[
    "valid",
    "none",
    "nothing-shared",
    "not-informed",
    "guardian-missing",
    "not-started",
    "expired",
    "revoked",
]

STATE_TEXT: dict[str, str] = {
    "valid": "consent is current",
    "none": "no consent to share anything has been recorded",
    "nothing-shared": "the youth chose to share nothing with this agency",
    "not-informed": "the youth was not told their rights, so the consent does not count",
    "guardian-missing": "a guardian's consent is required and was not recorded",
    "not-started": "the consent starts on a later date",
    "expired": "consent expired",
    "revoked": "consent was revoked",
}


class Item(BaseModel):
    """One piece of information about the youth that a release may cover."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    label: str
    text: str


class AgencyPacket(BaseModel):
    """Everything one agency may see today; exports for an agency read only this."""

    model_config = ConfigDict(extra="forbid")

    reference: str
    program: str
    worker: str
    agency: str
    agency_name: str
    status: str
    referred_on: dt.date | None
    consent: ReleaseState
    consent_text: str
    purpose: str = ""
    shared_how: str = ""
    expires: dt.date | None = None
    lapsed_on: dt.date | None = None
    shared: list[Item] = []
    # which of the agency's own sites the referral is to: where it goes, like `agency_name`
    site: str = ""


_ABOUT = {"age": "Age", "language": "Language", "gender": "Gender", "fit": "Access and fit needs"}


def items_for(session: Session, agency: str) -> list[Item]:
    """Every item about the youth that could be shared with `agency`, in a stable order.

    Keys are stable across saves so a release recorded in step 6 keeps meaning the same thing.
    """
    items: list[Item] = []
    needs = [n for n in session.needs if not n.own_program]
    for need in needs:
        items.append(
            Item(
                key=f"need:{need.service}",
                label="Need",
                text=f"{need.label} ({need.form})",
            )
        )
    profile = session.profile
    about: list[tuple[str, str]] = []
    if profile.age is not None:
        about.append(("age", str(profile.age)))
    if profile.language:
        about.append(("language", profile.language_label))
    if profile.gender:
        about.append(("gender", profile.gender))
    if profile.fit:
        about.append(("fit", ", ".join(profile.fit)))
    for key, value in about:
        items.append(Item(key=f"about:{key}", label=_ABOUT[key], text=value))
    for n, text in enumerate(session.considerations, 1):
        items.append(
            Item(
                key=f"consideration:{n}",
                label="Special consideration",
                text=text,
            )
        )
    referral = session.referral_to(agency)
    documents = referral.intake_documents if referral else []
    for n, doc in enumerate(documents, 1):
        items.append(Item(key=f"document:{n}", label="Intake document", text=doc))
    return items


def release_state(release: Release | None, today: dt.date) -> ReleaseState:
    """Whether a release lets anything be shared today, and if not, why not.

    Judged at `today` and at the real date (`clock.real_today`): valid only if valid at
    both, so a training date can never make a revoked or expired consent valid again.
    """
    from referral_cli.clock import real_today

    if release is None:
        return "none"
    if release.revoked is not None:  # recorded only once it happened: counts at any date
        return "revoked"
    if max(today, real_today()) > release.expires:
        return "expired"
    if min(today, real_today()) < release.given:
        return "not-started"
    if not release.informed:
        return "not-informed"
    if release.guardian_required and "guardian" not in release.consent_by:
        return "guardian-missing"
    return "valid"


def find_agency(session: Session, name: str) -> tuple[str, str]:
    """An agency referred to in this session, by id or name prefix: (id, name)."""
    known = {r.agency: r.agency_name for r in session.referrals}
    known.update({r.agency: known.get(r.agency, r.agency) for r in session.releases})
    if name in known:
        return name, known[name]
    wanted = name.strip().casefold()
    hits = [
        (a, n) for a, n in known.items() if a.startswith(wanted) or n.casefold().startswith(wanted)
    ]
    if not hits and wanted:
        hits = [(a, n) for a, n in known.items() if wanted in a or wanted in n.casefold()]
    if len(hits) == 1:
        return hits[0]
    listed = ", ".join(sorted(known)) or "none"
    if hits:
        raise NotFoundError(
            f"'{name}' matches more than one agency in {session.reference}: {listed}."
        )
    raise NotFoundError(
        f"{session.reference} has no referral to '{name}'. Agencies in this case: {listed}."
    )


def ledger_revocation(session: Session, agency: str) -> dt.date | None:
    """A revocation of consent to `agency` that the ledger holds and the case file does not
    (or holds later): the file is an older copy. LedgerDamaged while the ledger is broken."""
    from referral_cli.casefile.audit import revoked_in_ledger

    logged = revoked_in_ledger(session.reference, agency)
    release = session.release_for(agency)
    if logged is None or release is None:
        return None
    if release.revoked is not None and release.revoked <= logged:
        return None
    return logged


def site_text(site: Site) -> str:
    """The chosen site as the packet and the worker's record name it: name, city, phone."""
    place = site.name if site.area in ("", site.name) else f"{site.name}, {site.area}"
    return f"{place}; phone: {site.phone or 'none listed'}"


def packet_for(session: Session, agency: str, today: dt.date) -> AgencyPacket:
    """What `agency` may see today: only items under a valid release that names them, and
    none while the ledger says the youth revoked it (see `ledger_revocation`)."""
    referral = session.referral_to(agency)
    release = session.release_for(agency)
    logged = ledger_revocation(session, agency)
    if release is not None and logged is not None:
        release = release.model_copy(update={"revoked": logged})
    state = release_state(release, today)
    if state == "not-informed" and release is not None and not release.items:
        state = "nothing-shared"  # "none" at step 6: so no release form was asked
    items = items_for(session, agency)
    consented = set(release.items) if release is not None and state == "valid" else set()
    shared = [item for item in items if item.key in consented]
    lapsed = None
    if release is not None and state == "revoked":
        lapsed = release.revoked
    elif release is not None and state == "expired":
        lapsed = release.expires
    return AgencyPacket(
        reference=session.reference,
        program=session.program,
        worker=session.worker,
        agency=agency,
        agency_name=referral.agency_name if referral else agency,
        status=STATUS_LABELS[referral.status] if referral else "no referral",
        referred_on=referral.history[0].at.date() if referral else None,
        consent=state,
        consent_text=STATE_TEXT[state],
        purpose=release.purpose if release and state == "valid" else "",
        shared_how=release.shared_how if release and state == "valid" else "",
        expires=release.expires if release and state == "valid" else None,
        lapsed_on=lapsed,
        shared=shared,
        site=site_text(referral.site) if referral is not None and referral.site else "",
    )
