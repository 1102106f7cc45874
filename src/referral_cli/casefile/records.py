"""Pydantic models of a case file: a session, its needs, consents and referrals.

A case is known only by a worker-chosen reference. Nothing here holds a youth's name,
address or date of birth. The statuses a referral can have live here with the data, so the
store and retention can tell an open case from a closed one without the casework rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from referral_cli.catalog.models import Id, LangCode, Model, Phone, ServiceForm, Site, Text

# --- case files ----------------------------------------------------------------
#
# A case is known only by a worker-chosen reference. Nothing here holds a youth's name,
# address or date of birth; free-text notes are the worker's own words.

CaseRef = Annotated[
    str, StringConstraints(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", min_length=3, max_length=24)
]
Note = Annotated[str, StringConstraints(max_length=2000)]
LANGUAGE_NAME_MAX = 100

ReferralStatus = Literal[
    "needs_identified",
    "options_discussed",
    "consent_pending",
    "requested",
    "accepted",
    "rejected",
    "handoff_scheduled",
    "in_progress",
    "on_hold",
    "completed",
    "failed",
    "cancelled",
    "entered_in_error",
]
HesitationReason = Literal["location", "transport", "bad-experience", "rumours", "other"]
HesitationHelp = Literal["goes-along", "another-site", "call-first", "more-info", "not-now"]
FitNeed = Literal["lgbtq-affirming", "after-hours", "wheelchair", "transit", "confidential-address"]
YouthGender = Literal["female", "male", "nonbinary", "transgender"]
SharedHow = Literal["verbal", "written", "electronic"]
GivenHow = Literal["written", "verbal"]
NoReferralReason = Literal["youth-declined", "no-suitable-agency", "needs-met", "other"]
BasicNeed = Literal["food", "shelter", "clothing", "safety"]
# How soon the agency should contact the youth: 24 hours, 72 hours, two weeks (export/packet).
Urgency = Literal["emergency", "urgent", "routine"]


class Need(Model):
    """One need the youth identified; `own_program` needs are met in-house and not referred."""

    service: Id
    label: Text
    form: ServiceForm
    own_program: bool = False


class YouthProfile(Model):
    """Only what judges fit with an agency: no name, address or birth date, by design."""

    language: LangCode | None = None
    # the catalog's name for the language when it was recorded: summaries need no catalog
    language_name: str = Field(default="", max_length=LANGUAGE_NAME_MAX)
    age: int | None = Field(default=None, ge=5, le=30)
    gender: YouthGender | None = None
    fit: list[FitNeed] = []

    @field_validator("language_name", mode="before")
    @classmethod
    def _clip_name(cls, value: object) -> object:
        """A catalog may name a language at any length; a summary needs only its start."""
        if isinstance(value, str) and len(value) > LANGUAGE_NAME_MAX:
            return value[: LANGUAGE_NAME_MAX - 3] + "..."
        return value

    @property
    def language_label(self) -> str:
        """The language as a reader of a summary needs it: "Spanish (es)", or the code."""
        if not self.language:
            return ""
        name = self.language_name
        return f"{name} ({self.language})" if name and name != self.language else self.language


class Considered(Model):
    """An agency the worker chose to consider in step 2, with why it ranked where it did."""

    agency: Id
    name: Text
    needs: list[Id] = Field(min_length=1)
    score: int = 0
    marks: list[str] = []
    reasons: list[str] = []
    checked: bool = False  # the worker confirmed they checked what its vetting leaves open


CallPresent = Literal["youth", "worker", "guardian", "interpreter", "support"]


class NewContact(Model):
    """An agency not in the catalog (one the task force or a colleague suggested).

    Kept in the case file only, and NOT VETTED everywhere, until the coordinator adds it to
    the catalog and vets it.
    """

    agency: Id
    name: Text
    phone: Phone
    service: Id
    suggested_by: Note = ""


class ProviderCall(Model):
    """Step 3: what the provider said, and who was on the call (the youth, ideally)."""

    agency: Id
    called: bool
    experience: Note = ""
    options: Note = ""
    youth_present: bool = False
    present: list[CallPresent] = []
    later: bool = False  # to be made after the session, without the youth


class Hesitation(Model):
    """Why the youth hesitates about an option; explored, never overruled."""

    reason: HesitationReason
    note: Note = ""


class OptionTalk(Model):
    """Step 4: the youth's view of one option and its coarse safety facts (never an address)."""

    agency: Id
    youth_view: Note = ""
    near_danger: bool | None = None
    transport: Note = ""
    confidential_address: bool = False
    hesitations: list[Hesitation] = []
    helps: list[HesitationHelp] = []  # what the youth said would help with the hesitation
    wants: bool = False


