"""Step 2: what fit means for this youth, then the ranked candidates for each unmet need."""

from __future__ import annotations

from referral_cli.casefile.records import Considered, YouthProfile
from referral_cli.errors import ReferralError
from referral_cli.session.matching import Candidate, rank
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
    ctx.echo("About the youth, to judge fit only (Enter skips; shared only with consent):")
    languages = ctx.catalog.languages

    def language(text: str) -> str:
        t = text.strip()
        if t.lower() in languages or t in languages:
            return t.lower()
        by_name = [c for c, n in languages.items() if n.casefold() == t.casefold()]
        if by_name:
            return by_name[0]
        known = ", ".join(f"{c} ({n})" for c, n in list(languages.items())[:10])
        raise ReferralError(f"Unknown language '{t}'. Known: {known}")

    lang = ctx.asker.text("profile.language", "Language the youth prefers", None, language)
    age = ctx.asker.number("profile.age", "Age in years", 5, 30)
    gender = ctx.asker.choice("profile.gender", "Gender", GENDERS, default="skip")
    fit = ctx.asker.pick_many("profile.fit", "Also needs (numbers)", FIT_OPTIONS)
    return YouthProfile(
        language=lang,
        language_name=ctx.catalog.language_name(lang),
        age=age,
        gender=None if gender == "skip" else gender,
        fit=fit,
    )


def run(ctx: Context) -> str | None:
    """Pick the agencies to consider; none at all is the no-referral path."""
    ctx.s.profile = profile(ctx)
    considered: dict[str, Considered] = {}
    for need in (n for n in ctx.s.needs if not n.own_program):
        found = rank(
            ctx.catalog.agencies.values(),
            need,
            ctx.s.profile,
            ctx.statuses(),
            ctx.catalog.language_name(ctx.s.profile.language or ""),
        )
        label = f"{need.label} ({need.form})"
        ctx.echo()
        if not found:
            ctx.echo(ctx.screens.nothing_fits(label, ctx.task_force(), ctx.catalog.hotlines))
            continue
        ctx.echo(ctx.screens.candidates(label, found))
        default = [found[0].agency.id] if not found[0].marks else []
        picked = ctx.asker.pick_many(
            f"find.{need.service}",
            "Consider which (numbers)",
            [(c.agency.id, c.agency.name) for c in found],
            default=default,
            show=False,
        )
        by_id: dict[str, Candidate] = {c.agency.id: c for c in found}
        for aid in picked:
            c = by_id[aid]
            if aid in considered:
                considered[aid].needs.append(need.service)
            else:
                considered[aid] = Considered(
                    agency=aid,
                    name=c.agency.name,
                    needs=[need.service],
                    score=c.score,
                    marks=c.marks,
                    reasons=c.reasons,
                )
    ctx.s.considered = list(considered.values())
    if not considered:
        ctx.echo("\nNo agency to consider, so this is the no-referral path.")
        return "no-suitable-agency"
    return None
