"""The vetting rules a coordinator relies on, each from both sides: recording, judging, history.

Written against the CLI and the public functions of the vetting package, so the rules stay
pinned whatever the modules' insides look like.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from referral_cli.catalog.models import Agency, CatalogInfo, Vetting
from referral_cli.vetting.judge import add_months, agency_status, partner_list, score_strip
from referral_cli.vetting.record import parse_choices, parse_date, parse_score, save_vetting
from referral_cli.vetting.rubric import check_vetting, evidence_gap, rubric
from referral_cli.vetting.rules import load_catalog
from referral_cli.vetting.standing import Outcome, Scorecard, VettingStatus
from tests.helpers import AGENCIES_HEAD, agency, write_catalog

Run = Callable[..., Result]
TODAY = "2026-11-23"
SNAPSHOTS = Path(__file__).parent / "snapshots"

CLEAN = """\
agency: harbor
date: 2026-01-10
assessor: R. Alvarez, coordinator
method: [site-visit]
factors:
  professionalism: {score: 3, evidence: [written-policy, references]}
  confidentiality: {score: 3, evidence: [written-policy]}
  informed-consent: {score: 3, evidence: [written-policy]}
  premises-security: {score: 4, evidence: [site-visit]}
  non-discrimination: {score: 3, evidence: [written-policy]}
"""

ABUSE = """\
agency: harbor
date: 2026-03-10
assessor: R. Alvarez, coordinator
method: [site-visit]
factors:
  professionalism:
    score: 0
    evidence: [references]
    note: Substantiated neglect finding in March.
    hard_fails: [substantiated-abuse-finding]
  confidentiality: {score: 3, evidence: [written-policy]}
  informed-consent: {score: 3, evidence: [written-policy]}
  premises-security: {score: 4, evidence: [site-visit]}
  non-discrimination: {score: 3, evidence: [written-policy]}
"""

CLEARED = """\
agency: harbor
date: 2026-09-10
assessor: R. Alvarez, coordinator
method: [site-visit]
factors:
  professionalism: {score: 3, evidence: [written-policy, site-visit], note: Finding closed.,
    hard_fails_cleared: [substantiated-abuse-finding]}
  confidentiality: {score: 3, evidence: [written-policy]}
  informed-consent: {score: 3, evidence: [written-policy]}
  premises-security: {score: 4, evidence: [site-visit]}
  non-discrimination: {score: 3, evidence: [written-policy]}
