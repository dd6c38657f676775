"""Match volunteer employees to other companies' needs, optimally.

The core problem is a transportation problem: hours flow from volunteers to needs along
eligible pairs, each hour worth `score × priority`. OR-Tools' min-cost flow solves it exactly
(with a bypass arc, so unprofitable hours may stay unused). Side constraints (team size, no
fragments, one need per volunteer) turn it into an integer program, solved with CP-SAT from
the flow solution as a hint; the flow optimum remains a valid upper bound.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from matching.geo import EARTH_RADIUS_KM

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


class _Index:
    """Volunteers as arrays, and who has which skill at which level per language."""

    def __init__(self, volunteers: list[Volunteer]) -> None:
        companies = {
            name: number for number, name in enumerate(sorted({v.company for v in volunteers}))
        }
        self.companies = companies
        self.company = np.array([companies[v.company] for v in volunteers], dtype=np.int64)
        self.remote = np.array([v.remote for v in volunteers], dtype=bool)
        self.lat = np.radians(np.array([v.lat for v in volunteers], dtype=np.float64))
        self.lon = np.radians(np.array([v.lon for v in volunteers], dtype=np.float64))
        self.radius = np.array([v.radius_km for v in volunteers], dtype=np.float64)
        # (language, skill) → (volunteer positions, their levels); volunteers with hours only.
        found: dict[tuple[str, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for position, volunteer in enumerate(volunteers):
            if volunteer.hours <= 0:
                continue
            for language in volunteer.languages:
                for skill, level in volunteer.skills.items():
                    positions, levels = found[(language, skill)]
                    positions.append(position)
                    levels.append(level)
        self.by_key = {
            key: (np.array(p, dtype=np.int64), np.array(lv, dtype=np.int64))
            for key, (p, lv) in found.items()
        }


def _need_pairs(index: _Index, need: Need, need_position: int) -> tuple[Any, ...] | None:
    """Eligible volunteers of one need: positions, scores, remote flags, distances."""
    parts_p, parts_s = [], []
    for required in need.skills:
        found = index.by_key.get((need.language, required.skill))
        if found is None:
            continue
        positions, levels = found
        met = levels >= required.min_level
        parts_p.append(positions[met])
        parts_s.append(required.weight * (1 + levels[met] - required.min_level))
    if not parts_p:
        return None
    candidates, inverse = np.unique(np.concatenate(parts_p), return_inverse=True)
    scores = np.zeros(len(candidates), dtype=np.int64)
    np.add.at(scores, inverse, np.concatenate(parts_s))
    keep = index.company[candidates] != index.companies.get(need.company, -1)
    lat, lon = math.radians(need.lat), math.radians(need.lon)
    d_lat = index.lat[candidates] - lat
    d_lon = index.lon[candidates] - lon
    h = (
        np.sin(d_lat / 2) ** 2
        + np.cos(index.lat[candidates]) * math.cos(lat) * np.sin(d_lon / 2) ** 2
    )
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    remote = index.remote[candidates] & need.remote
    keep &= remote | (distance <= index.radius[candidates])
    keep &= scores > 0
    if not keep.any():
        return None
    chosen = candidates[keep]
    return (
        chosen,
        np.full(len(chosen), need_position, dtype=np.int64),
        scores[keep],
        remote[keep],
        distance[keep],
    )


def eligible_arrays(volunteers: list[Volunteer], needs: list[Need]) -> tuple[Any, ...] | None:
    """(volunteer, need, score, remote, distance) arrays of every eligible pair, found through
    an index by (language, skill) and vectorised filters instead of a V × N scan."""
    if not volunteers or not needs:
        return None
    index = _Index(volunteers)
    parts = [
        found
        for position, need in enumerate(needs)
        if need.hours > 0 and (found := _need_pairs(index, need, position)) is not None
    ]
    if not parts:
        return None
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(5))


@dataclass(frozen=True, slots=True)
class PairArrays:
    """Every eligible pair as parallel arrays (one row per pair)."""

    volunteer: Any
    need: Any
    score: Any
    value: Any
    capacity: Any
    remote: Any
    distance: Any

    def __len__(self) -> int:
        return len(self.volunteer)

    def pair(self, row: int) -> Pair:
        return Pair(
            int(self.volunteer[row]),
            int(self.need[row]),
            int(self.score[row]),
            int(self.value[row]),
            int(self.capacity[row]),
            bool(self.remote[row]),
            float(self.distance[row]),
        )


def pair_arrays(volunteers: list[Volunteer], needs: list[Need]) -> PairArrays | None:
    arrays = eligible_arrays(volunteers, needs)
    if arrays is None:
        return None
    volunteer, need, score, remote, distance = arrays
    priority = np.array([n.priority for n in needs], dtype=np.int64)[need]
    capacity = np.minimum(
        np.array([v.hours for v in volunteers], dtype=np.int64)[volunteer],
        np.array([n.hours for n in needs], dtype=np.int64)[need],
    )
    return PairArrays(volunteer, need, score, score * priority, capacity, remote, distance)


def _without(
    arrays: PairArrays,
    volunteers: list[Volunteer],
    needs: list[Need],
    excluded: frozenset[tuple[str, str]],
) -> PairArrays | None:
    v_index = {v.id: i for i, v in enumerate(volunteers)}
    n_index = {n.id: j for j, n in enumerate(needs)}
    keys = np.array(
        [
            v_index[v] * len(needs) + n_index[n]
            for v, n in excluded
            if v in v_index and n in n_index
        ],
        dtype=np.int64,
    )
    keep = ~np.isin(arrays.volunteer * len(needs) + arrays.need, keys)
    if not keep.any():
        return None
    return PairArrays(
        *(
            getattr(arrays, name)[keep]
            for name in ("volunteer", "need", "score", "value", "capacity", "remote", "distance")
        )
    )


def _flow(
    volunteers: list[Volunteer], needs: list[Need], pairs: PairArrays
) -> tuple[dict[int, int], int]:
    """Min-cost flow: hours per pair row, and the objective (maximised value)."""
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1 + len(volunteers) + len(needs)
    total = sum(v.hours for v in volunteers)
    offset = 1 + len(volunteers)
    heads = [*range(1, offset), *[sink] * len(needs)]
    tails = [source] * len(volunteers) + list(range(offset, offset + len(needs)))
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array([v.hours for v in volunteers] + [n.hours for n in needs], dtype=np.int64),
        np.zeros(len(tails), dtype=np.int64),
    )
    first_pair_arc = flow.num_arcs()
    flow.add_arcs_with_capacity_and_unit_cost(
        (1 + pairs.volunteer).astype(np.int32),
        (offset + pairs.need).astype(np.int32),
        pairs.capacity.astype(np.int64),
        (-pairs.value).astype(np.int64),
    )
    # Hours nobody needs (or nobody can give profitably) go round through the bypass.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    assert status == flow.OPTIMAL, f"min-cost flow status {status}"
    flows = flow.flows(np.arange(first_pair_arc, first_pair_arc + len(pairs), dtype=np.int32))
    hours = {int(i): int(flows[i]) for i in np.nonzero(flows)[0]}
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


def solve(
    volunteers: list[Volunteer],
    needs: list[Need],
    params: MatchParams,
    *,
    excluded: frozenset[tuple[str, str]] = frozenset(),
) -> MatchSolution:
    """The optimal matching (or the best found in the time limit, with its bound).

    `excluded` (volunteer id, need id) pairs are never used (declined proposals, say).
    """
    started = time.perf_counter()
    arrays = pair_arrays(volunteers, needs)
    if arrays is not None and excluded:
        arrays = _without(arrays, volunteers, needs, excluded)
    built = time.perf_counter()
    if arrays is None:
        return MatchSolution("empty", 0, 0, (), {"pairs": 0.0})
    hours, objective = _flow(volunteers, needs, arrays)
    status, bound = "optimal", objective
    if params.has_side_constraints:
        pairs = [arrays.pair(row) for row in range(len(arrays))]
        hours, status, objective, cp_bound = _cp_sat(volunteers, needs, pairs, params, hours)
        if status == "infeasible":
            return MatchSolution("infeasible", 0, bound, (), {"pairs": float(len(arrays))})
        bound = min(bound, cp_bound)
    assignments = tuple(
        sorted(
            (
                _assignment(volunteers, needs, arrays.pair(row), amount)
                for row, amount in hours.items()
            ),
            key=lambda a: (a.need, a.volunteer),
        )
    )
    return MatchSolution(
        status,
        objective,
        bound,
        assignments,
        {
            "pairs": float(len(arrays)),
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
    arrays = pair_arrays(volunteers, needs)
    if arrays is None:
        return 0
    left_v = [v.hours for v in volunteers]
    left_n = [n.hours for n in needs]
    total = 0
    order = np.argsort(-arrays.value, kind="stable")
    for volunteer, need, value in zip(
        arrays.volunteer[order].tolist(),
        arrays.need[order].tolist(),
        arrays.value[order].tolist(),
        strict=True,
    ):
        amount = min(left_v[volunteer], left_n[need])
        if amount > 0:
            left_v[volunteer] -= amount
            left_n[need] -= amount
            total += amount * value
    return total
