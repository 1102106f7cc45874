"""An edit that leaves an agency's standing as it was keeps the cached standing.

The first `show` after a coordinator fixes an agency's phone or description need not load the
rubric to judge the agency again: nothing its standing reads has changed. An edit of what a
standing does read (the name, the re-vet interval, a vetting) is judged afresh. Either way the
warm `vet` prints what a full read of the catalog prints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from typer.testing import Result

from referral_cli.catalog import cachekey, layout
from referral_cli.catalog import load as catalog_load
from referral_cli.vetting import quick
from referral_cli.vetting.judge import scorecard
from referral_cli.vetting.rules import RULES, load_catalog
from referral_cli.vetting.standing import Scorecard

Run = Callable[..., Result]
HARBOR = "alder-county-youth-harbor"  # vetted on 2026-03-18
HARBOR_FILE = f"agencies/{HARBOR}.yaml"
HARBOR_VETTING = f"vettings/{HARBOR}--2026-03-18.yaml"
DESCRIPTION = ("Emergency shelter for minors", "Emergency shelter for young people")
NAME = ("name: Alder County Youth Harbor", "name: Alder Youth Harbor")
SECTOR = "sector: runaway-homeless-youth\n"
REVET = (f"    {SECTOR}", f"    {SECTOR}    revet_months: 3\n")  # in agencies.yaml's list
REVET_OWN = (SECTOR, f"{SECTOR}revet_months: 3\n")  # in the agency's own file


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the vetting rules are loaded to judge an edit; a full re-read fails."""
    calls: list[str] = []

    def rules() -> object:
        calls.append("rules")
        return RULES

    def whole(*args: object) -> object:
        raise AssertionError("the whole catalog was parsed again")

    monkeypatch.setattr(quick, "_rules", rules)
    monkeypatch.setattr(catalog_load, "check_catalog", whole)
    return calls


@pytest.fixture
def cached(
    data_copy: Path, run: Run, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """The shipped catalog, cached: as shipped (one agencies.yaml, as old as the checkout) or
    split into one file per agency (`request.param`)."""
    if request.param == "files":
        monkeypatch.setattr(cachekey, "RACY_NS", 0)  # split has just written every file
        layout.split(data_copy)
    assert run("agencies", "--data", str(data_copy)).exit_code == 0
    return data_copy


def edit(path: Path, change: tuple[str, str]) -> None:
    text = path.read_text()
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1))


def standing(root: Path) -> str:
    with sqlite3.connect(cachekey.cache_path(root)) as db:
        (card,) = db.execute(
            "SELECT scorecard FROM standing WHERE agency = ?", (HARBOR,)
        ).fetchone()
    db.close()
    return str(card)


def vet_as_a_full_read_prints(root: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.undo()  # the real loader, into a cache of its own
    monkeypatch.setenv("REFERRAL_CACHE", str(root.parent / "another-cache"))
    result = run("vet", HARBOR, "--data", str(root))
    assert result.exit_code == 0
    return result.output


@pytest.mark.parametrize(
    ("cached", "where", "change", "judged"),
    [
        ("single", "agencies.yaml", DESCRIPTION, False),
        ("single", "agencies.yaml", NAME, True),
        ("single", "agencies.yaml", REVET, True),
        ("files", HARBOR_FILE, DESCRIPTION, False),
        ("files", HARBOR_FILE, NAME, True),
        ("files", HARBOR_FILE, REVET_OWN, True),
        ("files", HARBOR_VETTING, ("Licensed shelter;", "Licensed shelter, re-checked;"), True),
    ],
    indirect=["cached"],
)
def test_an_edit_is_judged_again_only_if_the_standing_reads_it(
    cached: Path,
    run: Run,
    loaded: list[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    change: tuple[str, str],
    judged: bool,
) -> None:
    before = standing(cached)
    edit(cached / where, change)
    warm = run("vet", HARBOR, "--data", str(cached))
    assert warm.exit_code == 0
    assert bool(loaded) is judged
    assert (standing(cached) == before) is not judged
    assert warm.output == vet_as_a_full_read_prints(cached, run, monkeypatch)


def test_a_standing_reads_only_what_the_cache_keeps_it_by(data_copy: Path) -> None:
    """Judged from those fields alone, every standing equals one judged from the whole agency."""
    catalog = load_catalog(data_copy)
    day = cachekey.Key(data_copy).built_day()
    as_json = TypeAdapter(Scorecard).dump_json
    kept = RULES.standings(catalog, day)
    assert HARBOR in kept
    for ident, found in kept.items():
        full = scorecard(catalog.agencies[ident], catalog.vettings[ident], catalog.info, day)
        assert found == (full.status.outcome, as_json(full))
