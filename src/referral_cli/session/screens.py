"""What the session shows, as an interface: the flow is handed its screens, never imports them.

render/session.py satisfies `Screens` as a module; commands/session.py passes it in. So the
session package (a lower layer) never reaches up into render, and a test can hand the flow
any object with these methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from referral_cli.casefile.records import Session
from referral_cli.catalog.models import Agency, Hotline, Service
from referral_cli.session.checklist import Step
from referral_cli.session.matching import Candidate


class Screens(Protocol):
    """The screen text the session steps print (plain text, catalog text already escaped)."""

    def step_header(self, step: Step) -> str:
        """The progress header at the start of a step."""
        ...

    def opening(self, region: str, example: bool) -> str:
        """What will happen, before the first question."""
        ...

    def services_menu(self, services: Sequence[Service]) -> str:
        """Every service, numbered."""
        ...

    def candidates(
        self, need_label: str, found: Sequence[Candidate], numbers: Mapping[str, int] | None = None
    ) -> str:
        """Ranked candidates for one need, numbered across needs by `numbers`."""
        ...

    def nothing_fits(
        self, need_label: str, task_force: Agency | None, hotlines: Sequence[Hotline]
    ) -> str:
        """What to do when no agency fits a need."""
        ...

    def timeline(self, session: Session) -> str:
        """The case's steps: done, next, later."""
        ...

    def no_referral_now(self, task_force: Agency | None, hotlines: Sequence[Hotline]) -> str:
        """The no-referral checklist."""
        ...
