"""Pydantic models for the catalogs (services, hotlines, agencies, vettings).

Every model forbids unknown keys so that a typo in a hand-edited catalog is an
error with a line number, not a silently ignored field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from referral_cli.catalog.vocab import GROUPS as GROUPS
from referral_cli.catalog.vocab import SECTORS as SECTORS


class Model(BaseModel):
    """Base for every catalog model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)


# --- small validated types -------------------------------------------------

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=80),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]

_PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-]+( ?(x|ext\.?) ?[0-9]{1,6})?$")


def _check_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value.split("x")[0].split("ext")[0])
    if not _PHONE_CHARS.match(value) or not 7 <= len(digits) <= 15:
        raise ValueError("is not a phone number (use digits, e.g. 503-555-0142)")
    return value


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value):
        raise ValueError("is not an email address (e.g. intake@example.org)")
    return value


Phone = Annotated[str, AfterValidator(_check_phone)]
Email = Annotated[str, AfterValidator(_check_email)]
ShortCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3,8}$")]

ServiceForm = Literal["emergency", "ongoing"]

Group = Literal[
    "basic-needs",
    "safety-crisis",
    "health",
    "mental-health",
    "housing",
    "legal-immigration",
    "education-work",
    "culture-identity",
    "family-peer",
    "navigation",
]

Sector = Literal[
    "anti-trafficking",
    "child-welfare",
    "law-enforcement",
    "juvenile-justice",
    "runaway-homeless-youth",
    "sexual-assault",
    "domestic-violence",
    "child-advocacy-center",
    "court",
    "legal-advocacy",
    "behavioral-health",
    "health",
    "housing",
    "labor-employment",
    "education",
    "immigrant-serving",
    "survivor-led",
    "caregivers",
    "faith-based",
    "community",
]


# --- services.yaml -----------------------------------------------------------


class Service(Model):
    """One need a youth may have, and the service that meets it."""

    id: Id
    label: Text
    group: Group
    forms: list[ServiceForm] = Field(min_length=1)
    description: Text
    synonyms: list[Text] = []


class Hotline(Model):
    """A hotline a worker can give a youth; kept in data so each region sets its own."""

    id: Id
    name: Text
    region: Text
    call: Phone | None = None
    text: ShortCode | None = None
    text_keyword: str | None = None
    hours: Text = "24/7"
    note: str = ""


class ServicesCatalog(Model):
    """The whole of services.yaml."""

    languages: dict[LangCode, Text] = {}
    services: list[Service] = Field(min_length=1)
    hotlines: list[Hotline] = []


# --- agencies.yaml -----------------------------------------------------------


def _service_shorthand(value: Any) -> Any:
    """Allow `- food` as shorthand for `- {id: food}`."""
    return {"id": value} if isinstance(value, str) else value


class OfferedService(Model):
    """A service an agency offers; `forms` empty means every form the service has."""

    id: Id
    forms: list[ServiceForm] = []
    note: str = ""


class Populations(Model):
    """Who the agency serves; used to judge fit with one youth."""

    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    genders: list[Literal["any", "female", "male", "nonbinary", "transgender"]] = ["any"]
    lgbtq_affirming: bool = False


class Hours(Model):
    """Opening hours, and whether someone answers outside them."""

    regular: Text
    after_hours: bool = False
    note: str = ""


class Access(Model):
    """Coarse location facts only: area, transit, step-free access."""

    area: Text
    transit: bool = False
    wheelchair: bool = False
    note: str = ""


class ReferralContact(Model):
    """The person at the agency who takes referrals."""

    role: Text
    name: str = ""
    phone: Phone | None = None
    email: Email | None = None
    trauma_trained: bool = False


class Intake(Model):
    """What the agency needs before it can serve a youth."""

    documents: list[Text] = []
    requires_self_identification: bool = False
    note: str = ""


class Agency(Model):
    """A partner agency a worker might refer a youth to."""

    id: Id
    name: Text
    sector: Sector
    description: str = ""
    services: list[Annotated[OfferedService, BeforeValidator(_service_shorthand)]] = Field(
        min_length=1
    )
    languages: list[LangCode] = Field(min_length=1)
    populations: Populations
    hours: Hours
    access: Access
    confidential_address: bool = False
    phone: Phone
    email: Email | None = None
    website: str | None = None
    contact: ReferralContact
    intake: Intake = Intake()
    cost: Literal["free", "sliding-scale", "insurance", "fee"] = "free"
    revet_months: int | None = Field(default=None, ge=1, le=60)


