"""The referral session: the eight steps, run with a youth, saved after every step.

`run_session` takes an Asker (terminal, piped input or answers file) and a Catalog, and
returns the finished Session; the commands stay thin. The session is saved as a draft after
each step; Ctrl-C anywhere pauses with the draft kept; typing `x` at any question takes the
no-referral path. The youth decides: nothing here chooses or pushes an option for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import typer

from referral_cli import clock
from referral_cli.casefile.records import (
    Considered,
    Escort,
    Handoff,
    Hesitation,
    Need,
    NoReferral,
    OptionTalk,
    ProviderCall,
    Referral,
    Release,
    Representative,
    Session,
    YouthProfile,
    is_open,
)
from referral_cli.casefile.store import check_reference, purge_session, save_session, session_exists
from referral_cli.casework import lifecycle
from referral_cli.catalog.load import Catalog
from referral_cli.catalog.models import GROUPS, Agency
from referral_cli.errors import ReferralError
from referral_cli.prompt.asker import Asker, MissingAnswer, NoReferralRequested, ask_keep_draft
from referral_cli.render import session as screen
from referral_cli.session import checklist as cl
from referral_cli.session.consent import items_for
from referral_cli.session.matching import Candidate, rank
from referral_cli.text import one_line
from referral_cli.vetting.standing import VettingStatus

FIT_OPTIONS: list[tuple[str, str]] = [
    ("lgbtq-affirming", "LGBTQ-affirming"),
    ("after-hours", "Someone answers after hours"),
    ("wheelchair", "Step-free / wheelchair access"),
    ("transit", "Reachable by public transit"),
    ("confidential-address", "Confidential address"),
]
GENDERS = ["skip", "female", "male", "nonbinary", "transgender"]
DEFAULT_PURPOSE = "To arrange the services the youth asked for"


class SessionPaused(Exception):
    """The worker pressed Ctrl-C; the draft was kept (or deleted, if they said so)."""

    def __init__(self, reference: str | None, kept: bool) -> None:
        super().__init__(reference or "")
        self.reference = reference
        self.kept = kept


class Flow:
    """One run of the session steps over one Session."""

    def __init__(self, asker: Asker, catalog: Catalog, day: dt.date) -> None:
        self.asker = asker
        self.catalog = catalog
        self.day = day
        self.session: Session | None = None
        self._statuses: dict[str, VettingStatus] | None = None

    # --- plumbing --------------------------------------------------------------

    @property
    def s(self) -> Session:
        assert self.session is not None
        return self.session

    def now(self) -> dt.datetime:
        return clock.now(self.day)

    def save(self) -> None:
        self.s.updated = self.now()
        save_session(self.s)

    def echo(self, text: str = "") -> None:
        typer.echo(text)

    def statuses(self) -> dict[str, VettingStatus]:
        """Every agency's vetting standing today, computed once per run."""
        if self._statuses is None:
            from referral_cli.vetting.browse import statuses

            self._statuses = statuses(self.catalog, self.day)
        return self._statuses

    def agency(self, agency_id: str) -> Agency | None:
        return self.catalog.agencies.get(agency_id)

    def name(self, agency_id: str) -> str:
        found = self.agency(agency_id)
        if found is not None:
            return found.name
        known = {c.agency: c.name for c in self.s.considered}
        return known.get(agency_id, agency_id)

    def task_force(self) -> Agency | None:
        tf = self.catalog.info.task_force
        return self.catalog.agencies.get(tf) if tf else None

    # --- the run ----------------------------------------------------------------

    def run(self, session: Session | None) -> Session:
        """Open a new session (or continue `session`) and run the steps that remain."""
        self.session = session
        try:
            if self.session is None:
                self.opening()
            elif not self.s.finished:
                self.echo(f"Resuming {self.s.reference} at step {self.s.step} of {cl.LAST_STEP}.")
            self.steps()
        except (KeyboardInterrupt, typer.Abort):
            self.pause()
        except MissingAnswer:
            if self.session is not None:
                self.echo(f"Draft kept. Resume with: referral resume {self.s.reference}")
            raise
        return self.s

    def pause(self) -> None:
        self.echo("\nPaused.")
        if self.session is None:
            self.echo("Nothing was saved (no case reference yet).")
            raise SessionPaused(None, False)
        if ask_keep_draft():
            # The file already holds every finished step; the half-done one is not written.
            self.echo(f"Draft kept: step {self.s.step} starts again when you resume.")
            self.echo(f"Resume with: referral resume {self.s.reference}")
            raise SessionPaused(self.s.reference, True)
        purge_session(self.s.reference)
        self.echo(f"Draft {self.s.reference} deleted.")
        raise SessionPaused(self.s.reference, False)

    def steps(self) -> None:
        runners: dict[int, Callable[[], str | None]] = {
            1: self.needs,
            2: self.find,
            3: self.ask,
            4: self.discuss,
            5: self.contact,
            6: self.share,
            7: self.handoff,
            8: self.escort,
        }
        while not self.s.finished and self.s.step <= cl.LAST_STEP:
            number = self.s.step
            self.echo(screen.step_header(cl.step(number)))
            self.asker.escape = True
            before = self.s.model_copy(deep=True)
            try:
                no_referral = runners[number]()
            except NoReferralRequested as exc:
                self.session = before  # a half-done step is dropped, as when pausing
                if not self.confirm_no_referral(exc):
                    continue
                no_referral = "no-suitable-agency" if number == 2 else "youth-declined"
            finally:
                self.asker.escape = False
            if no_referral:
                self.no_referral(number, no_referral)
                return
            self.s.step = number + 1
            self.save()
        if not self.s.finished:
            self.s.finished = True
            self.save()

    def confirm_no_referral(self, exc: NoReferralRequested) -> bool:
        if exc.args and exc.args[0] == "file":
            return True
        self.asker.escape = False
        return self.asker.confirm(
            "no_referral.take", "Take the no-referral path (record why, show what to do now)?", True
        )

    # --- step 0 ------------------------------------------------------------------

    def opening(self) -> None:
        info = self.catalog.info
        self.echo(screen.opening(info.region, info.example))
        self.echo()

        def new_reference(text: str) -> str:
            ref = check_reference(text)
            if session_exists(ref):
                raise ReferralError(
                    f"{ref} already exists. Continue it with: referral resume {ref}"
                )
            return ref

        ref = self.asker.text(
            "opening.reference",
            "Case reference (your program's, never the youth's name)",
            check=new_reference,
        )
        worker = self.asker.text("opening.worker", "Your name or initials")
        program = self.asker.text("opening.program", "Your program")
        at = self.now()
        self.session = Session(
            reference=ref, worker=worker, program=program, created=at, updated=at, step=1
        )
        self.save()

    # --- step 1: needs ---------------------------------------------------------------

    def needs(self) -> str | None:
        services = sorted(self.catalog.services.values(), key=lambda s: list(GROUPS).index(s.group))
        options = [(s.id, s.label) for s in services]
        self.echo(screen.services_menu(services))

        def resolve(word: str) -> list[str]:
            w = word.casefold()
            exact = [
                s.id
                for s in services
                if w == s.label.casefold() or w in (x.casefold() for x in s.synonyms)
            ]
            if exact:
                return exact
            return [
                s.id
                for s in services
                if w in s.id
                or w in s.label.casefold()
                or any(w in x.casefold() for x in s.synonyms)
            ]

        picked = self.asker.pick_many(
            "needs.choose",
            "Needs (numbers or words, e.g. 17, therapy)",
            options,
            show=False,
            resolve=resolve,
            required=True,
        )
        needs: list[Need] = []
        for sid in picked:
            service = self.catalog.services[sid]
            label = one_line(service.label)
            if len(service.forms) > 1:
                form = self.asker.choice(
                    f"needs.{sid}.form",
                    f"{label}: emergency or ongoing?",
                    service.forms,
                    default=service.forms[0],
                )
            else:
                form = service.forms[0]
            own = self.asker.confirm(
                f"needs.{sid}.own_program", f"{label}: does your own program meet it?", False
            )
            needs.append(Need(service=sid, label=service.label, form=form, own_program=own))
        self.s.needs = needs
        if all(n.own_program for n in needs):
            self.echo("Your program meets every need: no referral is needed.")
            return "needs-met"
        return None

    # --- step 2: find -----------------------------------------------------------------

    def profile(self) -> YouthProfile:
        self.echo("About the youth, to judge fit only (Enter skips; shared only with consent):")
        languages = self.catalog.languages

        def language(text: str) -> str:
            t = text.strip()
            if t.lower() in languages or t in languages:
                return t.lower()
            by_name = [c for c, n in languages.items() if n.casefold() == t.casefold()]
            if by_name:
                return by_name[0]
            known = ", ".join(f"{c} ({n})" for c, n in list(languages.items())[:10])
            raise ReferralError(f"Unknown language '{t}'. Known: {known}")

        lang = self.asker.text("profile.language", "Language the youth prefers", "en", language)
        age = self.asker.number("profile.age", "Age in years", 5, 30)
        gender = self.asker.choice("profile.gender", "Gender", GENDERS, default="skip")
        fit = self.asker.pick_many("profile.fit", "Also needs (numbers)", FIT_OPTIONS)
        return YouthProfile(
            language=lang,
            language_name=self.catalog.language_name(lang),
            age=age,
            gender=None if gender == "skip" else gender,
            fit=fit,
        )

    def find(self) -> str | None:
        self.s.profile = self.profile()
        considered: dict[str, Considered] = {}
        for need in (n for n in self.s.needs if not n.own_program):
            found = rank(
                self.catalog.agencies.values(),
                need,
                self.s.profile,
                self.statuses(),
                self.catalog.language_name(self.s.profile.language or ""),
            )
            label = f"{need.label} ({need.form})"
            self.echo()
            if not found:
                self.echo(screen.nothing_fits(label, self.task_force(), self.catalog.hotlines))
                continue
            self.echo(screen.candidates(label, found))
            default = [found[0].agency.id] if not found[0].marks else []
            picked = self.asker.pick_many(
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
        self.s.considered = list(considered.values())
        if not considered:
            self.echo("\nNo agency to consider, so this is the no-referral path.")
            return "no-suitable-agency"
        return None

    # --- step 3: ask ----------------------------------------------------------------------

    def ask(self) -> str | None:
        calls: list[ProviderCall] = []
        for c in self.s.considered:
            agency = self.agency(c.agency)
            self.echo()
            if agency is not None:
                rep = ", ".join(x for x in (agency.contact.role, agency.contact.name) if x)
                phone = agency.contact.phone or agency.phone
                self.echo(
                    one_line(
                        f"{agency.name}: {phone}, ask for {rep}. Hours: {agency.hours.regular}"
                    )
                )
            key = f"ask.{c.agency}"
            called = self.asker.confirm(f"{key}.called", f"Called {one_line(c.name)}?", True)
            if not called:
                calls.append(ProviderCall(agency=c.agency, called=False))
                continue
            present = self.asker.confirm(f"{key}.youth_present", "Was the youth on the call?", True)
            experience = self.asker.optional(
                f"{key}.experience", "Their experience with exploited youth (what they said)"
            )
            options = self.asker.optional(f"{key}.options", "Service options they offered")
            calls.append(
                ProviderCall(
                    agency=c.agency,
                    called=True,
                    youth_present=present,
                    experience=experience,
                    options=options,
                )
            )
        self.s.calls = calls
        return None

    # --- step 4: discuss ------------------------------------------------------------

    def discuss(self) -> str | None:
        self.echo("The youth may decline any option. That is a fine answer.")
        talks: list[OptionTalk] = []
        for c in self.s.considered:
            agency = self.agency(c.agency)
            confidential = bool(agency and agency.confidential_address)
            self.echo()
            facts = [one_line(c.name)]
            if agency is not None:
                facts.append(f"area: {one_line(agency.access.area)}")
                facts.append("transit: " + ("yes" if agency.access.transit else "no"))
            facts.append("confidential address: " + ("yes" if confidential else "no"))
            self.echo(" | ".join(facts))
            key = f"discuss.{c.agency}"
            view = self.asker.optional(f"{key}.view", "The youth's view")
            near = self.asker.choice(
                f"{key}.near_danger",
                "Near exploitation areas or the trafficker's reach?",
                ["no", "yes", "unsure"],
                default="unsure",
            )
            transport = self.asker.optional(f"{key}.transport", "Route and transport")
            hesitations: list[Hesitation] = []
            if self.asker.confirm(f"{key}.hesitant", "Is the youth hesitant?", False):
                reasons = self.asker.pick_many(
                    f"{key}.hesitations",
                    "Why (numbers)",
                    list(cl.HESITATIONS.items()),
                    required=True,
                )
                note = self.asker.optional(f"{key}.hesitation_note", "In the youth's words")
                hesitations = [Hesitation(reason=r, note=note) for r in reasons]
            wants = self.asker.confirm(f"{key}.wants", "Does the youth want this option?", None)
            talks.append(
                OptionTalk(
                    agency=c.agency,
                    youth_view=view,
                    near_danger=None if near == "unsure" else near == "yes",
                    transport=transport,
                    confidential_address=confidential,
                    hesitations=hesitations,
                    wants=wants,
                )
            )
        self.s.options = talks
        if not any(t.wants for t in talks):
            self.echo("\nThe youth declined every option. That is their choice.")
            return "youth-declined"
        return None

    # --- step 5: contact ---------------------------------------------------------------

    def contact(self) -> str | None:
        wanted = [t.agency for t in self.s.options if t.wants]
        if len(wanted) > 1:
            chosen = self.asker.pick_many(
                "contact.choose",
                "Which did the youth choose (numbers)",
                [(a, self.name(a)) for a in wanted],
                default=wanted,
                required=True,
            )
        else:
            chosen = wanted
        referrals: list[Referral] = []
        for aid in chosen:
            agency = self.agency(aid)
            self.echo(f"\n{one_line(self.name(aid))}")
            key = f"contact.{aid}"
            role = self.asker.text(
                f"{key}.role", "Representative's role", agency.contact.role if agency else None
            )
            name = self.asker.text(
                f"{key}.name", "Their name (optional)", agency.contact.name if agency else ""
            )
            knows = self.asker.confirm(
                f"{key}.knows_trauma_csec",
                "Do they know trauma and CSEC?",
                agency.contact.trauma_trained if agency else None,
            )
            referral = lifecycle.new_referral(
                aid,
                self.name(aid),
                "consent_pending",
                self.s.worker,
                self.now(),
                "contact established",
            )
            needs = next((c.needs for c in self.s.considered if c.agency == aid), [])
            referrals.append(
                referral.model_copy(
                    update={
                        "needs": needs,
                        "intake_documents": list(agency.intake.documents) if agency else [],
                        "contact": Representative(role=role, name=name, knows_trauma_csec=knows),
                    }
                )
            )
        self.s.referrals = referrals
        if not referrals:
            return "youth-declined"
        return None

    # --- step 6: share ------------------------------------------------------------------

    def share(self) -> str | None:
        self.s.considerations = self.asker.lines(
            "share.considerations",
            "Special considerations given the youth's trauma (no names, addresses or birth dates)",
        )
        releases: list[Release] = []
        for i, referral in enumerate(self.s.referrals):
            aid = referral.agency
            key = f"share.{aid}"
            name = one_line(referral.agency_name)
            self.echo(f"\nWhat may go to {name}? Only what the youth agrees to, item by item.")
            items = items_for(self.s, aid)
            picked = self.asker.pick_many(
                f"{key}.items",
                "Items the youth agrees to share (numbers)",
                [(item.key, f"{item.label}: {item.text}") for item in items],
            )
            purpose = self.asker.text(f"{key}.purpose", "Purpose", DEFAULT_PURPOSE)
            how = self.asker.choice(
                f"{key}.shared_how", "Shared how", ["verbal", "written", "electronic"], "verbal"
            )
            given_how = self.asker.choice(
                f"{key}.given_how", "Consent given", ["written", "verbal"], "written"
            )
            consent_by = ["youth"]
            guardian_required = self.asker.confirm(
                f"{key}.guardian_required", "Does the law require a guardian's consent too?", False
            )
            if guardian_required and self.asker.confirm(
                f"{key}.guardian_consents", "Did a non-abusive parent or guardian consent?", None
            ):
                consent_by.append("guardian")
            expires = self.asker.date(
                f"{key}.expires",
                "Consent expires (date or +days)",
                self.day,
                self.day + dt.timedelta(days=cl.CONSENT_DAYS),
            )
            if expires < self.day:
                raise ReferralError("The expiry date is in the past.")
            informed = self.asker.confirm(
                f"{key}.informed",
                "Youth told: voluntary, not a condition of service, revocable any time, "
                "risks and benefits, whether the agency is a mandated reporter?",
                True,
            )
            interpreter = False
            if self.s.profile.language and self.s.profile.language != "en":
                interpreter = self.asker.confirm(
                    f"{key}.interpreter", "Was an interpreter used?", False
                )
            release = Release(
                agency=aid,
                items=picked,
                purpose=purpose,
                shared_how=how,
                consent_by=consent_by,
                guardian_required=guardian_required,
                given_how=given_how,
                given=self.day,
                expires=expires,
                informed=informed,
                language=self.s.profile.language or "",
                interpreter=interpreter,
            )
            from referral_cli.session.consent import STATE_TEXT, release_state

            state = release_state(release, self.day)
            if state != "valid":
                self.echo(f"Nothing will be shared with {name}: {STATE_TEXT[state]}.")
            else:
                self.echo(
                    f"{len(picked)} of {len(items)} items may be shared with {name} "
                    f"until {expires}."
                )
            releases.append(release)
            self.s.referrals[i] = lifecycle.move(
                referral, "requested", self.s.worker, self.now(), "release recorded"
            )
        self.s.releases = releases
        return None

    # --- step 7: warm hand-off -------------------------------------------------------------

    def handoff(self) -> str | None:
        for i, referral in enumerate(self.s.referrals):
            if not is_open(referral.status):
                continue
            aid = referral.agency
            key = f"handoff.{aid}"
            self.echo(f"\n{one_line(referral.agency_name)}")
            answer = self.asker.choice(
                f"{key}.agency_answer",
                "Agency's answer",
                ["accepted", "waiting", "rejected"],
                "waiting",
            )
            if answer == "rejected":
                why = self.asker.text(f"{key}.reason", "Why did they decline (short)")
                self.s.referrals[i] = lifecycle.move(
                    referral, "rejected", self.s.worker, self.now(), why
                )
                continue
            if answer == "accepted":
                referral = lifecycle.move(referral, "accepted", self.s.worker, self.now())
            when = self.asker.text(
                f"{key}.when", "Hand-off visit: when (e.g. Thu 3pm, or 'not yet')", "not yet"
            )
            if when != "not yet":
                who = self.asker.text(f"{key}.who", "Who goes", "worker and youth")
                transport = self.asker.optional(f"{key}.transport", "Transport")
                referral = referral.model_copy(
                    update={"handoff": Handoff(when=when, who=who, transport=transport)}
                )
                if referral.status == "accepted":
                    referral = lifecycle.move(
                        referral, "handoff_scheduled", self.s.worker, self.now(), when
                    )
            self.s.referrals[i] = referral
        if not any(is_open(r.status) for r in self.s.referrals):
            self.echo("\nNo referral is open any more.")
            return "no-suitable-agency"
        return None

    # --- step 8: escort -------------------------------------------------------------------

    def escort(self) -> str | None:
        for i, referral in enumerate(self.s.referrals):
            if not is_open(referral.status):
                continue
            key = f"escort.{referral.agency}"
            self.echo(f"\n{one_line(referral.agency_name)}")
            wants = self.asker.confirm(
                f"{key}.wants", "Does the youth want to be escorted to appointments?", None
            )
            plan = (
                self.asker.optional(f"{key}.plan", "The plan (who, how, backup)") if wants else ""
            )
            follow_up = self.asker.date(
                f"{key}.follow_up",
                "Follow up on (date or +days)",
                self.day,
                referral.follow_up or self.day + dt.timedelta(days=lifecycle.FOLLOW_UP_DAYS),
            )
            self.s.referrals[i] = referral.model_copy(
                update={"escort": Escort(wants=wants, plan=plan), "follow_up": follow_up}
            )
        return None

    # --- the no-referral path ---------------------------------------------------------------

    def no_referral(self, at_step: int, default_reason: str) -> None:
        self.asker.escape = False
        self.echo("\nNo referral — what to do now")
        reason = self.asker.pick_one(
            "no_referral.reason",
            "Why no referral",
            list(cl.NO_REFERRAL_REASONS.items()),
            default=default_reason,
        )
        note = self.asker.optional("no_referral.note", "In a few words (optional)")
        self.echo()
        self.echo(screen.no_referral_now(self.task_force(), self.catalog.hotlines))
        self.echo()
        basic = self.asker.pick_many(
            "no_referral.basic_needs",
            "Basic needs met today (numbers)",
            list(cl.BASIC_NEEDS.items()),
        )
        info = self.asker.confirm(
            "no_referral.info_given", "Gave information about trafficking and services?", True
        )
        hotlines = [(h.id, h.name) for h in self.catalog.hotlines]
        given = self.asker.pick_many(
            "no_referral.hotlines",
            "Hotlines given (numbers)",
            hotlines,
            default=[hotlines[0][0]] if hotlines else [],
        )
        tf = self.task_force()
        later = f"{self.s.worker}, {self.s.program}" + (f"; {tf.name}, {tf.phone}" if tf else "")
        call_later = self.asker.text("no_referral.call_later", "Whom to call later", later)
        for i, referral in enumerate(self.s.referrals):
            if is_open(referral.status):
                self.s.referrals[i] = lifecycle.move(
                    referral, "cancelled", self.s.worker, self.now(), f"no referral: {reason}"
                )
        self.s.no_referral = NoReferral(
            reason=reason,
            note=note,
            at_step=at_step,
            basic_needs=basic,
            info_given=info,
            hotlines=given,
            call_later=call_later,
        )
        self.s.finished = True
        self.save()


def run_session(
    asker: Asker, catalog: Catalog, day: dt.date, session: Session | None = None
) -> Session:
    """Run a new session (or resume one) to its end; SessionPaused if the worker pauses."""
    return Flow(asker, catalog, day).run(session)
