"""`catalog validate` lists each file's problems top down, by line: a new user saw `:77`
printed before `:52` in the same file (pydantic's field order, not the file's)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Run = Callable[..., Result]
TASK_FORCE = "  - id: alder-county-anti-trafficking-task-force\n"


def test_problems_of_one_file_are_listed_by_line(data_copy: Path, run: Run) -> None:
    path = data_copy / "agencies.yaml"
    text = path.read_text().replace(TASK_FORCE, f"{TASK_FORCE}    webiste: x\n", 1)
    at = text.index("    phone: ", text.index(TASK_FORCE))
    path.write_text(text[:at] + "    phone: 12" + text[text.index("\n", at) :])
    result = run("catalog", "validate", str(data_copy))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "agencies.yaml:" in line]
    numbers = [int(line.split("agencies.yaml:")[1].split(":")[0]) for line in lines]
    assert len(numbers) == 2 and numbers == sorted(numbers), result.output
    assert "webiste" in lines[0] and "phone" in lines[1]


def test_a_field_error_does_not_hide_an_unknown_service_in_another_agency(
    data_copy: Path, run: Run
) -> None:
    """A new user saw the unknown service only after fixing a misspelt field elsewhere."""
    path = data_copy / "agencies.yaml"
    text = path.read_text().replace(TASK_FORCE, f"{TASK_FORCE}    webiste: x\n", 1)
    path.write_text(
        text.replace("      - food\n      - clothing\n", "      - food\n      - clothng\n", 1)
    )
    result = run("catalog", "validate", str(data_copy))
    out = " ".join(result.output.split())
    assert result.exit_code == 1 and "2 problems" in out
    assert "webiste: is not a known field" in out
    assert "unknown service 'clothng' (did you mean clothing?)" in out
