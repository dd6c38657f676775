"""Match volunteer employees to other companies' needs, optimally.

The core problem is a transportation problem: hours flow from volunteers to needs along
eligible pairs, each hour worth `score × priority`. OR-Tools' min-cost flow solves it exactly
(with a bypass arc, so unprofitable hours may stay unused). Side constraints (team size, no
fragments, one need per volunteer) turn it into an integer program, solved with CP-SAT from
the flow solution as a hint; the flow optimum remains a valid upper bound.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from matching.geo import haversine_km

LEVEL_MIN: Final = 1
LEVEL_MAX: Final = 4
PRIORITY_MIN: Final = 1
PRIORITY_MAX: Final = 10
TIME_LIMIT_SECONDS_DEFAULT: Final = 60.0


@dataclass(frozen=True, slots=True)
class Volunteer:
    id: str
    company: str
    skills: dict[str, int]  # skill code → level 1–4
    hours: int  # Available in the period.
    remote: bool
    lat: float
    lon: float
    radius_km: float
    languages: frozenset[str]


@dataclass(frozen=True, slots=True)
class RequiredSkill:
    skill: str
    min_level: int
    weight: int


@dataclass(frozen=True, slots=True)
class Need:
    id: str
    company: str
    skills: tuple[RequiredSkill, ...]
    hours: int
    remote: bool
    lat: float
    lon: float
    language: str
    priority: int


@dataclass(frozen=True, slots=True)
class MatchParams:
    max_team_size: int | None = None
    min_assignment_hours: int | None = None
    one_need_per_volunteer: bool = False
    time_limit_s: float = TIME_LIMIT_SECONDS_DEFAULT
    seed: int = 0

    @property
    def has_side_constraints(self) -> bool:
        return (
            self.max_team_size is not None
            or self.min_assignment_hours is not None
            or self.one_need_per_volunteer
        )


@dataclass(frozen=True, slots=True)
class SkillMet:
    skill: str
    level: int
    min_level: int
    weight: int


@dataclass(frozen=True, slots=True)
class Explanation:
    skills: tuple[SkillMet, ...]
    remote: bool
    distance_km: float
    language: str
    hours: int


@dataclass(frozen=True, slots=True)
class Assignment:
    volunteer: str
    need: str
    hours: int
    score_per_hour: int
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class MatchSolution:
    status: str  # optimal, feasible, infeasible, empty
    objective: int
    bound: int
    assignments: tuple[Assignment, ...]
    stats: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pair:
    """An eligible (volunteer, need) pair and what one hour of it is worth."""

    volunteer: int  # Index in the problem's volunteers.
    need: int
    score: int  # Per hour, before priority.
    value: int  # score × priority: the objective's weight of one hour.
    capacity: int  # min(volunteer hours, need hours).
    remote: bool
    distance_km: float


def score_per_hour(volunteer: Volunteer, need: Need) -> int:
    """Σ over the need's skills the volunteer meets: weight × (1 + level − minimum level)."""
    total = 0
    for required in need.skills:
        level = volunteer.skills.get(required.skill, 0)
        if level >= required.min_level:
            total += required.weight * (1 + level - required.min_level)
    return total


def eligibility(volunteer: Volunteer, need: Need) -> tuple[bool, bool, float]:
    """(eligible, works remotely, distance km) of a pair."""
    if volunteer.company == need.company or need.language not in volunteer.languages:
        return False, False, 0.0
    if score_per_hour(volunteer, need) == 0:
        return False, False, 0.0
    distance = haversine_km(volunteer.lat, volunteer.lon, need.lat, need.lon)
    if need.remote and volunteer.remote:
        return True, True, distance
    return distance <= volunteer.radius_km, False, distance


def eligible_pairs(volunteers: list[Volunteer], needs: list[Need]) -> list[Pair]:
    """Every eligible pair, found through an index by (language, skill) instead of V × N."""
    index: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for position, volunteer in enumerate(volunteers):
        if volunteer.hours <= 0:
            continue
        for language in volunteer.languages:
            for skill, level in volunteer.skills.items():
                index[(language, skill)].append((level, position))
    pairs = []
    for need_position, need in enumerate(needs):
        if need.hours <= 0:
            continue
        candidates: set[int] = set()
        for required in need.skills:
            candidates.update(
                position
                for level, position in index.get((need.language, required.skill), ())
                if level >= required.min_level
            )
        for position in sorted(candidates):
            volunteer = volunteers[position]
            ok, remote, distance = eligibility(volunteer, need)
            if not ok:
                continue
            score = score_per_hour(volunteer, need)
            pairs.append(
                Pair(
                    position,
                    need_position,
                    score,
                    score * need.priority,
                    min(volunteer.hours, need.hours),
                    remote,
                    distance,
                )
            )
    return pairs


