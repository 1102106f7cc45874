"""`referral vet` and `referral vettings` as a coordinator uses them."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from pydantic import TypeAdapter
from typer.testing import Result

from referral_cli.vetting.history import VettingHistory
from referral_cli.vetting.judge import PartnerList
from referral_cli.vetting.rubric import rubric
from referral_cli.vetting.rules import load_catalog
from referral_cli.vetting.standing import Scorecard
from tests.helpers import AGENCIES_HEAD, agency, write_catalog

Run = Callable[..., Result]
TODAY = "2026-11-23"
SNAPSHOTS = Path(__file__).parent / "snapshots"

AGENCIES = (
    "# Hand-edited by the coordinator. Keep this comment!\n"
    + AGENCIES_HEAD
    + agency("harbor", "Harbor House")
    + "    # shelter: re-vet twice a year after the 2025 incident\n"
    + "    revet_months: 6\n"
    + agency("north-clinic", "North | Clinic <b>")
    + agency("fresh-start", "Fresh Start")
)

OLD_VETTING = """\
agency: harbor
date: 2025-12-01
assessor: R. Alvarez, coordinator
method: [phone]
trigger: initial
factors:
  csec-experience: {score: 3, evidence: [training-records]}
  confidentiality: {score: 2, evidence: [self-report], note: "Says files are locked | <script>"}
  informed-consent: {score: 3, evidence: [written-policy]}
  premises-security: {score: 4, evidence: [site-visit]}
  non-discrimination: {score: 3, evidence: [written-policy]}
note: Verify confidentiality before referral.
"""

FAILED_VETTING = """\
agency: north-clinic
date: 2026-10-01
assessor: R. Alvarez, coordinator
method: [site-visit]
factors:
  informed-consent:
    score: 0
    evidence: [site-visit]
    note: Intake form says "we share with any and all partners".
    hard_fails: [blanket-or-open-ended-release]