class Representative(Model):
    """Step 5: the person at the agency the youth chose."""

    role: Text
    name: str = ""
    knows_trauma_csec: bool = False


class Release(Model):
    """Step 6: one release of information to one agency; never "any and all", always expiring."""

    agency: Id
    items: list[str] = []
    purpose: Text
    shared_how: SharedHow = "verbal"
    consent_by: list[Literal["youth", "guardian"]] = ["youth"]
    guardian_required: bool = False
    given_how: GivenHow = "written"
    given: dt.date
    expires: dt.date
    informed: bool = False
    revocable: Literal[True] = True
    revoked: dt.date | None = None
    language: str = ""
    interpreter: bool = False


class Handoff(Model):
    """Step 7: the warm hand-off visit before services start."""

    when: Text
    who: Text
    transport: Note = ""


class Escort(Model):
    """Step 8: whether the youth wants company to appointments, and the plan."""

    wants: bool
    plan: Note = ""


class StatusChange(Model):
    """One step along the referral lifecycle: when, by whom and why."""

    status: ReferralStatus
    at: dt.datetime
    by: Text
    note: Note = ""


class Referral(Model):
    """A referral to one agency the youth chose, followed until it closes."""

    agency: Id
    agency_name: Text
    needs: list[Id] = []
    intake_documents: list[Text] = []
    contact: Representative | None = None
    handoff: Handoff | None = None
    escort: Escort | None = None
    status: ReferralStatus
    history: list[StatusChange] = Field(min_length=1)
    follow_up: dt.date | None = None
    first_contact: dt.date | None = None
    urgency: Urgency | None = None
    site: Site | None = None  # the site the youth picked, as the catalog had it then


class NoReferral(Model):
    """The no-referral path: why, and what the youth left with."""

    reason: NoReferralReason
    note: Note = ""
    at_step: int = Field(ge=0, le=8)
    basic_needs: list[BasicNeed] = []
    info_given: bool = False
    # "Name: number" as given, so the record reads without the catalog (older files: ids)
    hotlines: list[Text] = []
    call_later: Note = ""
    follow_up: dt.date | None = None  # when to offer the referral again


class Session(Model):
    """One referral session, saved as a draft after every step."""

    version: Literal[1] = 1
    reference: CaseRef
    worker: Text
    program: Text
    worker_phone: str = ""  # from the worker profile, for the agency packet and youth card
    worker_email: str = ""
    created: dt.datetime
    updated: dt.datetime
    step: int = Field(default=1, ge=1, le=9)
    needs: list[Need] = []
    profile: YouthProfile = YouthProfile()
    considered: list[Considered] = []
    new_contacts: list[NewContact] = []
    calls: list[ProviderCall] = []
    options: list[OptionTalk] = []
    considerations: list[Text] = []
    referrals: list[Referral] = []
    releases: list[Release] = []
    no_referral: NoReferral | None = None
    finished: bool = False
    # answers already given in the step in progress, saved as each is given, so a resumed
    # session goes on at the first unanswered question (cleared when the step is done)
    pending: dict[str, str] = {}
    # the steps done, in the order they were run (in the room: 1, 2, 3, 4, 6; after: 5, 7, 8)
    done: list[int] = []

    def release_for(self, agency: str) -> Release | None:
        """The release to one agency, if any (there is at most one per agency)."""
        return next((r for r in self.releases if r.agency == agency), None)

    def referral_to(self, agency: str) -> Referral | None:
        """The referral to one agency, if any."""
        return next((r for r in self.referrals if r.agency == agency), None)


# --- referral statuses --------------------------------------------------------

TERMINAL: frozenset[str] = frozenset(
    {"rejected", "completed", "failed", "cancelled", "entered_in_error"}
)

STATUS_LABELS: dict[str, str] = {
    "needs_identified": "needs identified",
    "options_discussed": "options discussed",
    "consent_pending": "consent pending",
    "requested": "requested",
    "accepted": "accepted by agency",
    "rejected": "rejected by agency",
    "handoff_scheduled": "hand-off scheduled",
    "in_progress": "in progress",
    "on_hold": "on hold",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
    "entered_in_error": "entered in error",
}


def is_open(status: str) -> bool:
    """Open statuses still need someone to follow up."""
    return status not in TERMINAL
