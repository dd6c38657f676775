"""Column generation: flows on each need's best candidates, their duals pricing every
eligible pair, until none prices above them (the optimum) or the bound is close enough; side
constraints on top with CP-SAT. Every answer is checked again here before it is returned."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from matching.explain import explain_assignments
from matching.large.beside import Beside
from matching.large.entropic import EPSILON_SHARES, best_response, entropic_duals
from matching.large.problem import (
    DUAL_RELAXATIONS_MAX,
    ENTROPIC_ROUNDS,
    ENTROPIC_WARM_STEPS,
    KEEP_SLACK_DIVISOR,
    Columns,
    Pricing,
    Problem,
    numbered,
)
from matching.model import Assignment, MatchParams, MatchSolution, Need, SolverFault, Volunteer
from matching.side_constraints import side_violation, solve_side


def _flow(capacities: tuple[Any, Any], columns: Columns) -> tuple[Any, int]:
    """Min-cost flow over the columns given the hours (per volunteer, per need) they may
    use: hours per column, and the objective (maximised value).

    Only volunteers and needs with a column become nodes: the others could only push hours in
    and back out again, which costs the push–relabel algorithm real work for nothing.
    """
    volunteers, column_volunteer = numbered(columns.volunteer, len(capacities[0]))
    needs, column_need = numbered(columns.need, len(capacities[1]))
    supply, demand = capacities[0][volunteers], capacities[1][needs]
    flow = min_cost_flow.SimpleMinCostFlow()
    source, offset = 0, 1 + len(supply)
    sink = offset + len(demand)
    total = int(supply.sum())
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.zeros(len(supply)), np.arange(offset, sink)]).astype(np.int32),
        np.concatenate([np.arange(1, offset), np.full(len(demand), sink)]).astype(np.int32),
        np.concatenate([supply, demand]).astype(np.int64),
        np.zeros(len(supply) + len(demand), dtype=np.int64),
    )
    first = flow.num_arcs()
    # One hour more than can ever flow: a pair arc is never saturated, so the residual graph
    # gives duals of the volunteers and needs alone (no arc-capacity duals, see `_duals`).
    flow.add_arcs_with_capacity_and_unit_cost(
        (1 + column_volunteer).astype(np.int32),
        (offset + column_need).astype(np.int32),
        np.minimum(supply[column_volunteer], demand[column_need]).astype(np.int64) + 1,
        (-columns.value).astype(np.int64),
    )
    # Hours nobody needs (or nobody can give profitably) go round through the bypass.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverFault(f"min-cost flow status {status}")
    hours = np.asarray(
        flow.flows(np.arange(first, first + len(columns), dtype=np.int32)), dtype=np.int64
    )
    return hours, -int(flow.optimal_cost())


def _duals(capacities: tuple[Any, Any], columns: Columns, hours: Any) -> tuple[Any, Any]:
    """Dual values (per volunteer hour, per need hour) of the flow over the columns.

    Shortest distances from the source in the residual graph, by Bellman–Ford relaxations
    vectorised over arcs: d(v) is the volunteer's dual and −d(n) the need's. Exact when the
    flow is optimal; the pricing pass makes the bound valid whatever their quality.
    """
    supply, demand = capacities
    used_v = np.bincount(columns.volunteer, hours, len(supply))
    used_n = np.bincount(columns.need, hours, len(demand))
    d_v = np.where(used_v < supply, 0.0, np.inf)  # Source → volunteer still has room.
    d_n = np.where(used_n > 0, 0.0, np.inf)  # Sink (distance 0 via the bypass) → need.
    # Pair arcs are never saturated (see `_flow`): every column is a forward residual arc.
    f_v, f_n = columns.volunteer, columns.need
    f_cost = columns.value.astype(np.float64)
    backward = hours > 0
    b_v, b_n = columns.volunteer[backward], columns.need[backward]
    b_cost = columns.value[backward].astype(np.float64)
    for _ in range(DUAL_RELAXATIONS_MAX):
        before_n, before_v = d_n.copy(), d_v.copy()
        np.minimum.at(d_n, f_n, d_v[f_v] - f_cost)
        np.minimum.at(d_v, b_v, d_n[b_n] + b_cost)
        if np.array_equal(before_n, d_n) and np.array_equal(before_v, d_v):
            break
    u = np.maximum(d_v, 0.0)
    w = np.maximum(-d_n, 0.0)
    u[~np.isfinite(u)] = 0.0
    w[~np.isfinite(w)] = 0.0
    return u.astype(np.int64), w.astype(np.int64)


def _bound(problem: Problem, duals: tuple[Any, Any], priced: Pricing) -> int:
    """An upper bound on the whole problem from any nonnegative duals and their pricing:
    either side's duals raised to cover the pairs priced above them (the lower of the two
    ways). Valid whatever the duals' quality."""
    u, w = duals
    local_part = int((problem.supply * (u + priced.volunteer_excess)).sum())
    need_side = local_part + int((problem.demand * (w + priced.need_excess)).sum())
    excess_v = np.maximum(priced.volunteer_excess, priced.remote_volunteer_excess)
    volunteer_side = int((problem.supply * (u + excess_v)).sum() + (problem.demand * w).sum())
    return min(need_side, volunteer_side)


