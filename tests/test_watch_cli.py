"""`referral catalog watch` as a coordinator starts it: a folder argument like validate's, and
a broken catalog is refused saying the watcher did not start."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Run = Callable[..., Result]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watcher needs inotify")
def test_a_broken_catalog_is_not_watched(data_copy: Path, run: Run) -> None:
    path = data_copy / "agencies.yaml"
    path.write_text(path.read_text().replace("sector: health", "sectr: health", 1))
    result = run("catalog", "watch", str(data_copy))  # the folder as an argument
    assert result.exit_code == 1
    assert "Not watching: the catalog has problems" in result.output
    assert "agencies.yaml:" in result.output and "sectr" in result.output
    assert "Watching" not in result.output
