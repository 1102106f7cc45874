"""Where youth hesitate, by need: the reasons and what would have helped, from the sessions.

A coalition's gap is not only a need nobody offers: it is also a need whose providers youth
hesitate to go to (the location, the bus, a bad earlier experience). These are counts only:
no case reference, no note in the youth's words, nothing that names a case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from pydantic import BaseModel

from referral_cli.casefile.records import Session
from referral_cli.session.checklist import HESITATION_HELPS, HESITATIONS


class NeedHesitations(BaseModel):
    """The hesitations about the options offered for one need."""

    service: str
    label: str
    options_hesitant: int
    wanted_after: int  # having talked it through, the youth wanted the option
    by_reason: dict[str, int]
    by_help: dict[str, int]


class HesitationCounts(BaseModel):
    """Hesitations over the worker's sessions: overall and for each need, counts only."""

    sessions: int
    options_hesitant: int
    wanted_after: int
    by_reason: dict[str, int]
    by_help: dict[str, int]
    by_need: list[NeedHesitations]


def reason_label(reason: str) -> str:
    """A hesitation reason in words."""
    return HESITATIONS.get(reason, reason)


def help_label(help_: str) -> str:
    """What would help, in words."""
    return HESITATION_HELPS.get(help_, help_)


def hesitations(sessions: Sequence[Session], labels: Mapping[str, str]) -> HesitationCounts:
    """Count every hesitant option, overall and under each need it was offered for."""
    reasons: Counter[str] = Counter()
    helps: Counter[str] = Counter()
    per_need: dict[str, tuple[Counter[str], Counter[str], list[int]]] = {}
    hesitant = wanted = 0
    for session in sessions:
        needs_of = {c.agency: c.needs for c in session.considered}
        for talk in session.options:
            if not talk.hesitations and not talk.helps:
                continue
            hesitant += 1
            wanted += talk.wants
            these = [str(h.reason) for h in talk.hesitations]
            reasons.update(these)
            helps.update(str(h) for h in talk.helps)
            for need in needs_of.get(talk.agency, []):
                r, h, n = per_need.setdefault(need, (Counter(), Counter(), [0, 0]))
                r.update(these)
                h.update(str(x) for x in talk.helps)
                n[0] += 1
                n[1] += talk.wants
    by_need = [
        NeedHesitations(
            service=need,
            label=labels.get(need, need),
            options_hesitant=n[0],
            wanted_after=n[1],
            by_reason=dict(r.most_common()),
            by_help=dict(h.most_common()),
        )
        for need, (r, h, n) in sorted(per_need.items(), key=lambda kv: (-kv[1][2][0], kv[0]))
    ]
    return HesitationCounts(
        sessions=len(sessions),
        options_hesitant=hesitant,
        wanted_after=wanted,
        by_reason=dict(reasons.most_common()),
        by_help=dict(helps.most_common()),
        by_need=by_need,
    )