class CatalogInfo(Model):
    """Facts about the catalog as a whole."""

    region: Text
    example: bool = False
    revet_months: int = Field(default=12, ge=1, le=60)
    task_force: Id | None = None


class AgenciesCatalog(Model):
    """The whole of agencies.yaml."""

    catalog: CatalogInfo
    agencies: list[Agency] = []


# --- vettings/*.yaml ---------------------------------------------------------

FactorId = Literal[
    "csec-experience",
    "professionalism",
    "non-discrimination",
    "cultural-sensitivity",
    "confidentiality",
    "informed-consent",
    "premises-security",
    "language-capacity",
    "trauma-informed-care",
    "lgbtq-services",
    "location-accessibility",
]
Score = Literal["U", 0, 1, 2, 3, 4]
EvidenceKind = Literal[
    "self-report",
    "written-policy",
    "training-records",
    "mou",
    "task-force-membership",
    "site-visit",
    "references",
    "youth-feedback",
    "other-task-force",
]
VettingMethod = Literal["phone", "documents", "site-visit", "references", "youth-feedback"]
VettingTrigger = Literal[
    "initial",
    "annual",
    "incident",
    "complaint",
    "staff-change",
    "youth-feedback",
    "policy-change",
]


class FactorAssessment(Model):
    """The score for one factor and what it rests on."""

    score: Score = "U"
    evidence: list[EvidenceKind] = []
    note: str = ""
    hard_fails: list[Id] = []


class Vetting(Model):
    """One vetting of one agency; kept as its own file so history is never overwritten."""

    agency: Id
    date: dt.date
    assessor: Text
    method: list[VettingMethod] = Field(min_length=1)
    trigger: VettingTrigger = "initial"
    factors: dict[FactorId, FactorAssessment] = {}
    note: str = ""


# --- case files ----------------------------------------------------------------
#
# A case is known only by a worker-chosen reference. Nothing here holds a youth's name,
# address or date of birth; free-text notes are the worker's own words.

CaseRef = Annotated[
    str, StringConstraints(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", min_length=3, max_length=24)
]
Note = Annotated[str, StringConstraints(max_length=2000)]

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
FitNeed = Literal["lgbtq-affirming", "after-hours", "wheelchair", "transit", "confidential-address"]
YouthGender = Literal["female", "male", "nonbinary", "transgender"]
SharedHow = Literal["verbal", "written", "electronic"]
GivenHow = Literal["written", "verbal"]
NoReferralReason = Literal["youth-declined", "no-suitable-agency", "needs-met", "other"]
BasicNeed = Literal["food", "shelter", "clothing", "safety"]


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
    language_name: str = Field(default="", max_length=100)
    age: int | None = Field(default=None, ge=5, le=30)
    gender: YouthGender | None = None
    fit: list[FitNeed] = []

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


class ProviderCall(Model):
    """Step 3: what the provider said, and whether the youth was there to ask questions."""

    agency: Id
    called: bool
    experience: Note = ""
    options: Note = ""
    youth_present: bool = False


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


class NoReferral(Model):
    """The no-referral path: why, and what the youth left with."""

    reason: NoReferralReason
    note: Note = ""
    at_step: int = Field(ge=0, le=8)
    basic_needs: list[BasicNeed] = []
    info_given: bool = False
    hotlines: list[Id] = []
    call_later: Note = ""


class Session(Model):
    """One referral session, saved as a draft after every step."""

    version: Literal[1] = 1
    reference: CaseRef
    worker: Text
    program: Text
    created: dt.datetime
    updated: dt.datetime
    step: int = Field(default=1, ge=1, le=9)
    needs: list[Need] = []
    profile: YouthProfile = YouthProfile()
    considered: list[Considered] = []
    calls: list[ProviderCall] = []
    options: list[OptionTalk] = []
    considerations: list[Text] = []
    referrals: list[Referral] = []
    releases: list[Release] = []
    no_referral: NoReferral | None = None
    finished: bool = False

    def release_for(self, agency: str) -> Release | None:
        """The release to one agency, if any (there is at most one per agency)."""
        return next((r for r in self.releases if r.agency == agency), None)

    def referral_to(self, agency: str) -> Referral | None:
        """The referral to one agency, if any."""
        return next((r for r in self.referrals if r.agency == agency), None)
