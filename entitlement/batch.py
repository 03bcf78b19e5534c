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

    When the batch ends, the objects it made (tens of thousands of records, all of them
    young) are moved to the oldest generation in one step (``gc.freeze()`` then
    ``gc.unfreeze()``, both O(1) list splices): otherwise the first allocation after the
    batch runs a young collection that walks every one of them (≈16 ms for a 50,000-claim
    scenario) only to find nothing to free. They are still walked by the next full
    collection, as any old object is. Objects the caller made just before are moved too
    (a young cycle of theirs waits for a full collection). Skipped when something else
    has frozen objects (``gc.get_freeze_count()``): unfreezing would thaw them too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()  # every tracked object to the permanent generation, counts reset
            gc.unfreeze()  # ... and back to the oldest generation
        if enabled:
            gc.enable()
