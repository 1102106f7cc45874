"""The fast paths of a large HSDS import give what the plain ones gave (issue #17, point 7).

A JSON page (`{"contents": [...]}`) is read one organization at a time and its repeated
rows shared; CSV rows are read with csv.reader. Each must import exactly what reading the
document whole (or csv.DictReader) imported: same agencies, same review notes, same problems.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referral_cli.errors import ReferralError
from referral_cli.hsds.importer import import_hsds
from referral_cli.hsds.results import ImportResult
from referral_cli.render.import_review import md as review_md
from referral_cli.text import md

HSDS = Path(__file__).parent / "fixtures" / "hsds-3.0"
ORGANIZATION: dict[str, Any] = json.loads(
    (HSDS / "examples-json" / "organization_full.json").read_text()
)
SERVICE = ORGANIZATION["services"][0]


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-01")


def _imported(source: Path, **options: Any) -> ImportResult:
    return import_hsds(source, source.parent / "cat", dry_run=True, skip_invalid=True, **options)


def _seen(result: ImportResult, where: str = "") -> dict[str, Any]:
    """What a user sees of an import, with the JSON path prefix a page adds taken out."""

    def plain(value: Any) -> str:
        return str(value).replace(where, "") if where else str(value)

    return {
        "read": result.read_as,
        "agencies": [
            (a.agency.model_dump(), a.hsds_id, plain(a.where), a.review, a.assumed, a.services)
            for a in result.agencies
        ],
        "unmapped": [(u.name, plain(u.where), u.services) for u in result.unmapped_orgs],
        "problems": [plain(p) for p in result.problems],
        "warnings": [plain(w) for w in result.warnings],
        "notes": [plain(n) for n in result.notes],
        "skipped": [plain(s) for s in result.skipped_invalid],
        "languages": result.new_languages,
    }


def _two(folder: Path) -> tuple[Path, Path]:
    """Two files of one name (messages name the file), for a page and a list."""
    (folder / "page").mkdir()
    (folder / "list").mkdir()
    return folder / "page" / "organizations.json", folder / "list" / "organizations.json"


def _organization(n: int, service_name: str) -> dict[str, Any]:
    """The official example organization under its own id, with one more site and rows that
    repeat across organizations (the rows a page shares)."""
    org = json.loads(json.dumps(ORGANIZATION))
    org["id"] = f"org-{n}"
    org["name"] = f"Agency {n}"
    org["services"][0]["id"] = f"svc-{n}"
    org["services"][0]["name"] = service_name
    org["services"][0]["schedules"] = [
        {"id": f"sch-{n}-{d}", "service_id": f"svc-{n}", "byday": day, "opens_at": "09:00"}
        for d, day in enumerate(("MO", "TU", "WE"))
    ]
    org["services"][0]["languages"] = [
        {"id": f"lang-{n}-{k}", "service_id": f"svc-{n}", "name": name}
        for k, name in enumerate(("Spanish", "Urdu"))
    ]
    return org


def test_a_page_imports_what_the_same_organizations_read_whole_import(tmp_path: Path) -> None:
    orgs = [
        _organization(n, ["Food Pantry", "Youth Shelter", "Legal Clinic"][n % 3]) for n in range(6)
    ]
    page, whole = _two(tmp_path)
    page.write_text(json.dumps({"total_items": 6, "contents": orgs, "page_number": 1}))
    whole.write_text(json.dumps(orgs))  # a list, not a page: read whole
    read_as_page = _seen(_imported(page), "contents")
    assert read_as_page == _seen(_imported(whole))
    assert len(read_as_page["agencies"]) == 6
    agency = read_as_page["agencies"][4][0]
    assert agency["hours"]["regular"].startswith("Mon-Wed 09:00")
    assert {"es", "ur"} <= set(agency["languages"])


DAMAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(["", "MO", "09:00", "Spanish", "es", "x" * 20]),
    st.lists(st.sampled_from(["MO", 1]), max_size=2),
    st.dictionaries(st.sampled_from(["name", "id"]), st.sampled_from(["a", "MO"]), max_size=2),
)
FIELDS = st.sampled_from(
    ["id", "name", "code", "byday", "opens_at", "closes_at", "city", "x_referral", "amount"]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.lists(
        st.tuples(
            st.integers(0, 3), st.sampled_from(["schedule", "language", "address"]), FIELDS, DAMAGE
        ),
        max_size=6,
    ),
    twice=st.booleans(),
)
def test_damaged_rows_on_a_page_import_as_read_whole(
    tmp_path_factory: pytest.TempPathFactory,
    changes: list[tuple[int, str, str, Any]],
    twice: bool,
) -> None:
    """Odd values in the rows a page shares (numbers, true, lists, an extension, a missing
    id) give the same agencies and the same problems as the document read whole."""
    folder = tmp_path_factory.mktemp("page")
    orgs = [_organization(n, "Food Pantry") for n in range(4)]
    if twice:
        orgs.append(_organization(1, "Youth Shelter"))  # the same organization seen again
    for n, kind, name, value in changes:
        service = orgs[n]["services"][0]
        row = {
            "schedule": service["schedules"][0],
            "language": service["languages"][1],
            "address": orgs[n]["locations"][0]["addresses"][0],
        }[kind]
        row[name] = value
    page, whole = _two(folder)
    page.write_text(json.dumps({"contents": orgs}))
    whole.write_text(json.dumps(orgs))
    assert _seen(_imported(page), "contents") == _seen(_imported(whole))


def _one_org_page(name: str) -> dict[str, Any]:
    return {"contents": [_organization(1, name)]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # json.loads keeps the last of a repeated key: the second page is the one imported
        (
            '{"contents": '
            + json.dumps(_one_org_page("a")["contents"])
            + ', "contents": '
            + json.dumps(_one_org_page("Food Pantry")["contents"])
            + "}",
            "Food Pantry",
        ),
        # a `content` list (Open Referral UK service pages) comes before `contents`
        (
            json.dumps(
                {
                    "contents": _one_org_page("Youth Shelter")["contents"],
                    "content": [{**SERVICE, "name": "Food Pantry", "organization_id": None}],
                }
            ),
            "Food Pantry",
        ),
    ],
)
def test_a_page_means_what_it_meant_read_whole(tmp_path: Path, text: str, expected: str) -> None:
    source = tmp_path / "page.json"
    source.write_text(text)
    result = _imported(source)
    assert [line.name for item in result.agencies for line in item.services] == [expected]


def test_pages_as_json_lines_and_broken_pages_say_what_they_said(tmp_path: Path) -> None:
    source = tmp_path / "pages.json"
    page = json.dumps(_one_org_page("Food Pantry"))
    source.write_text(page + "\n" + page + "\n")  # JSON lines of pages: skipped, as before
    with pytest.raises(ReferralError, match="no HSDS organizations found"):
        _imported(source)
    org = json.dumps(_organization(1, "Food Pantry"))
    source.write_text('{"contents": [\n' + org + ',\n{"id": }]}')  # the second one is broken
    with pytest.raises(ReferralError, match=r"^pages\.json:3: not valid JSON \(Expecting value\)"):
        _imported(source)
    source.write_text('{"contents": [' + json.dumps(ORGANIZATION) + ", " + "9" * 5000 + "]}")
    with pytest.raises(ReferralError, match="a number far too long"):
        _imported(source)


# --- CSV rows --------------------------------------------------------------------------------


def test_csv_rows_read_as_dictreader_read_them(tmp_path: Path) -> None:
    """Blank lines skipped (row numbers as before), a cell beyond the header or missing from
    it left out, and a column named twice read as its last cell, as DictReader gave them."""
    package = tmp_path / "csv"
    shutil.copytree(HSDS / "examples-csv", package)
    path = package / "services.csv"
    with path.open(newline="", encoding="utf-8") as f:
        header, first = list(csv.reader(f))[:2]
    name, org = header.index("name"), first[header.index("organization_id")]
    short = ["svc-short", org, "", "Legal Clinic", "", "", "", "", "active"]

    def write(*rows: list[str]) -> ImportResult:
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([[*header, "name"], [], *rows])
        return import_hsds(package, tmp_path / "cat", dry_run=True)

    result = write(
        [*first, "Food Pantry"],  # "name" twice: the last one (Food Pantry) counts
        [],
        ["svc-2", org, *first[2:name], "x", *first[name + 1 :], "Youth Shelter", "beyond"],
    )
    assert [line.name for item in result.agencies for line in item.services] == [
        "Food Pantry",
        "Youth Shelter",
    ]
    result = write([*first, "Food Pantry"], short)  # the short row has no last "name"
    assert [str(p) for p in result.problems] == [
        "services.csv row 3: service.name is required but missing"  # blank lines not counted
    ]


# --- the review list ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from("aZ 1.:@-#+>=)*_[]<>|~&\\`{}\t\n\x1b\u200e\u00a0é"), max_size=12
    )
    | st.text(max_size=12)
)
def test_review_markdown_escapes_as_the_catalog_escapes(text: str) -> None:
    """The review list's shortcut for text that needs no escaping changes nothing."""
    assert review_md(text) == md(text)
