"""Work done beside, in a forked copy: the same arrays as done here, delivered by the copy when
it can fork, done here when it cannot or when the copy fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np

from matching.large import beside

ROOT = Path(__file__).resolve().parents[3]


def _run(code: str) -> str:
    """In a fresh interpreter: one thread, so the copy is really forked."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"},
    )
    return done.stdout.strip()


def test_the_copy_delivers_the_arrays_it_computed() -> None:
    out = _run(
        """
        import os
        import numpy as np
        from matching.large.beside import Beside, can_fork
        here = os.getpid()
        work = lambda: (np.arange(2_000_000, dtype=np.int64), np.array([os.getpid()]),
                        np.linspace(0, 1, 7), np.zeros(0, dtype=np.int32))
        big, pid, floats, empty = Beside(work).result()
        assert can_fork()
        assert (big == np.arange(2_000_000)).all() and big.dtype == np.int64
        assert int(pid[0]) != here, "computed here, not in the copy"
        assert (floats == np.linspace(0, 1, 7)).all() and empty.dtype == np.int32
        print("delivered")
        """
    )
    assert out == "delivered"


def test_a_failing_copy_means_the_work_is_done_here() -> None:
    out = _run(
        """
        import os
        import numpy as np
        from matching.large.beside import Beside
        here = os.getpid()
        def work():
            if os.getpid() != here:
                raise RuntimeError("fails in the copy")
            return (np.array([7]),)
        assert int(Beside(work).result()[0][0]) == 7
        nested = Beside(lambda: (np.zeros((2, 2)),))  # Not flat: refused by the copy.
        assert nested.result()[0].shape == (2, 2)
        print("done here")
        """
    )
    assert out == "done here"


def test_no_copy_while_other_threads_run() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not beside.can_fork()
        assert beside.Beside(lambda: (np.array([3]),)).result()[0].tolist() == [3]
    finally:
        stop.set()
        other.join()


def test_a_cancelled_copy_is_reaped() -> None:
    out = _run(
        """
        import os, time
        import numpy as np
        from matching.large.beside import Beside
        slow = Beside(lambda: (time.sleep(30), np.array([1]))[1:])
        slow.cancel()
        try:
            with Beside(lambda: (time.sleep(30), np.array([1]))[1:]):
                raise KeyError("this process fails before asking")
        except KeyError:
            pass
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            print("reaped")
        """
    )
    assert out == "reaped"


_SOLVED_BOTH_WAYS = """
import sys
sys.path.insert(0, "bench")
import importlib.util as u
spec = u.spec_from_file_location("bm", "bench/matching.py")
bm = u.module_from_spec(spec); spec.loader.exec_module(bm)
from matching import skill_match as sm
from matching.large import beside
{setup}
forks, fork = [], beside.os.fork
beside.os.fork = lambda: forks.append(1) or fork()
split = sm.solve(volunteers, needs, params)
assert len(forks) == {forks}, forks
beside.can_fork = lambda: False
here = sm.solve(volunteers, needs, params)
{checks}
answer = lambda s: (s.status, s.objective, s.bound)
assert answer(split) == answer(here)
assert split.assignments == here.assignments
print("same", {shown})
"""


def _solved_both_ways(setup: str, forks: int, checks: str, shown: str) -> str:
    """A medium benchmark instance solved with the copies (counting the forks) and all here."""
    return _run(
        _SOLVED_BOTH_WAYS.format(
            setup=textwrap.dedent(setup), forks=forks, checks=textwrap.dedent(checks), shown=shown
        )
    )


def test_solving_with_work_beside_gives_the_same_answer() -> None:
    """Nearby pairs split (a share found beside while the groups are built here) and the
    greedy beside the first pricing (forced on a medium problem by lowering the thresholds)
    against the same solve done all here: two copies, a share of the nearby pairs and the
    greedy."""
    out = _solved_both_ways(
        """
        volunteers, needs = bm.instance(3000, 600, seed=4, scarce=True)
        params = sm.MatchParams(relative_gap_limit=0.0, pairs_kept_max=1000, needs_split_min=10)
        """,
        forks=2,
        checks='assert split.stats["complete"] == 0.0 and split.stats["rounds"] >= 1',
        shown="split.status",
    )
    assert out == "same optimal"


def test_a_first_flow_in_halves_beside_gives_the_same_answer() -> None:
    """One half of the first flow in the copy, the other here, against both here: three
    copies, the greedy, a half of the first flow and its pricing."""
    out = _solved_both_ways(
        """
        volunteers, needs = bm.instance(3000, 600, seed=5, scarce=False)
        params = sm.MatchParams(
            relative_gap_limit=0.05, plain_pairs_max=0, pairs_kept_max=1000, split_columns_min=1000
        )
        """,
        forks=3,
        checks='assert split.stats["split_first_flow"] == 1.0',
        shown='split.stats["rounds"]',
    )
    assert out.startswith("same")
