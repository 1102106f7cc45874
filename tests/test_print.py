"""Printable pages: self-contained HTML, printed by a real browser to PDF and read back.

Headless Chromium (Debian package `chromium`) prints each page to PDF; pdftotext (poppler-utils)
reads it back. `scripts/setup.sh --browser` (run by scripts/test.sh) installs both; these
tests are never skipped unless REFERRAL_SKIP_BROWSER is set by hand on a machine where they
cannot be installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from tests.conftest import SHIPPED
from tests.test_hostile_text import HOSTILE, MARKER

Run = Callable[..., Result]
AGENCY = "alder-county-youth-harbor"
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "answers-example.yaml"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def catalog_copy(root: Path, hostile: bool) -> Path:
    """The example catalog, with hostile text in every agency name and service label."""
    shutil.copytree(SHIPPED, root)
    if hostile:
        for name, key, field in (
            ("agencies", "agencies", "name"),
            ("services", "services", "label"),
        ):
            path = root / f"{name}.yaml"
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for entry in data[key]:
                entry[field] = f"{HOSTILE} {entry[field]}"
            path.write_text(yaml.safe_dump(data, allow_unicode=False), encoding="utf-8")
    return root


def start_session(run: Run, data: Path, ref: str, tmp_path: Path) -> None:
    """The example session under another reference, on the given catalog."""
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["opening"]["reference"] = ref
    path = tmp_path / f"{ref}.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = run("start", "--answers", str(path), "--no-input", "--data", str(data))
    assert result.exit_code == 0, result.output


class Tags(HTMLParser):
    """Counts of tags, and every attribute, of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attrs.extend(attrs)


def tags_of(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


def print_pdf(page: str, tmp_path: Path) -> tuple[int, str]:
    """Print a page with headless Chromium; (number of pages, the PDF's text)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    pdftotext = shutil.which("pdftotext")
    if chromium is None or pdftotext is None:
        if os.environ.get("REFERRAL_SKIP_BROWSER"):
            pytest.skip("REFERRAL_SKIP_BROWSER is set")
        pytest.fail("chromium and pdftotext are missing: run `bash scripts/setup.sh --browser`")
    source = tmp_path / "page.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    profile = tmp_path / "chromium-profile"
    subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", source.as_uri()],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.count("\f"), text


def assert_no_markup(text: str) -> None:
    for mark in ("**", "[ ]", "\\", "<", "&lt;", "&amp;", "## "):
        assert mark not in text, mark
    assert not re.search(r"(?m)^\s*# \S", text)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


@pytest.fixture
def example(run: Run) -> None:
    result = run("start", "--answers", str(EXAMPLE), "--no-input")
    assert result.exit_code == 0, result.output


def html_of(run: Run, *args: str) -> str:
    result = run(*args, "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    found = tags_of(page)
    tags = found.tags
    assert page.startswith("<!DOCTYPE html>")
    assert tags["style"] == 1 and tags["script"] == 0 and tags["link"] == 0
    assert tags["img"] == 0 and tags["a"] == 0  # nothing to fetch, nothing to follow
    assert all(name not in ("src", "href") for name, _ in found.attrs)
    return page


def test_checklist_prints_with_real_checkboxes(run: Run, tmp_path: Path) -> None:
    page = html_of(run, "checklist")
    markdown = run("checklist", "-f", "markdown").stdout
    assert tags_of(page).tags["input"] == markdown.count("- [ ]") > 10
    assert page.count("<ul") == markdown.count("## ") + 1  # guidance and boxes: two lists
    pages, text = print_pdf(page, tmp_path)
    assert pages == 2
    assert_no_markup(text)
    for words in ("Referral checklist", "8. Escort", "Basic needs met today", "1-888-373-7888"):
        assert words in text


def test_agency_copy_prints_on_one_page(run: Run, example: None, tmp_path: Path) -> None:
    page = html_of(run, "summary", "AC-2041", "--for", AGENCY)
    pages, text = print_pdf(page, tmp_path)
    assert pages == 1
    assert_no_markup(text)
    assert "Referral AC-2041 for Alder County Youth Harbor" in text
    assert "Emergency shelter (emergency)" in text
    assert "withheld" not in text  # the agency is not told how much the youth kept back
    worker = run("summary", "AC-2041", "-f", "json").stdout
    assert "Prefers a female staff member" in text
    secret = [c for c in json.loads(worker)["session"]["considerations"] if c not in text]
    assert secret and not any(s in text for s in secret)


def test_scorecard_and_worksheet_print(run: Run, tmp_path: Path) -> None:
    pages, text = print_pdf(html_of(run, "vet", AGENCY), tmp_path)
    assert pages == 1
    assert_no_markup(text)
    assert "Alder County Youth Harbor" in text
    sheet = html_of(run, "vet", "--blank")
    assert tags_of(sheet).tags["input"] > 100
    pages, text = print_pdf(sheet, tmp_path)
    assert 6 <= pages <= 12
    for sheet_page in text.split("\f"):  # a factor is never split across two pages
        assert sheet_page.count("Ask:") == sheet_page.count("Notes:")
    assert_no_markup(text)
    assert "Ask: How many young people" in text


def test_worksheet_as_text_is_text(run: Run) -> None:
    text = run("vet", "--blank", "-f", "text").stdout
    assert "Ask: How many young people" in text
    assert "**" not in text and "\\" not in text and "# " not in text


def test_hostile_catalog_text_prints_literally(run: Run, tmp_path: Path) -> None:
    plain = catalog_copy(tmp_path / "plain", False)
    hostile = catalog_copy(tmp_path / "hostile", True)
    start_session(run, plain, "AC-2042", tmp_path)
    start_session(run, hostile, "AC-2041", tmp_path)
    expected = html_of(run, "summary", "AC-2042", "--for", AGENCY)
    page = html_of(run, "summary", "AC-2041", "--for", AGENCY)
    assert tags_of(page).tags == tags_of(expected).tags  # no tag came from the data
    for args in (["checklist"], ["vet", AGENCY, "--blank"]):
        assert (
            tags_of(html_of(run, *args, "--data", str(hostile))).tags
            == tags_of(html_of(run, *args, "--data", str(plain))).tags
        )
    _, text = print_pdf(page, tmp_path)
    assert MARKER in text and "<script>alert(1)</script>" in text and "**b**" in text
    assert "\x1b" not in page and "\u202e" not in page
    assert HOSTILE.split()[0] in text


def test_youth_card_prints_on_one_page_in_both_languages(
    run: Run, example: None, tmp_path: Path
) -> None:
    from referral_cli.export.youthcard import has_blocked_word

    for language in ("en", "es"):
        page = html_of(run, "summary", "AC-2041", "--youth", "--language", language)
        pages, text = print_pdf(page, tmp_path)
        assert pages == 1, language
        assert_no_markup(text)
        assert "503-555" in text  # whom to call, whole
        assert not has_blocked_word(text), language
