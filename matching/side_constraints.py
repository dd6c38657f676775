"""Proposals people can staff: at most N volunteers on a need, at least H hours in each
assignment (or the whole need when it asks for fewer), at most one need per volunteer if asked.

Over every eligible pair (the instances the service solves), in three steps:

1. A pair whose capacity (the volunteer's hours, the need's) is below its minimum (H, or the
   whole need when it asks for fewer hours) cannot be used at all.
2. The linear relaxation bounds the optimum for every eligible pair: the flow's rows, and for
   each need Σ x/c ≤ N (each pair's use y ≥ x/c, c its capacity), for each volunteer Σ x/c ≤ 1
   when one need each. GLOP solves it; its value (integer objectives: rounded down after a
   margin for GLOP's tolerances) is the bound reported.
3. CP-SAT chooses hours x and uses y on the candidates: the relaxation's support and each
   need's and volunteer's best pairs. It stops once its answer is within `side_gap` of the bound
   (or at the time limit).

Every answer is checked again here (capacities, team size, minimum hours) before it is returned.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

CANDIDATES_PER_NEED: Final = 6
CANDIDATES_PER_VOLUNTEER: Final = 2
LP_SUPPORT_MIN: Final = 1e-6  # An hour share above this is part of the relaxation's support.
# The relaxation's value is a float within GLOP's tolerances of the true one. Objectives are
# integers, so the integer optimum is at most the value plus this relative margin, rounded down.
LP_ROUNDING_MARGIN: Final = 1e-6
SIDE_GAP_DEFAULT: Final = 0.01


class SideSolverFault(RuntimeError):
    """A solver's answer breaks a constraint or its own bound: a bug, never shown to users."""


@dataclass(frozen=True, slots=True)
class SideRules:
    """The side constraints and how long to search."""

    max_team_size: int | None
    min_assignment_hours: int | None
    one_need_per_volunteer: bool
    time_limit_s: float
    seed: int = 0
    side_gap: float = SIDE_GAP_DEFAULT  # Stop once within this share of the bound.


@dataclass(frozen=True, slots=True)
class SideAnswer:
    hours: Any  # Hours per pair (int64 array, one per pair given).
    objective: int
    bound: int  # Valid for every pair given: from the linear relaxation's value.
    stats: dict[str, float]


def capacities(supply: Any, demand: Any, volunteer: Any, need: Any) -> Any:
    """Each pair's capacity: the fewer of its volunteer's and its need's hours."""
    return np.minimum(supply[volunteer], demand[need])


def minimum_hours(demand_of_pair: Any, min_assignment_hours: int | None) -> Any:
    """Each pair's least assignment: the minimum hours, or the whole need when it asks for
    fewer (a two-hour need is staffed by one volunteer for two hours)."""
    return np.minimum(demand_of_pair, min_assignment_hours or 1)


def usable(capacity: Any, minimum: Any) -> Any:
    """The pairs that can carry an assignment of at least their minimum hours."""
    return capacity >= minimum


def relaxation(
    supply: Any, demand: Any, volunteer: Any, need: Any, value: Any, rules: SideRules
) -> tuple[float, Any]:
    """The linear relaxation's value and hours (GLOP) over the pairs given (usable ones)."""
    capacity = capacities(supply, demand, volunteer, need).astype(float)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(0.0, float(c), "") for c in capacity]
    rows_of_volunteer, rows_of_need = _rows(volunteer, need)
    for v, rows in rows_of_volunteer.items():
        solver.Add(solver.Sum([x[i] for i in rows]) <= float(supply[v]))
        if rules.one_need_per_volunteer:
            solver.Add(solver.Sum([x[i] * (1.0 / capacity[i]) for i in rows]) <= 1.0)
    for n, rows in rows_of_need.items():
        solver.Add(solver.Sum([x[i] for i in rows]) <= float(demand[n]))
        if rules.max_team_size is not None:
            team = solver.Sum([x[i] * (1.0 / capacity[i]) for i in rows])
            solver.Add(team <= float(rules.max_team_size))
    objective = solver.Objective()
    for i, amount in enumerate(value.tolist()):
        objective.SetCoefficient(x[i], float(amount))
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise SideSolverFault("the linear relaxation was not solved to optimality")
    return objective.Value(), np.array([var.solution_value() for var in x])


def _rows(volunteer: Any, need: Any) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    rows_of_volunteer: dict[int, list[int]] = defaultdict(list)
    rows_of_need: dict[int, list[int]] = defaultdict(list)
    for i, (v, n) in enumerate(zip(volunteer.tolist(), need.tolist(), strict=True)):
        rows_of_volunteer[v].append(i)
        rows_of_need[n].append(i)
    return rows_of_volunteer, rows_of_need


def best_per(group: Any, value: Any, count: int) -> Any:
    """The rows of each group's `count` best values (ties: the first rows)."""
    if not len(group):
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((-value, group))
    ordered = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(ordered)) + 1]
    rank = np.arange(len(ordered)) - np.repeat(starts, np.diff(np.r_[starts, len(ordered)]))
    return order[rank < count]


