"""Bad input, tried: random, garbage and mistyped answers files for `referral start` and
`referral vet --record` end in a clean run or a clear one-line error (exit 1), never a
traceback or a hang."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from referral_cli.cli import app
from referral_cli.prompt.parse import flatten
from referral_cli.vetting.rubric import rubric

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE: dict[str, Any] = flatten(
    yaml.safe_load((ROOT / "docs" / "answers-example.yaml").read_text())
)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(
    [
        "",
        " ",
        "x",
        "X",
        "0",
        "-1",
        "99",
        "1-999999999999",  # a range a careless parser would try to build in memory
        "999999999999999999999",
        "1, 1, 1, 2-3",
        "+9999",
        "+99999999",
        "-5",
        "9999-99-99",
        "2026-02-30",
        "0001-01-01",
        "\x1b[31mred\x1b[0m",
        "\x00\x07\r",
        "é" * 3000,
        "a" * 5000,
        "[bold]x[/bold]",
        "<script>alert(1)</script>",
        "yes please",
        "Maria Lopez",
        "03/14/2009",
        "🙂",
        "NaN",
        "null",
    ]
)
LEAF = st.one_of(
    NASTY,
    st.text(max_size=30),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.lists(st.one_of(NASTY, st.integers(-5, 50), st.text(max_size=8)), max_size=5),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=3),
)


@st.composite
def mistyped(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """A valid answers mapping with a few answers replaced, deleted, added or retyped."""
    answers = dict(base)
    keys = sorted(answers)
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add", "section"]))
        if action == "replace":
            answers[key] = draw(LEAF)
        elif action == "delete":
            answers.pop(key, None)
        elif action == "add":
            answers[f"{key}.{draw(st.text(max_size=6))}"] = draw(LEAF)
        else:  # a whole section replaced by one odd value
            section = key.split(".", 1)[0]
            answers = {k: v for k, v in answers.items() if not k.startswith(f"{section}.")}
            answers[section] = draw(LEAF)
    return answers


def _dump(answers: dict[str, Any]) -> str:
    return yaml.safe_dump(answers, allow_unicode=True)


def _invoke(args: list[str], input: str | None = None) -> Result:
    return CliRunner().invoke(app, args, input=input, catch_exceptions=True)


def _assert_clean(result: Result, valid: bool = False) -> None:
    """Exit 0, or exit 1 with one `Error:` line (or a pause); never an exception.

    `valid` answers must succeed: a clean error for answers that are right is a bug too.
    """
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert result.exit_code in ((0,) if valid else (0, 1)), result.output
    if result.exit_code == 1:
        at = result.stderr.find("Error: ")
        if at < 0:
            assert "Paused." in result.output, result.output[-500:]
        else:  # exactly one line, and a readable one
            message = result.stderr[at:].rstrip("\n")
            assert "\n" not in message and len(message) < 600, message


def _fresh_sessions(home: Path) -> None:
    shutil.rmtree(home / "sessions", ignore_errors=True)


@FUZZ
@given(answers=mistyped(EXAMPLE), no_input=st.booleans())
def test_start_with_mistyped_answers_never_crashes(
    tmp_path: Path, _private_home: Path, answers: dict[str, Any], no_input: bool
) -> None:
    _fresh_sessions(_private_home)
    path = tmp_path / "answers.yaml"
    path.write_text(_dump(answers), encoding="utf-8")
    args = ["start", "--answers", str(path), "--today", "2026-11-23"]
    # Without --no-input a missing answer is asked for; the empty stdin ends it (EOF = pause).
    result = _invoke([*args, "--no-input"] if no_input else args, input="")
    _assert_clean(result, valid=answers == EXAMPLE)


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str:
    """Raw damage to the YAML text: lines deleted, duplicated, cut or spliced with junk."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "cut", "junk"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        else:
            junk = draw(
                st.one_of(
                    st.text(max_size=20),
                    st.sampled_from(
                        ["{", "]", "- - -", "&a [*a]", "!!python/object:os.system", "\t"]
                    ),
                )
            )
            lines.insert(index, junk)
        if not lines:
            break
    return "\n".join(lines) + "\n"


EXAMPLE_TEXT = (ROOT / "docs" / "answers-example.yaml").read_text()


