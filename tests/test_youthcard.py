"""The youth card: safe to carry, in English and Spanish, never saying what it is about."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from referral_cli.casefile.records import Handoff, Release
from referral_cli.casework.lifecycle import move
from referral_cli.catalog.models import Hotline
from referral_cli.export.youthcard import (
    card_lines,
    card_markdown,
    card_text,
    has_blocked_word,
    wording,
)
from tests.test_consent_gate import AGENCY, AT, DAY, make_session

Run = Callable[..., Result]
HOTLINE = Hotline(
    id="us-nhth",
    name="National Human Trafficking Hotline",
    region="United States",
    call="1-888-373-7888",
    text="233733",
    text_keyword="INFO",
)
# What a found card must never say, as a reader would read it, in both shipped languages.
READER_WORDS = [
    "trafficking", "exploitation", "sexual", "abuse", "victim", "survivor",
    "trata", "tráfico", "explotación", "abuso", "víctima", "sobreviviente",
    # what a place's name says about the youth (a card named "Riverbend Behavioral Health")
    "behavioral", "mental", "psychiatric", "domestic violence", "assault", "shelter",
    "violencia", "refugio", "albergue", "psiquiátrico", "salud mental",
]  # fmt: skip
risky = st.sampled_from(
    ["Harbor", "Human Trafficking Center", "Víctimas Unidas", "Survivor House", "SEXUAL assault"]
)


def test_the_shipped_wording_has_no_blocked_word_in_any_language() -> None:
    assert set(wording()) >= {"en", "es"}
    assert set(wording()["en"]) == set(wording()["es"])
    for words in wording().values():
        for text in words.values():
            assert not has_blocked_word(text), text


def test_the_blocked_words_are_caught_as_a_reader_writes_them() -> None:
    for word in READER_WORDS:
        assert has_blocked_word(f"Call the {word.upper()} line"), word
    for fine in ("Tratamiento dental", "Youth Harbor", "Abbey Road clinic", "Contrata"):
        assert not has_blocked_word(fine), fine


@settings(max_examples=30, deadline=None)
@given(name=risky, when=risky, worker=risky, language=st.sampled_from(["en", "es"]))
def test_the_card_never_holds_a_blocked_word(
    name: str, when: str, worker: str, language: str
) -> None:
    release = Release(agency=AGENCY, purpose="p", given=DAY, expires=DAY, informed=True)
    session = make_session(["Shelter"], [], [], release)
    referral = move(session.referrals[0], "accepted", "Sam", AT)
    referral = move(referral, "handoff_scheduled", "Sam", AT, when)
    referral = referral.model_copy(
        update={"agency_name": name, "handoff": Handoff(when=when, who="Sam")}
    )
    session = session.model_copy(
        update={"referrals": [referral], "worker": worker, "worker_phone": "503-555-0142"}
    )
    title, blocks = card_lines(session, language, phones={AGENCY: "503-555-0101"}, hotline=HOTLINE)
    for text in (card_text(title, blocks), card_markdown(title, blocks)):
        assert not has_blocked_word(text), text
        assert not any(w in text.lower() for w in READER_WORDS), text
        assert "503-555-0142" in text and "1-888-373-7888" in text
        assert len(text.splitlines()) <= 30  # one printed page


@pytest.fixture
def finished(run: Run) -> None:
    example = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"
    run("profile", "--name", "Maya Reyes", "--program", "Harbor", "--phone", "503-555-0142")
    assert run("start", "--answers", str(example), "--no-input").exit_code == 0


@pytest.mark.usefixtures("finished")
def test_summary_youth_in_the_youths_language_or_the_one_asked(run: Run) -> None:
    spanish = run("summary", "AC-2041", "--youth").output  # the example youth prefers Spanish
    assert "Tarjeta de cita" in spanish and "llama a Maya al 503-555-0142" in spanish
    assert "Maya Reyes" not in spanish and "AC-2041" not in spanish
    english = run("summary", "AC-2041", "--youth", "--language", "en").output
    assert "Where: Alder County Youth Harbor" in english
    assert re.search(r"\nWhen: \d{4}-\d{2}-\d{2} 17:00\n", english)  # no "agreed on" needed
    assert "1-888-373-7888" not in english  # only when the youth wants it
    assert "1-888-373-7888" in run("summary", "AC-2041", "--youth", "--any-hour").output


@pytest.mark.usefixtures("finished")
def test_wording_that_says_what_it_is_is_refused(run: Run) -> None:
    result = run("summary", "AC-2041", "--youth", "--where", "the trafficking office")
    assert result.exit_code == 1 and "must not say what it is about" in result.output
    assert run("summary", "AC-2041", "--youth", "--language", "fr").exit_code == 1
    assert run("summary", "AC-2041", "--language", "es").exit_code == 1  # card options alone


def test_one_where_for_a_card_of_two_visits_is_refused() -> None:
    """A new user's --where put "the blue house" on both visits, with different phones."""
    from referral_cli.casework.lifecycle import new_referral
    from referral_cli.commands.handout import SummaryFormat, youth_card
    from referral_cli.errors import ReferralError

    session = make_session(["Shelter"], [], [], None)
    other = new_referral("riverbend-behavioral-health", "Riverbend", "requested", "Sam", AT)
    session = session.model_copy(update={"referrals": [*session.referrals, other]})
    with pytest.raises(ReferralError, match="lists 2 visits: add --for AGENCY"):
        youth_card(session, None, "en", "the blue house", False, SummaryFormat.TEXT, None)
    for fmt in (SummaryFormat.JSON, SummaryFormat.FHIR):  # fhir printed the text card
        with pytest.raises(ReferralError, match="use text, markdown or html"):
            youth_card(session, None, "en", None, False, fmt, None)
