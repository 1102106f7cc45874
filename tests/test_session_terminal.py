"""One run in a real terminal (a pty, through pexpect): Ctrl-C, resume, the typed yes.

CliRunner fakes the terminal; this is the one test that sees what a worker sees, with real
line editing, a real Ctrl-C and a 60-column screen.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parents[1]
HARBOR = "alder-county-youth-harbor"


def spawn(*args: str, log: io.StringIO | None = None) -> Any:
    env = {**os.environ, "COLUMNS": "60", "REFERRAL_TODAY": "2026-11-23", "PATH": "/usr/bin:/bin"}
    env.pop("_TYPER_FORCE_DISABLE_TERMINAL", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "referral_cli", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 60),
    )
    child.logfile_read = log
    return child


def test_ctrl_c_keeps_every_answer_and_resume_asks_for_a_typed_yes(tmp_path: Path) -> None:
    answers: dict[str, Any] = yaml.safe_load((ROOT / "docs" / "answers-example.yaml").read_text())
    release = answers["share"][HARBOR]
    del release["items"], release["confirm"]
    answers["plan"]["continue"] = "no"
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))

    child = spawn("start", "--answers", str(path))
    child.expect_exact("Items the youth agrees to share")
    child.sendintr()  # Ctrl-C in the middle of the consent step
    child.expect_exact("Keep the draft to resume later? [Y/n]")
    child.sendline("")
    child.expect_exact("Draft kept with every answer given so far.")
    child.expect(r"Resume with:\r\n  (\S+) -m referral_cli resume AC-2041")  # no `referral` on PATH
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    log = io.StringIO()
    child = spawn("resume", "AC-2041", "--answers", str(path), log=log)
    child.expect_exact("next   Share (guide step 6)")
    child.expect_exact("Items the youth agrees to share")
    child.sendline("emergency-shelter, language")
    child.expect_exact("Shared with Alder County Youth Harbor until 2026-12-23:")
    child.expect_exact("Is that what the youth agreed to? [type yes or no]")
    child.sendline("y")
    child.expect_exact("Type the whole word: yes or no.")
    child.sendline("yes")
    child.expect_exact("The plan for AC-2041")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # every line fits the 60-column screen: the terminal never cuts a word or a command
    assert [line for line in log.getvalue().splitlines() if len(line.rstrip("\r")) > 60] == []

    from referral_cli.casefile.store import load_session

    saved = load_session("AC-2041")
    assert saved.done == [1, 2, 3, 4, 6]
    assert saved.releases[0].items == ["need:emergency-shelter", "about:language"]
