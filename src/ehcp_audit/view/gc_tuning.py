"""Garbage collection during bulk work.

CPython's cycle collector runs after every 700 new container objects, and each run of its
oldest generation walks every live object. A rebuild or import creates millions of short-lived
tuples while holding pages of them, so the collector spent about a third of the log read
re-walking live data (measured: 400,000 log events read and staged in 5.9 s, 3.7 s with the
thresholds below). Those tuples hold no cycles; collecting less often frees the same garbage.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def bulk_work() -> Iterator[None]:
    """Collect cycles less often while the block runs; the previous thresholds come back."""
    before = gc.get_threshold()
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
