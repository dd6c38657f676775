"""Approximate dual values of the transportation problem over a set of pairs, cheaply.

The columns' linear program (max Σ value·hours, Σ per volunteer ≤ its hours, Σ per need ≤ its
hours) is smoothed by an entropy term of weight ε and its dual minimised one block at a time:
every volunteer's dual, then every need's, each in closed form (Sinkhorn's iterations, in the
scaling domain, with the nonnegativity of the duals kept). ε falls step by step, each step starting
from the last one's duals. What comes back are integer duals of the unsmoothed problem: the
needs' values rounded and each volunteer's best response to them over its pairs, so they are
exactly feasible on those pairs, close to the columns' optimum for a fraction of a min-cost
flow's time (figures in docs/matching.md); the solver prices every eligible pair against them
before its first flow (`matching.skill_match`).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

# ε in steps, as shares of the largest value per hour; each step runs ITERATIONS_PER_STEP
# sweeps (one for the volunteers, one for the needs).
EPSILON_SHARES: Final = (1 / 32, 1 / 64, 1 / 128, 1 / 256, 1 / 512)
ITERATIONS_PER_STEP: Final = 20
ITERATIONS_MAX: Final = 1_000


class _Rows:
    """The pairs sorted by one side, with where each of that side's runs starts."""

    def __init__(self, own: Any, other: Any, value: Any) -> None:
        order = np.argsort(own, kind="stable")
        self.own, self.other = own[order], other[order]
        self.value = value[order].astype(np.float64)
        self.starts = np.flatnonzero(np.r_[True, self.own[1:] != self.own[:-1]])
        self.members = self.own[self.starts]  # One entry per run: whose run it is.
        self.largest = np.maximum.reduceat(self.value, self.starts)  # Per run.
        lengths = np.diff(np.r_[self.starts, len(self.own)])
        self.run_of_row = np.repeat(np.arange(len(self.starts)), lengths)

    def kernel(self, epsilon: float) -> Any:
        """exp((value − the run's largest value) / ε) per row, in (0, 1]."""
        return np.exp((self.value - self.largest[self.run_of_row]) / epsilon)


def best_response(side: Any, worth: Any, size: int) -> Any:
    """Per index 0..size−1 of `side`, the largest `worth` of its rows, at least 0 (0 without
    rows): one side's duals that make every row's pair of duals cover its value, given the
    other side's (`worth` = value − the other side's dual)."""
    best = np.zeros(size, dtype=np.int64)
    np.maximum.at(best, side, worth)
    return best


def entropic_duals(
    volunteer: Any,
    need: Any,
    value: Any,
    supply: Any,
    demand: Any,
    start: tuple[Any, Any] | None = None,
    steps: int | None = None,
) -> tuple[Any, Any]:
    """Integer duals (per volunteer hour, per need hour) of the columns' transportation
    problem: u(v) + w(n) ≥ value on every column, u, w ≥ 0, Σ hours·duals close to the
    columns' optimum. `start` warm-starts from earlier duals; `steps` runs only the last ε
    steps (all when None). Volunteers and needs without a column get 0."""
    assert len(volunteer) == len(need) == len(value) > 0
    assert (value > 0).all()
    assert (supply >= 0).all()
    assert (demand >= 0).all()
    # Only pairs with hours on both sides can carry any: the others would turn the logs of
    # zero capacities into infinities. Their duals come from the best response below.
    live = (supply[volunteer] > 0) & (demand[need] > 0)
    u = np.zeros(len(supply)) if start is None else start[0].astype(np.float64)
    w = np.zeros(len(demand)) if start is None else start[1].astype(np.float64)
    if live.any():
        _sweep(volunteer[live], need[live], value[live], supply, demand, u, w, steps)
    needs = np.flatnonzero(np.bincount(need, minlength=len(demand)))
    w_int = np.zeros(len(demand), dtype=np.int64)
    w_int[needs] = np.rint(w[needs]).astype(np.int64)
    return best_response(volunteer, value - w_int[need], len(supply)), w_int


def _sweep(
    volunteer: Any,
    need: Any,
    value: Any,
    supply: Any,
    demand: Any,
    u: Any,
    w: Any,
    steps: int | None,
) -> None:
    """Sinkhorn's sweeps on the duals `u`, `w` (changed in place), ε falling step by step."""
    by_volunteer = _Rows(volunteer, need, value)
    by_need = _Rows(need, volunteer, value)
    log_supply = np.log(supply[by_volunteer.members].astype(np.float64))
    log_demand = np.log(demand[by_need.members].astype(np.float64))
    largest_value = float(value.max())
    shares = EPSILON_SHARES if steps is None else EPSILON_SHARES[-steps:]
    assert len(shares) * ITERATIONS_PER_STEP <= ITERATIONS_MAX
    for share in shares:
        # In the scaling domain: a dual d is carried as exp(−d/ε). Duals never exceed the
        # largest value and ε is at least 1/512 of it, so these never underflow; a run's
        # sum underflows only when its dual would be negative (clipped to 0 anyway).
        epsilon = largest_value * share
        kernel_v, kernel_n = by_volunteer.kernel(epsilon), by_need.kernel(epsilon)
        scaled_w = np.exp(-w / epsilon)
        for _ in range(ITERATIONS_PER_STEP):
            total = np.add.reduceat(kernel_v * scaled_w[by_volunteer.other], by_volunteer.starts)
            with np.errstate(divide="ignore"):
                u_run = by_volunteer.largest + epsilon * (np.log(total) - log_supply)
            u[by_volunteer.members] = np.maximum(u_run, 0.0)
            scaled_u = np.exp(-u / epsilon)
            total = np.add.reduceat(kernel_n * scaled_u[by_need.other], by_need.starts)
            with np.errstate(divide="ignore"):
                w_run = by_need.largest + epsilon * (np.log(total) - log_demand)
            w[by_need.members] = np.maximum(w_run, 0.0)
            scaled_w = np.exp(-w / epsilon)
