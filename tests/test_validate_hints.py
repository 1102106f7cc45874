"""`catalog validate` says what a misspelt key meant and what a malformed id actually read as
(a new user's mis-indented `- clothing` read as one id, and `webiste` got no suggestion)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Run = Callable[..., Result]
HARBOR_VETTING = "vettings/alder-county-youth-harbor--2026-03-18.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "said"),
    [
        (
            "agencies.yaml",
            "    email: harbor.intake@",
            "    emial: harbor.intake@",
            "did you mean email?",
        ),
        (
            "agencies.yaml",
            "      lgbtq_affirming: true\n    hours:\n      regular: 24/7",
            "      lgbtq_afirming: true\n    hours:\n      regular: 24/7",
            "populations.lgbtq_afirming: is not a known field (check the spelling); did you mean"
            " lgbtq_affirming?",
        ),
        (
            HARBOR_VETTING,
            "    note: Licensed shelter;",
            "    nte: Licensed shelter;",
            "did you mean note?",
        ),
        (
            "agencies.yaml",
            "      - food\n      - clothing\n      - crisis",
            "      - food\n        - clothing\n      - crisis",
            "not 'food - clothing'",
        ),
    ],
)
def test_a_mistake_is_explained(
    data_copy: Path, run: Run, file: str, old: str, new: str, said: str
) -> None:
    path = data_copy / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    result = run("catalog", "validate", str(data_copy))
    assert result.exit_code == 1
    assert said in " ".join(result.output.split()), result.output


def test_a_key_like_no_field_gets_no_guess(data_copy: Path, run: Run) -> None:
    path = data_copy / "agencies.yaml"
    path.write_text(
        path.read_text().replace(
            "    email: harbor.intake@", "    zzz: 1\n    email: harbor.intake@", 1
        )
    )
    result = run("catalog", "validate", str(data_copy))
    assert "zzz: is not a known field (check the spelling)" in result.output
    assert "did you mean" not in result.output


def test_an_unclosed_bracket_names_where_it_opened_and_a_real_line(
    data_copy: Path, run: Run
) -> None:
    path = data_copy / "agencies.yaml"
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("    languages: [en, es]"))
    lines[at] = "    languages: [en, es\n"
    path.write_text("".join(lines))
    result = run("catalog", "validate", str(data_copy))
    assert f"(while parsing a flow sequence that starts on line {at + 1})" in result.output
    # the same mistake on a file's last line is reported there, not on a line that is not there
    last = data_copy / "agencies" / "x.yaml"
    last.parent.mkdir()
    last.write_text("id: x\nlanguages: [en, es\n")
    result = run("catalog", "validate", str(data_copy))
    assert "agencies/x.yaml:2: YAML syntax error" in result.output, result.output
