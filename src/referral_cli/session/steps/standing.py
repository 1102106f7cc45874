"""An agency's vetting standing where the decision is made (steps 4 and 6, and the plan).

An agency marked VERIFY, NOT VETTED or STALE is never a plain name once the youth is
weighing it: the screen says what is in question, and the worker confirms they checked it.
"""

from __future__ import annotations

from referral_cli.casefile.records import Considered
from referral_cli.console import command
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line
from referral_cli.vetting.standing import Outcome


def in_question(ctx: Context, agency_id: str) -> list[str]:
    """What the agency's vetting leaves to check, one line per mark; [] when ready."""
    if ctx.agency(agency_id) is None:
        how = command("contacts")
        return [f"NOT VETTED: a new contact, not in the catalog; the coordinator adds it ({how})"]
    status = ctx.statuses().get(agency_id)
    if status is None or status.outcome == Outcome.NOT_VETTED:
        how = command(f"vet {agency_id} --record")
        return [f"NOT VETTED: no factor assessed yet; check it with your lead ({how})"]
    lines: list[str] = []
    if status.outcome == Outcome.VERIFY:
        factors = ", ".join(status.verify_labels or status.verify_factors) or "some factors"
        lines.append(f"VERIFY before referral: {factors}")
    if status.stale:
        due = f" since {status.due.isoformat()}" if status.due else ""
        lines.append(f"STALE: vetting overdue{due}; ask about anything that may have changed")
    return [one_line(line) for line in lines]


def show(ctx: Context, agency_id: str) -> None:
    """What is in question, under the agency's name, while the youth weighs it."""
    for line in in_question(ctx, agency_id):
        ctx.echo(f"  {line}")


def subjects(ctx: Context, agency_id: str) -> str:
    """What "these" are, said in the question itself: the factors, or what stands open."""
    status = ctx.statuses().get(agency_id)
    if ctx.agency(agency_id) is None or status is None or status.outcome == Outcome.NOT_VETTED:
        return "what a vetting covers (it is not vetted yet)"
    parts: list[str] = []
    if status.outcome == Outcome.VERIFY:
        parts.append(", ".join(status.verify_labels or status.verify_factors) or "its factors")
    if status.stale:
        parts.append("what may have changed since its vetting")
    return one_line(" and ".join(parts))


def pronoun(ctx: Context, agency_id: str) -> str:
    """Say "it" for one thing to check, "them" for several: the follow-up reads as said."""
    status = ctx.statuses().get(agency_id)
    if ctx.agency(agency_id) is None or status is None or status.outcome == Outcome.NOT_VETTED:
        return "it"  # what a vetting covers
    count = int(status.stale)
    if status.outcome == Outcome.VERIFY:
        count += len(status.verify_labels or status.verify_factors) or 2  # "its factors"
    return "it" if count == 1 else "them"


def confirm(ctx: Context, key: str, agency_id: str) -> bool:
    """The worker's word that they checked what is in question, the question naming it."""
    return ctx.asker.confirm(
        f"{key}.checked",
        f"Did you check {subjects(ctx, agency_id)} with the agency or your lead?",
        None,
    )


def unchecked(ctx: Context, agency_id: str) -> bool:
    """Whether the agency's vetting leaves something open that the worker has not checked."""
    if not in_question(ctx, agency_id):
        return False
    return not any(c.checked for c in ctx.s.considered if c.agency == agency_id)


def check(ctx: Context, key: str, considered: Considered, shown: bool = False) -> None:
    """Show what is in question (unless `shown`); once per agency, ask if the worker checked it."""
    if not in_question(ctx, considered.agency):
        return
    if not shown:
        show(ctx, considered.agency)
    them = pronoun(ctx, considered.agency)
    if considered.checked:
        ctx.echo(f"  (you confirmed you checked {'it' if them == 'it' else 'these'})")
        return
    considered.checked = confirm(ctx, key, considered.agency)
    if not considered.checked:
        ctx.echo(f"  Check {them} before the referral goes ahead: it is on the plan.")
