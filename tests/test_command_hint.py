"""The command a paused session prints to resume works as printed: `referral` if it is on
PATH, else the script's own path when the session was started by it (a new user started
`/path/to/.venv/bin/referral start` and was told `/path/to/python -m referral_cli resume`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from referral_cli.console import command


def test_the_script_started_by_its_path_is_named_by_that_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "bin" / "referral"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(sys, "argv", [str(script), "start"])
    assert command("resume AC-1") == f"{script} resume AC-1"
    monkeypatch.setattr(sys, "argv", ["/elsewhere/__main__.py", "start"])
    assert command("resume AC-1") == f"{sys.executable} -m referral_cli resume AC-1"
