"""Pausing Python's cyclic garbage collector around bulk construction of acyclic records.

Parse trees, effects and catalog rows are made by the hundred thousand; none of them forms a cycle, so the
collections their allocation triggers find nothing and cost more than the work itself. Stages of any
depth (the analysis driver, the catalog reader) share this one context manager.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector for the block; re-enable it after only if it was enabled before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
