"""Typing "no" at a question answered with a list ("Which of them does your own program meet
(numbers; none)") picks nothing, as "none" does; a new worker typed "no" and got an error."""

from __future__ import annotations

import pytest

from referral_cli.errors import ReferralError
from referral_cli.prompt.asker import Asker

OPTIONS = [("food", "Food"), ("emergency-shelter", "Emergency shelter")]


@pytest.mark.parametrize("typed", ["no", "No", "none"])
def test_no_picks_nothing(typed: str) -> None:
    asker = Asker({"needs": {"own_program": typed}}, interactive=False)
    assert asker.pick_many("needs.own_program", "Which?", OPTIONS, explicit=True) == []


def test_a_required_pick_is_still_required() -> None:
    asker = Asker({"needs": {"wanted": "no"}}, interactive=False)
    with pytest.raises(ReferralError, match="Nothing on the list matches 'no'"):
        asker.pick_many("needs.wanted", "Which?", OPTIONS, required=True)
