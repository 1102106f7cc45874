"""Did an agency's standing drop since it was chosen? Re-checked whenever a case moves.

A session records, for each agency considered, the marks its standing gave it on the day
(`Considered.marks`: none for ready, VERIFY, NOT VETTED; do-not-refer agencies are never
offered). Days or weeks later the case is resumed, the agency contacted, information shared,
the hand-off made, a copy exported, a follow-up listed: by then a new vetting may have found
a hard fail. These pure functions compare the standing then with the standing now, so every
one of those moves can warn (and, by default, stop) in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from referral_cli.vetting.standing import OUTCOME_LABELS, SEVERITY, Outcome, VettingStatus

if TYPE_CHECKING:
    from referral_cli.casefile.records import Session


@dataclass(frozen=True)
class StandingDrop:
    """An agency whose standing is worse now than when it was chosen."""

    agency: str
    name: str
    was: Outcome
    now: VettingStatus | None  # None: the agency is no longer in the catalog

    @property
    def message(self) -> str:
        """One line a worker can act on: who, what it was, what it is now and why."""
        was = OUTCOME_LABELS[self.was]
        if self.now is None:
            return (
                f"{self.name}: chosen as '{was}', but not in the catalog loaded, "
                "so it cannot be re-checked"
            )
        return f"{self.name}: chosen as '{was}', now {self.now.reason()}"


def outcome_when_chosen(marks: Sequence[str]) -> Outcome:
    """The standing a candidate had when it was considered, from the marks recorded then."""
    if "NOT VETTED" in marks:
        return Outcome.NOT_VETTED
    if "VERIFY" in marks:
        return Outcome.VERIFY
    return Outcome.READY


def standing_dropped(
    agency: str, name: str, was: Outcome, now: VettingStatus | None
) -> StandingDrop | None:
    """The drop, if the standing now is more cautious than `was` (staleness is not a drop)."""
    if now is not None and SEVERITY[now.outcome] <= SEVERITY[was]:
        return None
    return StandingDrop(agency, name, was, now)


def session_drops(
    session: Session, statuses: Mapping[str, VettingStatus], agencies: Sequence[str] = ()
) -> dict[str, StandingDrop]:
    """Every agency of a session (or only `agencies`) whose standing dropped since chosen.

    `statuses` holds the standing today of the agencies still in the catalog; one missing
    from it cannot be re-checked, and counts as dropped so that it is looked at.
    """
    drops: dict[str, StandingDrop] = {}
    new = {c.agency for c in session.new_contacts}  # never in the catalog, chosen NOT VETTED
    for considered in session.considered:
        if (agencies and considered.agency not in agencies) or considered.agency in new:
            continue
        was = outcome_when_chosen(considered.marks)
        drop = standing_dropped(
            considered.agency, considered.name, was, statuses.get(considered.agency)
        )
        if drop is not None:
            drops[considered.agency] = drop
    return drops
