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
