"""The referral session: the eight steps, run with a youth, saved after every step.

`run_session` takes an Asker (terminal, piped input or answers file), a Catalog and the
screens to show (render/session.py), and returns the finished Session; the commands stay thin.
Each step is its own module in session/steps/; this module only runs them in order. The
session is saved as a draft after each step; Ctrl-C anywhere pauses with the draft kept;
typing `x` at any question takes the no-referral path. The youth decides: nothing here
chooses or pushes an option for them.
"""

from __future__ import annotations

import datetime as dt

import typer

from referral_cli.casefile.records import Session
from referral_cli.casefile.store import purge_session, save_session
from referral_cli.catalog.load import Catalog
from referral_cli.prompt.asker import Asker, MissingAnswer, NoReferralRequested, ask_keep_draft
from referral_cli.session import checklist as cl
from referral_cli.session.screens import Screens
from referral_cli.session.steps import (
    ask,
    contact,
    discuss,
    escort,
    find,
    handoff,
    needs,
    no_referral,
    opening,
    plan,
    share,
)
from referral_cli.session.steps.context import Context, StepRunner
from referral_cli.text import counted

NO_REFERRAL = "no_referral.from"  # in `pending`: the no-referral path is under way

RUNNERS: dict[int, StepRunner] = {
    1: needs.run,
    2: find.run,
    3: ask.run,
    4: discuss.run,
    5: contact.run,
    6: share.run,
    7: handoff.run,
    8: escort.run,
}


class SessionPaused(Exception):
    """The worker pressed Ctrl-C; the draft was kept (or deleted, if they said so)."""

    def __init__(self, reference: str | None, kept: bool) -> None:
        super().__init__(reference or "")
        self.reference = reference
        self.kept = kept