def _hours_scarce(problem: Problem, columns: Columns) -> bool:
    """Whether the volunteers with a column offer fewer hours than their needs ask. Then the
    best pairs by value cannot hold the optimum (the needs compete for the same volunteers)
    and a flow on them gives duals too far off to bound within the gap (docs/matching.md)."""
    volunteers, _ = numbered(columns.volunteer, len(problem.supply))
    needs, _ = numbered(columns.need, len(problem.demand))
    return int(problem.supply[volunteers].sum()) < int(problem.demand[needs].sum())


def _entropic_rounds(
    problem: Problem, columns: Columns, params: MatchParams
) -> tuple[Columns, int]:
    """Column generation before the first flow, on approximate duals (`matching.large.entropic`):
    each round prices every eligible pair against the columns' smoothed duals and adds the
    best pairs above them, a fraction of a flow's time. The first round drops the columns
    far below its duals; later ones only add (a flow's exact duals, further from these,
    would find the dropped pairs again). Returns the columns and the lowest bound seen."""
    bound = np.iinfo(np.int64).max
    duals: tuple[Any, Any] | None = None
    for round_number in range(ENTROPIC_ROUNDS):
        duals = entropic_duals(
            columns.volunteer,
            columns.need,
            columns.value,
            problem.supply,
            problem.demand,
            start=duals,
            steps=None if duals is None else ENTROPIC_WARM_STEPS,
        )
        u, w = duals
        priced = problem.price(
            duals, params.columns_per_need_priced, params.columns_per_volunteer_priced
        )
        bound = min(bound, _bound(problem, duals, priced))
        if priced.violations == 0:
            break  # The duals hold on every eligible pair: no pair to add.
        if round_number == 0:
            reduced = columns.value - u[columns.volunteer] - w[columns.need]
            columns = columns.subset(reduced >= -(columns.value // KEEP_SLACK_DIVISOR))
        columns.extend(*priced.columns, len(problem.needs))
    return columns, bound


def _split_flow(problem: Problem, columns: Columns) -> tuple[Any, int, tuple[Any, Any]]:
    """The first flow in two independent halves, side by side (`matching.large.beside`): a flow's
    time grows faster than its size (docs/matching.md). The needs are split at their median
    longitude (distance-bound pairs stay within a half); each volunteer's hours are shared
    between the halves as the columns' smoothed plan shares them (`matching.large.entropic`,
    exp(reduced value / ε) per column).
    Returns hours per column, the objective and duals to price with, from the halves' (the
    pricing makes any duals a valid bound; these are close because the halves share the
    hours as the smoothed duals do)."""
    u, w = entropic_duals(
        columns.volunteer, columns.need, columns.value, problem.supply, problem.demand
    )
    longitude = np.array([n.lon for n in problem.needs], dtype=np.float64)
    half_of_need = (longitude > np.median(longitude[columns.need])).astype(np.int64)
    half = half_of_need[columns.need]
    epsilon = float(columns.value.max()) * EPSILON_SHARES[-1]
    mass = np.exp((columns.value - u[columns.volunteer] - w[columns.need]) / epsilon)
    volunteers = len(problem.supply)
    by_half = np.bincount(columns.volunteer * 2 + half, mass, 2 * volunteers).reshape(-1, 2)
    total = by_half.sum(axis=1)
    share = np.divide(by_half[:, 0], total, out=np.full(volunteers, 0.5), where=total > 0)
    first_hours = np.rint(problem.supply * share).astype(np.int64)
    capacities = (
        (first_hours, problem.demand),
        (problem.supply - first_hours, problem.demand),
    )
    rows = (np.flatnonzero(half == 0), np.flatnonzero(half == 1))
    parts = (columns.subset(rows[0]), columns.subset(rows[1]))
    with Beside(lambda: _part_flow(capacities[0], parts[0])) as beside:
        later = _part_flow(capacities[1], parts[1])
        earlier = beside.result()
    hours = np.zeros(len(columns), dtype=np.int64)
    hours[rows[0]], hours[rows[1]] = earlier[0], later[0]
    objective = int((hours * columns.value).sum())
    # Each need's dual from its half; then each volunteer's best response to them over its
    # columns, and each need's to those: exactly feasible on the columns, and lower (the
    # halves' duals ignore the columns a volunteer has in the half it gave no hours to).
    joined_w = np.where(half_of_need == 0, earlier[2], later[2])
    joined_u = best_response(columns.volunteer, columns.value - joined_w[columns.need], volunteers)
    joined_w = best_response(columns.need, columns.value - joined_u[columns.volunteer], len(w))
    return hours, objective, (joined_u, joined_w)


def _part_flow(capacities: tuple[Any, Any], columns: Columns) -> tuple[Any, Any, Any]:
    """One half of `_split_flow`: hours per column and the half's duals (u, w)."""
    if not len(columns):
        nothing = np.zeros(0, dtype=np.int64)
        return (
            nothing,
            np.zeros(len(capacities[0]), np.int64),
            np.zeros(len(capacities[1]), np.int64),
        )
    hours, _ = _flow(capacities, columns)
    u, w = _duals(capacities, columns, hours)
    return hours, u, w


def _core_objective(problem: Problem, columns: Columns, hours: Any) -> int:
    """Our own check of a flow or CP-SAT answer: capacities respected, objective recomputed."""
    if (hours < 0).any():
        raise SolverFault("negative hours")
    used_v = np.bincount(columns.volunteer, hours, len(problem.supply))
    used_n = np.bincount(columns.need, hours, len(problem.demand))
    if (used_v > problem.supply).any() or (used_n > problem.demand).any():
        raise SolverFault("hours above what a volunteer offers or a need asks")
    return int((hours * columns.value).sum())


def _side_ok(problem: Problem, columns: Columns, hours: Any, params: MatchParams) -> bool:
    rules = params.side_rules(params.time_limit_s)
    broken = side_violation(
        problem.supply, problem.demand, columns.volunteer, columns.need, hours, rules
    )
    return broken is None


def _cp_sat(
    problem: Problem, columns: Columns, params: MatchParams, hint: Any
) -> tuple[Any, str, int]:
    """Side constraints: hours x[p] and use y[p] per column; one worker, explicit limits."""
    model = cp_model.CpModel()
    capacity = np.minimum(problem.supply[columns.volunteer], problem.demand[columns.need])
    x = [model.new_int_var(0, int(c), f"x[{i}]") for i, c in enumerate(capacity)]
    y = [model.new_bool_var(f"y[{i}]") for i in range(len(columns))]
    by_volunteer: dict[int, list[int]] = defaultdict(list)
    by_need: dict[int, list[int]] = defaultdict(list)
    for i, (v, n) in enumerate(zip(columns.volunteer.tolist(), columns.need.tolist(), strict=True)):
        by_volunteer[v].append(i)
        by_need[n].append(i)
        model.add(x[i] <= int(capacity[i]) * y[i])
        if params.min_assignment_hours is not None:
            least = min(params.min_assignment_hours, int(problem.demand[n]))
            model.add(x[i] >= least * y[i])
    for v, rows in by_volunteer.items():
        model.add(sum(x[i] for i in rows) <= int(problem.supply[v]))
        if params.one_need_per_volunteer:
            model.add(sum(y[i] for i in rows) <= 1)
    for n, rows in by_need.items():
        model.add(sum(x[i] for i in rows) <= int(problem.demand[n]))
        if params.max_team_size is not None:
            model.add(sum(y[i] for i in rows) <= params.max_team_size)
    model.maximize(sum(int(value) * x[i] for i, value in enumerate(columns.value.tolist())))
    for i, amount in enumerate(hint.tolist()):
        model.add_hint(x[i], amount)
        model.add_hint(y[i], 1 if amount > 0 else 0)
    solver = cp_model.CpSolver()
    # Two cores: one worker with linearisation level 2 proves assignment-like models fastest.
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = params.seed
    solver.parameters.max_time_in_seconds = params.time_limit_s
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return np.zeros(len(columns), dtype=np.int64), "infeasible", 0
    hours = np.array([solver.value(var) for var in x], dtype=np.int64)
    claimed = "optimal" if status == cp_model.OPTIMAL else "feasible"
    return hours, claimed, int(solver.best_objective_bound)


def solve_large(
    volunteers: list[Volunteer],
    needs: list[Need],
    params: MatchParams,
    excluded: frozenset[tuple[str, str]],
) -> MatchSolution:
    started = time.perf_counter()
    problem = Problem(volunteers, needs, excluded, needs_split_min=params.needs_split_min)
    # Complete: the columns hold every eligible pair.
    first, complete = problem.first_columns(params)
    columns = Columns(*first)  # No duplicates: one row per (need, volunteer) by construction.
    if not len(columns):
        return MatchSolution("empty", 0, 0, (), {"pairs": 0.0})
    if complete and params.has_side_constraints and len(columns) <= params.side_pairs_max:
        return _solve_side(problem, columns, params, started)
    found = _column_generation(problem, columns, complete, params, started)
    hours, objective, draft = found.hours, found.objective, found.draft
    if params.has_side_constraints and not _side_ok(problem, found.columns, hours, params):
        hours, objective = _side_on_columns(problem, found.columns, params, hours, started)
        draft = None
    assignments = (
        draft if draft is not None else _chosen_assignments(volunteers, needs, found.columns, hours)
    )
    return MatchSolution(
        "optimal" if found.bound == objective else "feasible",
        objective,
        found.bound,
        assignments,
        {**found.stats, "seconds": time.perf_counter() - started},
    )


@dataclass
class _Generated:
    """Where column generation stopped: its columns, the flow's hours on them and objective,
    the lowest bound of its rounds, assignments explained on the way (or None) and figures."""

    columns: Columns
    hours: Any
    objective: int
    bound: int
    draft: tuple[Assignment, ...] | None
    stats: dict[str, float]


def _column_generation(
    problem: Problem, columns: Columns, complete: bool, params: MatchParams, started: float
) -> _Generated:
    """Flows on the columns, each round's duals pricing every eligible pair, until the bound is
    within the gap allowed, nothing prices above the duals, or the time or rounds run out."""
    rounds, flow_seconds, pricing_seconds = 0, 0.0, time.perf_counter() - started
    bound, entropic_seconds = np.iinfo(np.int64).max, 0.0
    if not complete and _hours_scarce(problem, columns):
        tick = time.perf_counter()
        columns, bound = _entropic_rounds(problem, columns, params)
        entropic_seconds = time.perf_counter() - tick
    capacities = (problem.supply, problem.demand)
    split_first = False
    draft: tuple[Assignment, ...] | None = None  # Assignments explained beside the pricing.
    while True:
        rounds += 1
        tick = time.perf_counter()
        # With a gap allowed, a large first flow runs in halves side by side; the next ones
        # (if its bound is not close enough) whole.
        split = (
            not complete
            and rounds == 1
            and params.relative_gap_limit > 0
            and len(columns) >= params.split_columns_min
        )
        if split:
            hours, objective, (u, w) = _split_flow(problem, columns)
            split_first = True
        else:
            hours, objective = _flow(capacities, columns)
        if _core_objective(problem, columns, hours) != objective:
            raise SolverFault("min-cost flow objective does not match its flows")
        flow_seconds += time.perf_counter() - tick
        if complete:
            bound = objective  # Min-cost flow over every eligible pair: the optimum itself.
            break
        if not split:
            u, w = _duals(capacities, columns, hours)
        tick = time.perf_counter()
        if split and not params.has_side_constraints:
            # The halves' bound is usually within the gap allowed: the assignments are
            # explained here while the copy prices (work lost only if whole flows follow).
            with Beside(partial(_priced_arrays, problem, (u, w), params)) as beside:
                draft = _chosen_assignments(problem.volunteers, problem.needs, columns, hours)
                priced = _pricing_of(beside.result())
        else:
            priced = problem.price(
                (u, w), params.columns_per_need_priced, params.columns_per_volunteer_priced
            )
        pricing_seconds += time.perf_counter() - tick
        bound = min(bound, _bound(problem, (u, w), priced))  # Every round's: the lowest.
        if bound < objective:
            raise SolverFault("dual bound below a feasible objective")
        out_of_time = time.perf_counter() - started > params.time_limit_s
        gap = (bound - objective) / max(1, objective)
        if gap <= params.relative_gap_limit or out_of_time or rounds >= params.pricing_rounds_max:
            break
        # Nothing priced above the duals proves a whole flow optimal; halves may still be
        # improved by a whole flow on the same columns.
        if priced.violations == 0 and not split:
            break
        # Columns the duals price well below zero and the flow leaves unused make the next
        # flow slower for nothing; pricing brings them back if they become worth it.
        draft = None  # Other hours will come.
        reduced = columns.value - u[columns.volunteer] - w[columns.need]
        trimmed = columns.subset((hours > 0) | (reduced >= -(columns.value // KEEP_SLACK_DIVISOR)))
        if not trimmed.extend(*priced.columns, len(problem.needs)) and not split:
            break
        columns = trimmed
    return _Generated(
        columns,
        hours,
        objective,
        int(bound),
        draft,
        {
            "pairs": float(len(columns)),
            "complete": float(complete),
            "rounds": float(rounds),
            "pricing_seconds": pricing_seconds,
            "flow_seconds": flow_seconds,
            "entropic_seconds": entropic_seconds,
            "split_first_flow": float(split_first),
        },
    )


def _side_on_columns(
    problem: Problem, columns: Columns, params: MatchParams, hint: Any, started: float
) -> tuple[Any, int]:
    """Side constraints on the flow's columns (instances above `side_pairs_max`): CP-SAT hinted
    with the flow's hours, in the time left; its bound holds for the columns only, so the
    caller keeps the flow's (valid for every pair, side constraints or not)."""
    remaining = max(1.0, params.time_limit_s - (time.perf_counter() - started))
    hours, claimed, _ = _cp_sat(problem, columns, replace(params, time_limit_s=remaining), hint)
    if claimed == "infeasible":
        # Every side constraint is met by assigning nothing, so this is a time-out.
        hours = np.zeros(len(columns), dtype=np.int64)
    objective = _core_objective(problem, columns, hours)
    if not _side_ok(problem, columns, hours, params):
        raise SolverFault("CP-SAT answer breaks a side constraint")
    return hours, objective


def _solve_side(
    problem: Problem, columns: Columns, params: MatchParams, started: float
) -> MatchSolution:
    """Side constraints over every eligible pair: `matching.side_constraints` (the linear
    relaxation's bound, CP-SAT on its support and each need's best pairs)."""
    rules = params.side_rules(max(0.1, params.time_limit_s - (time.perf_counter() - started)))
    answer = solve_side(
        problem.supply, problem.demand, columns.volunteer, columns.need, columns.value, rules
    )
    if _core_objective(problem, columns, answer.hours) != answer.objective:
        raise SolverFault("side-constrained objective does not match its hours")
    status = "optimal" if answer.bound == answer.objective else "feasible"
    assignments = _chosen_assignments(problem.volunteers, problem.needs, columns, answer.hours)
    return MatchSolution(
        status,
        answer.objective,
        answer.bound,
        assignments,
        {
            **answer.stats,
            "complete": 1.0,
            "bound_kind_relaxation": 1.0,
            "seconds": time.perf_counter() - started,
        },
    )


def _priced_arrays(
    problem: Problem, duals: tuple[Any, Any], params: MatchParams
) -> tuple[Any, ...]:
    """A round's pricing as flat arrays, to come back from a forked copy
    (`matching.large.beside`)."""
    priced = problem.price(
        duals, params.columns_per_need_priced, params.columns_per_volunteer_priced
    )
    return (
        *priced.columns,
        priced.volunteer_excess,
        priced.need_excess,
        priced.remote_volunteer_excess,
        np.array([priced.violations], dtype=np.int64),
    )


def _pricing_of(arrays: tuple[Any, ...]) -> Pricing:
    """`_priced_arrays` read back."""
    volunteer, need, value, volunteer_excess, need_excess, remote_excess, violations = arrays
    return Pricing(
        (volunteer, need, value), volunteer_excess, need_excess, remote_excess, int(violations[0])
    )


def _chosen_assignments(
    volunteers: list[Volunteer], needs: list[Need], columns: Columns, hours: Any
) -> tuple[Assignment, ...]:
    """The explained assignments of the columns given hours."""
    chosen = np.flatnonzero(hours > 0)
    return explain_assignments(
        volunteers, needs, columns.volunteer[chosen], columns.need[chosen], hours[chosen]
    )


def greedy_objective(volunteers: list[Volunteer], needs: list[Need]) -> int:
    """Baseline: best value per hour first, as many hours as fit (see
    `matching.large.greedy`). Returns its objective."""
    return Problem(volunteers, needs, frozenset()).greedy().objective
