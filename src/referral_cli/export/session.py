"""Handoff summaries and the paper checklist: pure functions, model in, text out.

Two kinds of summary, kept apart on purpose:
- the worker's own copy, built from the whole Session;
- the copy for one agency, built only from the `AgencyPacket` that consent.py released. The
  agency functions never receive the Session, so they cannot leak what consent did not release.
Every piece of data goes through `md()` (Markdown) or `one_line()` (screen).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Sequence

from referral_cli.casefile.records import STATUS_LABELS, NoReferral, Referral, Session
from referral_cli.catalog.models import Agency, Hotline
from referral_cli.export.markdown import bullets
from referral_cli.prompt.parse import structured_when
from referral_cli.session.checklist import (
    BASIC_NEEDS,
    HESITATION_HELPS,
    HESITATIONS,
    NO_REFERRAL_NOW,
    NO_REFERRAL_REASONS,
    STEPS,
)
from referral_cli.session.consent import (
    STATE_TEXT,
    AgencyPacket,
    items_for,
    release_state,
    site_text,
)
from referral_cli.session.handover import Handover
from referral_cli.text import md, one_line

# A document is a title and sections; a section is a heading and lines; a line is
# (label, value) or a plain value (label ""). Both renderers escape every value.
Line = tuple[str, str]
Section = tuple[str, list[Line]]


def _yn(value: bool | None) -> str:
    return "unsure" if value is None else ("yes" if value else "no")


def _near(value: bool | None) -> str:
    """Unsure is a to-do for the worker, said where they read the case back."""
    if value is None:
        return "unsure, to find out before the youth goes (plan the escort)"
    return _yn(value)


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else "-"


def worker_sections(session: Session, today: dt.date) -> list[Section]:
    """Everything recorded in the session, for the worker's own file."""
    s = session
    sections = [_case_section(s), *_youth_sections(s), *_step_sections(s)]
    sections.extend(_referral_section(s, r, today) for r in s.referrals)
    if s.no_referral is not None:
        sections.append(_no_referral_section(s.no_referral))
    return sections


def _case_section(s: Session) -> Section:
    return (
        "Case",
        [
            ("Case reference", s.reference),
            ("Worker", s.worker),
            ("Program", s.program),
            ("Started", f"{s.created:%Y-%m-%d %H:%M}"),
            ("Progress", "finished" if s.finished else f"paused before step {s.step}"),
        ],
    )


def _youth_sections(s: Session) -> list[Section]:
    """Needs and what fit means for this youth."""
    needs = [
        ("", f"{n.label} ({n.form}): " + ("met by our program" if n.own_program else "to refer"))
        for n in s.needs
    ]
    p = s.profile
    about = [
        ("Language", p.language_label or "-"),
        ("Age", str(p.age) if p.age is not None else "-"),
        ("Gender", p.gender or "-"),
        ("Also needs", ", ".join(p.fit) or "-"),
    ]
    return [
        ("Needs", needs or [("", "none recorded yet")]),
        ("About the youth (for fit only)", about),
    ]


def _step_sections(s: Session) -> list[Section]:
    """Steps 2 to 4 and the special considerations, each only once it has anything."""
    sections: list[Section] = []
    if s.considered:
        lines: list[Line] = []
        for c in s.considered:
            marks = f" [{', '.join(c.marks)}]" if c.marks else ""
            lines.append((c.name + marks, "; ".join(c.reasons) or "-"))
        sections.append(("Agencies considered", lines))
    names = {c.agency: c.name for c in s.considered}
    if s.calls:
        sections.append(("Step 3: what providers said", _call_lines(s, names)))
    if s.options:
        sections.append(("Step 4: options discussed with the youth", _option_lines(s, names)))
    if s.considerations:
        sections.append(("Special considerations", [("", c) for c in s.considerations]))
    return sections


def _call_lines(s: Session, names: dict[str, str]) -> list[Line]:
    lines: list[Line] = []
    for call in s.calls:
        if not call.called:
            lines.append(
                (
                    names.get(call.agency, call.agency),
                    "to call later" if call.later else "not called",
                )
            )
            continue
        said = f"youth present: {_yn(call.youth_present)}"
        if call.present:
            said += f"; on the call: {', '.join(call.present)}"
        if call.experience:
            said += f"; they said: {call.experience}"
        if call.options:
            said += f"; options: {call.options}"
        lines.append((names.get(call.agency, call.agency), said))
    return lines


