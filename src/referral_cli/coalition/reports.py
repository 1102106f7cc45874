"""Coalition reports from the catalog alone: service gaps, sector coverage, consultation log.

Seed 004 asks coalitions to use data to find where youth have nowhere safe to go; US
child-welfare agencies must document consultation with partner agencies (P.L. 113-183).
These reports read the catalog and its vetting records; the gap report may also count,
from the worker's own sessions, where youth hesitated (coalition/hesitations.py): aggregates
and partner facts only, never a case reference or any youth data. Each is a pure function
returning a small model that the screen, Markdown and JSON renderers share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel

from referral_cli.casefile.records import Session
from referral_cli.catalog.load import Catalog
from referral_cli.catalog.models import GROUPS, SECTORS, Agency, ServiceForm
from referral_cli.coalition.hesitations import HesitationCounts, hesitations
from referral_cli.errors import ReferralError
from referral_cli.vetting.browse import language_code, statuses
from referral_cli.vetting.fit import access_fact, language_fact, lgbtq_fact
from referral_cli.vetting.judge import agency_status
from referral_cli.vetting.standing import Outcome, VettingStatus


class FormCount(BaseModel):
    """Agencies offering one form (emergency / ongoing) of a service, and how many are ready."""

    form: ServiceForm
    offered: int
    ready: int


class NeedRow(BaseModel):
    """One need of the taxonomy: who offers it, who is ready to refer, which forms lack anyone."""

    service: str
    label: str
    group: str
    offered: int
    ready: int
    ready_stale: int
    verify: int
    not_vetted: int
    do_not_refer: int
    forms: list[FormCount]
    no_provider: bool
    no_ready_provider: bool
    forms_without_ready: list[ServiceForm]


class GapFilter(BaseModel):
    """Which agencies count: only those in a language, LGBTQ-affirming, with an after-hours line."""

    language: str | None = None
    lgbtq: bool = False
    after_hours: bool = False

    def describe(self) -> str:
        """The filter in words, for report headings."""
        parts = []
        if self.language:
            parts.append(f"working in {self.language}")
        if self.lgbtq:
            parts.append("LGBTQ-affirming")
        if self.after_hours:
            parts.append("answering after hours")
        return ", ".join(parts) if parts else "all agencies"


class GapReport(BaseModel):
    """Every need with its provider counts; `gaps` lists the needs with no ready provider."""

    region: str
    as_of: dt.date
    filter: GapFilter
    agencies_considered: int
    needs: list[NeedRow]
    no_provider: list[str]
    no_ready_provider: list[str]
    missing_forms: list[str]
    hesitations: HesitationCounts | None = None  # from the worker's sessions, counts only


def _ready(status: VettingStatus) -> bool:
    """Ready to refer today: a READY outcome whose vetting is not overdue."""
    return status.outcome is Outcome.READY and not status.stale


def gaps(
    catalog: Catalog,
    today: dt.date,
    wanted: GapFilter | None = None,
    sessions: Sequence[Session] | None = None,
) -> GapReport:
    """For each need: agencies offering it, ready to refer, and the needs nobody safe meets.

    "Ready" means vetted READY and not overdue for re-vetting; a stale vetting is counted
    apart, because a coalition should not plan on a partner it has not re-checked. With
    `sessions`, also where youth hesitated and what would have helped (counts only).
    """
    wanted = wanted or GapFilter()
    language = language_code(catalog, wanted.language) if wanted.language else None
    if language:
        wanted = wanted.model_copy(update={"language": catalog.language_name(language)})

    status = statuses(catalog, today)

    def counts(agency: Agency) -> bool:
        """The filter, with fit facts from the vetting where it assessed them."""
        judged = status[agency.id]
        if language and not language_fact(agency, judged, language).holds:
            return False
        if wanted.lgbtq and not lgbtq_fact(agency, judged).holds:
            return False
        return not (wanted.after_hours and not access_fact(agency, judged, "after-hours").holds)

    considered = [a for a in catalog.agencies.values() if counts(a)]
    rows: list[NeedRow] = []
    for service in catalog.services.values():
        offering = [  # one entry per agency, even if a file listed the service twice
            (agency, next(o for o in agency.services if o.id == service.id))
            for agency in considered
            if any(o.id == service.id for o in agency.services)
        ]
        outcomes = [status[agency.id] for agency, _ in offering]
        forms = []
        for form in service.forms:
            with_form = [
                (agency, offered)
                for agency, offered in offering
                if not offered.forms or form in offered.forms
            ]
            forms.append(
                FormCount(
                    form=form,
                    offered=len(with_form),
                    ready=sum(_ready(status[agency.id]) for agency, _ in with_form),
                )
            )
        ready = sum(_ready(s) for s in outcomes)
        rows.append(
            NeedRow(
                service=service.id,
                label=service.label,
                group=service.group,
                offered=len(offering),
                ready=ready,
                ready_stale=sum(s.outcome is Outcome.READY and s.stale for s in outcomes),
                verify=sum(s.outcome is Outcome.VERIFY for s in outcomes),
                not_vetted=sum(s.outcome is Outcome.NOT_VETTED for s in outcomes),
                do_not_refer=sum(s.outcome is Outcome.DO_NOT_REFER for s in outcomes),
                forms=forms,
                no_provider=not offering,
                no_ready_provider=ready == 0,
                forms_without_ready=[f.form for f in forms if f.ready == 0] if ready else [],
            )
        )
    order = list(GROUPS)
    rows.sort(key=lambda r: order.index(r.group) if r.group in order else len(order))
    return GapReport(
        region=catalog.info.region,
        as_of=today,
        filter=wanted,
        agencies_considered=len(considered),
        needs=rows,
        no_provider=[r.service for r in rows if r.no_provider],
        no_ready_provider=[r.service for r in rows if r.no_ready_provider],
        missing_forms=[f"{r.service} ({f})" for r in rows for f in r.forms_without_ready],
        hesitations=None
        if sessions is None
        else hesitations(sessions, {s.id: s.label for s in catalog.services.values()}),
    )


class SectorRow(BaseModel):
    """One partner sector: the agencies the catalog has in it, and how many are ready."""

    sector: str
    label: str
    agencies: list[str]
    ready: int


class CoverageReport(BaseModel):
    """Which partner sectors the coalition has a partner in, and which it is missing."""

    region: str
    as_of: dt.date
    sectors: list[SectorRow]
    missing: list[str]
    without_ready: list[str]


def coverage(catalog: Catalog, today: dt.date) -> CoverageReport:
    """Partner sectors of the coalition with their agencies; missing ones listed."""
    status = statuses(catalog, today)
    rows = []
    for sector, label in SECTORS.items():
        members = [a for a in catalog.agencies.values() if a.sector == sector]
        rows.append(
            SectorRow(
                sector=sector,
                label=label,
                agencies=[a.name for a in members],
                ready=sum(_ready(status[a.id]) for a in members),
            )
        )
    return CoverageReport(
        region=catalog.info.region,
        as_of=today,
        sectors=rows,
        missing=[r.sector for r in rows if not r.agencies],
        without_ready=[r.sector for r in rows if r.agencies and not r.ready],
    )


class Consultation(BaseModel):
    """One documented consultation with a partner agency (a vetting or re-vetting)."""

    date: dt.date
    agency: str
    agency_name: str
    who: str
    method: list[str]
    trigger: str
    outcome: Outcome
    hard_fails: list[str]
    verify_factors: list[str]
    note: str


class ConsultationLog(BaseModel):
    """Consultations in a period, newest first."""

    region: str
    since: dt.date | None
    until: dt.date | None
    entries: list[Consultation]

    def period(self) -> str:
        """The period in words, e.g. "from 2026-01-01"."""
        if self.since and self.until:
            return f"{self.since} to {self.until}"
        if self.since:
            return f"from {self.since}"
        if self.until:
            return f"up to {self.until}"
        return "all dates"


def consultations(
    catalog: Catalog,
    since: dt.date | None = None,
    until: dt.date | None = None,
    agency: str | None = None,
) -> ConsultationLog:
    """Every vetting in the period: agency, date, who, how, why, and the standing it left."""
    if since and until and since > until:
        raise ReferralError(f"--since {since} is after --until {until}.")
    only = catalog.find_agency(agency).id if agency else None
    entries = []
    for agency_id, history in catalog.vettings.items():
        if only and agency_id != only:
            continue
        found = catalog.agencies.get(agency_id)
        if found is None:
            continue
        for vetting in history:
            if (since and vetting.date < since) or (until and vetting.date > until):
                continue
            # the standing it left: hard fails found before and never cleared still count
            upto = [v for v in history if v.date <= vetting.date]
            status = agency_status(found, upto, catalog.info, vetting.date)
            entries.append(
                Consultation(
                    date=vetting.date,
                    agency=agency_id,
                    agency_name=found.name,
                    who=vetting.assessor,
                    method=list(vetting.method),
                    trigger=vetting.trigger,
                    outcome=status.outcome,
                    hard_fails=list(status.hard_fails),
                    verify_factors=list(status.verify_factors),
                    note=vetting.note,
                )
            )
    entries.sort(key=lambda e: (e.date, e.agency), reverse=True)
    return ConsultationLog(region=catalog.info.region, since=since, until=until, entries=entries)
