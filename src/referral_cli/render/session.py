"""Screen text for the referral session: pure functions, model in, plain text out.

Plain text (not rich tables) keeps the session calm and byte-stable in tests, and works the
same over piped input. Every piece of catalog or typed text passes through `one_line`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from referral_cli.casefile.records import STATUS_LABELS, Session
from referral_cli.catalog.models import GROUPS, Agency, Hotline, Service
from referral_cli.console import screen_width
from referral_cli.render.narrow import plain_table, wrap_items
from referral_cli.session.checklist import (
    AFTER,
    BASIC_NEEDS,
    IN_ROOM,
    LAST_STEP,
    NO_REFERRAL_NOW,
    ORDER,
    Step,
    step,
)
from referral_cli.session.matching import ORDER_NOTE, Candidate
from referral_cli.text import one_line

WIDTH = 88


def phase_place(number: int) -> str:
    """Where a step falls in its phase: "In the room, 5 of 5" or "After the session, 1 of 3".

    The steps happen in two phases (1, 2, 3, 4, 6 in the room; 5, 7, 8 after), so counting
    within the phase reads in order; the guide's own number is given beside it.
    """
    phase, name = (IN_ROOM, "In the room") if number in IN_ROOM else (AFTER, "After the session")
    return f"{name}, {phase.index(number) + 1} of {len(phase)}"


def step_header(current: Step) -> str:
    """The progress header shown at the start of every step: its place in its phase, its
    title and its number in the eight-step guide."""
    head = f"{phase_place(current.number)} — {current.title} (guide step {current.number})"
    return f"\n{head}   (x = no referral, Ctrl-C = pause)\n{one_line(current.purpose)}"


def opening(region: str, example: bool) -> str:
    """What will happen, and the promise that nothing leaves this laptop without consent."""
    lines = [
        "Referral session",
        "",
        "In the room with the youth: needs, finding options, a call with the youth, weighing"
        " the options, consent. It ends with a plan. After, often over days: the agency's"
        " representative, the warm hand-off, the escort (you resume the case for those)."
        " The youth decides at every step; declining is always fine.",
        "",
        "Nothing leaves this laptop, and nothing is shared with an agency, unless the youth"
        " consents to that item for that agency. The draft is saved after every step, readable"
        " by you only. Never type the youth's name, address or date of birth.",
        "",
        f"Catalog: {one_line(region)}"
        + (" (example data)" if example and "example" not in region.lower() else ""),
    ]
    return "\n".join(lines)


def services_menu(services: Sequence[Service]) -> str:
    """Every service, numbered, grouped compactly so the whole list fits one screen."""
    lines: list[str] = []
    for group, title in GROUPS.items():
        entries = [
            f"{n} {one_line(s.label)}" for n, s in enumerate(services, 1) if s.group == group
        ]
        if not entries:
            continue
        lines.extend(wrap_items(entries, screen_width(WIDTH), first=f"{title}: "))
    return "\n".join(lines)


def candidates(
    need_label: str, found: Sequence[Candidate], numbers: Mapping[str, int] | None = None
) -> str:
    """Ranked candidates for one need, each with its marks and the reasons for its rank.

    `numbers` numbers agencies across several needs (one agency, one number), so the worker
    picks from every need's list in one answer.
    """
    lines = [f"Candidates for {one_line(need_label)}:"]
    lines.extend(wrap_items([ORDER_NOTE], screen_width(WIDTH), "  ", "  ", " "))
    for n, c in enumerate(found, 1):
        number = numbers.get(c.agency.id, n) if numbers else n
        head = [f"{number}. {one_line(c.agency.name)}"]
        head += [f"[{', '.join(c.marks)}]"] if c.marks else []  # never split over two lines
        lines.extend(wrap_items(head, screen_width(WIDTH), "  ", "     ", "  "))
        reasons = [one_line(r) for r in c.reasons]
        lines.extend(wrap_items(reasons, screen_width(WIDTH), "     ", "     ", "; "))
    return "\n".join(lines)


def hotline_line(hotline: Hotline) -> str:
    """One hotline as a worker would read it aloud."""
    ways = []
    if hotline.call:
        ways.append(f"call {hotline.call}")
    if hotline.text:
        keyword = f"{hotline.text_keyword} to " if hotline.text_keyword else ""
        ways.append(f"text {keyword}{hotline.text}")
    how = ", ".join(ways)
    where = "" if hotline.region in hotline.name else f", {hotline.region}"
    return one_line(f"{hotline.name}{where}: {how}, {hotline.hours}")


def nothing_fits(need_label: str, task_force: Agency | None, hotlines: Sequence[Hotline]) -> str:
    """What to do when no agency fits a need: the task force and the hotline."""
    lines = [f"No suitable agency in the catalog for {one_line(need_label)}."]
    if task_force is not None:
        lines.append(
            f"  Ask the local task force: {one_line(task_force.name)}, {one_line(task_force.call)}"
        )
    lines.extend(f"  Hotline: {hotline_line(h)}" for h in hotlines[:2])
    return "\n".join(lines)


def no_referral_now(task_force: Agency | None, hotlines: Sequence[Hotline]) -> str:
    """The no-referral checklist: what to do now, hotlines, and whom to call later."""
    lines = ["What to do now", *(f"  - {line}" for line in NO_REFERRAL_NOW), "", "Basic needs:"]
    lines.extend(f"  [ ] {label}" for label in BASIC_NEEDS.values())
    lines.append("")
    lines.append("Hotlines to give the youth:")
    lines.extend(f"  - {hotline_line(h)}" for h in hotlines)
    if task_force is not None:
        lines.append(
            f"Whom to call later: {one_line(task_force.name)}, {one_line(task_force.call)}"
        )
    return "\n".join(lines)


def timeline(session: Session) -> str:
    """The case's steps in the order they happen: done, next, later."""
    done = session.done or list(range(1, min(session.step, LAST_STEP + 1)))
    upcoming = [n for n in ORDER if n not in done]
    lines = [f"Timeline of {session.reference}"]
    for phase, name in ((IN_ROOM, "In the room"), (AFTER, "After the session")):
        lines.append(f"  {name}")
        for n in [x for x in [*done, *upcoming] if x in phase]:
            state = "done" if n in done else ("next" if n == upcoming[0] else "later")
            lines.append(f"    {state:<5}  {step(n).title} (guide step {n})")
    return "\n".join(lines)


