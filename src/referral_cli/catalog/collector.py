"""Pausing the garbage collector where many objects are built at once and all stay alive."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """No garbage collection while many long-lived objects are built (a catalog checked,
    judged and cached; an HSDS import and its review list).

    Checking makes millions of objects (at 50,000 agencies) that all stay alive; with the
    collector on, judging and caching them afterwards spent a fifth of a cold start
    rescanning them. `freeze` moves them out of the collector's sight for good (gc.freeze)
    once built: otherwise its first passes after re-enabling walk them all again, up to
    three times. Only for large catalogs: anything the process already holds is frozen too,
    and a long-lived process with small catalogs (a session, the test suite) gains nothing.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()
