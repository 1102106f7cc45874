"""Step 5, after the session: the calls left for later, and a representative at each agency.

The referrals themselves open in step 4, when the youth chooses; consent (step 6) is given
in the room. What remains is the worker's: reach the agency, confirm who the contact is.
"""

from __future__ import annotations

from referral_cli.casefile.records import Referral, Release, Representative
from referral_cli.casework import lifecycle
from referral_cli.session.steps import standing
from referral_cli.session.steps.ask import call_line, the_call
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def open_referrals(ctx: Context) -> None:
    """A referral (consent pending) for every option the youth wants that has none yet."""
    have = {r.agency for r in ctx.s.referrals}
    for talk in ctx.s.options:
        if not talk.wants or talk.agency in have:
            continue
        agency = ctx.agency(talk.agency)
        referral = lifecycle.new_referral(
            talk.agency,
            ctx.name(talk.agency),
            "consent_pending",
            ctx.s.worker,
            ctx.now(),
            "the youth chose this option",
        )
        needs = next((c.needs for c in ctx.s.considered if c.agency == talk.agency), [])
        documents = list(agency.intake.documents) if agency else []
        ctx.s.referrals.append(
            referral.model_copy(update={"needs": needs, "intake_documents": documents})
        )


def representative(ctx: Context, key: str, aid: str) -> tuple[str, str]:
    """Role and name: the catalog's contact confirmed in one answer, else typed."""
    agency = ctx.agency(aid)
    if agency is not None and agency.contact.role:
        listed = ", ".join(x for x in (agency.contact.role, agency.contact.name) if x)
        if ctx.asker.confirm(f"{key}.as_listed", f"Representative: {one_line(listed)}?", None):
            return agency.contact.role, agency.contact.name
    role = ctx.asker.text(f"{key}.role", "Representative's role")
    name = ctx.asker.optional(f"{key}.name", "Their name (optional)")
    return role, name


def late_call(ctx: Context, key: str, aid: str) -> None:
    """The call left for later (made without the youth, most often), if there is one."""
    at = next((i for i, c in enumerate(ctx.s.calls) if c.agency == aid), None)
    if at is not None and ctx.s.calls[at].called:
        return
    ctx.echo(call_line(ctx, aid))
    call = the_call(ctx, key, aid)
    if at is None:
        ctx.s.calls.append(call)
    else:
        ctx.s.calls[at] = call


CHECK_FIRST = "deferred, check first"


def request(ctx: Context, referral: Referral, note: str) -> Referral:
    """A referral with its release recorded, held back until now, is requested."""
    if referral.status != "consent_pending" or ctx.s.release_for(referral.agency) is None:
        return referral
    return lifecycle.move(referral, "requested", ctx.s.worker, ctx.now(), note)


def confirmed(ctx: Context, key: str, aid: str) -> bool:
    """What is still to check, shown, and the worker's word that it is checked (kept)."""
    ctx.echo("  Still to check before the referral is requested:")
    standing.show(ctx, aid)
    if not standing.confirm(ctx, key, aid):
        return False
    for c in ctx.s.considered:
        c.checked = c.checked or c.agency == aid
    return True


def recheck(ctx: Context, referral: Referral) -> bool:
    """`status REF requested` on a held referral: the checks still open come back, as here
    (key status.<agency>.checked). True when none is open, or the worker checked them."""
    if not standing.unchecked(ctx, referral.agency):
        return True
    ctx.echo(one_line(referral.agency_name))
    return confirmed(ctx, f"status.{referral.agency}", referral.agency)


def release_note(release: Release | None) -> str:
    """The history note of a request: a release with nothing on it is not "recorded" as one
    (the worker's copy said both "chose to share nothing" and "release recorded")."""
    if release is not None and not release.items:
        return "nothing shared: the youth chose to share nothing"
    return "release recorded"


def checks(ctx: Context, key: str, referral: Referral) -> Referral:
    """Checks still open come back here: the referral is requested only once they are done.

    Not confirmed, the referral is put on hold ("deferred, check first") and says why.
    """
    aid = referral.agency
    note = release_note(next((r for r in ctx.s.releases if r.agency == aid), None))
    if referral.status not in ("consent_pending", "requested") or not standing.unchecked(ctx, aid):
        return request(ctx, referral, note)
    if confirmed(ctx, key, aid):
        return request(ctx, referral, f"{note}; checks done")
    why = f"{CHECK_FIRST}: {standing.subjects(ctx, aid)}"
    ctx.echo_command(
        f"  Not requested: {why}. Once checked, request it with:",
        f"status {ctx.s.reference} requested --agency {aid}",
    )
    return lifecycle.move(referral, "on_hold", ctx.s.worker, ctx.now(), why)


def with_contact(ctx: Context, referral: Referral) -> Referral:
    """One referral's representative, and whether they know trauma and CSEC."""
    aid = referral.agency
    ctx.echo(f"\n{one_line(referral.agency_name)}")
    key = f"contact.{aid}"
    late_call(ctx, key, aid)
    referral = checks(ctx, key, referral)
    role, name = representative(ctx, key, aid)
    knows = ctx.asker.confirm(f"{key}.knows_trauma_csec", "Do they know trauma and CSEC?", None)
    if not knows:
        ctx.echo(
            "  Caution: a youth who was exploited needs a contact who knows trauma and CSEC. "
            "Ask the agency for another contact who does (often their trauma-trained intake "
            "staff) before the hand-off; the summary marks this contact as not knowing them."
        )
    contact = Representative(role=role, name=name, knows_trauma_csec=knows)
    return referral.model_copy(update={"contact": contact})


def run(ctx: Context) -> str | None:
    """Reach each agency the youth chose and record its representative."""
    open_referrals(ctx)
    ctx.s.referrals = [with_contact(ctx, r) if r.contact is None else r for r in ctx.s.referrals]
    if not ctx.s.referrals:
        return "youth-declined"
    return None