def _option_lines(s: Session, names: dict[str, str]) -> list[Line]:
    lines: list[Line] = []
    new = {c.agency for c in s.new_contacts}  # not in the catalog: its address is not known
    for o in s.options:
        parts = [f"youth wants it: {_yn(o.wants)}"]
        if o.youth_view:
            parts.append(f"view: {o.youth_view}")
        if o.wants:  # asked only for an option the youth wants
            parts.append(f"near exploitation areas or trafficker's reach: {_near(o.near_danger)}")
        if o.transport:
            parts.append(f"transport: {o.transport}")
        confidential = "unknown" if o.agency in new else _yn(o.confidential_address)
        parts.append(f"confidential address: {confidential}")
        notes = {h.note for h in o.hesitations}
        if len(o.hesitations) > 1 and len(notes) == 1:  # one note in her words for them all
            said = f" ({next(iter(notes))})" if next(iter(notes)) else ""
            reasons = " / ".join(HESITATIONS[h.reason] for h in o.hesitations)
            parts.append(f"hesitations: {reasons}{said}")
        else:
            for h in o.hesitations:
                note = f" ({h.note})" if h.note else ""
                parts.append(f"hesitation: {HESITATIONS[h.reason]}{note}")
        if o.helps:
            parts.append("would help: " + ", ".join(HESITATION_HELPS[h] for h in o.helps))
        lines.append((names.get(o.agency, o.agency), "; ".join(parts)))
    return lines


OLD_WHEN = "typed as free text in an older session: agencies are not given it"


def _referral_section(s: Session, r: Referral, today: dt.date) -> Section:
    """One referral: status, representative, hand-off, escort, consent and history."""
    lines: list[Line] = [
        ("Status", STATUS_LABELS[r.status]),
        ("Follow-up", _d(r.follow_up)),
        ("Needs", ", ".join(r.needs) or "-"),
    ]
    if r.site is not None:
        lines.append(("Site", site_text(r.site)))
    if r.contact:
        who = ", ".join(x for x in (r.contact.role, r.contact.name) if x)
        lines.append(
            ("Representative", f"{who}; knows trauma and CSEC: {_yn(r.contact.knows_trauma_csec)}")
        )
    if r.handoff:
        ho = r.handoff
        when = ho.when if structured_when(ho.when) else f"{ho.when} ({OLD_WHEN})"
        lines.append(("Warm hand-off", f"{when}; who: {ho.who}; transport: {ho.transport or '-'}"))
    if r.escort:
        plan = f"; plan: {r.escort.plan}" if r.escort.plan else ""
        lines.append(("Escort", f"wanted: {_yn(r.escort.wants)}{plan}"))
    if r.first_contact:
        lines.append(("First contact", _d(r.first_contact)))
    lines.extend(_consent_lines(s, r.agency, today))
    for change in r.history:
        note = f" ({change.note})" if change.note else ""
        lines.append(
            (
                "History",
                f"{change.at:%Y-%m-%d %H:%M} {STATUS_LABELS[change.status]}, by {change.by}{note}",
            )
        )
    return (f"Referral to {r.agency_name}", lines)


def _consent_lines(s: Session, agency: str, today: dt.date) -> list[Line]:
    release = s.release_for(agency)
    if release is None:
        return [("Consent", "no release recorded")]
    if not release.items:
        return [("Consent", "the youth chose to share nothing (no release form asked)")]
    state = release_state(release, today)
    labels = {i.key: f"{i.label}: {i.text}" for i in items_for(s, agency)}
    shared = [labels.get(k, k) for k in release.items]
    who = " and ".join(release.consent_by)
    lines: list[Line] = [
        ("Consent today", STATE_TEXT[state]),
        ("Consented items", "; ".join(shared) or "none"),
        ("Purpose", release.purpose),
        ("Shared how", release.shared_how),
        (
            "Consent",
            f"{release.given_how}, by {who}, on {_d(release.given)}, "
            f"expires {_d(release.expires)}, revocable at any time",
        ),
    ]
    if release.revoked:
        lines.append(("Revoked", _d(release.revoked)))
    return lines


