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
    forms: list[ServiceForm] = Field(default_factory=list)  # not `= []`: pydantic deep-copies it
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


class ImportSource(Model):
    """Where an imported agency came from: the source directory's id and name for it, so
    that a re-import finds the same agency whatever order or name the source lists it by."""

    id: Text
    name: str = ""


class Site(Model):
    """One of an agency's places (a multi-site organization keeps every one): coarse facts
    only, as for the agency itself; `source` is the source directory's location id."""

    name: Text
    area: str = ""  # a city, never a street address
    phone: Phone | None = None
    hours: str = ""
    source: str = ""


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
    phone: Phone | None = None  # an imported agency may have none yet (a review note says so)
    email: Email | None = None
    website: str | None = None
    contact: ReferralContact
    intake: Intake = Intake()
    cost: Literal["free", "sliding-scale", "insurance", "fee", "unknown"] = "free"
    revet_months: int | None = Field(default=None, ge=1, le=60)
    source: ImportSource | None = None
    sites: list[Site] = []  # only for more than one place; the youth picks one in a session

    @property
    def call(self) -> str:
        """The number to call, or a plain word when an imported agency has none yet."""
        return self.phone or "no phone listed"


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
    """The score for one factor and what it rests on.

    `hard_fails_cleared` names hard fails found by an earlier vetting that the assessor
    checked and no longer observed; only that (with a score, evidence and a note) ends one.
    """

    score: Score = "U"
    # default_factory, not `= []`: pydantic deep-copies a list default (~1 s of a cold start
    # at 50,000 agencies, eleven assessments per vetting)
    evidence: list[EvidenceKind] = Field(default_factory=list)
    note: str = ""
    hard_fails: list[Id] = Field(default_factory=list)
    hard_fails_cleared: list[Id] = Field(default_factory=list)


class Vetting(Model):
    """One vetting of one agency; kept as its own file so history is never overwritten."""

    agency: Id
    date: dt.date
    assessor: Text
    method: list[VettingMethod] = Field(min_length=1)
    trigger: VettingTrigger = "initial"
    factors: dict[FactorId, FactorAssessment] = {}
    note: str = ""
