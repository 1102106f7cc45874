"""Issue #20: vetting and matching rest on evidence, as a task-force coordinator checks them.

Each crafted case of the issue is a test here: a hard fail stands until a later vetting
assesses its factor and says it is no longer observed; fit follows the vetting; dates are
checked; same-day conflicts resolve to caution; lists agree cold and warm.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from referral_cli.casefile.records import Need, YouthProfile
from referral_cli.catalog.models import Agency, CatalogInfo, Vetting
from referral_cli.session.matching import Candidate, rank
from referral_cli.vetting.judge import agency_status
from referral_cli.vetting.rubric import UNASSESSED, rubric
from referral_cli.vetting.rules import load_catalog
from tests.helpers import AGENCIES_HEAD, SERVICES, agency, write_catalog

Run = Callable[..., Result]
TODAY = "2026-11-23"

ALL_THREE = "\n".join(
    f"  {f}: {{score: 3, evidence: [written-policy]}}"
    for f in (
        "csec-experience",
        "professionalism",
        "non-discrimination",
        "cultural-sensitivity",
        "confidentiality",
        "informed-consent",
        "premises-security",
        "language-capacity",
        "trauma-informed-care",
        "location-accessibility",
    )
)

HOSTILE = f"""\
agency: new-dawn
date: 2026-07-15
assessor: R. Alvarez, coordinator
method: [site-visit]
factors:
{ALL_THREE}
  lgbtq-services:
    score: 0
    evidence: [site-visit]
    note: Staff told a trans youth to "pray it away".
    hard_fails: [lgbtq-identity-correction]
"""

UNASSESSED_AGAIN = f"""\
agency: new-dawn
date: 2026-10-01
assessor: R. Alvarez, coordinator
method: [phone]
trigger: annual
factors:
{ALL_THREE}
  lgbtq-services: {{score: U}}
"""

CLEARED = f"""\
agency: new-dawn
date: 2026-10-01
assessor: R. Alvarez, coordinator
method: [site-visit]
trigger: policy-change
factors:
{ALL_THREE}
  lgbtq-services:
    score: 3
    evidence: [written-policy, training-records]
    note: New director; affirming policy adopted and all staff trained in September.
    hard_fails_cleared: [lgbtq-identity-correction]
"""


def flat(text: str) -> str:
    """Output with the terminal's line wrapping undone."""
    return " ".join(text.split())


def catalog_with(tmp_path: Path, **vettings: str) -> Path:
    return write_catalog(
        tmp_path / "data",
        agencies=AGENCIES_HEAD + agency("new-dawn", "New Dawn Shelter"),
        vettings={f"new-dawn--{day}.yaml": text for day, text in vettings.items()},
    )


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)


# --- 1. not assessed never clears a hard fail ---------------------------------------------