def _no_referral_section(n: NoReferral) -> Section:
    lines: list[Line] = [
        ("Why", NO_REFERRAL_REASONS[n.reason] + (f": {n.note}" if n.note else "")),
        ("At step", str(n.at_step)),
        ("Basic needs met today", ", ".join(BASIC_NEEDS[b] for b in n.basic_needs) or "none"),
        ("Information given", _yn(n.info_given)),
        ("Hotlines given", ", ".join(n.hotlines) or "none"),
        ("Whom to call later", n.call_later or "-"),
        ("Offer the referral again on", _d(n.follow_up)),
    ]
    return ("No referral", lines)


def agency_sections(packet: AgencyPacket, handover: Handover | None = None) -> list[Section]:
    """What one agency may see: the referral, whom to call back, and only released items.

    Nothing says what was not shared (no slots, no counts): that would tell the agency how
    much the youth kept back.
    """
    p = packet
    head: list[Line] = [("Case reference", p.reference)]
    head.extend(_referrer_lines(p, handover))
    head.append(("To", p.agency_name))
    if p.site:
        head.append(("Site", p.site))
    head.extend([("Referral date", _d(p.referred_on)), ("Status", p.status)])
    sections: list[Section] = [("Referral", head)]
    if p.consent != "valid":
        # an expiry date is the last day it held ("expired on" it read as not valid that day)
        on = " after" if p.consent == "expired" else " on"
        when = f"{on} {_d(p.lapsed_on)}" if p.lapsed_on else ""
        sections.append(
            ("Consent", [("", f"Nothing about the youth is shared: {p.consent_text}{when}.")])
        )
        return sections
    if handover is not None:
        acting = _acting_lines(handover)
        if acting:
            sections.append(("To act on this referral", acting))
    sections.append(
        (
            "Consent",
            [
                ("Purpose", p.purpose),
                ("Shared how", p.shared_how),
                ("Valid until", _d(p.expires)),
                ("", "The youth may revoke this consent at any time."),
            ],
        )
    )
    if p.shared:
        sections.append(("Shared with the youth's consent", [(i.label, i.text) for i in p.shared]))
    return sections


def _referrer_lines(p: AgencyPacket, handover: Handover | None) -> list[Line]:
    """Who referred, and how the agency reaches them without calling around."""
    h = handover
    lines: list[Line] = [("Referred by", f"{h.worker if h else p.worker}, {p.program}")]
    if h is not None and h.phone:
        lines.append(("Phone", h.phone))
    if h is not None and h.email:
        lines.append(("E-mail", h.email))
    return lines


def _acting_lines(h: Handover) -> list[Line]:
    lines: list[Line] = []
    if h.urgency_text:
        by = f" (by {_d(h.contact_by)})" if h.contact_by else ""
        lines.append(("Urgency", h.urgency_text + by))
    if h.handoff_when:
        lines.append(("Hand-off visit", h.handoff_when))
    if h.escort:
        lines.append(("Escort", h.escort))
    return lines


def to_markdown(title: str, sections: Sequence[Section]) -> str:
    """A Markdown document; every label and value is escaped."""
    out = [f"# {md(title)}", ""]
    for heading, lines in sections:
        out.extend([f"## {md(heading)}", ""])
        for label, value in lines:
            out.append(f"- **{md(label)}:** {md(value)}" if label else f"- {md(value)}")
        out.append("")
    return "\n".join(out)


