"""Screens that stay readable at 60 columns: items wrap whole, tables become lists.

A phone number, a case reference or an id cut to "1-888-373…" or split over two lines is a
number a worker cannot dial or a command they cannot type. So nothing here ever cuts a cell:
a table is shown only when its natural width fits, and otherwise the same rows are shown as
a list whose items wrap between, never inside, one another.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:  # rich is loaded only by the screens that draw tables
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.table import Table
    from rich.text import Text

Cell = Union[str, "Text"]
WRAP_FROM = 80  # narrower than this, a table whose rows do not fit becomes a list


def wrap_items(
    items: Sequence[str], width: int, first: str = "", indent: str = "    ", sep: str = " · "
) -> list[str]:
    """Join items on lines of at most `width`, breaking only between items.

    An item longer than a whole line is wrapped at its own spaces, never inside a word, so a
    phone number or an id is never split.
    """
    lines: list[str] = []
    line, empty = first, True  # `empty`: no item on `line` yet
    for item in items:
        joined = line + item if empty else f"{line}{sep}{item}"
        if len(joined) <= width:
            line, empty = joined, False
            continue
        if not empty:
            lines.append(line)
            line = indent
        wrapped = textwrap.wrap(
            item,
            width,
            initial_indent=line,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped[:-1])
        line, empty = wrapped[-1], False
    if line.strip():
        lines.append(line)
    return lines


def _plain(cell: Cell) -> str:
    text = cell if isinstance(cell, str) else cell.plain
    first, *rest = text.splitlines() or [""]
    return " ".join([first.rstrip(), *(part.strip() for part in rest)])  # one line, indent kept


def rows_as_list(headers: Sequence[str], rows: Sequence[Sequence[Cell]], width: int) -> list[str]:
    """Each row as its first cell, then 'header value' items; a one-cell row is a heading."""
    out: list[str] = []
    for row in rows:
        cells = [_plain(c).strip() for c in row]
        if len(cells) == 1 or not any(cells[1:]):
            out.append(cells[0])
            continue
        items = [f"{h} {v}" for h, v in zip(headers[1:], cells[1:], strict=False) if v]
        head = _plain(row[0]).rstrip()
        lead = head[: len(head) - len(head.lstrip())]
        out.append(head)
        out.extend(wrap_items(items, width, first=lead + "    ", indent=lead + "    "))
    return out


def plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str:
    """Aligned columns when they fit `width`, else the same rows as a list."""
    table = [list(headers), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    if sum(widths) + 2 * (len(widths) - 1) <= width:
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table
        )
    return "\n".join(rows_as_list(headers, rows, width))


class TableOrList:
    """A rich table where it fits the width it is printed at, else the same rows as a list."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        table: Table,
        title: str = "",
    ) -> None:
        self.headers = list(headers)
        self.rows = [list(r) for r in rows]
        self.table = table
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Pick the form at print time, from the width actually available."""
        from rich.measure import Measurement

        size = Measurement.get(console, options.update(width=10_000), self.table)
        width = options.max_width
        # at 80 columns and more a cell may wrap at its spaces (its longest word still fits)
        if size.maximum <= width or (width >= WRAP_FROM and size.minimum <= width):
            yield self.table
            return
        yield from self._listing(options.max_width)

    def _listing(self, width: int) -> Iterator[Text]:
        from rich.text import Text

        if self.title:
            yield Text(self.title, style="bold")
        for line in rows_as_list(self.headers, self.rows, width):
            yield Text(line, no_wrap=True, overflow="ignore")


class Indented:
    """Text wrapped two columns in, with no trailing spaces: rich's Padding pads every line to
    the widest, and a list copied from a terminal or a pipe should not carry them."""

    def __init__(self, text: Text, indent: int = 2) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Wrap at print time, to the width actually available."""
        from rich.text import Text

        for line in self.text.wrap(console, max(options.max_width - self.indent, 10)):
            line.rstrip()
            yield Text(" " * self.indent) + line


class Headed:
    """A name and its tag (a vetting standing, a mark) on one line when both fit, else the
    tag whole on a line of its own, two columns in: a standing folded over two lines
    ("ready" / "STALE", the second at column 0) was read as plain "ready"."""

    def __init__(self, name: Text, tag: Text) -> None:
        self.name = name
        self.tag = tag

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Decide at print time, for the width actually available."""
        from rich.text import Text

        if self.name.cell_len + 2 + self.tag.cell_len <= options.max_width:
            yield Text.assemble(self.name, "  ", self.tag)
            return
        for line in self.name.wrap(console, options.max_width):
            line.rstrip()
            yield line
        yield Text("  ") + self.tag


class WideOrNarrow:
    """A wide form (a table) from WRAP_FROM columns on, else a narrow one made for the width:
    at 60 columns a scorecard's evidence column was 15 wide and broke words in two."""

    def __init__(self, wide: RenderableType, narrow: Sequence[RenderableType]) -> None:
        self.wide = wide
        self.narrow = narrow

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Pick the form at print time, from the width actually available."""
        if options.max_width >= WRAP_FROM:
            yield self.wide
        else:
            yield from self.narrow
