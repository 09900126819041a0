"""Loading modules without the cyclic garbage collector scanning them while they are made.

Loading a large library makes tens of thousands of objects (functions, classes, their
dictionaries) that live as long as the process; the collector, triggered every 700 new
objects, scanned them again and again meanwhile: a fifth to a third of the time scipy.special
or Django take to load (measured with gc.callbacks; `acuback analyze cohort` paid 0.1-0.2 s of
collections before its report). `loading()` pauses collection for the block; `frozen=True`
then also leaves what exists out of every later collection (gc.freeze), for a process's
start, when nothing made yet is garbage.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading(*, frozen: bool = False) -> Iterator[None]:
    """No cyclic collection during the block (unless it was off already, then nothing changes)."""
    pause = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            if frozen:
                gc.freeze()
            gc.enable()
