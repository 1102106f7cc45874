"""A progress bar for long reads, shown only on a terminal and only once a read takes a while."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from typing import IO, Any


class Progress:
    """A progress bar on stderr, shown only on a terminal and only once a read takes a while."""

    DELAY = 0.5

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = max(total, 1)
        self.enabled = enabled and sys.stderr.isatty()
        self.done = 0
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def advance(self, amount: int) -> None:
        """Count work done; start the bar after DELAY seconds."""
        self.done += amount
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self.started < self.DELAY:
                return
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

            from referral_cli.console import make_console

            self._bar = Progress(
                TextColumn("Reading HSDS"),
                BarColumn(),
                TaskProgressColumn(),
                console=make_console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("read", total=self.total)
        self._bar.update(self._task, completed=min(self.done, self.total))

    def close(self) -> None:
        """Remove the bar (it is transient)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class Counting(io.RawIOBase):
    """A binary reader that reports how many bytes were read, for the progress bar."""

    def __init__(self, raw: IO[bytes], tick: Callable[[int], None]) -> None:
        self.raw = raw
        self.tick = tick

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.tick(len(data))
        return len(data)