"""


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)
    agencies = AGENCIES_HEAD + agency("harbor", "Harbor House") + agency("dawn", "New Dawn")
    return write_catalog(tmp_path / "data", agencies=agencies)


def keys(hard_fail_on: str = "", answer: str = "y", score: str = "3", evidence: str = "2") -> str:
    """What a coordinator types in `vet --record`: one score for every factor, and `answer`
    to the question about hard fail `hard_fail_on` (no to every other hard fail)."""
    lines: list[str] = []
    for factor in rubric().factors:
        lines += [score, evidence]
        for h in factor.hard_fails:
            lines.append(answer if h.id == hard_fail_on else "n")
        if hard_fail_on in [h.id for h in factor.hard_fails] and answer == "y":
            lines.append("")  # a hard fail needs a note: Enter is refused...
            lines.append("Substantiated finding, state report 2026-11.")  # ...so say what
        else:
            lines.append("")  # optional note
    lines += ["Dana K., lead", "", "3", "", "", "y"]  # assessor, date, method, trigger, note, save
    return "\n".join(lines) + "\n"


def record(run: Run, catalog: Path, text: str, who: str = "dawn") -> Result:
    return run("vet", who, "--record", "--data", str(catalog), input=text)


# --- recording: the hard-fail question is asked, and a yes is kept -------------------------


def test_interactive_hard_fail_yes_is_recorded_and_means_do_not_refer(
    run: Run, catalog: Path
) -> None:
    result = record(run, catalog, keys("substantiated-abuse-finding", "y"))
    assert result.exit_code == 0, result.output
    assert "Hard fail observed? An active, substantiated abuse or neglect finding" in result.output
    assert "Note (required: what you saw or were told)" in result.output
    saved = load_catalog(catalog).vettings_of("dawn")
    assert saved[0].factors["professionalism"].hard_fails == ["substantiated-abuse-finding"]
    assert saved[0].factors["professionalism"].note.startswith("Substantiated finding")
    shown = run("vet", "dawn", "--data", str(catalog))
    assert "DO NOT REFER" in shown.output


def test_interactive_hard_fail_no_leaves_it_ready(run: Run, catalog: Path) -> None:
    result = record(run, catalog, keys("substantiated-abuse-finding", "n"))
    assert result.exit_code == 0, result.output
    saved = load_catalog(catalog).vettings_of("dawn")
    assert all(not a.hard_fails for a in saved[0].factors.values())
    assert "READY TO REFER" in run("vet", "dawn", "--data", str(catalog)).output


def test_score_zero_needs_a_note_and_u_asks_no_evidence(run: Run, catalog: Path) -> None:
    lines: list[str] = []
    for n, factor in enumerate(rubric().factors):
        if n == 0:
            lines += ["0", "6"] + ["n"] * len(factor.hard_fails) + ["", "Refused to answer."]
        elif n == 1:
            lines += ["U"] + ["n"] * len(factor.hard_fails) + [""]
        else:
            lines += ["1", ""] + ["n"] * len(factor.hard_fails) + [""]
    lines += ["Dana K., lead", "2026-11-20", "1", "", "", "y"]
    result = record(run, catalog, "\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    saved = load_catalog(catalog).vettings_of("dawn")[0]
    first, second = (saved.factors[f.id] for f in rubric().factors[:2])
    assert (first.score, first.evidence, first.note) == (0, ["site-visit"], "Refused to answer.")
    assert (second.score, second.evidence) == ("U", [])
    assert all(saved.factors[f.id].score == 1 for f in rubric().factors[2:])  # 1 is a score
    assert saved.date == dt.date(2026, 11, 20) and saved.method == ["phone"]
    assert saved.trigger == "initial"


def test_interview_transcript_snapshot(run: Run, catalog: Path) -> None:
    """What the coordinator reads and is asked, word for word (UPDATE_SNAPSHOTS=1 rewrites)."""
    (catalog / "vettings").mkdir()
    (catalog / "vettings" / "harbor--2026-01-10.yaml").write_text(CLEAN)
    result = record(run, catalog, keys("substantiated-abuse-finding", "y"), who="harbor")
    assert result.exit_code == 0, result.output
    out = result.output.replace(str(catalog), "<data>")
    snapshot = SNAPSHOTS / "vet_record_transcript.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(out)
    assert out == snapshot.read_text()


def test_answers_file_hard_fail_needs_its_note(run: Run, catalog: Path, tmp_path: Path) -> None:
    answers: dict[str, object] = {f"{f.id}.score": "U" for f in rubric().factors}
    answers |= {
        "professionalism.score": 2,
        "professionalism.hard_fails": "substantiated-abuse-finding",
        "assessor": "Script",
        "date": "2026-11-20",
        "method": "documents",
        "save": True,
    }
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    args = ("vet", "dawn", "--record", "--no-input", "--answers", str(path), "--data")
    result = run(*args, str(catalog))
    assert result.exit_code == 1
    assert "'professionalism.note' is required" in result.output
    assert load_catalog(catalog).vettings_of("dawn") == []
    answers["professionalism.note"] = "State finding."
    path.write_text(yaml.safe_dump(answers))
    result = run(*args, str(catalog))
    assert result.exit_code == 0, result.output
    saved = load_catalog(catalog).vettings_of("dawn")[0].factors["professionalism"]
    assert saved.hard_fails == ["substantiated-abuse-finding"] and saved.note == "State finding."
    whole = load_catalog(catalog).vettings_of("dawn")[0]
    assert whole.note == "" and whole.factors["confidentiality"].note == ""  # none given


def test_answers_file_score_too_thin_is_an_error(run: Run, catalog: Path, tmp_path: Path) -> None:
    answers: dict[str, object] = {f"{f.id}.score": "U" for f in rubric().factors}
    answers |= {"confidentiality.score": 4, "confidentiality.evidence": "written-policy"}
    answers |= {"assessor": "Script", "method": "documents", "save": True}
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    args = ("vet", "dawn", "--record", "--no-input", "--answers", str(path))
    result = run(*args, "--data", str(catalog))
    assert result.exit_code == 1
    assert "confidentiality: a score of 4 needs evidence such as site-visit" in result.output


# --- history: a hard fail appearing and clearing ------------------------------------------


def test_history_shows_a_hard_fail_found_then_cleared(run: Run, catalog: Path) -> None:
    folder = catalog / "vettings"
    folder.mkdir()
    for name, text in (("01-10", CLEAN), ("03-10", ABUSE), ("09-10", CLEARED)):
        (folder / f"harbor--2026-{name}.yaml").write_text(text)
    result = run("vet", "harbor", "--history", "--data", str(catalog))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Outcome: ready to refer -> do not refer" in out
    assert (
        "Professionalism: score 3 -> 0; evidence no longer cited: written-policy; "
        "hard fail found: substantiated-abuse-finding"
    ) in out
    assert "Outcome: do not refer -> ready to refer" in out
    assert (
        "Professionalism: score 0 -> 3; evidence added: written-policy, site-visit; "
        "evidence no longer cited: references; hard fail no longer observed: "
        "substantiated-abuse-finding"
    ) in out
    assert "Confidentiality:" not in out  # unchanged factors say nothing


# --- judging: due dates, staleness, the partner list --------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        ("2026-01-15", 12, "2027-01-15"),  # a January vetting is due next January
        ("2026-01-31", 1, "2026-02-28"),  # clamped to the month's end
        ("2028-01-31", 1, "2028-02-29"),  # leap year
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-11-30", 3, "2027-02-28"),  # across the year end
        ("2026-12-31", 1, "2027-01-31"),
        ("2026-12-15", 12, "2027-12-15"),
        ("2026-06-30", 6, "2026-12-30"),
        ("2026-05-31", 24, "2028-05-31"),
    ],
)
def test_revet_due_dates_across_month_and_year_ends(day: str, months: int, due: str) -> None:
    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(due)


def _agency(aid: str = "harbor", **extra: object) -> Agency:
    data = yaml.safe_load(agency(aid, aid.title()))[0]
    return Agency.model_validate(data | extra)


def _vetting(text: str) -> Vetting:
    return Vetting.model_validate(yaml.safe_load(text))


INFO = CatalogInfo(region="Test")


def test_stale_only_after_the_due_day() -> None:
    history = [_vetting(CLEAN)]
    due = dt.date(2027, 1, 10)
    on_due = agency_status(_agency(), history, INFO, due)
    assert (on_due.outcome, on_due.due, on_due.stale) == (Outcome.READY, due, False)
    assert agency_status(_agency(), history, INFO, due + dt.timedelta(days=1)).stale
    six = agency_status(_agency(revet_months=6), history, INFO, due)
    assert (six.due, six.stale, six.revet_months) == (dt.date(2026, 7, 10), True, 6)
    assert on_due.vettings == 1 and on_due.last_vetted == dt.date(2026, 1, 10)


def test_latest_vetting_decides_and_lists_its_reasons() -> None:
    status = agency_status(_agency(), [_vetting(CLEAN), _vetting(ABUSE)], INFO, dt.date(2026, 4, 1))
    assert status.outcome is Outcome.DO_NOT_REFER
    assert status.hard_fails == ["substantiated-abuse-finding"]
    assert status.hard_fail_texts[0].startswith("Professionalism: An active, substantiated")
    assert status.contrary_factors == ["professionalism"]
    assert status.contrary_labels == ["Professionalism"]
    assert "confidentiality" not in status.verify_factors
    weak = _vetting(CLEAN.replace("confidentiality: {score: 3", "confidentiality: {score: 2"))
    status = agency_status(_agency(), [weak], INFO, dt.date(2026, 4, 1))
    assert status.outcome is Outcome.VERIFY
    assert "confidentiality" in status.verify_factors
    assert "Confidentiality" in status.verify_labels
    assert status.vettings == 1


def test_partner_list_filters_and_orders(run: Run, catalog: Path) -> None:
    agencies = [_agency("harbor"), _agency("dawn"), _agency("zeta")]
    vettings = {"harbor": [_vetting(ABUSE)], "zeta": [_vetting(CLEAN.replace("harbor", "zeta"))]}
    day = dt.date(2026, 4, 1)
    every = partner_list(agencies, vettings, INFO, day)
    assert [r.agency for r in every.rows] == ["harbor", "dawn", "zeta"]
    assert every.rows[0].scores["professionalism"] == 0
    assert every.rows[1].scores["professionalism"] == "U"
    ready = partner_list(agencies, vettings, INFO, day, outcomes=[Outcome.READY])
    assert [r.agency for r in ready.rows] == ["zeta"] and ready.outcomes == [Outcome.READY]
    late = dt.date(2027, 2, 1)
    stale = partner_list(agencies, vettings, INFO, late, stale_only=True)
    assert [r.agency for r in stale.rows] == ["zeta"] and stale.stale_only
    assert stale.rows[0].status.stale
    none = partner_list(agencies, vettings, INFO, day, service="no-such-service")
    assert none.rows == [] and none.service == "no-such-service"
    food = partner_list(agencies, vettings, INFO, day, service="food")
    assert len(food.rows) == 3
    assert score_strip(every.rows[0].scores) == "U03U334UUUU"


# --- parsing what a coordinator types -------------------------------------------------------


def test_scores_as_typed() -> None:
    assert [parse_score(s) for s in ("U", "u", "?", " 0 ", "1", "2", "3", "4")] == [
        "U",
        "U",
        "U",
        0,
        1,
        2,
        3,
        4,
    ]
    for bad in ("", "5", "-1", "x", "3.5"):
        with pytest.raises(ValueError, match="is not a score"):
            parse_score(bad)


def test_choices_by_id_or_number() -> None:
    allowed = ["phone", "documents", "site-visit"]
    assert parse_choices("2, site-visit 1", allowed, "method") == [
        "documents",
        "site-visit",
        "phone",
    ]
    assert parse_choices(["phone", "phone"], allowed, "method") == ["phone"]
    assert parse_choices("none", allowed, "method") == []
    assert parse_choices("-", allowed, "method") == []
    assert parse_choices("", allowed, "method") == []
    assert parse_choices(None, allowed, "method") == []
    assert parse_choices("3", allowed, "method") == ["site-visit"]
    for bad in ("4", "0", "fax"):
        with pytest.raises(ValueError, match=r"is not a known method: use phone, documents"):
            parse_choices(bad, allowed, "method")


def test_vetting_dates() -> None:
    today = dt.date(2026, 11, 23)
    assert parse_date("", today) == today
    assert parse_date(" 2026-11-01 ", today) == dt.date(2026, 11, 1)
    assert parse_date(today, today) == today
    with pytest.raises(ValueError, match="is in the future"):
        parse_date("2026-11-24", today)
    with pytest.raises(ValueError, match="use YYYY-MM-DD"):
        parse_date("23/11/2026", today)


def test_evidence_must_carry_the_score() -> None:
    assert evidence_gap(2, []) is None and evidence_gap("U", []) is None
    assert evidence_gap(3, ["written-policy"]) is None
    assert evidence_gap(4, ["site-visit"]) is None
    thin = evidence_gap(3, ["self-report"])
    assert thin is not None and thin.startswith("a score of 3 needs evidence such as")
    assert evidence_gap(4, ["written-policy"]) == (
        "a score of 4 needs evidence such as site-visit, references, youth-feedback "
        "or other-task-force"
    )


def test_vetting_file_rules() -> None:
    bad = _vetting(
        CLEAN.replace(
            "professionalism: {score: 3, evidence: [written-policy, references]}",
            "professionalism: {score: 1, hard_fails: [substantiated-abuse-finding, "
            "substantiated-abuse-finding, no-such, lgbtq-identity-correction]}\n"
            "  cultural-sensitivity: {score: 2, hard_fails: [no-such]}",
        )
    )
    problems = [(loc, text) for loc, text in check_vetting(bad)]
    assert problems == [
        (
            ("factors", "professionalism", "hard_fails", 1),
            "hard fail 'substantiated-abuse-finding' is listed twice",
        ),
        (
            ("factors", "professionalism", "hard_fails", 2),
            "unknown hard fail 'no-such' (known for professionalism: substantiated-abuse-finding)",
        ),
        (
            ("factors", "professionalism", "hard_fails", 3),
            "'lgbtq-identity-correction' is a hard fail of lgbtq-services, not of professionalism",
        ),
        (
            ("factors", "cultural-sensitivity", "hard_fails", 0),
            "unknown hard fail 'no-such' (known for cultural-sensitivity: none (this factor has "
            "no hard fails))",
        ),
    ]
    assert list(check_vetting(_vetting(CLEAN))) == []


def test_saved_vetting_loads_back_and_never_replaces_one(tmp_path: Path) -> None:
    vetting = _vetting(ABUSE + "note: Re-vet after the state closes the finding.\n")
    first = save_vetting(tmp_path, vetting)
    second = save_vetting(tmp_path, vetting)
    third = save_vetting(tmp_path, vetting)
    assert [p.name for p in (first, second, third)] == [
        "harbor--2026-03-10.yaml",
        "harbor--2026-03-10-2.yaml",
        "harbor--2026-03-10-3.yaml",
    ]
    text = first.read_text()
    assert text.startswith("# Vetting recorded with `referral vet --record`.")
    assert Vetting.model_validate(yaml.safe_load(text)) == vetting
    assert oct(first.stat().st_mode & 0o777) == "0o644"
    raw = yaml.safe_load(text)
    assert list(raw) == ["agency", "date", "assessor", "method", "trigger", "factors", "note"]
    order = [f.id for f in rubric().factors if f.id in vetting.factors]
    assert list(raw["factors"]) == order  # rubric order, whatever order the file had
    assert raw["factors"]["confidentiality"] == {"score": 3, "evidence": ["written-policy"]}
    broken = _vetting(CLEAN.replace("score: 3, evidence: [written-policy]}", "score: 4}"))
    with pytest.raises(Exception, match="This vetting breaks the rubric: a score of 4"):
        save_vetting(tmp_path, broken)


# --- the cache's copy of a standing is the same standing --------------------------------


def test_standing_and_scorecard_survive_the_cache_round_trip(run: Run, catalog: Path) -> None:
    from referral_cli.vetting.judge import scorecard

    history = [_vetting(CLEAN), _vetting(ABUSE)]
    day = dt.date(2026, 4, 1)
    status = agency_status(_agency(), history, INFO, day)
    assert VettingStatus.from_json(json.loads(json.dumps(status.to_json()))) == status
    card = scorecard(_agency(), history, INFO, day)
    assert Scorecard.from_json(json.loads(json.dumps(card.to_json()))) == card
    assert card.to_json()["rows"][0]["date"] == "2026-03-10"
    later = dt.date(2027, 6, 1)
    assert status.as_of(later).stale and not status.as_of(day).stale
    assert status.as_of(later) == agency_status(_agency(), history, INFO, later)
    moved = card.as_of(later)
    assert moved.today == later and moved.status.stale
    assert moved == scorecard(_agency(), history, INFO, later)


def test_standing_without_a_vetting_and_the_attention_order() -> None:
    day = dt.date(2026, 4, 1)
    none = agency_status(_agency("dawn"), [], INFO, day)
    assert (none.agency, none.outcome, none.stale, none.due) == (
        "dawn",
        Outcome.NOT_VETTED,
        False,
        None,
    )
    assert none.revet_months == 12 and none.vettings == 0
    assert agency_status(_agency("dawn", revet_months=6), [], INFO, day).revet_months == 6
    due = dt.date(2026, 1, 1)
    keys = {
        "stale ready": VettingStatus("a", Outcome.READY, True, None, due).attention_key(),
        "ready": VettingStatus("a", Outcome.READY, False, None, due).attention_key(),
        "stale verify": VettingStatus("a", Outcome.VERIFY, True, None, due).attention_key(),
        "verify": VettingStatus("a", Outcome.VERIFY, False, None, due).attention_key(),
        "not vetted": none.attention_key(),
    }
    assert keys == {
        "stale ready": (2, 0, due),
        "ready": (4, 1, due),
        "stale verify": (1, 0, due),
        "verify": (1, 1, due),
        "not vetted": (3, 1, dt.date.min),
    }
    assert score_strip({"csec-experience": 4}) == "4" + "U" * 10


def test_scorecard_rows_carry_the_vetting_they_come_from() -> None:
    from referral_cli.vetting.judge import scorecard

    card = scorecard(_agency(), [_vetting(ABUSE)], INFO, dt.date(2026, 4, 1))
    row = next(r for r in card.rows if r.factor == "professionalism")
    assert (row.assessor, row.date) == ("R. Alvarez, coordinator", dt.date(2026, 3, 10))
    assert row.hard_fail_texts[0].startswith("An active, substantiated abuse")
    assert row.hard_fails == ["substantiated-abuse-finding"] and row.score == 0
    assert [r.number for r in card.rows] == list(range(1, 12))
    empty = scorecard(_agency(), [], INFO, dt.date(2026, 4, 1))
    assert all(r.assessor is None and r.date is None and r.score == "U" for r in empty.rows)


def test_saved_vetting_keeps_text_as_written(tmp_path: Path) -> None:
    note = "Évaluée sur place; " + "a long note that goes on " * 8
    vetting = _vetting(CLEAN + f"note: {note}\n")
    text = save_vetting(tmp_path, vetting).read_text(encoding="utf-8")
    assert "Évaluée" in text  # readable, not \\xC9 escapes
    assert yaml.safe_load(text)["note"] == note.strip()


def test_history_first_entry_has_no_changes_and_the_standing_is_the_latest(
    run: Run, catalog: Path
) -> None:
    folder = catalog / "vettings"
    folder.mkdir()
    weak = CLEAN.replace("confidentiality: {score: 3", "confidentiality: {score: 2")
    for name, text in (("01-10", weak), ("03-10", ABUSE)):
        (folder / f"harbor--2026-{name}.yaml").write_text(text)
    raw = run("vet", "harbor", "--history", "-f", "json", "--data", str(catalog)).output
    data = json.loads(raw)
    assert data["entries"][0]["changes"] == []
    assert data["entries"][0]["verify_factors"] == ["confidentiality"]
    assert data["entries"][1]["hard_fails"] == ["substantiated-abuse-finding"]
    assert data["status"]["outcome"] == "do-not-refer" and data["status"]["vettings"] == 2


def test_partner_list_service_filter_skips_only_agencies_without_it() -> None:
    shelter_only = _agency("aaa", services=["housing-emergency"])
    agencies = [_agency("zed", services=["food"]), shelter_only, _agency("bee")]
    day = dt.date(2026, 4, 1)
    food = partner_list(agencies, {}, INFO, day, service="food")
    assert sorted(r.agency for r in food.rows) == ["bee", "zed"]


def test_choices_skip_none_markers_but_keep_going() -> None:
    allowed = ["phone", "documents"]
    assert parse_choices("none, phone", allowed, "method") == ["phone"]
    assert parse_choices(["-", "documents"], allowed, "method") == ["documents"]


def test_answers_file_trigger_and_notes_are_kept(run: Run, catalog: Path, tmp_path: Path) -> None:
    answers: dict[str, object] = {f"{f.id}.score": "U" for f in rubric().factors}
    answers |= {
        "professionalism.score": 2,
        "professionalism.note": "Says supervision is weekly.",
        "professionalism.hard-fail.substantiated-abuse-finding": False,
        "assessor": "Script",
        "date": "2026-11-20",
        "method": "documents",
        "trigger": "incident",
        "note": "After the March report.",
        "save": True,
    }
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    args = ("vet", "dawn", "--record", "--no-input", "--answers", str(path))
    result = run(*args, "--data", str(catalog))
    assert result.exit_code == 0, result.output
    saved = load_catalog(catalog).vettings_of("dawn")[0]
    assert (saved.trigger, saved.note) == ("incident", "After the March report.")
    assert saved.factors["professionalism"].note == "Says supervision is weekly."
    answers["professionalism.hard-fail.substantiated-abuse-finding"] = True
    path.write_text(yaml.safe_dump(answers))
    result = run(*args, "--data", str(catalog))
    assert result.exit_code == 0, result.output
    latest = load_catalog(catalog).vettings_of("dawn")[-1]
    assert latest.factors["professionalism"].hard_fails == ["substantiated-abuse-finding"]


def test_standing_edges_for_views() -> None:
    from referral_cli.vetting.judge import hard_fail_text

    day = dt.date(2026, 4, 1)
    status = agency_status(_agency(), [_vetting(CLEAN)], INFO, day)
    assert status.due is not None
    assert not status.as_of(status.due).stale and status.as_of(status.due).due == status.due
    none = agency_status(_agency(), [], INFO, day)
    assert VettingStatus.from_json(json.loads(json.dumps(none.to_json()))) == none
    assert (
        rubric().number("csec-experience") == 1 and rubric().number("location-accessibility") == 11
    )
    text = hard_fail_text("substantiated-abuse-finding", with_id=True)
    assert text.endswith(" (substantiated-abuse-finding)") and text.startswith("Professionalism: ")
    assert hard_fail_text("no-such-id") == "no-such-id"
