"""Python's cycle collector, paused where a run makes millions of objects and few cycles.

CPython collects cycles after every 700 new objects by default, and each pass walks the young
objects again: a file's syntax tree (acyclic, freed by reference counting when the file is
done), and the models of a whole run, which live until it ends. ``collector_off`` pauses it for
a block and puts it back as it was; forked workers turn it on again for their own garbage
(``analyzer.workers``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_off() -> Iterator[None]:
    """No cycle collection within the block; on again after it, if it was on before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
