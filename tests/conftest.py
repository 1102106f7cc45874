"""Pin the terminal before the app is imported, and keep every test's files in tmp_path."""

from __future__ import annotations

import os

os.environ["NO_COLOR"] = "1"
os.environ["COLUMNS"] = "120"
os.environ["TERMINAL_WIDTH"] = "120"
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ.pop("FORCE_COLOR", None)
os.environ.pop("REFERRAL_DATA", None)

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import Phase, settings
from typer.testing import CliRunner, Result

from referral_cli.catalog.load import default_data_dir
from referral_cli.cli import app

SHIPPED = default_data_dir()

# CI replays the same examples every run (a red CI is then a real, reproducible failure);
# local runs keep exploring new random examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Case files of every test go to a temp folder, never the real user data folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("REFERRAL_HOME", str(home))
    monkeypatch.setenv("REFERRAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("REFERRAL_DATA", raising=False)
    return home


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke the CLI like a user: `run("agencies", "--json", input="...")`."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped example catalog that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(SHIPPED, target)
    return target


TEST_PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _case_key(_private_home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test starts as after `referral init`: a cheap key (test-only KDF cost), its
    passphrase in REFERRAL_PASSPHRASE. Tests of init itself delete key.json first."""
    from referral_cli.casefile import crypto

    monkeypatch.setenv("REFERRAL_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("REFERRAL_KDF_COST", "10")
    crypto.forget()
    crypto.create_key(TEST_PASSPHRASE)
    return TEST_PASSPHRASE


REAL_START = dt.datetime(2026, 11, 23, 9, 0)


class RealClock:
    """The system clock as the code under test sees it: pinned, one second per reading.

    Consent, retention and last-change times read the real clock, so tests pin it (no test
    depends on the day it runs); a test moves it with `set`, as the calendar would.
    """

    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def set(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        self.at += dt.timedelta(seconds=1)
        return self.at


@pytest.fixture(autouse=True)
def real_clock(monkeypatch: pytest.MonkeyPatch) -> RealClock:
    """Pin `clock.real_now` at REAL_START (2026-11-23, the date most tests train on)."""
    from referral_cli import clock

    pinned = RealClock(REAL_START)
    monkeypatch.setattr(clock, "real_now", pinned)
    return pinned


# scripts/mutation.sh: the same examples every run (scores comparable run to run), and no
# shrinking (a mutant is killed by the first failure; shrinking it only costs time).
settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
