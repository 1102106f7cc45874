"""What `referral summary` hands out: the worker's copy, an agency's copy, the youth's card.

Each copy for an agency goes through the consent gate (`session.consent.packet_for`), after
the agency's vetting standing and the revocation ledger are checked.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from referral_cli.commands.common import EXTENSIONS, Format

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session
    from referral_cli.catalog.contents import Catalog
    from referral_cli.prompt.asker import Asker
    from referral_cli.vetting.recheck import StandingDrop


class SummaryFormat(StrEnum):
    """Formats of a handoff summary."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"
    FHIR = "fhir"


def recheck_standing(
    session: Session, agency_id: str, data: Path | None, day: dt.date, go_on: bool
) -> None:
    """Warn when the agency's standing dropped since it was chosen; stop unless `go_on`."""
    from referral_cli.commands.common import load
    from referral_cli.errors import ReferralError
    from referral_cli.vetting.judge import agency_status
    from referral_cli.vetting.recheck import session_drops

    catalog = load(data)
    found = catalog.agencies.get(agency_id)
    statuses = {}
    if found is not None:
        statuses[agency_id] = agency_status(
            found, catalog.vettings_of(agency_id), catalog.info, day
        )
    drop = session_drops(session, statuses, [agency_id]).get(agency_id)
    if drop is None:
        return
    if not go_on:
        raise ReferralError(
            f"Vetting standing dropped since it was chosen: {drop.message}. Nothing was "
            "exported; talk to your lead, then add --despite-standing to export anyway."
        )
    typer.echo(f"Warning: vetting standing dropped since it was chosen: {drop.message}", err=True)


def open_drops(session: Session, catalog: Catalog, day: dt.date) -> dict[str, StandingDrop]:
    """The open referrals whose agency's vetting standing dropped since it was chosen."""
    from referral_cli.casefile.records import is_open
    from referral_cli.vetting.judge import agency_status
    from referral_cli.vetting.recheck import session_drops

    open_ids = [r.agency for r in session.referrals if is_open(r.status)]
    if not open_ids:  # nothing chosen yet: steps 2 and 4 show today's standing anyway
        return {}
    statuses = {
        i: agency_status(catalog.agencies[i], catalog.vettings_of(i), catalog.info, day)
        for i in open_ids
        if i in catalog.agencies
    }
    return session_drops(session, statuses, open_ids)


def _warn_dropped(session: Session, data: Path | None, day: dt.date) -> None:
    """The worker's own copy still says how each agency stood when chosen: say on stderr
    which of them has dropped since, so the record is never read as today's standing."""
    from referral_cli.commands.common import load
    from referral_cli.errors import ReferralError
    from referral_cli.text import one_line

    try:
        catalog = load(data)
    except ReferralError:
        return  # the worker's copy needs no catalog; `followups` says why it cannot check
    for drop in open_drops(session, catalog, day).values():
        typer.echo(
            f"Warning: vetting standing dropped since chosen: {one_line(drop.message)}", err=True
        )


def recheck_on_resume(session: Session, catalog: Catalog, day: dt.date, asker: Asker) -> bool:
    """Before the later steps (contact, hand-off, escort) go on with an open referral: has
    its agency's vetting standing dropped since it was chosen (a new hard fail, say)? Each
    drop is shown and the worker decides, with no default: False means stop here."""
    from referral_cli.text import one_line

    for agency_id, drop in open_drops(session, catalog, day).items():
        typer.echo(f"Vetting standing dropped since it was chosen: {one_line(drop.message)}")
        question = "Go on with this agency anyway (you have checked with your lead)?"
        if not asker.confirm(f"resume.standing.{agency_id}", question, default=None):
            return False
    return True


def ledger_notes(session: Session, agencies: list[str], strict: bool) -> None:
    """Tell the worker about revocations the ledger holds and this case file lacks (an older
    copy restored). A damaged ledger stops an agency's copy (`strict`), and only warns on the
    worker's own copy, which is never shared."""
    from referral_cli.casefile.audit import LedgerDamaged
    from referral_cli.session.consent import find_agency, ledger_revocation
    from referral_cli.text import one_line

    for agency_id in agencies:
        try:
            logged = ledger_revocation(session, agency_id)
        except LedgerDamaged as exc:
            if strict:
                raise
            typer.echo(f"Warning: {exc}", err=True)
            return
        if logged is not None:
            name = one_line(find_agency(session, agency_id)[1])
            typer.echo(
                f"Note: the audit log records that consent to {name} was revoked on "
                f"{logged}, and this case file does not (an older copy restored?): nothing is "
                f"shared with it. Record it again: referral consent revoke {session.reference} "
                f"{agency_id} --on {logged}",
                err=True,
            )