def sessions_table(sessions: Sequence[Session]) -> str:
    """Saved sessions: reference, step, status, follow-up date."""
    if not sessions:
        return "No saved sessions."
    rows = [
        [s.reference, step_text(s), status_text(s), follow_up_text(s), f"{s.updated:%Y-%m-%d}"]
        for s in sessions
    ]
    headers = ["Reference", "Step", "Status", "Follow-up", "Updated"]
    return plain_table(headers, rows, screen_width(10_000))


def step_text(session: Session) -> str:
    """Where a session stands: the next step, or done."""
    if session.finished:
        return "done"
    n = min(session.step, LAST_STEP)
    return f"{step(n).title} (guide step {n})"


def status_text(session: Session) -> str:
    """The referral statuses of a session in a few words."""
    if session.no_referral is not None:
        return f"no referral ({session.no_referral.reason})"
    if session.referrals:
        return "; ".join(
            f"{one_line(r.agency)}: {STATUS_LABELS[r.status]}" for r in session.referrals
        )
    if session.step > 4:
        return STATUS_LABELS["options_discussed"]
    return STATUS_LABELS["needs_identified"] if session.step > 1 else "started"


def follow_up_text(session: Session) -> str:
    """The earliest follow-up date of the session's open referrals."""
    dates = [r.follow_up for r in session.referrals if r.follow_up]
    return min(dates).isoformat() if dates else "-"
