"""Help that teaches: every --help ends with examples that work, readable metavars, completion."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import Result

from referral_cli.casefile.records import STATUS_LABELS
from referral_cli.cli import app
from referral_cli.commands.examples import EXAMPLES, STATUS_WORDS
from tests.test_formats import commands_of

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[1]
# Examples that need a terminal, change the key, read a file the worker would have, or start
# or resume a session (tests/test_session_*.py run those).
NOT_RUN = {
    "referral init",
    "referral init --retention-days 60",
    "referral start",
    "referral start --answers docs/answers-example.yaml --no-input",
    "referral resume AC-2041",
    "referral catalog import-hsds export/ --dry-run",
    "referral catalog import-hsds organizations.json --data my-catalog",
    "referral status AC-2041 --from-fhir task-update.json",
    "referral contacts add-to-catalog eastside --sector runaway-homeless-youth --data DIR",
    "referral catalog watch --data big-catalog",  # runs until stopped (tests/test_watch.py)
}


def _paths() -> list[str]:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    return [path for path, command in commands_of(root) if not command.hidden]


def test_every_help_ends_with_one_or_two_examples_of_itself(run: Run) -> None:
    paths = _paths()
    assert set(paths) == set(EXAMPLES)
    for path in paths:
        text = run(*path.split(), "--help").stdout
        tail = text.rstrip().split("Example")[-1]
        examples = [line.strip() for line in tail.splitlines()[1:] if line.strip()]
        assert 1 <= len(examples) <= 2, path
        assert all(e.startswith(f"referral {path.split()[0]}") for e in examples), path
        assert text.rstrip().endswith(examples[-1])


def test_metavars_are_words_a_worker_reads(run: Run) -> None:
    for path in _paths():
        text = run(*path.split(), "--help").stdout
        assert not re.search(r"<\w|\[x[<>]|INTEGER RANGE|\bTEXT\b(?! *Why)", text), path


def test_status_help_names_every_state_in_words_with_its_id(run: Run) -> None:
    assert dict(STATUS_WORDS) == STATUS_LABELS
    text = run("status", "--help").stdout
    for ident, words in STATUS_LABELS.items():
        assert re.search(rf"{ident} +{words}\n", text), ident


def test_the_examples_work(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    answers = str(ROOT / "docs" / "answers-example.yaml")
    assert run("start", "--answers", answers, "--no-input").exit_code == 0
    ran = 0
    last = ["consent", "consent revoke", "purge"]  # they change or delete the session
    order = sorted(EXAMPLES, key=lambda p: last.index(p) + 1 if p in last else 0)
    for path in order:
        for example in EXAMPLES[path]:
            if example in NOT_RUN:
                continue
            args = shlex.split(example)[1:]
            result = run(*args, input="y\n")
            assert result.exit_code == 0, (example, result.output)
            ran += 1
    assert ran >= 30


def test_shell_completion_offers_commands_formats_and_statuses(tmp_path: Path) -> None:
    def complete(words: str) -> str:
        env = os.environ | {"_REFERRAL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
        script = "from referral_cli.cli import app; app(prog_name='referral')"
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        return done.stdout

    assert '"vettings"' in complete("referral vet")
    assert '"fhir"' in complete("referral summary AC-2041 --format ")
    assert '"in_progress":"in progress"' in complete("referral status AC-2041 in")
    shown = subprocess.run(
        [sys.executable, "-c", "from referral_cli.cli import app; app(prog_name='referral')"],
        env=os.environ | {"_REFERRAL_COMPLETE": "source_bash"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "complete" in shown.stdout and "_REFERRAL_COMPLETE" in shown.stdout
