"""The reference solver, to read first: every pair checked, one min-cost flow.

It serves every instance up to `plain_pairs_max` volunteer × need pairs (the service's own
instances: hundreds of needs), and is what the large-instance path (`matching.large`:
candidates without scanning every pair, column generation) must agree with; the tests compare
the two through `solve`.

1. **Eligible pairs**, each checked as `docs/matching.md` defines them: different companies,
   the need's language spoken, at least one required skill met at its level, and either both
   sides accept remote work or the need lies within the volunteer's radius. Value per hour:
   Σ weight × (1 + level − minimum) over the skills met, × the need's priority.
2. **Without side constraints**: a transportation problem, solved exactly by one min-cost flow
   (source → volunteers → needs → sink, and a source → sink bypass for hours worth nothing).
   The optimum is its own bound.
3. **With side constraints**: `matching.side_constraints` over every eligible pair (the linear
   relaxation's bound, CP-SAT on its support).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.explain import explain_assignments
from matching.geo import haversine_km
from matching.model import MatchParams, MatchSolution, Need, SolverFault, Volunteer
from matching.side_constraints import solve_side


def value_per_hour(volunteer: Volunteer, need: Need) -> int | None:
    """The pair's value per hour, None when it is not eligible."""
    if volunteer.company == need.company or need.language not in volunteer.languages:
        return None
    score = sum(
        required.weight * (1 + volunteer.skills[required.skill] - required.min_level)
        for required in need.skills
        if volunteer.skills.get(required.skill, 0) >= required.min_level
    )
    if score == 0:
        return None
    if not (need.remote and volunteer.remote):
        distance = haversine_km(volunteer.lat, volunteer.lon, need.lat, need.lon)
        if distance > volunteer.radius_km:
            return None
    return score * need.priority


def eligible_pairs(
    volunteers: list[Volunteer], needs: list[Need], excluded: frozenset[tuple[str, str]]
) -> tuple[Any, Any, Any]:
    """Every eligible pair with hours on both sides: volunteer rows, need rows, values."""
    rows_v, rows_n, values = [], [], []
    for j, need in enumerate(needs):
        if need.hours <= 0:
            continue
        for i, volunteer in enumerate(volunteers):
            if volunteer.hours <= 0 or (volunteer.id, need.id) in excluded:
                continue
            value = value_per_hour(volunteer, need)
            if value is not None:
                rows_v.append(i)
                rows_n.append(j)
                values.append(value)
    return (
        np.array(rows_v, dtype=np.int64),
        np.array(rows_n, dtype=np.int64),
        np.array(values, dtype=np.int64),
    )


def best_flow(supply: Any, demand: Any, volunteer: Any, need: Any, value: Any) -> tuple[Any, int]:
    """Hours per pair maximising Σ hours × value within each side's hours, and that value."""
    flow = min_cost_flow.SimpleMinCostFlow()
    source, first_need = 0, 1 + len(supply)
    sink = first_need + len(demand)
    total = int(supply.sum())
    for i, hours in enumerate(supply.tolist()):
        flow.add_arc_with_capacity_and_unit_cost(source, 1 + i, hours, 0)
    for j, hours in enumerate(demand.tolist()):
        flow.add_arc_with_capacity_and_unit_cost(first_need + j, sink, hours, 0)
    first_pair = flow.num_arcs()
    for i, j, amount in zip(volunteer.tolist(), need.tolist(), value.tolist(), strict=True):
        capacity = min(int(supply[i]), int(demand[j]))
        flow.add_arc_with_capacity_and_unit_cost(1 + i, first_need + j, capacity, -amount)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)  # Hours worth nothing.
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:
        raise SolverFault("min-cost flow not solved to optimality")
    hours = np.array([flow.flow(first_pair + k) for k in range(len(volunteer))], dtype=np.int64)
    return hours, -int(flow.optimal_cost())


def solve_plain(
    volunteers: list[Volunteer],
    needs: list[Need],
    params: MatchParams,
    *,
    excluded: frozenset[tuple[str, str]] = frozenset(),
) -> MatchSolution:
    """The optimum over every eligible pair (with side constraints: the best found within the
    time limit and the relaxation's bound)."""
    started = time.perf_counter()
    volunteer, need, value = eligible_pairs(volunteers, needs, excluded)
    if not len(volunteer):
        return MatchSolution("empty", 0, 0, (), {"pairs": 0.0, "plain": 1.0})
    supply = np.array([v.hours for v in volunteers], dtype=np.int64)
    demand = np.array([n.hours for n in needs], dtype=np.int64)
    if params.has_side_constraints:
        rules = params.side_rules(params.time_limit_s)
        answer = solve_side(supply, demand, volunteer, need, value, rules)
        hours, objective, bound = answer.hours, answer.objective, answer.bound
    else:
        hours, objective = best_flow(supply, demand, volunteer, need, value)
        bound = objective  # A flow over every eligible pair: the optimum itself.
    if int((hours * value).sum()) != objective:
        raise SolverFault("the objective does not match the hours")
    chosen = hours > 0
    return MatchSolution(
        "optimal" if objective == bound else "feasible",
        objective,
        bound,
        explain_assignments(volunteers, needs, volunteer[chosen], need[chosen], hours[chosen]),
        {
            "pairs": float(len(volunteer)),
            "complete": 1.0,
            "plain": 1.0,
            "seconds": time.perf_counter() - started,
        },
    )
