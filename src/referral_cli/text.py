"""Make untrusted catalog text safe to show: no terminal control, no markup."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and Unicode bidi controls: marks
# (U+061C, U+200E/F), embeddings and overrides, isolates (which can make text on screen
# read differently from what is stored).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A whole ANSI/VT escape sequence, so that its parameters do not survive as junk.
_ESCAPE_SEQ = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


def clean(text: str) -> str:
    """Remove terminal escape sequences and control characters (keeps tab and newline)."""
    return _CONTROL.sub("", _ESCAPE_SEQ.sub("", text))


def escape_controls(text: str) -> str:
    """Every control or bidi character left in finished output, as a visible `\\uXXXX`: in
    JSON that is the same string (valid JSON, the data kept), and on a terminal it can no
    longer reorder or hide what is shown. Tab and newline stay."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def one_line(text: str) -> str:
    """Clean text and fold it to one line, for table cells and prompts."""
    return " ".join(clean(text).split())


_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~&])")
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\->=])")
_MD_LIST_NUMBER = re.compile(r"^(\s*\d+)([.)])")
# `.`, `:` and `@` inside a word: what bare URLs, domains and e-mail addresses are made of,
# which GitHub and linkify turn into links unless the run of text is broken by an escape.
_MD_LINKISH = re.compile(r"(?<=\S)([.:@])(?=\S)")


def md(text: str) -> str:
    """Escape text for Markdown so that catalog data can never become markup, links or HTML
    (bare URLs and e-mail addresses included: they render as the text they are)."""
    escaped = _MD_INLINE.sub(r"\\\1", one_line(text))
    escaped = _MD_LINKISH.sub(r"\\\1", escaped)
    escaped = _MD_BLOCK_START.sub(r"\1\\\2", escaped)
    return _MD_LIST_NUMBER.sub(r"\1\\\2", escaped)


def clip(text: str, limit: int) -> str:
    """One clean line of at most `limit` characters, so a pasted page cannot flood an error."""
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 option`, `2 options`: a count a worker reads as a sentence, not `option(s)`."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def fit(text: str, width: int | None) -> str:
    """Every line longer than `width` wrapped at its spaces, continuing at its own indent.

    Screens are written as lines; a line longer than the terminal would otherwise be cut by the
    terminal in the middle of a word (or of a command to type). Words are never split. No
    width (a pipe or a file): the text as it is.
    """
    import textwrap

    if width is None:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        if line.lstrip(" ").startswith("- "):  # a list item continues under its text
            indent += "  "
        wrapped = textwrap.wrap(
            line,
            width,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.extend(wrapped or [line])
    return "\n".join(out)
