"""Work done beside: in a forked copy of this process, on the machine's other core, while this
process goes on. Only flat numeric arrays come back (through a pipe: each one's type, length
and bytes); anything that goes wrong in the copy, or a process where forking is unsafe, means
the work is simply done here when its result is asked for. The answers are the same either
way.

Forking is safe only where no other Python thread may hold a lock the copy would need: a
process with more than one Python thread (a web server, a scheduler) never forks here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import warnings
from collections.abc import Callable
from io import BufferedReader
from typing import Any, BinaryIO

import numpy as np

ARRAYS_MAX = 16  # Arrays one piece of work may return.


def can_fork() -> bool:
    """A second core, `os.fork`, and this thread alone in the process."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1


class Beside:
    """`work()` started in a forked copy now; `result()` gives its arrays (computed here
    instead if the copy could not be made or did not deliver). Used as a context manager, a
    copy whose result was not asked for (this process failed meanwhile) is stopped on exit."""

    def __init__(self, work: Callable[[], tuple[Any, ...]]) -> None:
        self._work = work
        self._pid: int | None = None
        self._reader: BufferedReader | None = None
        if not can_fork():
            return
        read_end, write_end = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about any thread, NumPy's idle math threads included; the
            # Python threads that matter are ruled out by `can_fork`.
            warnings.filterwarnings(
                "ignore", message=r".*multi-threaded.*", category=DeprecationWarning
            )
            pid = os.fork()
        if pid == 0:  # The copy: compute, send, and leave without running any clean-up.
            os.close(read_end)
            status = 1
            try:
                arrays = work()
                if len(arrays) > ARRAYS_MAX:
                    raise ValueError("too many arrays")
                with os.fdopen(write_end, "wb") as out:
                    out.write(np.int64(len(arrays)).tobytes())
                    for array in arrays:
                        _send(out, np.ascontiguousarray(array))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid = pid
        self._reader = os.fdopen(read_end, "rb")

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *_: object) -> None:
        self.cancel()

    def result(self) -> tuple[Any, ...]:
        if self._pid is None or self._reader is None:
            return tuple(self._work())
        arrays: list[Any] | None = None
        try:
            count = int(np.frombuffer(_exactly(self._reader, 8), dtype=np.int64)[0])
            if 0 <= count <= ARRAYS_MAX:
                arrays = [_received(self._reader) for _ in range(count)]
        except (OSError, ValueError, EOFError):
            arrays = None
        delivered = self._close()
        return tuple(arrays) if arrays is not None and delivered else tuple(self._work())

    def cancel(self) -> None:
        """Stop the copy if it is still at work (its result is not wanted)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._close()

    def _close(self) -> bool:
        """Close the pipe and reap the copy; whether it exited cleanly."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._pid is None:
            return False
        pid, self._pid = self._pid, None
        _, status = os.waitpid(pid, 0)
        return status == 0


def _send(out: BinaryIO, array: Any) -> None:
    """One flat numeric array: its type in 8 bytes, its length, its bytes (no copy)."""
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        raise ValueError("only flat numeric arrays come back")
    out.write(array.dtype.str.encode("ascii").ljust(8))
    out.write(np.int64(len(array)).tobytes())
    out.write(memoryview(array).cast("B"))


def _received(reader: BufferedReader) -> Any:
    kind = np.dtype(_exactly(reader, 8).strip().decode("ascii"))
    if kind.kind not in "biuf":
        raise ValueError("unexpected array type")
    length = int(np.frombuffer(_exactly(reader, 8), dtype=np.int64)[0])
    array: Any = np.empty(length, dtype=kind)
    into, filled = memoryview(array).cast("B"), 0
    while filled < len(into):
        got = reader.readinto(into[filled:])
        if not got:
            raise EOFError("the copy stopped sending")
        filled += got
    return array


def _exactly(reader: BufferedReader, size: int) -> bytes:
    data = reader.read(size)
    if len(data) != size:
        raise EOFError("the copy stopped sending")
    return data
