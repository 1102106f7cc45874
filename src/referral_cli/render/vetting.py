"""Rich views of vettings: pure functions from result models to renderables.

Every piece of catalog text goes through `text.one_line`/`clean` and into `Text` objects,
so nothing from a vetting file is read as markup or reaches the terminal as a control code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from referral_cli.render.narrow import Indented, WideOrNarrow
from referral_cli.text import clean, one_line
from referral_cli.vetting.standing import OUTCOME_LABELS, Outcome, Scorecard, VettingStatus

if TYPE_CHECKING:
    from referral_cli.catalog.models import Score
    from referral_cli.vetting.history import VettingHistory
    from referral_cli.vetting.judge import PartnerList

OUTCOME_STYLES: dict[Outcome, str] = {
    Outcome.READY: "bold green",
    Outcome.VERIFY: "bold yellow",
    Outcome.DO_NOT_REFER: "bold red",
    Outcome.NOT_VETTED: "bold",
}
SCORE_STYLES: dict[str, str] = {"U": "dim", "0": "red", "1": "red", "2": "yellow"}


# Like rich's SIMPLE_HEAD (a rule under the header, no side walls) but pure ASCII.
ASCII_SIMPLE_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


def _box(ascii_only: bool) -> box.Box:
    """No side walls (narrow terminals need the width); ASCII when asked, for tests and files."""
    return ASCII_SIMPLE_HEAD if ascii_only else box.SIMPLE_HEAD


def _score(score: Score | int | str) -> Text:
    return Text(str(score), style=SCORE_STYLES.get(str(score), ""))


def outcome_text(status: VettingStatus) -> Text:
    """One line: the outcome, its reasons, and a STALE mark when re-vetting is overdue."""
    line = Text()
    line.append(OUTCOME_LABELS[status.outcome].upper(), style=OUTCOME_STYLES[status.outcome])
    if status.outcome is Outcome.VERIFY:
        line.append(": " + ", ".join(status.verify_reasons()))
    elif status.outcome is Outcome.DO_NOT_REFER:
        line.append(": hard fail " + "; ".join(status.hard_fail_texts))
    if status.stale:
        line.append("   ")
        line.append(f"STALE: re-vetting was due {status.due}", style="bold red reverse")
    return line


def _status_lines(status: VettingStatus) -> list[Text]:
    lines = [Text("Outcome: ") + outcome_text(status)]
    if status.contrary_factors:
        names = ", ".join(status.contrary_labels)
        lines.append(Text(f"Contrary evidence (score 0): {names}", style="red"))
    lines += [Text(note, style="bold yellow") for note in status.notes]
    if status.due is not None:
        when = "OVERDUE" if status.stale else "due"
        lines.append(Text(f"Re-vetting {when}: {status.due} (every {status.revet_months} months)"))
    return lines


def record_hint(agency: str, record: str | None) -> str:
    """The command that records a vetting, as the caller can run it (a full path if needed)."""
    return record or f"referral vet {agency} --record"


def unassessed_view(
    agency: str,
    record: str | None,
    ascii_only: bool,
    factors: Sequence[tuple[str, bool]] = (),
) -> RenderableType:
    """A never-vetted agency: all eleven factors still to assess, and how to record them.

    The worker deciding on a referral needs to see what nobody has checked yet, not a blank.
    `factors` (label, critical) come from the warm cache; else from the rubric itself.
    """
    if not factors:
        from referral_cli.vetting.rubric import rubric

        factors = [(factor.label, factor.critical) for factor in rubric().factors]
    table = Table(box=_box(ascii_only), pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Factor", overflow="fold")
    table.add_column("Score", justify="center", no_wrap=True)
    table.add_column("Standing", no_wrap=True)
    for number, (label, critical) in enumerate(factors, start=1):
        name = label + (" *" if critical else "")
        table.add_row(str(number), name, _score("U"), "not assessed")
    return Group(
        Text(f"No vetting on file: none of the {len(factors)} factors is assessed yet."),
        table,
        Text("* critical factor: U or 2 or less means verify before referral"),
        Text(f"Record a vetting: {record_hint(agency, record)}", style="bold"),
    )


def scorecard_view(
    card: Scorecard,
    ascii_only: bool = False,
    record: str | None = None,
    factors: Sequence[tuple[str, bool]] = (),
) -> RenderableType:
    """The scorecard: header, outcome, one row per factor with score, evidence and note
    (`factors`: see unassessed_view)."""
    parts: list[RenderableType] = [
        Text(f"{one_line(card.agency_name)} ({card.agency})", style="bold"),
        *_status_lines(card.status),
    ]
    if card.date is None:
        parts.append(unassessed_view(card.agency, record, ascii_only, factors))
        return Group(*parts)
    how = ", ".join(card.method)
    parts.append(
        Text(
            f"Vetted {card.date} by {one_line(card.assessor or '')} ({how}); "
            f"reason: {card.trigger}; vettings on file: {card.status.vettings}"
        )
    )
    table = Table(box=_box(ascii_only), pad_edge=False, show_lines=ascii_only)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Factor", no_wrap=True)
    table.add_column("Score", justify="center", no_wrap=True)
    table.add_column("Flag", no_wrap=True)
    table.add_column("Evidence and note", overflow="fold", ratio=1)
    narrow: list[RenderableType] = []
    for row in card.rows:
        name = row.label + (" *" if row.critical else "") + (" +" if row.per_youth else "")
        flags: list[Text] = []
        if row.hard_fails:
            flags.append(Text("HARD FAIL", style="bold red"))
        if row.verify:
            flags.append(Text("verify", style="yellow"))
        if row.score == 0:
            flags.append(Text("contrary", style="red"))
        detail = Text(", ".join(row.evidence), style="italic")
        for what in row.hard_fail_texts:
            detail.append(("\n" if detail else "") + f"Hard fail: {what}", style="bold")
        if row.note:
            detail.append(("\n" if detail else "") + clean(row.note).strip(), style="")
        table.add_row(str(row.number), name, _score(row.score), Text("\n").join(flags), detail)
        head = Text(f"{row.number:>2}  {name}: ").append_text(_score(row.score))
        narrow += [Text(" ").join([head, *flags]), *(Indented(d, 6) for d in detail.split() if d)]
    parts.append(WideOrNarrow(table, narrow))
    parts.append(Text("* critical factor: U or 2 or less means verify before referral"))
    parts.append(Text("+ also judged against each youth (language, LGBTQ, getting there)"))
    parts.append(Text("Scale: " + "; ".join(f"{k} {v}" for k, v in card.scale.items())))
    if card.note:
        parts.append(Text("Note: " + one_line(card.note)))
    return Group(*parts)


def history_view(
    hist: VettingHistory, ascii_only: bool = False, record: str | None = None
) -> RenderableType:
    """Every vetting side by side (factor by date), then what changed at each one."""
    from referral_cli.vetting.rubric import rubric

    rub = rubric()
    parts: list[RenderableType] = [
        Text(f"Vetting history: {one_line(hist.agency_name)} ({hist.agency})", style="bold"),
        *_status_lines(hist.status),
    ]
    if not hist.entries:
        parts.append(unassessed_view(hist.agency, record, ascii_only))
        return Group(*parts)
    table = Table(box=_box(ascii_only), pad_edge=False)
    table.add_column("Factor")
    for entry in hist.entries:
        table.add_column(str(entry.vetting.date), justify="center")
    for factor in rub.factors:
        cells: list[RenderableType] = [factor.label + (" *" if factor.critical else "")]
        for entry in hist.entries:
            assessment = entry.vetting.factors.get(factor.id)
            cell = _score(assessment.score if assessment else "U")
            if assessment and assessment.hard_fails:
                cell.append(" HARD FAIL", style="bold red")
            cells.append(cell)
        table.add_row(*cells)
    table.add_row(
        Text("Outcome", style="bold"),
        *(Text(e.outcome.value, style=OUTCOME_STYLES[e.outcome]) for e in hist.entries),
    )
    parts.append(table)
    for entry in hist.entries:
        v = entry.vetting
        parts.append(
            Text(
                f"{v.date}  {v.trigger}  by {one_line(v.assessor)} ({', '.join(v.method)}): "
                f"{OUTCOME_LABELS[entry.outcome]}",
                style="bold",
            )
        )
        if not entry.changes and entry is not hist.entries[0]:
            parts.append(Text("  no change in scores, evidence or hard fails"))
        for change in entry.changes:
            parts.append(Text(f"  - {one_line(change)}"))
        if v.note:
            parts.append(Text(f"  Note: {one_line(v.note)}"))
    return Group(*parts)


def partners_view(partners: PartnerList, ascii_only: bool = False) -> RenderableType:
    """The partner list: one row per agency, what needs attention first."""
    from referral_cli.render.narrow import Cell, TableOrList
    from referral_cli.vetting.judge import score_strip
    from referral_cli.vetting.rubric import rubric

    rub = rubric()
    cells: list[list[Cell]] = []
    table = Table(box=_box(ascii_only), pad_edge=False)
    table.add_column("Agency", overflow="fold", ratio=3)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Scores 1-11", no_wrap=True)
    table.add_column("Why", overflow="fold", ratio=2)
    table.add_column("Vetted", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    for row in partners.rows:
        status = row.status
        outcome = Text(status.outcome.value, style=OUTCOME_STYLES[status.outcome])
        if status.stale:
            outcome.append(" STALE", style="bold red")
        if status.hard_fails:
            reasons = ", ".join(status.hard_fails)
        elif status.verify_factors:
            numbers = ", ".join(str(rub.number(f)) for f in status.verify_factors)
            reasons = f"verify {numbers}"
        else:
            reasons = ""
        cells.append(
            [
                one_line(row.name),
                outcome,
                score_strip(row.scores),
                reasons,
                str(status.last_vetted or "never"),
                str(status.due or "-"),
            ]
        )
        table.add_row(*cells[-1])
    headers = ("Agency", "outcome", "scores", "why", "vetted", "due")
    legend = ", ".join(f"{i} {f.label}" for i, f in enumerate(rub.factors, start=1))
    counts = {o: sum(1 for r in partners.rows if r.status.outcome is o) for o in Outcome}
    stale = sum(1 for r in partners.rows if r.status.stale)
    summary = ", ".join(f"{n} {OUTCOME_LABELS[o]}" for o, n in counts.items() if n)
    return Group(
        Text(f"Partner agencies as of {partners.today}", style="bold"),
        TableOrList(headers, cells, table),
        Text(f"{len(partners.rows)} agencies: {summary or 'none'}; {stale} stale"),
        Text(f"Scores 1-11: {legend}. U = not assessed."),
    )
