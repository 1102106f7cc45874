"""A warm `show`, `vet` or `agencies --service` is answered before typer loads, exactly as the
command would answer it; any other command line is left to the command, with nothing printed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog.places import default_data_dir
from referral_cli.commands import hotpath
from referral_cli.vetting.rules import load_catalog

Run = Callable[..., Result]
TODAY = "2026-11-23"


@pytest.fixture
def warm(data_copy: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)
    assert run("agencies", "--data", str(data_copy)).exit_code == 0  # builds the cache
    return data_copy


def _every_view(data: Path) -> list[list[str]]:
    catalog = load_catalog(data)
    where = ["--data", str(data)]
    commands = [["show", a, *where] for a in catalog.agencies]
    commands += [["vet", *where, a] for a in catalog.agencies]  # options first works too
    commands += [["agencies", "--service", s, f"--data={data}"] for s in catalog.services]
    commands += [["agencies", "--limit", "2", "--service=food", *where]]
    return commands


def test_hot_path_prints_what_the_command_prints(
    warm: Path, run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in _every_view(warm):
        assert hotpath.answer(argv), argv
        fast = capsys.readouterr().out
        result = run(*argv)
        assert result.exit_code == 0, result.output
        assert fast == result.output, argv
    assert run("show", "harborlight", "--data", str(warm)).exit_code == 0  # a name, not an id


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "{agency}", "--help"],
        ["show", "--help"],
        ["show", "{agency}", "--format", "json"],
        ["show", "{agency}", "-f", "markdown"],
        ["show", "{agency}", "-o", "card.txt"],
        ["show"],
        ["show", "{agency}", "{agency}"],
        ["show", "{agency}", "--data"],
        ["show", "{agency}", "--data", "--help"],
        ["show", "{agency}", "--data", "{data}", "--data", "{data}"],
        ["show", "--", "{agency}"],
        ["show", "harborlight"],  # the start of a name: the command finds it
        ["shows", "{agency}"],
        ["--version"],
        [],
        ["vet", "{agency}", "--history"],
        ["vet", "{agency}", "--record"],
        ["vet"],
        ["agencies"],
        ["agencies", "--service", "food", "--language", "es"],
        ["agencies", "--service", "food", "--limit", "-1"],
        ["agencies", "--service", "food", "--limit", "two"],
        ["agencies", "--service", "food", "extra"],
        ["agencies", "--service", ""],
        ["agencies", "--service", "no-such-need"],
    ],
)
def test_other_command_lines_are_left_to_the_command(
    warm: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    agency = next(iter(load_catalog(warm).agencies))
    words = [w.format(agency=agency, data=warm) for w in argv]
    if "--data" not in words:
        words += ["--data", str(warm)] if words and words[0] in ("show", "vet") else []
    assert not hotpath.answer(words)
    assert capsys.readouterr() == ("", "")


def test_no_answer_without_a_current_cache_or_during_completion(
    data_copy: Path, run: Run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    agency = next(iter(load_catalog(default_data_dir()).agencies))  # (caches that folder only)
    argv = ["show", agency, "--data", str(data_copy)]
    monkeypatch.setenv("REFERRAL_TODAY", TODAY)
    assert not hotpath.answer(argv)  # no cache yet: the command builds it
    assert run(*argv).exit_code == 0
    assert hotpath.answer(argv)
    capsys.readouterr()
    monkeypatch.setenv("_REFERRAL_COMPLETE", "bash_complete")
    assert not hotpath.answer(argv)
    monkeypatch.delenv("_REFERRAL_COMPLETE")
    monkeypatch.setenv("REFERRAL_TODAY", "yesterday")
    assert not hotpath.answer(argv)  # the command says what is wrong with the date
    assert capsys.readouterr() == ("", "")


def test_the_referral_command_answers_warm_without_typer(warm: Path, run: Run) -> None:
    agency = next(iter(load_catalog(warm).agencies))
    script = (
        "import sys\nfrom referral_cli.__main__ import main\n"
        "try:\n    main()\nfinally:\n    print('typer' in sys.modules, file=sys.stderr)"
    )

    def referral(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", script, *argv]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    shown = referral("show", agency, "--data", str(warm))
    assert shown.returncode == 0
    assert shown.stdout == run("show", agency, "--data", str(warm)).output
    assert shown.stderr.strip() == "False"
    other = referral("show", agency, "--data", str(warm), "--format", "json")
    assert other.returncode == 0
    assert f'"id": "{agency}"' in other.stdout
    assert other.stderr.strip() == "True"
