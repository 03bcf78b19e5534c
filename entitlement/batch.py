"""Batch helpers shared by the scenario reader and the engine."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch that allocates many acyclic objects.

    The engine creates no reference cycles; without this, CPython would walk the whole live
    scenario again and again while results are built (a third of the run time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