@FUZZ
@given(text=damaged_text(EXAMPLE_TEXT))
def test_start_with_damaged_answers_text_never_crashes(
    tmp_path: Path, _private_home: Path, text: str
) -> None:
    _fresh_sessions(_private_home)
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    _assert_clean(_invoke(["start", "--answers", str(path), "--no-input", "--today", "2026-11-23"]))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(max_size=400))
def test_binary_answers_files_are_a_clear_error(
    tmp_path: Path, _private_home: Path, junk: bytes
) -> None:
    _fresh_sessions(_private_home)
    path = tmp_path / "answers.yaml"
    path.write_bytes(junk)
    for args in (["start", "--answers", str(path), "--no-input"],):
        _assert_clean(_invoke(args))


FIXED_CASES = {
    "empty file": "",
    "a list": "- a\n- b\n",
    "a number": "42\n",
    "a string": "just text\n",
    "null": "null\n",
    "alias bomb": "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
        for p, n in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
    ),
    "mapping alias bomb": "".join(
        f"{n}: &{n} {{{', '.join(f'k{i}: *{p}' if p else f'k{i}: lol' for i in range(9))}}}\n"
        for p, n in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
    ),
    "deep nesting": "a: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "deep mapping": "".join(" " * i + f"k{i}:\n" for i in range(0, 1200, 2)) + " " * 1200 + "x\n",
    "huge range": "needs: {choose: 1-999999999999}\nopening: {reference: AC-5, worker: S, "
    "program: P}\n",
    "python tag": "opening: !!python/object/apply:os.system ['true']\n",
    "utf-16": "opening:\n  reference: AC-1\n".encode("utf-16").decode("latin-1"),
    "not a file": "<directory>",
    "missing": "<missing>",
}


@pytest.mark.parametrize("case", sorted(FIXED_CASES))
@pytest.mark.parametrize("command", ["start", "vet"])
def test_hand_picked_bad_answers_files(
    tmp_path: Path, data_copy: Path, case: str, command: str
) -> None:
    path = tmp_path / "answers.yaml"
    if FIXED_CASES[case] == "<directory>":
        path.mkdir()
    elif FIXED_CASES[case] != "<missing>":
        path.write_text(FIXED_CASES[case], encoding="latin-1")
    args = (
        ["start", "--answers", str(path), "--no-input"]
        if command == "start"
        else ["vet", "harbor", "--record", "--answers", str(path), "--no-input", "--yes"]
    )
    result = _invoke([*args, "--data", str(data_copy)] if command == "vet" else args)
    _assert_clean(result)
    if command == "vet" or case not in {"empty file", "null"}:
        assert result.exit_code == 1


def _vet_answers() -> dict[str, Any]:
    answers: dict[str, Any] = {f"{f.id}.score": 3 for f in rubric().factors}
    answers |= {f"{f.id}.evidence": ["written-policy"] for f in rubric().factors}
    answers |= {
        "assessor": "Script Runner",
        "date": "2026-11-20",
        "method": ["documents"],
        "save": True,
    }
    return answers


@FUZZ
@given(answers=mistyped(_vet_answers()))
def test_vet_record_with_mistyped_answers_never_crashes(
    tmp_path: Path, data_copy: Path, answers: dict[str, Any]
) -> None:
    path = tmp_path / "vet.yaml"
    path.write_text(_dump(answers), encoding="utf-8")
    first_agency = "alder-county-youth-harbor"
    args = ["vet", first_agency, "--record", "--answers", str(path), "--no-input", "--yes"]
    result = _invoke([*args, "--data", str(data_copy), "--today", "2026-11-23"])
    _assert_clean(result, valid=answers == _vet_answers())


def test_valid_answers_written_in_each_accepted_way_succeed(
    tmp_path: Path, _private_home: Path, data_copy: Path
) -> None:
    """The other side of the fuzz tests: answers that are right are never refused."""
    path = tmp_path / "answers.yaml"
    path.write_text(_dump(EXAMPLE), encoding="utf-8")
    result = _invoke(["start", "--answers", str(path), "--no-input", "--today", "2026-11-23"])
    _assert_clean(result, valid=True)
    first_agency = "alder-county-youth-harbor"
    args = ["vet", first_agency, "--record", "--no-input", "--yes", "--data", str(data_copy)]
    for changes in (
        {},
        {f"{f.id}.score": "3" for f in rubric().factors},  # a score typed as text
        {f"{f.id}.evidence": "2" for f in rubric().factors},  # evidence by number
        {f"{f.id}.evidence": "written-policy, 1" for f in rubric().factors},
        {"method": "documents, phone"},
        {"method": "2"},
    ):
        path = tmp_path / "vet.yaml"
        path.write_text(_dump(_vet_answers() | changes), encoding="utf-8")
        result = _invoke([*args, "--answers", str(path), "--today", "2026-11-23"])
        _assert_clean(result, valid=True)
        assert "Saved " in result.output, changes
