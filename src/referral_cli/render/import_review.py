"""The import's review list as files a coordinator works through: Markdown and CSV.

One section per organization: what its services became, the services left unmapped and why,
and the fields to check. Organizations not imported, skipped ones and warnings follow. All
imported text is data: escaped for Markdown, and CSV cells that a spreadsheet would run as
a formula are quoted with a leading apostrophe.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from typing import TextIO

from referral_cli.hsds.results import ImportedAgency, ImportResult, ServiceLine
from referral_cli.text import md as escape
from referral_cli.text import one_line

COLUMNS = ["organization", "agency_id", "source_id", "action", "kind", "item", "detail"]


def _service_rows(line: ServiceLine) -> tuple[str, str, str]:
    """(kind, item, detail) for one HSDS service."""
    if line.skipped:
        return "skipped", line.name, line.skipped
    if line.mapped:
        return "mapped", line.name, ", ".join(line.mapped) + " (" + "; ".join(line.because) + ")"
    return "unmapped", line.name, line.why_not or "matches nothing in the mapping"


def rows(result: ImportResult) -> Iterator[list[str]]:
    """One row per thing a coordinator may check (mapped services too, to confirm them), one
    at a time: a large import has hundreds of thousands."""
    for item in result.agencies:
        head = [item.agency.name, item.agency.id, item.hsds_id, item.action]
        for line in item.services:
            yield [*head, *_service_rows(line)]
        for note in item.review:
            yield [*head, "review", note.split(":")[0], note]
        for lang in item.unknown_languages:
            yield [*head, "language", lang, "not recognised; left out"]
    for org in result.unmapped_orgs:
        head = [org.name, "", org.where, "not imported"]
        for line in org.services:
            yield [*head, *_service_rows(line)]
        if not org.services:
            yield [*head, "not imported", "", "no services"]
    for name in result.skipped_invalid:
        yield [name, "", "", "skipped", "invalid", "", ""]
    for p in result.problems:
        yield ["", "", "", "", "problem", p.where, p.message]
    for w in result.warnings:
        yield ["", "", "", "", "warning", "", w]


# What `referral_cli.text.md` would change in a clean line (its four rules, any one of them).
_MARKUP = re.compile(r"[\\`*_{}\[\]<>|~&]|(?<=\S)[.:@](?=\S)|^\s*[#+\->=]|^\s*\d+[.)]")


@lru_cache(maxsize=1 << 16)
def md(text: str) -> str:
    """Markdown-escaped text; a large import repeats the same notes and names thousands of
    times, so each is escaped once, and most (agency ids, names) need nothing: a clean line
    (printable, single spaces, nothing at either end) with no character `md` would escape is
    returned as it is."""
    clean = text.isprintable() and "  " not in text and text.strip() == text
    return text if clean and not _MARKUP.search(text) else escape(text)


@lru_cache(maxsize=1 << 16)
def _cell(value: str) -> str:
    text = one_line(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_review_csv(result: ImportResult, out: TextIO) -> None:
    """The review list as CSV (one row per item, see COLUMNS), written row by row."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([_cell(c) for c in row] for row in rows(result))


def _agency_section(item: ImportedAgency) -> list[str]:
    out = [
        f"### {md(item.agency.name)}",
        "",
        f"Agency `{md(item.agency.id)}` ({item.action}); source id {md(item.hsds_id) or '-'}, "
        f"{md(item.where)}",
        "",
    ]
    unmapped = [line for line in item.services if not line.mapped and not line.skipped]
    checks = [*item.review] + (
        [f"languages not recognised, left out: {', '.join(item.unknown_languages)}"]
        if item.unknown_languages
        else []
    )
    for title, lines in (
        ("Fields to check", [f"- [ ] {md(note)}" for note in checks]),
        (
            "Services left unmapped",
            [
                f"- [ ] {md(line.name)}: {md(line.why_not or 'matches nothing')}"
                for line in unmapped
            ],
        ),
        (
            "Services mapped (confirm)",
            [
                f"- {md(line.name)} -> {md(', '.join(line.mapped))}"
                for line in item.services
                if line.mapped
            ],
        ),
    ):
        if lines:
            out += [f"{title}:", "", *lines, ""]
    return out


def _needs_check(item: ImportedAgency) -> bool:
    return bool(
        item.review
        or item.unknown_languages
        or any(not s.mapped and not s.skipped for s in item.services)
    )


def markdown_lines(result: ImportResult) -> Iterator[str]:
    """The review list's Markdown lines, one at a time: a large import has a million."""
    needing = sum(1 for a in result.agencies if _needs_check(a))
    yield from [
        "# HSDS import: review list",
        "",
        f"Source: {md(result.source)}  ",
        f"Catalog: {md(result.target)}  ",
        f"Mapping: {md(result.mapping)}",
        "",
        f"- {len(result.agencies)} agencies imported, {needing} with something to check",
        f"- {len(result.unmapped_orgs)} organizations not imported (no service maps)",
        f"- {len(result.unmapped_services())} distinct unmapped service names",
        f"- {len(result.skipped_invalid)} skipped as invalid, {len(result.warnings)} warnings",
        "",
        "Imported agencies are not vetted: vet each one before referring a youth.",
        "",
        "## Agencies to check",
        "",
    ]
    for item in result.agencies:
        if _needs_check(item):
            yield from _agency_section(item)
    if result.unmapped_orgs:
        yield from ["## Not imported: no service maps to the catalog", ""]
        for org in result.unmapped_orgs:
            names = "; ".join(
                f"{md(s.name)} ({md(s.why_not or s.skipped or 'matches nothing')})"
                for s in org.services
            )
            yield f"- [ ] {md(org.name)} ({md(org.where)}): {names or 'no services'}"
        yield ""
    if result.skipped_invalid or result.problems:
        yield from ["## Skipped as invalid", ""]
        yield from (f"- [ ] {md(name)}" for name in result.skipped_invalid)
        yield from (f"- {md(str(p))}" for p in result.problems)
        yield ""
    if result.warnings:
        yield from ["## Warnings", ""]
        yield from (f"- {md(w)}" for w in result.warnings)
        yield ""


def write_review_markdown(result: ImportResult, out: TextIO) -> None:
    """The review list as a Markdown checklist, written line by line (lines joined by
    newlines, no newline after the last)."""
    lines = markdown_lines(result)
    out.write(next(lines))
    while batch := list(islice(lines, 4096)):  # a write per line was a million calls
        out.write("\n" + "\n".join(batch))
