"""Pin the terminal before the app is imported, and keep every test's files in tmp_path."""

from __future__ import annotations

import os

os.environ["NO_COLOR"] = "1"
os.environ["COLUMNS"] = "120"
os.environ["TERMINAL_WIDTH"] = "120"
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ.pop("FORCE_COLOR", None)
os.environ.pop("REFERRAL_DATA", None)

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


# scripts/mutation.sh: the same examples every run (scores comparable run to run), and no
# shrinking (a mutant is killed by the first failure; shrinking it only costs time).
settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