class _StopWithinGap(cp_model.CpSolverSolutionCallback):
    """Stops the search once a solution is within the gap allowed of the relaxation's bound."""

    def __init__(self, bound: int, gap: float) -> None:
        super().__init__()
        self.bound, self.gap = bound, gap

    def on_solution_callback(self) -> None:
        found = self.objective_value
        if self.bound - found <= self.gap * max(1.0, found):
            self.stop_search()


def _cp_sat(
    supply: Any,
    demand: Any,
    volunteer: Any,
    need: Any,
    value: Any,
    rules: SideRules,
    bound: int,
    seconds: float,
) -> Any:
    """Hours x and uses y per candidate pair under the side constraints (one worker)."""
    capacity = capacities(supply, demand, volunteer, need)
    model = cp_model.CpModel()
    x = [model.new_int_var(0, int(c), "") for c in capacity]
    y = [model.new_bool_var("") for _ in range(len(capacity))]
    minimum = minimum_hours(demand[need], rules.min_assignment_hours)
    for i, (c, least) in enumerate(zip(capacity.tolist(), minimum.tolist(), strict=True)):
        model.add(x[i] <= int(c) * y[i])
        model.add(x[i] >= int(least) * y[i])
    rows_of_volunteer, rows_of_need = _rows(volunteer, need)
    for v, rows in rows_of_volunteer.items():
        model.add(sum(x[i] for i in rows) <= int(supply[v]))
        if rules.one_need_per_volunteer:
            model.add(sum(y[i] for i in rows) <= 1)
    for n, rows in rows_of_need.items():
        model.add(sum(x[i] for i in rows) <= int(demand[n]))
        if rules.max_team_size is not None:
            model.add(sum(y[i] for i in rows) <= rules.max_team_size)
    model.maximize(sum(int(amount) * x[i] for i, amount in enumerate(value.tolist())))
    solver = cp_model.CpSolver()
    # One worker: deterministic for a seed, and the service's other processes keep a core.
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = rules.seed
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    status = solver.solve(model, _StopWithinGap(bound, rules.side_gap))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return np.zeros(len(capacity), dtype=np.int64)  # Nothing found in time: assign nothing.
    return np.array([solver.value(var) for var in x], dtype=np.int64)


def side_violation(
    supply: Any, demand: Any, volunteer: Any, need: Any, hours: Any, rules: SideRules
) -> str | None:
    """The first capacity or side constraint `hours` breaks, in words; None when it keeps all."""
    chosen = hours > 0
    if (hours < 0).any():
        return "negative hours"
    if (np.bincount(volunteer, hours, len(supply)) > supply).any():
        return "a volunteer gives more hours than offered"
    if (np.bincount(need, hours, len(demand)) > demand).any():
        return "a need gets more hours than asked"
    if (hours[chosen] < minimum_hours(demand[need[chosen]], rules.min_assignment_hours)).any():
        return "an assignment below the minimum hours"
    if (
        rules.max_team_size is not None
        and chosen.any()
        and np.bincount(need[chosen]).max() > rules.max_team_size
    ):
        return "a team above its size"
    if rules.one_need_per_volunteer and chosen.any() and np.bincount(volunteer[chosen]).max() > 1:
        return "a volunteer on two needs"
    return None


def check(
    supply: Any, demand: Any, volunteer: Any, need: Any, hours: Any, rules: SideRules
) -> None:
    """Raise SideSolverFault unless `hours` keeps every capacity and side constraint."""
    broken = side_violation(supply, demand, volunteer, need, hours, rules)
    if broken is not None:
        raise SideSolverFault(broken)


def solve_side(
    supply: Any, demand: Any, volunteer: Any, need: Any, value: Any, rules: SideRules
) -> SideAnswer:
    """The best staffable hours over every pair given, and a bound valid for all of them."""
    started = time.perf_counter()
    hours = np.zeros(len(volunteer), dtype=np.int64)
    minimum = minimum_hours(demand[need], rules.min_assignment_hours)
    keep = np.flatnonzero(usable(capacities(supply, demand, volunteer, need), minimum))
    if not len(keep):
        return SideAnswer(hours, 0, 0, {"pairs": 0.0, "candidates": 0.0, "seconds": 0.0})
    v, n, w = volunteer[keep], need[keep], value[keep]
    relaxed, shares = relaxation(supply, demand, v, n, w, rules)
    bound = math.floor(relaxed + LP_ROUNDING_MARGIN * max(1.0, abs(relaxed)))
    lp_seconds = time.perf_counter() - started
    candidates = np.unique(
        np.concatenate(
            [
                np.flatnonzero(shares > LP_SUPPORT_MIN),
                best_per(n, w, CANDIDATES_PER_NEED),
                best_per(v, w, CANDIDATES_PER_VOLUNTEER),
            ]
        )
    )
    remaining = rules.time_limit_s - (time.perf_counter() - started)
    chosen = _cp_sat(
        supply, demand, v[candidates], n[candidates], w[candidates], rules, bound, remaining
    )
    hours[keep[candidates]] = chosen
    check(supply, demand, volunteer, need, hours, rules)
    objective = int((hours * value).sum())
    if objective > bound:
        raise SideSolverFault("an answer above the relaxation's bound")
    return SideAnswer(
        hours,
        objective,
        bound,
        {
            "pairs": float(len(keep)),
            "candidates": float(len(candidates)),
            "relaxation_seconds": lp_seconds,
            "seconds": time.perf_counter() - started,
        },
    )
