"""Reading an answers file (`referral start --answers`, `referral vet --record --answers`).

One loader for both commands, built on the catalog's hardened YAML parser (size cap, depth
check before libyaml, alias-bomb check), so a damaged, binary, huge or hostile answers file
ends in one clear line instead of a traceback or a hang.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from referral_cli.errors import ReferralError

_WORDING = {
    "to be a catalog": "to be an answers file",
    "must be a mapping of fields, not a list": "must be a mapping of answers (key: answer)",
}


def load_answers(path: Path) -> dict[str, Any]:
    """The answers as a mapping ({} for an empty file), or a one-line ReferralError."""
    from referral_cli.catalog.load import parse_yaml

    if path.is_dir():
        raise ReferralError(f"{path} is a folder, not an answers file.")
    if not path.exists():
        raise ReferralError(f"Answers file not found: {path}")
    data, problems = parse_yaml(path, str(path))
    if problems:
        problem = problems[0]
        if problem.message == "file is empty":
            return {}
        message = " ".join(problem.message.split())  # libyaml's messages span lines
        for old, new in _WORDING.items():
            message = message.replace(old, new)
        where = f"{path}:{problem.line}" if problem.line else str(path)
        raise ReferralError(f"Invalid answers file {where}: {message}.")
    if not isinstance(data, dict):
        raise ReferralError(f"{path} must be a mapping of answers (key: answer).")
    if _leaves(data) > MAX_ANSWERS:
        raise ReferralError(f"{path} holds far more answers than any session asks for.")
    return data


MAX_ANSWERS = 5000


def _leaves(data: Any, budget: int = MAX_ANSWERS + 1) -> int:
    """Count values, stopping early: aliases of mappings would otherwise flatten to millions."""
    count = 0
    stack = [data]
    while stack and count <= budget:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        count += 1
    return count