def _flow(
    volunteers: list[Volunteer], needs: list[Need], pairs: list[Pair]
) -> tuple[dict[int, int], int]:
    """Min-cost flow: hours per pair index, and the objective (maximised value)."""
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1 + len(volunteers) + len(needs)
    total = sum(v.hours for v in volunteers)
    for position, volunteer in enumerate(volunteers):
        flow.add_arc_with_capacity_and_unit_cost(source, 1 + position, volunteer.hours, 0)
    for position, need in enumerate(needs):
        flow.add_arc_with_capacity_and_unit_cost(
            1 + len(volunteers) + position, sink, need.hours, 0
        )
    first_pair_arc = flow.num_arcs()
    for pair in pairs:
        flow.add_arc_with_capacity_and_unit_cost(
            1 + pair.volunteer, 1 + len(volunteers) + pair.need, pair.capacity, -pair.value
        )
    # Hours nobody needs (or nobody can give profitably) go round through the bypass.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    assert status == flow.OPTIMAL, f"min-cost flow status {status}"
    hours = {
        index: flow.flow(first_pair_arc + index)
        for index in range(len(pairs))
        if flow.flow(first_pair_arc + index) > 0
    }
    return hours, -flow.optimal_cost()


def _cp_sat(
    volunteers: list[Volunteer],
    needs: list[Need],
    pairs: list[Pair],
    params: MatchParams,
    hint: dict[int, int],
) -> tuple[dict[int, int], str, int, int]:
    """Side constraints: hours x[p] and use y[p] per pair; one worker, explicit limits."""
    model = cp_model.CpModel()
    x = [model.new_int_var(0, pair.capacity, f"x[{i}]") for i, pair in enumerate(pairs)]
    y = [model.new_bool_var(f"y[{i}]") for i in range(len(pairs))]
    by_volunteer: dict[int, list[int]] = defaultdict(list)
    by_need: dict[int, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        by_volunteer[pair.volunteer].append(i)
        by_need[pair.need].append(i)
        model.add(x[i] <= pair.capacity * y[i])
        if params.min_assignment_hours is not None:
            model.add(x[i] >= params.min_assignment_hours * y[i])
    for position, indices in by_volunteer.items():
        model.add(sum(x[i] for i in indices) <= volunteers[position].hours)
        if params.one_need_per_volunteer:
            model.add(sum(y[i] for i in indices) <= 1)
    for position, indices in by_need.items():
        model.add(sum(x[i] for i in indices) <= needs[position].hours)
        if params.max_team_size is not None:
            model.add(sum(y[i] for i in indices) <= params.max_team_size)
    model.maximize(sum(pair.value * x[i] for i, pair in enumerate(pairs)))
    for i in range(len(pairs)):
        model.add_hint(x[i], hint.get(i, 0))
        model.add_hint(y[i], 1 if hint.get(i, 0) > 0 else 0)
    solver = cp_model.CpSolver()
    # Two cores: one worker with linearisation level 2 proves assignment-like models fastest.
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = params.seed
    solver.parameters.max_time_in_seconds = params.time_limit_s
    status = solver.solve(model)
    names = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}, names.get(status, "infeasible"), 0, 0
    hours = {i: int(solver.value(x[i])) for i in range(len(pairs)) if solver.value(x[i]) > 0}
    return hours, names[status], int(solver.objective_value), int(solver.best_objective_bound)


def solve(volunteers: list[Volunteer], needs: list[Need], params: MatchParams) -> MatchSolution:
    """The optimal matching (or the best found in the time limit, with its bound)."""
    started = time.perf_counter()
    pairs = eligible_pairs(volunteers, needs)
    built = time.perf_counter()
    if not pairs:
        return MatchSolution("empty", 0, 0, (), {"pairs": 0.0})
    hours, objective = _flow(volunteers, needs, pairs)
    status, bound = "optimal", objective
    if params.has_side_constraints:
        hours, status, objective, cp_bound = _cp_sat(volunteers, needs, pairs, params, hours)
        bound = min(bound, cp_bound) if status in ("optimal", "feasible") else bound
        if status == "infeasible":
            return MatchSolution("infeasible", 0, bound, (), {"pairs": float(len(pairs))})
    assignments = tuple(
        sorted(
            (_assignment(volunteers, needs, pairs[i], amount) for i, amount in hours.items()),
            key=lambda a: (a.need, a.volunteer),
        )
    )
    return MatchSolution(
        status,
        objective,
        bound,
        assignments,
        {
            "pairs": float(len(pairs)),
            "build_seconds": built - started,
            "solve_seconds": time.perf_counter() - built,
        },
    )


def _assignment(
    volunteers: list[Volunteer], needs: list[Need], pair: Pair, hours: int
) -> Assignment:
    volunteer, need = volunteers[pair.volunteer], needs[pair.need]
    met = tuple(
        SkillMet(r.skill, volunteer.skills[r.skill], r.min_level, r.weight)
        for r in need.skills
        if volunteer.skills.get(r.skill, 0) >= r.min_level
    )
    return Assignment(
        volunteer.id,
        need.id,
        hours,
        pair.score,
        Explanation(met, pair.remote, round(pair.distance_km, 1), need.language, hours),
    )


def greedy(volunteers: list[Volunteer], needs: list[Need]) -> int:
    """Baseline: best value per hour first, as many hours as fit. Returns its objective."""
    left_v = [v.hours for v in volunteers]
    left_n = [n.hours for n in needs]
    total = 0
    for pair in sorted(eligible_pairs(volunteers, needs), key=lambda p: -p.value):
        amount = min(left_v[pair.volunteer], left_n[pair.need])
        if amount > 0:
            left_v[pair.volunteer] -= amount
            left_n[pair.need] -= amount
            total += amount * pair.value
    return total
