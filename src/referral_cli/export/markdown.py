"""Small Markdown building blocks; every cell goes through `md()` so data never becomes markup."""

from __future__ import annotations

from collections.abc import Sequence

from referral_cli.text import md


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; cells are escaped (pipes included)."""
    head = "| " + " | ".join(md(h) for h in headers) + " |"
    rule = "|" + "|".join(" --- " for _ in headers) + "|"
    body = ["| " + " | ".join(md(cell) or " " for cell in row) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def bullets(items: Sequence[str]) -> str:
    """A bullet list of escaped items."""
    return "\n".join(f"- {md(item)}" for item in items)


def field_list(pairs: Sequence[tuple[str, str]]) -> str:
    """`- **Label:** value` lines; labels are ours, values are escaped data."""
    return "\n".join(f"- **{md(label)}:** {md(value)}" for label, value in pairs)
