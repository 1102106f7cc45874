"""What every step shares: the asker, the catalog, today, the screens and the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import typer

from referral_cli import clock
from referral_cli.casefile.records import Session
from referral_cli.casefile.store import save_session
from referral_cli.catalog.load import Catalog
from referral_cli.catalog.models import Agency
from referral_cli.console import command, tty_width
from referral_cli.prompt.asker import Asker
from referral_cli.session.screens import Screens
from referral_cli.text import fit
from referral_cli.vetting.standing import VettingStatus


class Context:
    """One run of the session: the steps read and write `session` through this."""

    def __init__(self, asker: Asker, catalog: Catalog, day: dt.date, screens: Screens) -> None:
        self.asker = asker
        self.catalog = catalog
        self.day = day
        self.screens = screens
        self.session: Session | None = None
        self.vetting: dict[str, VettingStatus] | None = None

    @property
    def s(self) -> Session:
        """The session being run (a step runs only once the opening has made one)."""
        assert self.session is not None
        return self.session

    def now(self) -> dt.datetime:
        """Now, on the session's day (so a pinned --today gives reproducible timestamps)."""
        return clock.now(self.day)

    def save(self) -> None:
        """Write the draft (encrypted) with its update time."""
        self.s.updated = self.now()
        save_session(self.s)

    def echo(self, text: str = "") -> None:
        """Print to the worker, long lines wrapped at the terminal's width (never mid-word)."""
        typer.echo(fit(text, tty_width()))

    def echo_command(self, lead: str, args: str) -> None:
        """A lead-in, then a command on a line of its own, never wrapped: it is typed or pasted."""
        self.echo(lead)
        typer.echo(f"  {command(args)}")

    def statuses(self) -> dict[str, VettingStatus]:
        """Every agency's vetting standing today, computed once per run."""
        if self.vetting is None:
            from referral_cli.vetting.browse import statuses

            self.vetting = statuses(self.catalog, self.day)
        return self.vetting

    def agency(self, agency_id: str) -> Agency | None:
        """The catalog's entry for an agency, if it has one."""
        return self.catalog.agencies.get(agency_id)

    def name(self, agency_id: str) -> str:
        """An agency's name, from the catalog or from what the session recorded."""
        found = self.agency(agency_id)
        if found is not None:
            return found.name
        known = {c.agency: c.name for c in self.s.considered}
        return known.get(agency_id, agency_id)

    def task_force(self) -> Agency | None:
        """The local anti-trafficking task force, when the catalog names one."""
        tf = self.catalog.info.task_force
        return self.catalog.agencies.get(tf) if tf else None


StepRunner = Callable[[Context], str | None]
