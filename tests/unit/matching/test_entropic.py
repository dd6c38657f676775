"""Smoothed duals of the columns' transportation problem: always exactly feasible integers,
close to the optimum that a simplex code finds, and used by the solver when hours are scarce."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.linear_solver import pywraplp

from matching.large.entropic import entropic_duals
from matching.skill_match import MatchParams, solve
from tests.unit.matching.checker import check, lp_optimum
from tests.unit.matching.instances import medium_instance


def _columns(
    seed: int, volunteers: int = 300, needs: int = 60, per_volunteer: int = 8
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct random pairs with values 1–199; some volunteers and needs have no hours."""
    rng = np.random.default_rng(seed)
    volunteer = np.repeat(np.arange(volunteers), per_volunteer)
    need = rng.integers(0, needs, len(volunteer))
    key = np.unique(volunteer * needs + need)
    value = rng.integers(1, 200, len(key))
    supply = rng.integers(0, 7, volunteers)
    demand = rng.integers(0, 40, needs)
    return key // needs, key % needs, value, supply, demand


def _simplex_optimum(
    volunteer: np.ndarray,
    need: np.ndarray,
    value: np.ndarray,
    supply: np.ndarray,
    demand: np.ndarray,
) -> float:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    hours = [solver.NumVar(0, solver.infinity(), "") for _ in range(len(value))]
    for side, capacity in ((volunteer, supply), (need, demand)):
        for node in np.unique(side).tolist():
            solver.Add(sum(hours[i] for i in np.flatnonzero(side == node)) <= int(capacity[node]))
    solver.Maximize(sum(int(value[i]) * hours[i] for i in range(len(value))))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return float(solver.Objective().Value())


def _covers(
    duals: tuple[np.ndarray, np.ndarray], volunteer: np.ndarray, need: np.ndarray, value: np.ndarray
) -> bool:
    u, w = duals
    return bool(
        u.dtype == w.dtype == np.int64
        and (u >= 0).all()
        and (w >= 0).all()
        and (u[volunteer] + w[need] >= value).all()
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    volunteers=st.integers(1, 40),
    needs=st.integers(1, 15),
    per_volunteer=st.integers(1, 5),
)
def test_duals_cover_every_column_whatever_the_hours(
    seed: int, volunteers: int, needs: int, per_volunteer: int
) -> None:
    """Zero hours on either side included: integers, nonnegative, u + w ≥ value everywhere."""
    volunteer, need, value, supply, demand = _columns(seed, volunteers, needs, per_volunteer)
    duals = entropic_duals(volunteer, need, value, supply, demand)
    assert _covers(duals, volunteer, need, value)
    warm = entropic_duals(volunteer, need, value, supply, demand, start=duals, steps=1)
    assert _covers(warm, volunteer, need, value)


@pytest.mark.parametrize("seed", range(8))
def test_dual_objective_is_within_three_percent_of_the_simplex_optimum(seed: int) -> None:
    volunteer, need, value, supply, demand = _columns(seed)
    u, w = entropic_duals(volunteer, need, value, supply, demand)
    dual_objective = int((supply * u).sum() + (demand * w).sum())
    optimum = _simplex_optimum(volunteer, need, value, supply, demand)
    assert optimum - 1e-6 <= dual_objective <= 1.03 * optimum


def test_a_warm_start_keeps_what_the_duals_reached() -> None:
    """One more step from the last duals stays as close to the optimum (it is how the solver
    reprices after adding columns)."""
    volunteer, need, value, supply, demand = _columns(3)
    optimum = _simplex_optimum(volunteer, need, value, supply, demand)
    u, w = entropic_duals(volunteer, need, value, supply, demand)
    u2, w2 = entropic_duals(volunteer, need, value, supply, demand, start=(u, w), steps=1)
    assert optimum - 1e-6 <= (supply * u2).sum() + (demand * w2).sum() <= 1.03 * optimum


@pytest.mark.parametrize("seed", range(6))
def test_scarce_hours_take_the_smoothed_rounds_and_stay_exact(seed: int) -> None:
    """Pruning forced: when volunteers offer fewer hours than the needs ask, the solver prices
    on smoothed duals before its first flow, and still proves the optimum over every pair;
    when they offer more, it does not."""
    volunteers, needs = medium_instance(seed)
    scarce = sum(v.hours for v in volunteers) < sum(n.hours for n in needs)
    solution = solve(
        volunteers,
        needs,
        MatchParams(plain_pairs_max=0, pairs_kept_max=0, columns_per_need_first=1),
    )
    optimum = round(lp_optimum(volunteers, needs))
    assert (solution.stats["entropic_seconds"] > 0) == scarce
    assert solution.objective == solution.bound == optimum
    assert check(volunteers, needs, MatchParams(), solution.assignments) == optimum


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("gap", [0.5, 1e-9])
def test_a_first_flow_in_halves_keeps_every_constraint_and_a_valid_bound(
    seed: int, gap: float
) -> None:
    """Forced on medium problems: the halves' joined hours respect every capacity (checked
    independently), never beat the optimum over every pair, and the bound never falls below
    it; with a gap of almost nothing, the whole flows that follow still reach the optimum."""
    volunteers, needs = medium_instance(seed)
    params = MatchParams(
        plain_pairs_max=0,
        pairs_kept_max=0,
        columns_per_need_first=2,
        split_columns_min=0,
        relative_gap_limit=gap,
    )
    solution = solve(volunteers, needs, params)
    optimum = lp_optimum(volunteers, needs)
    assert solution.stats["split_first_flow"] == 1.0
    assert check(volunteers, needs, params, solution.assignments) == solution.objective
    assert solution.objective <= optimum + 1e-6 <= solution.bound + 2e-6
    assert solution.bound - solution.objective <= gap * solution.objective + 1e-9 or (
        solution.stats["rounds"] > 1
    )
    if gap < 1e-6:
        assert solution.objective == solution.bound == round(optimum)


def test_no_split_without_a_gap_allowed() -> None:
    volunteers, needs = medium_instance(1)
    assert (
        solve(
            volunteers, needs, MatchParams(plain_pairs_max=0, pairs_kept_max=0, split_columns_min=0)
        ).stats["split_first_flow"]
        == 0.0
    )
