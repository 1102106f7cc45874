"""Plain text from an export's Markdown, for papers whose Markdown is the one source.

`text` means text: no `**`, no `#`, no backslash escapes. Headings are underlined, list items
keep their `[ ]` boxes, table rows become lines of cells.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from referral_cli.text import one_line


def _inline(token: Token) -> str:
    """The text of an inline token: markup dropped, escapes resolved."""
    out = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type in ("text", "code_inline", "text_special"):
            out.append(child.content)
    return one_line("".join(out))


def plain(markdown: str) -> str:
    """The Markdown document as plain text for the screen or a text file."""
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(markdown)
    lines: list[str] = []
    depth = 0
    row: list[str] = []
    heading = ""
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                lines.append("")
        elif token.type == "heading_open":
            heading = token.tag
        elif token.type == "tr_close":
            lines.append("  " + " | ".join(row))
            row = []
        elif token.type == "table_close":
            lines.append("")
        elif token.type == "inline":
            text = _inline(token)
            parent = tokens[index - 1].type if index else ""
            if parent in ("th_open", "td_open"):
                row.append(text)
            elif heading:
                rule = "=" if heading == "h1" else "-"
                lines.extend([text, rule * len(text), ""])
                heading = ""
            elif depth:
                item = text if text.startswith("[ ]") else f"- {text}"
                lines.append("  " * depth + item)
            else:
                lines.extend([text, ""])
    return "\n".join(lines).rstrip() + "\n"