def to_text(title: str, sections: Sequence[Section], width: int | None = None) -> str:
    """Plain text for the screen; every label and value is folded to one clean line.

    With `width`, long lines wrap at spaces only, so a phone number or id stays whole.
    """
    out = [one_line(title), "=" * min(len(one_line(title)), width or 10_000)]
    for heading, lines in sections:
        out.extend(["", one_line(heading)])
        for label, value in lines:
            line = f"  {one_line(label)}: {one_line(value)}" if label else f"  - {one_line(value)}"
            if width is None or len(line) <= width:
                out.append(line)
                continue
            out.extend(
                textwrap.wrap(
                    line,
                    width,
                    subsequent_indent="      ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
    return "\n".join(out)


def worker_title(session: Session) -> str:
    """The title of the worker's copy."""
    return f"Referral session {session.reference} (worker's copy, confidential)"


def agency_title(packet: AgencyPacket) -> str:
    """The title of an agency's copy."""
    return f"Referral {packet.reference} for {packet.agency_name}"


def worker_json(session: Session, today: dt.date) -> str:
    """The whole session as JSON, with each release's state today."""
    consent = {r.agency: release_state(r, today) for r in session.releases}
    data = {"copy": "worker", "session": session.model_dump(mode="json"), "consent_today": consent}
    return json.dumps(data, indent=2, ensure_ascii=False)


def agency_json(packet: AgencyPacket, handover: Handover | None = None) -> str:
    """An agency's copy as JSON: the packet's released items and the handover, nothing else."""
    data = packet.model_dump(mode="json", exclude={"shared"})
    data["copy"] = "agency"
    data["shared"] = [{"label": i.label, "text": i.text} for i in packet.shared]
    if handover is not None:
        valid = packet.consent == "valid"
        data["referrer"] = handover.model_dump(
            mode="json", include=None if valid else {"worker", "program", "phone", "email"}
        )
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- the paper checklist ----------------------------------------------------------


def checklist_markdown(hotlines: Sequence[Hotline], task_force: Agency | None) -> str:
    """The blank eight-step checklist for paper use, with the no-referral path and hotlines."""
    from referral_cli.render.session import hotline_line

    out = [
        "# Referral checklist",
        "",
        "Case reference (never the youth's name or birth date): ______________  "
        "Worker: ______________  Date: __________",
        "",
        "The youth decides at every step. If the youth is hesitant, explore why: "
        + ", ".join(md(v.lower()) for v in HESITATIONS.values())
        + ". Never force a referral.",
        "",
    ]
    for step in STEPS:
        out.extend([f"## {step.number}. {md(step.title)}", "", md(step.purpose), ""])
        out.extend(f"- [ ] {md(p)}" for p in step.prompts)
        out.extend(["", "Notes: ____________________________________________", ""])
    out.extend(["## If no referral is made", "", bullets(list(NO_REFERRAL_NOW)), ""])
    out.extend(["Basic needs met today:", ""])
    out.extend(f"- [ ] {md(label)}" for label in BASIC_NEEDS.values())
    out.extend(
        ["", "## Hotlines", "", bullets([hotline_line(h) for h in hotlines]) or "- none listed"]
    )
    if task_force is not None:
        out.extend(["", f"Local task force: {md(task_force.name)}, {md(task_force.call)}"])
    return "\n".join(out) + "\n"


def checklist_text(hotlines: Sequence[Hotline], task_force: Agency | None) -> str:
    """The checklist as plain text for the screen."""
    from referral_cli.render.session import hotline_line

    out = ["Referral checklist", "=================="]
    for step in STEPS:
        out.extend(["", f"{step.number}. {step.title}: {step.purpose}"])
        out.extend(f"   [ ] {p}" for p in step.prompts)
    out.extend(["", "If no referral is made:"])
    out.extend(f"   - {line}" for line in NO_REFERRAL_NOW)
    out.extend(["", "Hotlines:"])
    out.extend(f"   - {hotline_line(h)}" for h in hotlines)
    if task_force is not None:
        out.append(f"Local task force: {one_line(task_force.name)}, {one_line(task_force.call)}")
    return "\n".join(out)


def checklist_json(hotlines: Sequence[Hotline], task_force: Agency | None) -> str:
    """The checklist as data (shape in docs/formats.md), for a coalition's own forms."""
    data = {
        "steps": [
            {"number": s.number, "title": s.title, "purpose": s.purpose, "prompts": list(s.prompts)}
            for s in STEPS
        ],
        "hesitations": list(HESITATIONS.values()),
        "no_referral": list(NO_REFERRAL_NOW),
        "basic_needs": list(BASIC_NEEDS.values()),
        "hotlines": [h.model_dump(mode="json") for h in hotlines],
        "task_force": (
            {"name": task_force.name, "phone": task_force.phone} if task_force is not None else None
        ),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