def file_name(session: Session, agency: str | None, youth: bool, fmt: SummaryFormat) -> str:
    """What `-o DIR/` names the file: one name per copy, so no copy replaces another."""
    from referral_cli.session.consent import find_agency

    who = "youth" if youth else (find_agency(session, agency)[0] if agency else "worker")
    ext = "fhir.json" if fmt is SummaryFormat.FHIR else EXTENSIONS[Format(fmt.value)]
    return f"{session.reference}-{who}.{ext}"


def summary_text(
    session: Session,
    agency: str | None,
    fmt: SummaryFormat,
    day: dt.date,
    data: Path | None,
    despite_standing: bool,
    screen: bool = False,
) -> str:
    """The worker's copy, or one agency's copy through the consent gate (wrapped on screen)."""
    from referral_cli.export import session as export

    if agency is None:
        if fmt is SummaryFormat.FHIR:
            raise typer.BadParameter("fhir is the copy for one agency: add --for AGENCY")
        ledger_notes(session, [r.agency for r in session.releases], strict=False)
        _warn_dropped(session, data, day)
        if fmt is SummaryFormat.JSON:
            return export.worker_json(session, day)
        sections = export.worker_sections(session, day)
        title = export.worker_title(session)
    else:
        from referral_cli.session.consent import find_agency, packet_for
        from referral_cli.session.handover import handover_for

        agency_id, _ = find_agency(session, agency)
        recheck_standing(session, agency_id, data, day, despite_standing)
        packet = packet_for(session, agency_id, day)
        ledger_notes(session, [agency_id], strict=True)
        handover = handover_for(session, packet)
        if fmt is SummaryFormat.FHIR:
            from referral_cli.export.fhir import agency_bundle

            return agency_bundle(packet, handover)
        if fmt is SummaryFormat.JSON:
            return export.agency_json(packet, handover)
        sections = export.agency_sections(packet, handover)
        title = export.agency_title(packet)
    if fmt is SummaryFormat.HTML:
        from referral_cli.export.html import page

        return page(export.to_markdown(title, sections))
    if fmt is SummaryFormat.MARKDOWN:
        return export.to_markdown(title, sections)
    from referral_cli.console import screen_width

    return export.to_text(title, sections, screen_width(10_000) if screen else None)


def youth_card(
    session: Session,
    agency: str | None,
    language: str | None,
    where: str | None,
    any_hour: bool,
    fmt: SummaryFormat,
    data: Path | None,
) -> str:
    """The youth card in the language asked for (see export/youthcard.py)."""
    from referral_cli.commands.common import load
    from referral_cli.errors import ReferralError
    from referral_cli.export import youthcard

    if fmt in (SummaryFormat.JSON, SummaryFormat.FHIR):
        raise ReferralError(
            "The youth card is for paper or a phone screen: use text, markdown or html."
        )
    agency_id = None
    if agency is not None:
        from referral_cli.session.consent import find_agency

        agency_id, _ = find_agency(session, agency)
    listed = len(youthcard.visits(session, agency_id))
    if where and listed > 1:  # one place written on every visit would send her there twice
        raise ReferralError(
            f"--where names one place, but this card lists {listed} visits: add --for AGENCY."
        )
    catalog = load(data)
    phones = {a.id: a.phone for a in catalog.agencies.values() if a.phone}
    hotline = next((h for h in catalog.hotlines if h.call), None) if any_hour else None
    title, blocks = youthcard.card_lines(
        session,
        youthcard.card_language(language, session),
        phones=phones,
        hotline=hotline,
        where=where,
        agency=agency_id,
    )
    if fmt is SummaryFormat.HTML:  # one printed page (see tests/test_print.py)
        from referral_cli.export.html import page

        return page(youthcard.card_markdown(title, blocks))
    render = youthcard.card_markdown if fmt is SummaryFormat.MARKDOWN else youthcard.card_text
    return render(title, blocks)