class Flow:
    """One run of the session steps over one Session."""

    def __init__(self, asker: Asker, catalog: Catalog, day: dt.date, screens: Screens) -> None:
        self.ctx = Context(asker, catalog, day, screens)

    def run(self, session: Session | None) -> Session:
        """Open a new session (or continue `session`) and run the steps that remain."""
        ctx = self.ctx
        ctx.session = session
        try:
            if ctx.session is None:
                opening.run(ctx)
            elif opening.OPENING in ctx.s.pending:
                ctx.echo(f"Resuming {ctx.s.reference}: who runs the session first.")
                opening.finish(ctx)
            elif not ctx.s.finished:
                kept = len(ctx.s.pending)
                # the steps done are in the case already: these are the step's own so far
                where = f"; {counted(kept, 'answer')} of this step kept" if kept else ""
                ctx.echo(ctx.screens.timeline(ctx.s))
                at = next_step(ctx.s) or cl.LAST_STEP
                ctx.echo(
                    f"Resuming {ctx.s.reference} at {cl.step(at).title} (guide step {at}){where}."
                )
            self.steps()
        except (KeyboardInterrupt, typer.Abort):
            self.pause()
        except MissingAnswer:
            if ctx.session is not None:
                ctx.echo_command("Draft kept. Resume with:", f"resume {ctx.s.reference}")
            raise
        finally:
            ctx.asker.on_answer = None
        return ctx.s

    def pause(self) -> None:
        """Ctrl-C: keep the draft (every answer given) or delete it, as the worker says."""
        ctx = self.ctx
        ctx.asker.on_answer = None
        ctx.echo("\nPaused.")
        if ctx.session is None:
            ctx.echo("Nothing was saved (no case reference yet).")
            raise SessionPaused(None, False)
        if ask_keep_draft():
            # Every answer was saved as it was given; resume goes on at the next question.
            ctx.echo("Draft kept with every answer given so far.")
            ctx.echo_command("Resume with:", f"resume {ctx.s.reference}")
            raise SessionPaused(ctx.s.reference, True)
        purge_session(ctx.s.reference)
        ctx.echo(f"Draft {ctx.s.reference} deleted.")
        raise SessionPaused(ctx.s.reference, False)

    def record(self, draft: Session) -> None:
        """Save `draft` (the session as the step found it) with each answer as it is given.

        The step's own changes are not saved half-done; on resume its questions are asked
        again in order, the answers kept in `pending` are replayed, and the first unanswered
        question is the first one put to the worker.
        """
        asker = self.ctx.asker
        asker.replay = dict(draft.pending)

        def keep(key: str, text: str) -> None:
            draft.pending[key] = text
            draft.updated = self.ctx.now()
            save_session(draft)

        asker.on_answer = keep

    def steps(self) -> None:
        """Run the remaining steps in order, saving after each; `x` leaves for no-referral."""
        ctx = self.ctx
        if NO_REFERRAL in ctx.s.pending:
            at, why = ctx.s.pending[NO_REFERRAL].split(" ", 1)
            self.no_referral(int(at), why)
            return
        in_room = next_step(ctx.s) in cl.IN_ROOM
        while not ctx.s.finished and (number := next_step(ctx.s)) is not None:
            if in_room and number not in cl.IN_ROOM:
                if not self.end_of_room():
                    return
                in_room = False
            ctx.echo(ctx.screens.step_header(cl.step(number)))
            before = ctx.s.model_copy(deep=True)
            self.record(before)
            ctx.asker.escape = True
            try:
                reason = RUNNERS[number](ctx)
            except NoReferralRequested as exc:
                profile = ctx.s.profile  # what step 2 was told so far: the papers' language
                ctx.session = before  # a half-done step is dropped; its answers are kept
                ctx.s.profile = profile
                if not self.confirm_no_referral(exc):
                    continue
                reason = "no-suitable-agency" if number == 2 else "youth-declined"
            finally:
                ctx.asker.escape = False
            if reason:
                self.no_referral(number, reason)
                return
            ctx.s.pending = {}
            ctx.s.done = [*done_steps(ctx.s), number]
            ctx.s.step = next_step(ctx.s) or cl.LAST_STEP + 1
            ctx.save()
        if not ctx.s.finished:
            ctx.s.finished = True
            ctx.save()

    def end_of_room(self) -> bool:
        """The in-room phase ends with the plan; go on with the later steps only if asked."""
        ctx = self.ctx
        ctx.asker.on_answer = None
        ctx.echo()
        ctx.echo(plan.plan(ctx))
        key = "plan.continue"
        if key not in ctx.asker.answers and not ctx.asker.interactive:
            return False
        return ctx.asker.confirm(key, "Go on now with the steps after the session?", False)

    def no_referral(self, number: int, reason: str) -> None:
        """The no-referral path, itself saved answer by answer."""
        ctx = self.ctx
        marker = f"{number} {reason}"
        if ctx.s.pending.get(NO_REFERRAL) != marker:
            ctx.s.pending = {NO_REFERRAL: marker}
            ctx.save()
        self.record(ctx.s)
        no_referral.run(ctx, number, reason)

    def confirm_no_referral(self, exc: NoReferralRequested) -> bool:
        """`x` typed at a prompt is confirmed; `x` in an answers file is meant."""
        if exc.args and exc.args[0] == "file":
            return True
        asker = self.ctx.asker
        asker.escape = False
        keep, asker.on_answer = asker.on_answer, None  # the answer to this is not the step's
        try:
            return asker.confirm(
                "no_referral.take",
                "Take the no-referral path (record why, show what to do now)?",
                True,
            )
        finally:
            asker.on_answer = keep


def done_steps(session: Session) -> list[int]:
    """The steps done; a draft saved before the two phases counts every step before its own."""
    return session.done or list(range(1, min(session.step, cl.LAST_STEP + 1)))


def next_step(session: Session) -> int | None:
    """The first step, in the order steps really happen, that is not done yet."""
    done = done_steps(session)
    return next((n for n in cl.ORDER if n not in done), None)


def run_session(
    asker: Asker,
    catalog: Catalog,
    day: dt.date,
    screens: Screens,
    session: Session | None = None,
) -> Session:
    """Run a new session (or resume one) to its end; SessionPaused if the worker pauses."""
    return Flow(asker, catalog, day, screens).run(session)