"""


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)
    return write_catalog(
        tmp_path / "data",
        agencies=AGENCIES,
        vettings={
            "harbor--2025-12-01.yaml": OLD_VETTING,
            "north-clinic--2026-10-01.yaml": FAILED_VETTING,
        },
    )


def interview_input(
    score: str = "3", evidence: str = "2", assessor: str = "Dana K., lead", save: str = ""
) -> str:
    """Keys a coordinator types: every factor the same score, no hard fails, then the footer."""
    lines: list[str] = []
    for factor in rubric().factors:
        lines += [score, evidence] if score != "U" else [score]
        lines += [""] * len(factor.hard_fails)  # "Hard fail observed?" -> default no
        lines.append("")  # note
    lines += [assessor, "", "site-visit, 2", "", "", save]  # date=today, method, trigger, note
    return "\n".join(lines) + "\n"


def vetting_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "vettings").glob("*.yaml"))


# --- showing a scorecard ------------------------------------------------------------------


def test_scorecard_shows_every_factor_outcome_and_stale_due_date(run: Run, catalog: Path) -> None:
    result = run("vet", "harbor", "--data", str(catalog))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Harbor House (harbor)" in out
    assert "VERIFY BEFORE REFERRAL: Confidentiality" in out
    assert "STALE: re-vetting was due 2026-06-01" in out  # 6 months after 2025-12-01
    for factor in rubric().factors:
        assert factor.label in out
    assert "Says files are locked | <script>" in out


def test_scorecard_snapshot(run: Run, catalog: Path) -> None:
    result = run("vet", "harbor", "--data", str(catalog))
    assert result.exit_code == 0
    snapshot = SNAPSHOTS / "vet_scorecard.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(result.output)
    assert result.output == snapshot.read_text()


def test_do_not_refer_names_the_hard_fail(run: Run, catalog: Path) -> None:
    result = run("vet", "north", "--data", str(catalog))
    assert result.exit_code == 0
    assert "DO NOT REFER: hard fail Informed consent: Uses blanket" in result.output
    assert "Contrary evidence (score 0): Informed consent" in result.output


def test_not_vetted_says_how_to_vet(run: Run, catalog: Path) -> None:
    result = run("vet", "fresh-start", "--data", str(catalog))
    assert result.exit_code == 0
    assert "NOT VETTED" in result.output
    assert "vet fresh-start --record" in result.output


def test_unknown_agency_and_conflicting_flags_are_plain_errors(run: Run, catalog: Path) -> None:
    result = run("vet", "nowhere", "--data", str(catalog))
    assert result.exit_code == 1
    assert "Error: No agency called 'nowhere'" in result.output
    both = run("vet", "harbor", "--history", "--blank", "--data", str(catalog))
    assert both.exit_code == 1
    assert "Use one of --history, --blank at a time" in both.output
    stray = run("vet", "harbor", "--yes", "--data", str(catalog))
    assert stray.exit_code == 1 and "only apply with --record" in stray.output


# --- recording a vetting --------------------------------------------------------------------


def test_interview_records_a_new_vetting_and_keeps_history(run: Run, catalog: Path) -> None:
    agencies_before = (catalog / "agencies.yaml").read_bytes()
    old_before = (catalog / "vettings" / "harbor--2025-12-01.yaml").read_bytes()
    result = run("vet", "harbor", "--record", "--data", str(catalog), input=interview_input())
    assert result.exit_code == 0, result.output
    assert "1/11  Awareness of and experience with commercial sexual exploitation" in result.output
    assert "Last time (2025-12-01): 2 (self-report)" in result.output
    assert "READY TO REFER" in result.output  # the preview before saving
    assert "Saved " in result.output
    assert vetting_files(catalog) == [
        "harbor--2025-12-01.yaml",
        "harbor--2026-11-23.yaml",
        "north-clinic--2026-10-01.yaml",
    ]
    assert (catalog / "agencies.yaml").read_bytes() == agencies_before
    assert (catalog / "vettings" / "harbor--2025-12-01.yaml").read_bytes() == old_before
    new_file = catalog / "vettings" / "harbor--2026-11-23.yaml"
    assert oct(new_file.stat().st_mode & 0o777) == "0o644"
    history = load_catalog(catalog).vettings_of("harbor")
    assert [v.date.isoformat() for v in history] == ["2025-12-01", TODAY]
    assert history[-1].assessor == "Dana K., lead"
    assert history[-1].method == ["site-visit", "documents"]
    assert history[-1].trigger == "annual"
    shown = run("vet", "harbor", "--data", str(catalog))
    assert "READY TO REFER" in shown.output and "STALE" not in shown.output
    assert "Re-vetting due: 2027-05-23 (every 6 months)" in shown.output


def test_interview_re_asks_a_bad_score_and_evidence_too_thin(run: Run, catalog: Path) -> None:
    keys = interview_input()
    # First factor: "7" is not a score; then 4 with only a written policy is too thin.
    keys = "7\n4\n2\n" + keys
    result = run("vet", "fresh-start", "--record", "--data", str(catalog), input=keys)
    assert result.exit_code == 0, result.output
    assert "'7' is not a score" in result.output
    assert "A score of 4 needs evidence such as site-visit" in result.output
    saved = load_catalog(catalog).vettings_of("fresh-start")[0]
    assert saved.factors["csec-experience"].score == 3
    assert saved.trigger == "initial"


def test_ctrl_c_or_eof_mid_interview_writes_nothing(run: Run, catalog: Path) -> None:
    before = vetting_files(catalog)
    result = run("vet", "harbor", "--record", "--data", str(catalog), input="3\n2\n\n\n4\n")
    assert result.exit_code == 1
    assert "Aborted" in result.output
    assert vetting_files(catalog) == before


def test_declining_to_save_writes_nothing(run: Run, catalog: Path) -> None:
    keys = interview_input(save="n")
    result = run("vet", "harbor", "--record", "--data", str(catalog), input=keys)
    assert result.exit_code == 0, result.output
    assert "Nothing was saved." in result.output
    assert len(vetting_files(catalog)) == 2


def answers_file(tmp_path: Path, **extra: object) -> Path:
    answers: dict[str, object] = {f"{f.id}.score": "U" for f in rubric().factors}
    answers |= {
        "confidentiality": {"score": 3, "evidence": ["written-policy"]},
        "informed-consent.score": 0,
        "informed-consent.evidence": "site-visit",
        "informed-consent.hard_fails": ["release-required-for-service"],
        "informed-consent.note": "Release is a condition of intake.",
        "assessor": "Script Runner",
        "date": "2026-11-20",
        "method": ["documents"],
        "save": True,
    }
    answers |= extra
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, sort_keys=False))
    return path


def test_answers_file_records_without_asking(run: Run, catalog: Path, tmp_path: Path) -> None:
    path = answers_file(tmp_path)
    args = ("vet", "fresh-start", "--record", "--no-input", "--answers", str(path))
    result = run(*args, "--data", str(catalog))
    assert result.exit_code == 0, result.output
    assert "DO NOT REFER" in result.output
    saved = load_catalog(catalog).vettings_of("fresh-start")
    assert len(saved) == 1
    assert saved[0].factors["informed-consent"].hard_fails == ["release-required-for-service"]
    # The same day again: a second file, never an overwrite.
    again = run(*args, "--data", str(catalog))
    assert again.exit_code == 0, again.output
    assert "fresh-start--2026-11-20-2.yaml" in vetting_files(catalog)
    assert len(load_catalog(catalog).vettings_of("fresh-start")) == 2


def test_no_input_fails_clearly_on_a_missing_or_bad_answer(
    run: Run, catalog: Path, tmp_path: Path
) -> None:
    path = answers_file(tmp_path)
    data = yaml.safe_load(path.read_text())
    del data["lgbtq-services.score"]
    path.write_text(yaml.safe_dump(data))
    before = vetting_files(catalog)
    args = ("vet", "fresh-start", "--record", "--no-input", "--answers", str(path))
    result = run(*args, "--data", str(catalog))
    assert result.exit_code == 1
    assert "no answer for 'lgbtq-services.score'" in result.output
    bad = answers_file(tmp_path, **{"informed-consent.hard_fails": ["lgbtq-identity-correction"]})
    result = run(
        "vet",
        "fresh-start",
        "--record",
        "--no-input",
        "--answers",
        str(bad),
        "--data",
        str(catalog),
    )
    assert result.exit_code == 1
    assert (
        "'lgbtq-identity-correction' is not a known hard fail of informed-consent" in result.output
    )
    future = answers_file(tmp_path, date="2027-01-01")
    result = run(
        "vet",
        "fresh-start",
        "--record",
        "--no-input",
        "--answers",
        str(future),
        "--data",
        str(catalog),
    )
    assert result.exit_code == 1 and "is in the future" in result.output
    assert vetting_files(catalog) == before


# --- history and exports ---------------------------------------------------------------------


def test_history_shows_what_changed(run: Run, catalog: Path) -> None:
    run("vet", "harbor", "--record", "--data", str(catalog), input=interview_input())
    result = run("vet", "harbor", "--history", "--data", str(catalog))
    assert result.exit_code == 0, result.output
    assert "2025-12-01" in result.output and TODAY in result.output
    assert "Outcome: verify before referral -> ready to refer" in result.output
    assert "Confidentiality: score 2 -> 3; evidence added: written-policy" in result.output
    raw = run("vet", "harbor", "--history", "-f", "json", "--data", str(catalog)).output
    hist = VettingHistory.model_validate_json(raw)
    assert [e.outcome.value for e in hist.entries] == ["verify", "ready"]
    md = run("vet", "harbor", "--history", "-f", "markdown", "--data", str(catalog)).output
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    assert any(t.type == "table_open" for t in tokens)


def test_scorecard_json_validates_back(run: Run, catalog: Path) -> None:
    result = run("vet", "north", "--format", "json", "--data", str(catalog))
    assert result.exit_code == 0
    card = TypeAdapter(Scorecard).validate_json(result.output)
    assert card.status.outcome.value == "do-not-refer"
    assert card.status.hard_fails == ["blanket-or-open-ended-release"]
    assert card.rows[0].factor == "csec-experience" and len(card.rows) == 11


def test_scorecard_markdown_renders_and_escapes_catalog_text(
    run: Run, catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "case" / "harbor.md"
    result = run("vet", "harbor", "-f", "markdown", "-o", str(out), "--data", str(catalog))
    assert result.exit_code == 0
    text = out.read_text()
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert not [t for t in tokens if t.type == "html_block"]
    inline = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in inline if c.type == "html_inline"]
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 12  # header + eleven factors
    cells = [c.content for c in inline if c.type == "text"]
    assert "Says files are locked | <script>" in "".join(cells)


def test_blank_worksheet_lists_every_question(run: Run, catalog: Path) -> None:
    result = run("vet", "north", "--blank", "--format", "markdown", "--data", str(catalog))
    assert result.exit_code == 0
    md = result.output
    tokens = MarkdownIt("commonmark").parse(md)
    headings = [
        "".join(c.content for c in tokens[i + 1].children or [])
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
    assert headings[0] == "Vetting worksheet: North | Clinic <b>"
    assert len(headings) == 12
    for factor in rubric().factors:
        assert " ".join(factor.question.split()) in md
    assert "- [ ] Site visit" in md
    assert not [c for t in tokens if t.children for c in t.children if c.type == "html_inline"]
    generic = run("vet", "--blank")
    assert generic.exit_code == 0 and "Vetting worksheet: new agency" in generic.output


# --- the partner list ------------------------------------------------------------------------


def test_vettings_lists_attention_first_with_filters(run: Run, catalog: Path) -> None:
    result = run("vettings", "--data", str(catalog))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("North | Clinic") < out.index("Harbor House") < out.index("Fresh Start")
    assert "verify STALE" in out
    raw = run("vettings", "-f", "json", "--outcome", "do-not-refer", "--data", str(catalog))
    partners = PartnerList.model_validate_json(raw.output)
    assert [r.agency for r in partners.rows] == ["north-clinic"]
    stale = json.loads(run("vettings", "-f", "json", "--stale", "--data", str(catalog)).output)
    assert [r["agency"] for r in stale["rows"]] == ["harbor"]
    by_service = run("vettings", "--service", "food", "--data", str(catalog))
    assert by_service.exit_code == 0 and "3 agencies" in by_service.output
    md = run("vettings", "-f", "markdown", "--data", str(catalog)).output
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    assert len([t for t in tokens if t.type == "tr_open"]) == 4


def test_shipped_catalog_partner_list_and_scorecards(run: Run) -> None:
    result = run("vettings", "--today", TODAY)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "do-not-refer" in line]
    assert lines, "the shipped catalog has an agency not to refer to"
    rows = result.output.split(" -----", 1)[1].splitlines()[1:]
    assert "do-not-refer" in rows[0]
    card = run("vet", "alder-county-youth-harbor", "-f", "markdown", "--today", TODAY)
    assert card.exit_code == 0 and "READY TO REFER" in card.output