def test_a_re_vet_leaving_the_factor_unassessed_keeps_the_hard_fail(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": UNASSESSED_AGAIN})
    card = run("vet", "new-dawn", "--data", str(root))
    assert "DO NOT REFER" in card.output
    assert "READY TO REFER" not in card.output
    assert "found 2026-07-15, not cleared since" in flat(card.output)
    history = run("vet", "new-dawn", "--history", "--data", str(root))
    assert "hard fail cleared" not in flat(history.output)
    assert "hard fail not cleared, still stands: lgbtq-identity-correction" in flat(history.output)
    listed = run("agencies", "--service", "housing-emergency", "--data", str(root))
    assert "New Dawn" not in listed.output
    assert "1 more held back: do not refer" in listed.output


def test_only_an_assessment_saying_no_longer_observed_clears_it(run: Run, tmp_path: Path) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": CLEARED})
    assert "READY TO REFER" in run("vet", "new-dawn", "--data", str(root)).output
    history = run("vet", "new-dawn", "--history", "--data", str(root))
    assert "hard fail no longer observed: lgbtq-identity-correction" in flat(history.output)


def test_clearing_without_assessing_the_factor_is_a_validation_error(
    run: Run, tmp_path: Path
) -> None:
    lazy = CLEARED.replace("score: 3\n    evidence: [written-policy, training-records]", "score: U")
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": lazy})
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert "a hard fail is cleared only by assessing the factor" in result.output


def revet_keys(lgbtq: list[str]) -> str:
    """Keys for an interactive re-vet: every factor 3 (written policy), no new hard fails;
    the LGBTQ factor gets the keys given."""
    lines: list[str] = []
    for factor in rubric().factors:
        if factor.id == "lgbtq-services":
            lines += lgbtq
            continue
        lines += ["3", "2"] + [""] * len(factor.hard_fails) + [""]
    lines += ["Dana K., lead", "", "site-visit", "", "", "y"]
    return "\n".join(lines) + "\n"


def test_re_vet_interview_shows_standing_hard_fails_first_and_enter_does_not_clear(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    # LGBTQ: score 3 with a policy; Enter on "Still observed?" is refused, then "y"; a note.
    keys = revet_keys(["3", "2", "", "y", "Still no affirming practice on the visit."])
    result = run("vet", "new-dawn", "--record", "--data", str(root), input=keys)
    assert result.exit_code == 0, result.output
    out = result.output
    standing = out.index("Standing hard fails")
    assert standing < out.index("1/11")
    assert "! LGBTQ services: Tries to change" in out
    assert "Still observed?" in out
    assert "Answer y or n" in out or "answer y or n" in out.lower()
    saved = load_catalog(root).vettings_of("new-dawn")[-1]
    assert saved.factors["lgbtq-services"].hard_fails == ["lgbtq-identity-correction"]
    assert "DO NOT REFER" in run("vet", "new-dawn", "--data", str(root)).output


def test_re_vet_interview_with_u_keeps_the_hard_fail_and_does_not_ask(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    result = run("vet", "new-dawn", "--record", "--data", str(root), input=revet_keys(["U", ""]))
    assert result.exit_code == 0, result.output
    assert "the standing hard fail stays" in result.output
    assert "DO NOT REFER" in run("vet", "new-dawn", "--data", str(root)).output


def test_re_vet_interview_clears_on_an_explicit_no_with_evidence_and_note(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    keys = revet_keys(["3", "2", "n", "New policy; all staff trained in September."])
    result = run("vet", "new-dawn", "--record", "--data", str(root), input=keys)
    assert result.exit_code == 0, result.output
    saved = load_catalog(root).vettings_of("new-dawn")[-1]
    assert saved.factors["lgbtq-services"].hard_fails_cleared == ["lgbtq-identity-correction"]
    assert "READY TO REFER" in run("vet", "new-dawn", "--data", str(root)).output


# --- 4. dates: never in the future, and the file name agrees ------------------------------


def test_a_future_dated_vetting_is_a_validation_error_everywhere(run: Run, tmp_path: Path) -> None:
    future = CLEARED.replace("date: 2026-10-01", "date: 2027-06-01")
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2027-06-01": future})
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert "2027-06-01 is in the future (today is 2026-11-23)" in flat(result.output)
    for command in (["vet", "new-dawn"], ["consultations"]):
        shown = run(*command, "--data", str(root))
        assert shown.exit_code == 1
        assert "READY" not in shown.output and "2028-06-01" not in shown.output


def test_setting_the_clock_back_does_not_let_a_cached_future_vetting_through(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE, "2026-10-01": CLEARED})
    assert run("vet", "new-dawn", "--data", str(root)).exit_code == 0  # cached, warm next
    monkeypatch.setenv("REFERRAL_TODAY", "2026-09-01")
    for command in (["vet", "new-dawn"], ["show", "new-dawn"], ["agencies", "--service", "food"]):
        result = run(*command, "--data", str(root))
        assert result.exit_code == 1, command
        assert "2026-10-01 is in the future" in flat(result.output)


def test_a_file_name_whose_date_disagrees_is_a_validation_error(run: Run, tmp_path: Path) -> None:
    root = catalog_with(tmp_path, **{"2025-01-01": CLEARED.replace("2026-10-01", "2026-08-15")})
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert "is 2026-08-15 but the file name says 2025-01-01" in flat(result.output)
    assert "name the file new-dawn--2026-08-15.yaml" in flat(result.output)


# --- 7. two vettings on one day: the more cautious counts, and says so ----------------------

CLEAN = CLEARED.replace("    hard_fails_cleared: [lgbtq-identity-correction]\n", "")


@pytest.mark.parametrize("order", ["hard fail first", "clean first"])
def test_same_day_conflict_resolves_to_the_more_cautious_outcome(
    run: Run, tmp_path: Path, order: str
) -> None:
    hostile = HOSTILE.replace("2026-07-15", "2026-10-01")
    first, second = (hostile, CLEAN) if order == "hard fail first" else (CLEAN, hostile)
    root = write_catalog(
        tmp_path / "data",
        agencies=AGENCIES_HEAD + agency("new-dawn", "New Dawn Shelter"),
        vettings={"new-dawn--2026-10-01.yaml": first, "new-dawn--2026-10-01-2.yaml": second},
    )
    result = flat(run("vet", "new-dawn", "--data", str(root)).output)
    assert "DO NOT REFER" in result
    assert "2 vettings on 2026-10-01 disagree; the more cautious one counts: do not refer" in result
    markdown = run("vet", "new-dawn", "--format", "markdown", "--data", str(root)).output
    assert "disagree" in markdown


def test_same_day_verify_and_ready_resolve_to_verify(run: Run, tmp_path: Path) -> None:
    weak = CLEAN.replace(
        "  confidentiality: {score: 3, evidence: [written-policy]}",
        "  confidentiality: {score: 0, evidence: [site-visit], note: shares files}",
    )
    root = write_catalog(
        tmp_path / "data",
        agencies=AGENCIES_HEAD + agency("new-dawn", "New Dawn Shelter"),
        vettings={"new-dawn--2026-10-01.yaml": weak, "new-dawn--2026-10-01-2.yaml": CLEAN},
    )
    result = flat(run("vet", "new-dawn", "--data", str(root)).output)
    assert "VERIFY BEFORE REFERRAL: Confidentiality (contrary evidence)" in result
    assert "the more cautious one counts: verify before referral" in result


# --- 3, 5, 6, 9: fit follows the vetting; non-fits never the default; the order explained ---

SERVICES_FA = SERVICES.replace("  es: Spanish\n", "  es: Spanish\n  fa: Persian (Farsi/Dari)\n")


def listing(ident: str, name: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(agency(ident, name))[0]
    for key, value in changes.items():
        if isinstance(value, dict):
            data[key] = {**data.get(key, {}), **value}
        else:
            data[key] = value
    return data


def vetting_of(ident: str, **factors: dict[str, Any]) -> str:
    """A vetting of every factor 3 (written policy), with the factors given replaced."""
    scored: dict[str, Any] = {
        f.id: {"score": 3, "evidence": ["written-policy"]} for f in rubric().factors
    }
    scored.update(factors)
    return yaml.safe_dump(
        {
            "agency": ident,
            "date": "2026-10-01",
            "assessor": "R. Alvarez",
            "method": ["site-visit"],
            "factors": scored,
        }
    )


HOSTILE_LGBTQ = {"score": 0, "evidence": ["site-visit"], "note": "hostile to LGBTQ youth"}


@pytest.fixture
def fit_catalog(tmp_path: Path) -> Path:
    agencies = [
        listing("hostile", "Hostile Haven", languages=["en", "es", "fa"]),  # says affirming
        listing("plain", "Plain Shelter"),  # says affirming, not vetted
        listing(
            "adults",
            "Harborlight Domestic Violence Shelter",
            populations={"age_min": 18, "age_max": None},
        ),
        listing("girls", "Rose House", populations={"genders": ["female"]}),
    ]
    head = yaml.safe_load(AGENCIES_HEAD)
    head["agencies"] = agencies
    return write_catalog(
        tmp_path / "data",
        services=SERVICES_FA,
        agencies=yaml.safe_dump(head, sort_keys=False),
        vettings={
            "hostile--2026-10-01.yaml": vetting_of(
                "hostile",
                **{
                    "lgbtq-services": HOSTILE_LGBTQ,
                    "language-capacity": {"score": 1, "evidence": [], "note": "English only"},
                    "confidentiality": {"score": 0, "evidence": ["site-visit"], "note": "x"},
                },
            ),
            "adults--2026-10-01.yaml": vetting_of("adults"),
            "girls--2026-10-01.yaml": vetting_of("girls"),
        },
    )


def candidates(root: Path, profile: YouthProfile) -> list[Candidate]:
    catalog = load_catalog(root)
    need = Need(service="housing-emergency", label="Emergency shelter", form="emergency")
    statuses = {
        a.id: agency_status(a, catalog.vettings_of(a.id), catalog.info, dt.date(2026, 11, 23))
        for a in catalog.agencies.values()
    }
    return rank(catalog.agencies.values(), need, profile, statuses)


def default_pick(found: list[Candidate]) -> str | None:
    """The flow's rule: the first candidate is the default only when it carries no mark."""
    return found[0].agency.id if found and not found[0].marks else None


def test_lgbtq_fit_follows_the_vetting_not_the_agency_flag(fit_catalog: Path) -> None:
    found = candidates(fit_catalog, YouthProfile(gender="transgender", fit=["lgbtq-affirming"]))
    hostile = next(c for c in found if c.agency.id == "hostile")
    assert "NOT AFFIRMING" in hostile.marks
    assert any(
        r.startswith("- not LGBTQ-affirming (vetting scored LGBTQ services 0 (contrary evidence))")
        for r in hostile.reasons
    )
    assert default_pick(found) != "hostile"
    plain = next(c for c in found if c.agency.id == "plain")
    assert "+ LGBTQ-affirming (agency's own listing, not vetted)" in plain.reasons


def test_agencies_lgbtq_language_and_gaps_follow_the_vetting(run: Run, fit_catalog: Path) -> None:
    lgbtq = run("agencies", "--lgbtq", "--data", str(fit_catalog)).output
    assert "Hostile Haven" not in lgbtq and "Plain Shelter" in lgbtq
    spanish = run("agencies", "--language", "es", "--data", str(fit_catalog)).output
    assert "Hostile Haven" not in spanish  # lists Spanish; the vetting found English only
    report = json.loads(
        run("gaps", "--lgbtq", "--format", "json", "--data", str(fit_catalog)).output
    )
    shelter = next(n for n in report["needs"] if n["service"] == "housing-emergency")
    assert (
        shelter["offered"] == 3
    )  # plain, adults, girls (all say affirming; hostile does not count)
    shown = flat(run("show", "hostile", "--data", str(fit_catalog)).output)
    assert "NOT confirmed: the agency says affirming, but vetting scored LGBTQ services 0" in shown


def test_a_zero_is_shown_as_contrary_evidence_wherever_verify_is(
    run: Run, fit_catalog: Path
) -> None:
    found = candidates(fit_catalog, YouthProfile())
    hostile = next(c for c in found if c.agency.id == "hostile")
    assert "verify before referral: Confidentiality (contrary evidence)" in hostile.reasons
    for command in (["show", "hostile"], ["agencies"], ["agencies", "--service", "food"]):
        for _ in range(2):  # cold, then warm
            out = flat(run(*command, "--data", str(fit_catalog)).output)
            assert "Confidentiality (contrary evidence)" in out, command


def test_an_adults_only_place_is_never_the_default_for_a_minor_and_shown_when_age_unknown(
    fit_catalog: Path,
) -> None:
    found = candidates(fit_catalog, YouthProfile(age=14))
    adults = next(c for c in found if c.agency.id == "adults")
    assert "DOES NOT FIT" in adults.marks and "- serves ages 18+ only" in adults.reasons
    assert default_pick(found) not in ("adults", "hostile")
    unknown = candidates(fit_catalog, YouthProfile())
    adults = next(c for c in unknown if c.agency.id == "adults")
    assert "? serves ages 18+ only (the youth's age was not given)" in adults.reasons
    assert "CHECK AGE" in adults.marks


@pytest.mark.parametrize("gender", ["transgender", "nonbinary", "male"])
def test_gender_rules_say_what_the_agency_serves_and_never_infer_from_affirming(
    fit_catalog: Path, gender: str
) -> None:
    found = candidates(fit_catalog, YouthProfile(gender=gender, age=15))
    girls = next(c for c in found if c.agency.id == "girls")  # LGBTQ-affirming girls-only
    assert "CHECK GENDER" in girls.marks
    assert "- serves female only: ask whether it serves this youth" in girls.reasons
    assert default_pick(found) != "girls"


def test_a_language_mismatch_is_never_the_default_and_ranking_is_standing_first(
    fit_catalog: Path,
) -> None:
    found = candidates(fit_catalog, YouthProfile(language="fa", age=15))
    order = [c.agency.id for c in found]
    # ready agencies (by fit) before the verify one, before the unvetted one
    assert order.index("hostile") > order.index("girls")
    assert order[-1] == "plain"
    tiers = [c.tier for c in found]
    assert tiers == sorted(tiers)
    assert all("DOES NOT FIT" in c.marks for c in found if c.agency.id != "hostile")
    assert default_pick(found) is None


def test_farsi_and_persian_both_find_the_language(run: Run, fit_catalog: Path) -> None:
    for typed in ("Farsi", "persian", "fa", "Persian (Farsi/Dari)"):
        result = run("agencies", "--language", typed, "--data", str(fit_catalog))
        assert result.exit_code == 0, (typed, result.output)
        assert "Plain Shelter" not in result.output  # it lists en, es only


# --- 8. one service listed twice -----------------------------------------------------------


def test_a_service_listed_twice_is_a_validation_error(run: Run, tmp_path: Path) -> None:
    twice = agency("harbor", "Harbor House").replace(
        "services: [housing-emergency, food]", "services: [housing-emergency, food, food]"
    )
    root = write_catalog(tmp_path / "data", agencies=AGENCIES_HEAD + twice)
    result = run("catalog", "validate", "--data", str(root))
    assert result.exit_code == 1
    assert "'food' is listed twice" in flat(result.output)


def test_gaps_text_table_has_a_do_not_refer_column(run: Run, tmp_path: Path) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    out = run("gaps", "--data", str(root)).output
    assert "do not refer" in out


# --- 2. standing re-checked when a case moves ---------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"
CHOSEN = "alder-county-youth-harbor"


def hard_fail_found(root: Path, day: str) -> None:
    """A new vetting of the chosen agency finds a hard fail (after the session chose it)."""
    old = root / "vettings" / f"{CHOSEN}--2026-03-18.yaml"
    data = yaml.safe_load(old.read_text())
    data["date"] = day
    data["trigger"] = "incident"
    data["factors"]["confidentiality"].update(
        score=0,
        note="Youth names entered in a shared database.",
        hard_fails=["identifying-data-in-shared-databases"],
    )
    (root / "vettings" / f"{CHOSEN}--{day}.yaml").write_text(yaml.safe_dump(data))


def test_followups_and_the_agency_copy_flag_a_standing_that_dropped(
    run: Run, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = run("start", "--answers", str(EXAMPLE), "--no-input", "--data", str(data_copy))
    assert started.exit_code == 0, started.output
    data = ["--data", str(data_copy)]
    before = run("followups", *data)
    assert "STANDING DROPPED" not in before.output
    assert run("summary", "AC-2041", "--for", CHOSEN, *data).exit_code == 0

    hard_fail_found(data_copy, "2026-11-24")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-25")
    after = flat(run("followups", *data).output)
    assert "STANDING DROPPED" in after
    assert "chosen as 'ready to refer', now do not refer: hard fail Confidentiality" in after
    rows = json.loads(run("followups", "--format", "json", *data).output)
    assert rows[0]["standing_dropped"].startswith("Alder County Youth Harbor: chosen as")

    worker = run("summary", "AC-2041", *data)
    assert worker.exit_code == 0  # the worker's own record is never blocked...
    assert "Warning: vetting standing dropped since chosen: Alder County Youth Harbor" in flat(
        worker.stderr
    )  # ...but it says the standing it shows is no longer today's
    stopped = run("summary", "AC-2041", "--for", CHOSEN, "-f", "markdown", *data)
    assert stopped.exit_code == 1
    assert "Vetting standing dropped since it was chosen" in flat(stopped.output)
    assert "Emergency shelter" not in stopped.output  # nothing exported
    went_on = run("summary", "AC-2041", "--for", CHOSEN, "--despite-standing", *data)
    assert went_on.exit_code == 0
    assert "Warning: vetting standing dropped" in flat(went_on.output)
    assert "Emergency shelter" in went_on.output


def test_standing_dropped_is_a_pure_comparison() -> None:
    from referral_cli.vetting.recheck import outcome_when_chosen, standing_dropped
    from referral_cli.vetting.standing import Outcome, VettingStatus

    def now(outcome: Outcome, stale: bool = False) -> VettingStatus:
        return VettingStatus("a", outcome, stale, None, None)

    assert outcome_when_chosen([]) is Outcome.READY
    assert outcome_when_chosen(["VERIFY", "STALE"]) is Outcome.VERIFY
    assert outcome_when_chosen(["NOT VETTED"]) is Outcome.NOT_VETTED
    assert standing_dropped("a", "A", Outcome.READY, now(Outcome.READY, stale=True)) is None
    assert standing_dropped("a", "A", Outcome.VERIFY, now(Outcome.READY)) is None
    assert standing_dropped("a", "A", Outcome.READY, now(Outcome.VERIFY)) is not None
    assert standing_dropped("a", "A", Outcome.VERIFY, now(Outcome.DO_NOT_REFER)) is not None
    gone = standing_dropped("a", "A", Outcome.READY, None)
    assert gone is not None and "cannot be re-checked" in gone.message


# --- properties over random vetting histories ----------------------------------------------

FACTORS = [f.id for f in rubric().factors]
HARD_FAILS = {f.id: [h.id for h in f.hard_fails] for f in rubric().factors if f.hard_fails}


@st.composite
def assessments(draw: st.DrawFn, factor: str) -> dict[str, Any] | None:
    """One factor of one vetting: missing, U, a score, a hard fail, or a clearing (complete
    or lacking its evidence or note)."""
    kind = draw(st.sampled_from(["missing", "U", "score", "hard fail", "clear"]))
    if kind == "missing":
        return None
    if kind == "U":
        return {"score": "U"}
    entry: dict[str, Any] = {
        "score": draw(st.sampled_from([0, 1, 2, 3, 4])),
        "evidence": draw(st.sampled_from([[], ["site-visit"]])),
        "note": draw(st.sampled_from(["", "seen on the visit"])),
    }
    known = HARD_FAILS.get(factor, [])
    if kind == "hard fail" and known:
        entry["hard_fails"] = [draw(st.sampled_from(known))]
    if kind == "clear" and known:
        entry["hard_fails_cleared"] = [draw(st.sampled_from(known))]
    return entry


@st.composite
def histories(draw: st.DrawFn) -> list[Vetting]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        factors = {}
        for factor in draw(st.lists(st.sampled_from(list(HARD_FAILS)), max_size=3, unique=True)):
            entry = draw(assessments(factor))
            if entry is not None:
                factors[factor] = entry
        day = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3)))
        out.append(
            Vetting.model_validate(
                {
                    "agency": "a",
                    "date": day,
                    "assessor": "R",
                    "method": ["phone"],
                    "factors": factors,
                }
            )
        )
    return out


def cleared_later(history: list[Vetting], hard_fail: str, factor: str, after: dt.date) -> bool:
    """Some vetting dated after `after` assessed the factor and said the hard fail is gone."""
    for vetting in history:
        a = vetting.factors.get(factor)
        if vetting.date <= after or a is None:
            continue
        assessed = a.score != "U" and bool(a.evidence) and bool(a.note)
        if assessed and hard_fail in a.hard_fails_cleared and hard_fail not in a.hard_fails:
            return True
    return False


@settings(max_examples=60, deadline=None)
@given(histories())
def test_a_hard_fail_not_assessed_away_is_never_ready(history: list[Vetting]) -> None:
    from referral_cli.vetting.standing import Outcome

    info = CatalogInfo(region="Test County")
    plain = Agency.model_validate(yaml.safe_load(agency("a", "A"))[0])
    result = agency_status(plain, history, info, dt.date(2026, 2, 1))
    for factor, known in HARD_FAILS.items():
        for hard_fail in known:
            found = [
                v.date for v in history if hard_fail in v.factors.get(factor, UNASSESSED).hard_fails
            ]
            if found and not cleared_later(history, hard_fail, factor, max(found)):
                assert result.outcome is Outcome.DO_NOT_REFER, (hard_fail, history)
                assert result.outcome is not Outcome.READY
    shuffled = agency_status(plain, list(reversed(history)), info, dt.date(2026, 2, 1))
    assert shuffled.outcome is result.outcome  # file order never decides


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, str]:
    """A small catalog: agencies offering random services, each with a random history."""
    head = yaml.safe_load(AGENCIES_HEAD)
    head["agencies"] = []
    vettings: dict[str, str] = {}
    for n in range(draw(st.integers(1, 4))):
        ident = f"agency-{n}"
        services = draw(
            st.lists(st.sampled_from(["food", "housing-emergency"]), min_size=1, unique=True)
        )
        head["agencies"].append(
            listing(
                ident,
                f"Agency {n}",
                services=services,
                populations={"lgbtq_affirming": draw(st.booleans())},
            )
        )
        for i, vetting in enumerate(draw(histories())):
            data = vetting.model_dump(mode="json")
            data["agency"] = ident
            for entry in data["factors"].values():  # keep the file valid under the rubric
                if entry["hard_fails"] or entry["hard_fails_cleared"] or entry["score"] == 0:
                    entry["note"] = entry["note"] or "noted"
                if entry["hard_fails_cleared"] and entry["score"] == "U":
                    entry["hard_fails_cleared"] = []
                if entry["hard_fails_cleared"] and not entry["evidence"]:
                    entry["evidence"] = ["site-visit"]
                if entry["score"] in (3, 4):
                    entry["evidence"] = ["site-visit"]
            suffix = f"-{i + 1}" if i else ""
            vettings[f"{ident}--{data['date']}{suffix}.yaml"] = yaml.safe_dump(data)
    return {"agencies.yaml": yaml.safe_dump(head, sort_keys=False), **vettings}


@settings(max_examples=8, deadline=None)
@given(catalogs())
def test_warm_and_cold_paths_agree_on_every_generated_catalog(files: dict[str, str]) -> None:
    import os
    import tempfile

    from typer.testing import CliRunner

    from referral_cli.cli import app

    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_catalog(
            Path(tmp) / "data",
            agencies=files.pop("agencies.yaml"),
            vettings=files,
        )
        for path in root.rglob("*"):  # old enough to be trusted by stat: the quick path
            os.utime(path, (1_700_000_000, 1_700_000_000))
        commands = [
            ["agencies", "--service", "food"],
            ["agencies", "--service", "housing-emergency"],
        ]
        commands += [[verb, "agency-0"] for verb in ("show", "vet")]
        for n, command in enumerate(commands):
            os.environ["REFERRAL_CACHE"] = f"{tmp}/cache-{n}"  # a fresh cache: cold first
            cold = runner.invoke(app, [*command, "--data", str(root)])
            warm = runner.invoke(app, [*command, "--data", str(root)])
            assert cold.exit_code == warm.exit_code == 0, cold.output
            assert cold.output == warm.output, command
        from referral_cli.vetting import quick

        os.environ["REFERRAL_CACHE"] = f"{tmp}/cache-0"
        assert quick.offering(root, "food", dt.date(2026, 11, 23), 0) is not None  # was warm


def test_an_answers_file_clears_a_hard_fail_only_with_the_explicit_key(
    run: Run, tmp_path: Path
) -> None:
    root = catalog_with(tmp_path, **{"2026-07-15": HOSTILE})
    answers: dict[str, Any] = {
        f"{f}.{k}": v for f in FACTORS for k, v in (("score", 3), ("evidence", ["written-policy"]))
    }
    answers |= {"assessor": "Dana K.", "method": ["site-visit"], "date": TODAY}
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text(yaml.safe_dump(answers))
    args = ["vet", "new-dawn", "--record", "--no-input", "--yes", "--data", str(root)]
    assert run(*args, "--answers", str(quiet)).exit_code == 0
    assert "DO NOT REFER" in run("vet", "new-dawn", "--data", str(root)).output
    (root / "vettings" / "new-dawn--2026-11-23.yaml").unlink()
    answers |= {
        "lgbtq-services.hard_fails_cleared": ["lgbtq-identity-correction"],
        "lgbtq-services.note": "Affirming policy and training since September.",
    }
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text(yaml.safe_dump(answers))
    assert run(*args, "--answers", str(explicit)).exit_code == 0
    assert "READY TO REFER" in run("vet", "new-dawn", "--data", str(root)).output


def test_resume_stops_at_a_standing_that_dropped_until_the_worker_decides(
    run: Run, data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from referral_cli.casefile.store import load_session

    answers = yaml.safe_load(EXAMPLE.read_text())
    answers["plan"] = {"continue": "no"}  # the in-room phase only; the calls come later
    first = tmp_path / "in-room.yaml"
    first.write_text(yaml.safe_dump(answers))
    data = ["--data", str(data_copy)]
    assert run("start", "--answers", str(first), "--no-input", *data).exit_code == 0
    before = load_session("AC-2041")
    assert not before.finished

    hard_fail_found(data_copy, "2026-11-24")
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-25")
    answers["resume"] = {"standing": {CHOSEN: "no"}}
    later = tmp_path / "later.yaml"
    later.write_text(yaml.safe_dump(answers))
    stopped = run("resume", "AC-2041", "--answers", str(later), "--no-input", *data)
    assert stopped.exit_code == 0, stopped.output
    out = flat(stopped.output)
    assert "Vetting standing dropped since it was chosen: Alder County Youth Harbor" in out
    assert "Paused, nothing changed" in out
    assert load_session("AC-2041").done == before.done  # no later step ran

    del answers["resume"]  # no answer: a fact the worker must give, never a default
    unanswered = tmp_path / "unanswered.yaml"
    unanswered.write_text(yaml.safe_dump(answers))
    refused = run("resume", "AC-2041", "--answers", str(unanswered), "--no-input", *data)
    assert refused.exit_code == 1
    assert "resume.standing.alder-county-youth-harbor" in flat(refused.output)
