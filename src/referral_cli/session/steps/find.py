"""Step 2: what fit means for this youth, then the ranked candidates for each unmet need."""

from __future__ import annotations

from referral_cli.casefile.records import Considered, Need, YouthProfile
from referral_cli.catalog.contents import language_code
from referral_cli.errors import ReferralError
from referral_cli.session.matching import DOES_NOT_FIT, Candidate, rank
from referral_cli.session.steps import new_contact
from referral_cli.session.steps.context import Context

FIT_OPTIONS: list[tuple[str, str]] = [
    ("lgbtq-affirming", "LGBTQ-affirming"),
    ("after-hours", "Someone answers after hours"),
    ("wheelchair", "Step-free / wheelchair access"),
    ("transit", "Reachable by public transit"),
    ("confidential-address", "Confidential address"),
]
GENDERS = ["skip", "female", "male", "nonbinary", "transgender"]


def profile(ctx: Context) -> YouthProfile:
    """Language, age, gender and access needs: for judging fit only, each may be skipped."""
    ctx.echo("About the youth, to judge fit only (shared only with consent):")
    languages = ctx.catalog.languages

    def language(text: str) -> str:
        if text.casefold() == "skip":
            return ""  # said so: no language is held for or against any agency
        code = language_code(languages, text)
        if code is None:
            known = ", ".join(f"{c} ({n})" for c, n in languages.items())
            raise ReferralError(f"Unknown language '{text}'. Known: {known}; or skip.")
        return code

    # A fact, so Enter alone does not skip it (a language missed by accident would let an
    # agency that cannot speak with the youth rank as if it could): `skip` says so.
    question = "Language the youth prefers (name or code, or skip)"

    def keep(**answered: object) -> None:
        """Kept as it grows: a worker who turns to the no-referral path (x) at a later
        question still gets papers in the youth's language, saying it."""
        ctx.s.profile = YouthProfile.model_validate(ctx.s.profile.model_dump() | answered)

    lang = ctx.asker.text("profile.language", question, None, language)
    keep(language=lang or None, language_name=ctx.catalog.language_name(lang) if lang else "")
    keep(age=ctx.asker.number("profile.age", "Age in years", 5, 30))
    gender = ctx.asker.choice("profile.gender", "Gender", GENDERS, default="skip")
    keep(gender=None if gender == "skip" else gender)
    keep(fit=ctx.asker.pick_many("profile.fit", "Also needs (numbers)", FIT_OPTIONS))
    return ctx.s.profile


def candidates(ctx: Context, need: Need) -> list[Candidate]:
    """The catalog's agencies for one need, best fit first (never a do-not-refer one)."""
    return rank(
        ctx.catalog.agencies.values(),
        need,
        ctx.s.profile,
        ctx.statuses(),
        ctx.catalog.language_name(ctx.s.profile.language or ""),
    )


def considering(c: Candidate, need: str) -> Considered:
    """A candidate the worker chose to consider, with why it ranked where it did."""
    return Considered(
        agency=c.agency.id,
        name=c.agency.name,
        needs=[need],
        score=c.score,
        marks=c.marks,
        reasons=c.reasons,
    )


def run(ctx: Context) -> str | None:
    """Pick the agencies to consider, from every need's list in one answer."""
    ctx.s.profile = profile(ctx)
    found: dict[str, list[Candidate]] = {}
    numbers: dict[str, int] = {}
    options: list[tuple[str, str]] = []
    default: list[str] = []
    for need in (n for n in ctx.s.needs if not n.own_program):
        found[need.service] = ranked = candidates(ctx, need)
        label = f"{need.label} ({need.form})"
        ctx.echo()
        if not ranked:
            ctx.echo(ctx.screens.nothing_fits(label, ctx.task_force(), ctx.catalog.hotlines))
            continue
        for c in ranked:
            if c.agency.id not in numbers:
                numbers[c.agency.id] = len(options) + 1
                options.append((c.agency.id, c.agency.name))
        ctx.echo(ctx.screens.candidates(label, ranked, numbers))
        # Every need that has a candidate gets one in the default: its best, VERIFY or STALE
        # or not (the marks are on screen and asked about in step 4), unless one is in
        # already; never one that does not fit the youth (the worker may still pick it).
        fitting = [c for c in ranked if DOES_NOT_FIT not in c.marks]
        if fitting and not any(c.agency.id in default for c in ranked):
            default.append(fitting[0].agency.id)
    options.append((new_contact.NEW, new_contact.NEW_LABEL))
    ctx.echo(f"  {len(options)}. {new_contact.NEW_LABEL}")
    picked = ctx.asker.pick_many(
        "find.consider", "Consider which (numbers)", options, default=default, show=False
    )
    considered: dict[str, Considered] = {}
    for service, ranked in found.items():
        for c in (c for c in ranked if c.agency.id in picked):
            if c.agency.id in considered:
                considered[c.agency.id].needs.append(service)
            else:
                considered[c.agency.id] = considering(c, service)
    chosen = sorted(considered.values(), key=lambda c: picked.index(c.agency))
    if new_contact.NEW in picked:
        chosen.append(new_contact.add(ctx))
    ctx.s.considered = chosen
    if not considered:
        ctx.echo("\nNo agency to consider, so this is the no-referral path.")
        return "no-suitable-agency"
    return None
