"""Printable pages: one self-contained HTML file per paper, from the Markdown of that paper.

The Markdown every export already writes (catalog and case text escaped there by `md()`) is
rendered with markdown-it-py, raw HTML off, so escaped data stays text. Our own `[ ]` marks
become real checkboxes; escaped brackets from data never do, because they reach the renderer as
escape tokens, not plain text. Each `##` part is a section that a page break does not split.
The page has inline CSS with print rules, no script and nothing fetched from a network.
"""

from __future__ import annotations

import html
from functools import cache
from importlib.resources import files
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

BOX = '<input type="checkbox">'


def _boxes(state: StateCore) -> None:
    """Turn our own `[ ]` marks (in plain text tokens) into checkbox tokens, before text_join."""
    for index, token in enumerate(state.tokens):
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type != "text" or "[ ]" not in child.content:
                children.append(child)
                continue
            parts = child.content.split("[ ]")
            for n, part in enumerate(parts):
                if n:
                    box = Token("html_inline", "", 0)
                    box.content = BOX
                    children.append(box)
                text = part.lstrip(" ") if n else part
                if text:
                    children.append(_text(text))
        if children and children[0].type == "html_inline" and index >= 2:
            _mark_task(state.tokens, index)
        token.children = children


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _mark_task(tokens: list[Token], index: int) -> None:
    """A list item that starts with a box is a task: no bullet before the box."""
    item = tokens[index - 2]
    if item.type == "list_item_open":
        item.attrSet("class", "task")
        for back in range(index - 3, -1, -1):
            if tokens[back].type == "bullet_list_open" and tokens[back].level == item.level - 1:
                tokens[back].attrSet("class", "tasks")
                break


def _sections(state: StateCore) -> None:
    """Wrap each `##` heading and what follows it in a <section> (kept on one page)."""
    out: list[Token] = []
    open_section = False
    for token in state.tokens:
        if token.type == "heading_open" and token.tag == "h2":
            out.append(_block("</section>\n<section>\n" if open_section else "<section>\n"))
            open_section = True
        out.append(token)
    if open_section:
        out.append(_block("</section>\n"))
    state.tokens = out


def _block(content: str) -> Token:
    token = Token("html_block", "", 0)
    token.content = content
    return token


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    parser.core.ruler.before("text_join", "checkboxes", _boxes)
    parser.core.ruler.push("sections", _sections)
    return parser


@cache
def _css() -> str:
    return files("referral_cli.export").joinpath("print.css").read_text(encoding="utf-8")


def _title(tokens: list[Token]) -> str:
    """The text of the first heading: the page's <title>."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            return "".join(c.content for c in tokens[index + 1].children or [])
    return "referral"


def page(markdown: str, footer: str = "") -> str:
    """A whole printable HTML page from one export's Markdown."""
    parser = _parser()
    env: dict[str, Any] = {}
    tokens = parser.parse(markdown, env)
    body = parser.renderer.render(tokens, parser.options, env)
    foot = f"<footer><p>{html.escape(footer)}</p></footer>\n" if footer else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{html.escape(_title(tokens))}</title>\n<style>\n{_css()}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n{foot}</body>\n</html>\n"
    )
