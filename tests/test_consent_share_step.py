"""Step 6 and the agency copy as a new user met them: item names never guessed, no free text
or unconsented need in the packet, `none` asks nothing more, a "no" re-asks only the items."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile.records import Session
from tests.helpers import example_answers, write_answers

HARBOR = "alder-county-youth-harbor"
Run = Callable[..., Result]

OPENING = ["Maria Lopez", "03/14/2009", "YS-77", "Sam", "Outreach"]
TO_STEP_6 = ["shelter", "none", "en", "15", "", "", "", "now", "1", "", "", "", "yes", "unsure", ""]
AFTER_STEP_6 = ["y", "y", "y", "waiting", "", "n", "", ""]  # plan, contact, hand-off, escort


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def saved(ref: str) -> Session:
    from referral_cli.casefile.store import load_session

    return load_session(ref)


def typed(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def start(run: Run, tmp_path: Path, share: dict[str, object], **more: object) -> Result:
    answers = example_answers()
    answers["share"][HARBOR].update(share)
    for section, value in more.items():
        answers[section][HARBOR].update(value)
    return run("start", "--answers", write_answers(tmp_path, answers), "--no-input")


def test_needs_means_every_need_and_never_the_fit_item(run: Run, tmp_path: Path) -> None:
    result = start(run, tmp_path, {"items": "needs, language"})
    assert result.exit_code == 0, result.output
    [release] = saved("AC-2041").releases
    assert release.items == [
        "need:emergency-shelter",
        "need:counselling-therapy",
        "about:language",
    ]


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("access", "'access' is not an item name"),  # a word inside a label is not a name
        ("shel", "'shel' is not an item name"),
        ("need", "'need' could be any of need:emergency-shelter, need:counselling"),
    ],
)
def test_a_partial_or_ambiguous_name_is_refused_with_the_names(
    run: Run, tmp_path: Path, word: str, said: str
) -> None:
    result = start(run, tmp_path, {"items": f"{word}, language"})
    assert result.exit_code == 1
    assert said in result.output
    assert (
        "emergency-shelter, counselling-therapy, age, language, gender, fit, consideration:1"
        in result.output
    )
    assert saved("AC-2041").releases == []


def test_at_the_prompt_a_wrong_name_asks_again(run: Run) -> None:
    share = ["", "acc", "age", "verbal", "written", "n", "", "y", "yes"]
    result = run("start", input=typed(*OPENING, *TO_STEP_6, *share, *AFTER_STEP_6))
    assert result.exit_code == 0, result.output
    assert "'acc' is not an item name" in result.output
    assert "needs = every need; or none" in result.output
    assert saved("YS-77").releases[0].items == ["about:age"]


def test_free_text_about_escort_and_hand_off_stays_with_the_worker(
    run: Run, tmp_path: Path
) -> None:
    result = start(
        run,
        tmp_path,
        {"items": ["need:emergency-shelter"]},
        handoff={"who": "MK and her aunt", "transport": "MK drives her"},
        escort={"plan": "Escort: MK drives her to the first two visits"},
    )
    assert result.exit_code == 0, result.output
    for fmt in ("text", "markdown", "json", "html"):
        copy = run("summary", "AC-2041", "--for", HARBOR, "--format", fmt)
        assert copy.exit_code == 0, copy.output
        assert "MK" not in copy.stdout and not re.search(r"\bher\b", copy.stdout), fmt
    text = run("summary", "AC-2041", "--for", HARBOR).stdout
    assert "Hand-off visit: 2026-11-23 17:00\n" in text
    assert "Escort: the referring worker will confirm who comes to the hand-off" in text
    assert "MK drives her" in run("summary", "AC-2041").stdout  # the worker's copy keeps it


def test_the_purpose_names_only_consented_needs(run: Run, tmp_path: Path) -> None:
    result = start(run, tmp_path, {"items": ["about:age"]})
    assert result.exit_code == 0, result.output
    data = json.loads(run("summary", "AC-2041", "--for", HARBOR, "--format", "json").stdout)
    assert data["purpose"] == "To arrange a referral"
    text = run("summary", "AC-2041", "--for", HARBOR).stdout
    assert "Purpose: To arrange a referral" in text
    assert "shelter" not in text.lower().replace("youth harbor", "")
    assert "counselling" not in text.lower()
    assert "within 72 hours" in text  # the urgency line names no need


def test_none_records_nothing_shared_and_asks_no_release_form(run: Run) -> None:
    share = ["", "none", "yes"]
    result = run("start", input=typed(*OPENING, *TO_STEP_6, *share, *AFTER_STEP_6))
    assert result.exit_code == 0, result.output
    assert "Shared how [" not in result.output and "Consent expires" not in result.output
    assert "Nothing will be shared with Alder County Youth Harbor: the youth agreed" in (
        result.output
    )
    [release] = saved("YS-77").releases
    assert release.items == []
    copy = run("summary", "YS-77", "--for", HARBOR).stdout
    assert (
        "Nothing about the youth is shared: the youth chose to share nothing with this agency"
        in copy
    )
    assert "Purpose" not in copy and "shelter" not in copy.lower().replace("youth harbor", "")
    worker = run("summary", "YS-77").stdout
    assert "Consent: the youth chose to share nothing (no release form asked)" in worker


def test_no_at_the_read_back_asks_only_the_items_again(run: Run) -> None:
    share = ["", "emergency-shelter", "written", "verbal", "n", "+10", "y", "no", "age", "yes"]
    result = run("start", input=typed(*OPENING, *TO_STEP_6, *share, *AFTER_STEP_6))
    assert result.exit_code == 0, result.output
    assert result.output.count("Shared how [") == 1
    assert "the other answers stand" in result.output
    [release] = saved("YS-77").releases
    assert release.items == ["about:age"]
    assert release.shared_how == "written" and release.given_how == "verbal"
    assert release.expires.isoformat() == "2026-12-03"
    assert release.purpose == "To arrange a referral"
