"""Hostile catalog text (markup, Markdown, HTML, terminal escapes) shows literally everywhere.

A partner's catalog entry is untrusted: it must not recolour or clear the worker's screen,
hide text, plant a link in a handoff summary, or smuggle HTML into an export. Each view is
run twice, on a plain copy of the example catalog and on one whose agency names, contacts,
service labels and hotline names carry hostile text; the Markdown from both must have the
same links, HTML, emphasis and headings (so none of them came from the data).
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from typer.testing import Result

from tests.conftest import SHIPPED

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "answers-example.yaml"
AGENCY = "alder-county-youth-harbor"
MARKER = "[bold]Evil[/bold]"
HOSTILE = (
    f"{MARKER} [red]r[/] *em* _u_ **b** ~~s~~ `c` <b>x</b> <script>alert(1)</script> "
    "[l](http://evil.example) ![i](http://evil.example/i.png) <http://evil.example> "
    "\x1b[31mRED\x1b[0m \x1b]8;;http://evil.example\x07osc\x1b]8;;\x07 \x1b[2J\x07 a\rb "
    "# h | p &amp; :warning: \u202eevil"
)
DATA_TOKENS = {
    "link_open",
    "image",
    "html_inline",
    "html_block",
    "em_open",
    "strong_open",
    "s_open",
    "code_inline",
    "heading_open",
    "autolink",
}


def _catalog(root: Path, hostile: bool) -> Path:
    shutil.copytree(SHIPPED, root)
    if not hostile:
        return root
    agencies_path = root / "agencies.yaml"
    agencies: dict[str, Any] = yaml.safe_load(agencies_path.read_text())
    for agency in agencies["agencies"]:
        agency["name"] = f"{HOSTILE} {agency['name']}"
        agency["contact"]["role"] = f"{HOSTILE} role"
        agency["contact"]["name"] = f"{HOSTILE} name"
    agencies_path.write_text(yaml.safe_dump(agencies, allow_unicode=False))
    services_path = root / "services.yaml"
    services: dict[str, Any] = yaml.safe_load(services_path.read_text())
    for service in services["services"]:
        service["label"] = f"{HOSTILE} {service['label']}"
    for hotline in services["hotlines"]:
        hotline["name"] = f"{HOSTILE} {hotline['name']}"
    services_path.write_text(yaml.safe_dump(services, allow_unicode=False))
    return root


@pytest.fixture
def catalogs(tmp_path: Path) -> tuple[Path, Path]:
    return _catalog(tmp_path / "plain", False), _catalog(tmp_path / "hostile", True)


def _no_control(text: str) -> None:
    for bad in ("\x1b", "\x07", "\r", "\u202e"):
        assert bad not in text, repr(bad)


def _md_tokens(text: str) -> tuple[Counter[str], str]:
    """Counts of structural tokens, and all the plain text, of a Markdown document."""
    counts: Counter[str] = Counter()
    words: list[str] = []
    for token in MarkdownIt("commonmark").enable("strikethrough").parse(text):
        for t in [token, *(token.children or [])]:
            kind = "autolink" if t.type == "link_open" and t.markup == "autolink" else t.type
            if kind in DATA_TOKENS:
                counts[kind] += 1
            if t.type == "text":
                words.append(t.content)
    return counts, " ".join(words)


def _session(run: Run, data: Path, ref: str, tmp_path: Path) -> Result:
    answers = yaml.safe_load(EXAMPLE.read_text())
    answers["opening"]["reference"] = ref
    path = tmp_path / f"{ref}.yaml"
    path.write_text(yaml.safe_dump(answers))
    return run("start", "--answers", str(path), "--no-input", "--data", str(data))


MARKDOWN_VIEWS: list[tuple[str, list[str]]] = [
    ("vet", ["vet", AGENCY, "-f", "markdown"]),
    ("vet history", ["vet", AGENCY, "--history", "-f", "markdown"]),
    ("vettings", ["vettings", "-f", "markdown"]),
    ("checklist", ["checklist", "-f", "markdown"]),
    ("worksheet", ["vet", AGENCY, "--blank", "-f", "markdown"]),
]
TEXT_VIEWS: list[tuple[str, list[str]]] = [
    ("vet", ["vet", AGENCY]),
    ("vet history", ["vet", AGENCY, "--history"]),
    ("vettings", ["vettings"]),
    ("checklist", ["checklist", "-f", "text"]),
    ("agencies", ["agencies"]),
]


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


@pytest.mark.parametrize(("name", "args"), MARKDOWN_VIEWS, ids=[n for n, _ in MARKDOWN_VIEWS])
def test_catalog_markdown_exports_keep_hostile_text_inert(
    run: Run, catalogs: tuple[Path, Path], name: str, args: list[str]
) -> None:
    plain, hostile = catalogs
    expected = run(*args, "--data", str(plain))
    result = run(*args, "--data", str(hostile))
    assert expected.exit_code == 0 and result.exit_code == 0, result.output
    _no_control(result.output)
    counts, words = _md_tokens(result.output)
    assert counts == _md_tokens(expected.output)[0], name
    assert MARKER in words and "<script>" in words


@pytest.mark.parametrize(("name", "args"), TEXT_VIEWS, ids=[n for n, _ in TEXT_VIEWS])
def test_screen_views_show_markup_literally(
    run: Run, catalogs: tuple[Path, Path], name: str, args: list[str]
) -> None:
    result = run(*args, "--data", str(catalogs[1]))
    assert result.exit_code == 0, result.output
    _no_control(result.output)
    assert "[bold]" in result.output and "RED" in result.output, name


def test_session_and_summaries_keep_hostile_text_inert(
    run: Run, catalogs: tuple[Path, Path], tmp_path: Path
) -> None:
    plain, hostile = catalogs
    assert _session(run, plain, "AC-2042", tmp_path).exit_code == 0
    started = _session(run, hostile, "AC-2041", tmp_path)
    assert started.exit_code == 0, started.output
    _no_control(started.output)
    assert MARKER in started.output
    for extra in ([], ["--for", AGENCY]):
        expected = run("summary", "AC-2042", *extra, "-f", "markdown")
        result = run("summary", "AC-2041", *extra, "-f", "markdown")
        assert result.exit_code == 0, result.output
        _no_control(result.output)
        counts, words = _md_tokens(result.output)
        assert counts == _md_tokens(expected.output)[0], extra
        assert MARKER in words
        text = run("summary", "AC-2041", *extra, "-f", "text")
        _no_control(text.output)
        assert MARKER in text.output
    assert "[bold]" in run("sessions").output or "AC-2041" in run("sessions").output
