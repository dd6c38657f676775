"""Python's cycle collector paused while the solver works on large problems.

The solver builds and drops millions of small objects that never form cycles (records, tuples,
arrays) while it holds hundreds of thousands of long-lived ones (the problem's records): each
full collection walks all of them for nothing (what that cost on the largest instances:
docs/matching.md). Objects that do form cycles meanwhile are collected once it resumes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cyclic collection inside the block; resumed on leaving it (even by an error) if it
    was on when the block began, so nested and concurrent blocks leave it as they found it
    at the outermost one."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
