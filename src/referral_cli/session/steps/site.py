"""Which site: when the agency the youth chose has more than one place, the youth picks one.

One question per such referral, asked after the youth chooses (step 4), never for an agency
with a single place. The pick is kept on the referral as the catalog had the site then, so
the worker's record and the agency's packet name the site's city and phone without the
catalog. The youth decides; nothing here suggests one site over another.
"""

from __future__ import annotations

from referral_cli.catalog.models import Site
from referral_cli.session.steps.context import Context
from referral_cli.text import one_line


def label(site: Site) -> str:
    """The site as the youth hears it: name, city, phone and hours."""
    name = site.name if site.area in ("", site.name) else f"{site.name}, {site.area}"
    hours = f"; {site.hours}" if site.hours else ""
    return one_line(f"{name}: {site.phone or 'no phone listed'}{hours}")


def choose(ctx: Context) -> None:
    """Ask which site for every referral to a multi-site agency that has none yet."""
    for n, referral in enumerate(ctx.s.referrals):
        agency = ctx.agency(referral.agency)
        if referral.site is not None or agency is None or len(agency.sites) < 2:
            continue
        options = [(str(i), label(site)) for i, site in enumerate(agency.sites, 1)]
        ctx.echo(f"\n{one_line(agency.name)} has {len(agency.sites)} sites.")
        picked = ctx.asker.pick_one(
            f"discuss.{referral.agency}.site", "Which site does the youth pick?", options
        )
        site = agency.sites[int(picked) - 1]
        ctx.echo(f"  Site: {label(site)}")
        ctx.s.referrals[n] = referral.model_copy(update={"site": site})
