"""An independent checker of matching solutions, written apart from the solver: it re-derives
eligibility and scores from the problem's definition and validates every constraint."""

from __future__ import annotations

import math
from collections import defaultdict

from matching.skill_match import Assignment, MatchParams, Need, Volunteer


def distance(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    # Haversine again, on purpose not imported from the solver's module.
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def value_per_hour(v: Volunteer, n: Need) -> int | None:
    """None when the pair is not eligible, else score × priority."""
    if v.company == n.company or n.language not in v.languages:
        return None
    score = sum(
        r.weight * (1 + v.skills[r.skill] - r.min_level)
        for r in n.skills
        if v.skills.get(r.skill, 0) >= r.min_level
    )
    if score == 0:
        return None
    near = distance(v.lat, v.lon, n.lat, n.lon) <= v.radius_km
    if not ((n.remote and v.remote) or near):
        return None
    return score * n.priority


def check(
    volunteers: list[Volunteer],
    needs: list[Need],
    params: MatchParams,
    assignments: tuple[Assignment, ...],
) -> int:
    """Validate every constraint; return the recomputed objective."""
    by_id_v = {v.id: v for v in volunteers}
    by_id_n = {n.id: n for n in needs}
    used_v: dict[str, int] = defaultdict(int)
    used_n: dict[str, int] = defaultdict(int)
    team: dict[str, int] = defaultdict(int)
    needs_of: dict[str, int] = defaultdict(int)
    total = 0
    for a in assignments:
        v, n = by_id_v[a.volunteer], by_id_n[a.need]
        value = value_per_hour(v, n)
        assert value is not None, f"ineligible pair {a.volunteer} → {a.need}"
        assert a.hours > 0
        assert a.score_per_hour * n.priority == value
        if params.min_assignment_hours is not None:  # Or the whole need when it is smaller.
            assert a.hours >= min(params.min_assignment_hours, n.hours)
        used_v[v.id] += a.hours
        used_n[n.id] += a.hours
        team[n.id] += 1
        needs_of[v.id] += 1
        total += a.hours * value
    assert all(used_v[i] <= by_id_v[i].hours for i in used_v)
    assert all(used_n[i] <= by_id_n[i].hours for i in used_n)
    if params.max_team_size is not None:
        assert all(size <= params.max_team_size for size in team.values())
    if params.one_need_per_volunteer:
        assert all(count <= 1 for count in needs_of.values())
    return total


def brute_force(volunteers: list[Volunteer], needs: list[Need], params: MatchParams) -> int:
    """The optimum by enumerating every integer allocation (tiny instances only)."""
    pairs = [
        (i, j, value)
        for i, v in enumerate(volunteers)
        for j, n in enumerate(needs)
        if (value := value_per_hour(v, n)) is not None
    ]
    best = 0

    def walk(k: int, left_v: list[int], left_n: list[int], used: list[int], score: int) -> None:
        nonlocal best
        if k == len(pairs):
            best = max(best, score)
            return
        i, j, value = pairs[k]
        for hours in range(0, min(left_v[i], left_n[j]) + 1):
            minimum = min(params.min_assignment_hours or 0, needs[j].hours)
            if hours and hours < minimum:
                continue
            used.append(hours)
            if _side_ok(pairs[: k + 1], used, params):
                left_v[i] -= hours
                left_n[j] -= hours
                walk(k + 1, left_v, left_n, used, score + hours * value)
                left_v[i] += hours
                left_n[j] += hours
            used.pop()

    walk(0, [v.hours for v in volunteers], [n.hours for n in needs], [], 0)
    return best


def _side_ok(pairs: list[tuple[int, int, int]], used: list[int], params: MatchParams) -> bool:
    team: dict[int, int] = defaultdict(int)
    per_volunteer: dict[int, int] = defaultdict(int)
    for (i, j, _), hours in zip(pairs, used, strict=True):
        if hours:
            team[j] += 1
            per_volunteer[i] += 1
    if params.max_team_size is not None and any(t > params.max_team_size for t in team.values()):
        return False
    return not (params.one_need_per_volunteer and any(c > 1 for c in per_volunteer.values()))


def lp_optimum(volunteers: list[Volunteer], needs: list[Need]) -> float:
    """The core problem's optimum as a linear program over every eligible pair, solved by GLOP
    (a simplex code, not the min-cost flow the solver uses). Transportation problems have
    integral vertices, so this is also the integer optimum."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    assert lp is not None
    by_volunteer: dict[int, list[object]] = defaultdict(list)
    by_need: dict[int, list[object]] = defaultdict(list)
    objective = lp.Objective()
    for i, v in enumerate(volunteers):
        for j, n in enumerate(needs):
            value = value_per_hour(v, n)
            if value is None:
                continue
            x = lp.NumVar(0, lp.infinity(), f"x{i}_{j}")
            objective.SetCoefficient(x, value)
            by_volunteer[i].append(x)
            by_need[j].append(x)
    for i, xs in by_volunteer.items():
        lp.Add(sum(xs) <= volunteers[i].hours)  # type: ignore[arg-type]
    for j, xs in by_need.items():
        lp.Add(sum(xs) <= needs[j].hours)  # type: ignore[arg-type]
    objective.SetMaximization()
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return float(objective.Value())


def greedy_reference(
    volunteers: list[Volunteer],
    needs: list[Need],
    excluded: frozenset[tuple[str, str]] = frozenset(),
) -> list[tuple[int, int, int, int]]:
    """The greedy matching by its definition: every eligible pair, best value per hour first
    (then need, then volunteer, by position), as many hours as fit. (volunteer, need, value,
    hours) of the pairs taken, in that order."""
    pairs = sorted(
        (-value, j, i)
        for i, v in enumerate(volunteers)
        for j, n in enumerate(needs)
        if (value := value_per_hour(v, n)) is not None and (v.id, n.id) not in excluded
    )
    left_v = [v.hours for v in volunteers]
    left_n = [n.hours for n in needs]
    taken = []
    for negative_value, j, i in pairs:
        hours = min(left_v[i], left_n[j])
        if hours > 0:
            left_v[i] -= hours
            left_n[j] -= hours
            taken.append((i, j, -negative_value, hours))
    return taken
