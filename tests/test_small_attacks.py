"""Issue #14, case 12: smaller attacks, each ending in the fix or a one-line error, never a
traceback (the case-file, key, output and text parts)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from typer.testing import Result

from referral_cli.casefile import crypto
from referral_cli.text import clean, escape_controls, md
from tests.conftest import TEST_PASSPHRASE

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "docs" / "answers-example.yaml")
Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _training_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")


def _clean_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.output.startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1, result.output
    for word in words:
        assert word in result.output


def test_a_long_language_name_does_not_crash_start(run: Run, data_copy: Path) -> None:
    services = data_copy / "services.yaml"
    long_name = "Spanish " + "x" * 200
    services.write_text(services.read_text().replace("  es: Spanish\n", f"  es: {long_name}\n"))
    assert run("catalog", "validate", "--data", str(data_copy)).exit_code == 0
    result = run("start", "--answers", EXAMPLE, "--no-input", "--data", str(data_copy))
    assert result.exit_code == 0, result.output
    assert "Spanish xxx" in run("summary", "AC-2041").output


@pytest.mark.parametrize(
    ("n", "r", "p"), [(3, 8, 1), (2**14, 0, 1), (2**40, 8, 1), (2**14, 8, 0), (2**14, 8, 10**9)]
)
def test_odd_scrypt_settings_in_key_json_are_a_clear_error(
    run: Run, _private_home: Path, n: int, r: int, p: int
) -> None:
    path = _private_home / "key.json"
    data = json.loads(path.read_text())
    data["kdf"].update({"n": n, "r": r, "p": p})
    path.write_text(json.dumps(data))
    crypto.forget()
    _clean_error(run("sessions"), "key.json")


INIT = """
import sys
from referral_cli.casefile import crypto
try:
    crypto.create_key(sys.argv[1])
    print("created")
except Exception as exc:
    print("refused", type(exc).__name__)
"""


def test_two_inits_at_once_leave_one_working_key(
    _private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (_private_home / "key.json").unlink()
    monkeypatch.setenv("REFERRAL_KDF_COST", "16")  # slow enough to overlap
    procs = [
        subprocess.Popen([sys.executable, "-c", INIT, word * 3], stdout=subprocess.PIPE, text=True)
        for word in ("alpha-", "bravo-")
    ]
    outs = sorted(proc.communicate(timeout=60)[0].strip() for proc in procs)
    assert outs == ["created", "refused ReferralError"]


CHANGE = """
import sys
from referral_cli.casefile import crypto
try:
    crypto.rewrap(sys.argv[1], sys.argv[2])
    print("changed", sys.argv[2])
except Exception as exc:
    print("refused", type(exc).__name__)
"""


def test_two_passphrase_changes_at_once_the_reported_one_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFERRAL_KDF_COST", "16")  # slow enough to overlap
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHANGE, TEST_PASSPHRASE, new],
            stdout=subprocess.PIPE,
            text=True,
        )
        for new in ("first new passphrase", "second new passphrase")
    ]
    outs = sorted(proc.communicate(timeout=60)[0].strip() for proc in procs)
    changed = [o.removeprefix("changed ") for o in outs if o.startswith("changed")]
    assert len(changed) == 1 and "refused WrongPassphrase" in outs
    crypto.forget()
    monkeypatch.setenv("REFERRAL_PASSPHRASE", changed[0])
    assert crypto.data_key()


def test_a_home_folder_holding_other_files_is_refused_not_chmoded(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "Documents"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    (shared / "taxes.pdf").write_text("mine")
    monkeypatch.setenv("REFERRAL_HOME", str(shared))
    crypto.forget()
    result = run("init")
    _clean_error(result, "taxes.pdf", "REFERRAL_HOME")
    assert shared.stat().st_mode & 0o777 == 0o755
    assert sorted(p.name for p in shared.iterdir()) == ["taxes.pdf"]


def test_bare_urls_and_emails_in_markdown_stay_text() -> None:
    text = "Call or see https://evil.example/x, www.evil.com, evil.com or bob@evil.com"
    source = md(text)
    # every `.`, `:` and `@` inside a word is escaped: no run of text an autolink could use
    assert re.findall(r"(?<!\\)[.:@](?=\S)", source) == []
    tokens = MarkdownIt("commonmark").parse(source)
    inline = [t for t in tokens if t.type == "inline"]
    assert [c.type for c in inline[0].children or []] == ["text"] * len(inline[0].children or [])
    assert MarkdownIt("commonmark").render(source) == f"<p>{text}</p>\n"


def test_a_5000_digit_number_in_key_json_is_a_clear_error(run: Run, _private_home: Path) -> None:
    path = _private_home / "key.json"
    path.write_text(path.read_text().replace('"n": 1024', '"n": ' + "9" * 5000))
    crypto.forget()
    _clean_error(run("sessions"), "key.json is damaged")


def test_bidi_marks_are_removed_and_escaped_in_json() -> None:
    assert clean("a\u061cb\u202ec") == "abc"
    assert escape_controls('{"name": "a\u202eb"}') == '{"name": "a\\u202eb"}'
    assert json.loads(escape_controls(json.dumps({"x": "a\u202eb"}, ensure_ascii=False))) == {
        "x": "a\u202eb"
    }


def test_json_output_carries_no_raw_bidi_override(run: Run, tmp_path: Path) -> None:
    answers = yaml.safe_load(Path(EXAMPLE).read_text())
    answers["escort"]["alder-county-youth-harbor"]["plan"] = "Sam drives \u202eevan kcab"
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True))
    assert run("start", "--answers", str(path), "--no-input").exit_code == 0
    out = tmp_path / "mine.json"
    for args in ([], ["-o", str(out)]):
        result = run("summary", "AC-2041", "-f", "json", *args)
        assert result.exit_code == 0 and "\u202e" not in result.output
    assert "\u202e" not in out.read_text()
    json.loads(out.read_text())  # still valid JSON
