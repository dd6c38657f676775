"""Skill matching: known optima, eligibility rules, side constraints, and random instances
checked by an independent checker against brute force."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import candidates, files, skill_match
from matching.files import ProblemError, read_problem, write_solution
from matching.skill_match import MatchParams, greedy, solve
from tests.unit.matching.checker import (
    brute_force,
    check,
    greedy_reference,
    lp_optimum,
    value_per_hour,
)
from tests.unit.matching.instances import (
    LYON,
    medium_instance,
    need,
    random_instance,
    volunteer,
)


def test_known_optimum_on_a_hand_made_instance() -> None:
    volunteers = [
        volunteer("v1", "c1", {"seo": 3, "web-dev": 2}, 20),
        volunteer("v2", "c2", {"seo": 2}, 10),
    ]
    needs = [
        need("n1", "c3", [("seo", 2, 3)], 15, priority=5),
        need("n2", "c4", [("web-dev", 1, 2)], 10, priority=2),
    ]
    solution = solve(volunteers, needs, MatchParams())
    # v1→n1 is worth 3×2×5 = 30 an hour, v2→n1 15, v1→n2 2×2×2 = 8. Best: v1 gives 15 h to n1
    # (450) and 5 h to n2 (40); v2 has nowhere better to go than n1, now full. Total 490.
    assert solution.status == "optimal"
    assert solution.objective == solution.bound == 490
    assert check(volunteers, needs, MatchParams(), solution.assignments) == 490
    explanation = next(a for a in solution.assignments if a.need == "n1").explanation
    assert [(s.skill, s.level, s.min_level) for s in explanation.skills] == [("seo", 3, 2)]


def test_eligibility_rules() -> None:
    base = need("n", "host", [("seo", 2, 1)], 10, remote=False, at=LYON)
    assert not solve(
        [volunteer("same", "host", {"seo": 3}, 5, at=LYON)], [base], MatchParams()
    ).assignments
    assert not solve(
        [volunteer("far", "x", {"seo": 3}, 5, radius_km=50)], [base], MatchParams()
    ).assignments  # Paris–Lyon ≈ 392 km, no remote allowed.
    assert solve(
        [volunteer("near", "x", {"seo": 3}, 5, at=LYON)], [base], MatchParams()
    ).assignments
    assert not solve(
        [volunteer("low", "x", {"seo": 1}, 5, at=LYON)], [base], MatchParams()
    ).assignments
    assert not solve(
        [volunteer("en", "x", {"seo": 3}, 5, at=LYON, languages=("en",))], [base], MatchParams()
    ).assignments
    remote_need = need("r", "host", [("seo", 2, 1)], 10, remote=True, at=LYON)
    assert solve(
        [volunteer("remote", "x", {"seo": 3}, 5)], [remote_need], MatchParams()
    ).assignments
    assert solve([], [], MatchParams()).status == "empty"


@pytest.mark.parametrize("seed", range(60))
def test_random_instances_are_optimal_and_valid(seed: int) -> None:
    rng = random.Random(seed)
    volunteers, needs = random_instance(rng)
    params = rng.choice(
        [
            MatchParams(),
            MatchParams(one_need_per_volunteer=True),
            MatchParams(min_assignment_hours=2),
            MatchParams(max_team_size=1),
        ]
    )
    solution = solve(volunteers, needs, params)
    objective = check(volunteers, needs, params, solution.assignments)
    assert objective == solution.objective
    assert solution.objective == brute_force(volunteers, needs, params)
    assert solution.bound >= solution.objective
    assert greedy(volunteers, needs) <= max(
        solution.objective, brute_force(volunteers, needs, MatchParams())
    )


def test_same_input_same_solution() -> None:
    volunteers, needs = random_instance(random.Random(7))
    first = solve(volunteers, needs, MatchParams(one_need_per_volunteer=True))
    again = solve(volunteers, needs, MatchParams(one_need_per_volunteer=True))
    assert write_solution(first) == write_solution(again)


PROBLEM = {
    "volunteers": [
        {
            "id": "v1",
            "company": "c1",
            "skills": {"seo": 3, "web-dev": 2},
            "hours": 20,
            "remote": True,
            "lat": 48.85,
            "lon": 2.35,
            "radius_km": 30,
            "languages": ["fr", "en"],
        }
    ],
    "needs": [
        {
            "id": "n1",
            "company": "c2",
            "skills": [{"skill": "seo", "min_level": 2, "weight": 3}],
            "hours": 40,
            "remote": False,
            "lat": 45.76,
            "lon": 4.83,
            "language": "fr",
            "priority": 5,
        }
    ],
    "params": {
        "max_team_size": None,
        "min_assignment_hours": None,
        "one_need_per_volunteer": False,
        "time_limit_s": 60,
    },
}


@pytest.mark.parametrize(
    ("change", "record", "field"),
    [
        (
            lambda p: p["volunteers"][0]["skills"].update({"juggling": 2}),
            "volunteers[0]",
            "skills.juggling",
        ),
        (lambda p: p["volunteers"][0]["skills"].update({"seo": 5}), "volunteers[0]", "skills.seo"),
        (lambda p: p["volunteers"][0].update(hours=-1), "volunteers[0]", "hours"),
        (lambda p: p["volunteers"].append(dict(p["volunteers"][0])), "volunteers[1]", "id"),
        (lambda p: p["needs"][0].update(skills=[]), "needs[0]", "skills"),
        (lambda p: p["needs"][0].update(lat=123.0), "needs[0]", "lat"),
        (lambda p: p["needs"][0].update(priority=11), "needs[0]", "priority"),
        (
            lambda p: p["needs"][0]["skills"][0].update(weight=101),
            "needs[0]",
            "skills[0].weight",
        ),
        (
            lambda p: p["needs"][0].update(skills=p["needs"][0]["skills"] * 21),
            "needs[0]",
            "skills",
        ),
        (lambda p: p["volunteers"][0]["skills"].update({"": 2}), "volunteers[0]", "skills."),
        (
            lambda p: p["needs"][0]["skills"][0].update(skill="x" * 101),
            "needs[0]",
            "skills[0].skill",
        ),
        (lambda p: p["params"].update(relative_gap_limit=1.5), "params", "relative_gap_limit"),
        (lambda p: p["params"].update(seed="zero"), "params", "seed"),
    ],
)
def test_bad_problem_files_name_the_record_and_field(
    change: object, record: str, field: str
) -> None:
    problem = json.loads(json.dumps(PROBLEM))
    change(problem)  # type: ignore[operator]
    with pytest.raises(ProblemError) as caught:
        read_problem(problem, known_skills=frozenset({"seo", "web-dev"}))
    assert (caught.value.record, caught.value.field) == (record, field)


def test_a_file_may_use_its_own_skill_codes() -> None:
    problem = json.loads(json.dumps(PROBLEM).replace('"seo"', '"outil-maison/niveau-expert"'))
    volunteers, needs, _ = read_problem(problem, known_skills=None)
    assert volunteers[0].skills["outil-maison/niveau-expert"] == 3
    assert needs[0].skills[0].skill == "outil-maison/niveau-expert"


def test_command_line_solves_a_file(tmp_path: Path) -> None:
    # A code outside the shipped taxonomy: files come from other tools.
    problem = json.loads(json.dumps(PROBLEM).replace('"seo"', '"outil-maison"'))
    problem["volunteers"] = [
        {**problem["volunteers"][0], "id": "bénévole-1", "lat": 45.75, "lon": 4.85}
    ]
    source, target = tmp_path / "problem.json", tmp_path / "solution.json"
    source.write_text(json.dumps(problem))
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-m", "web.cli", "match", "solve", str(source), "-o", str(target)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin"},
    )
    assert result.returncode == 0, result.stderr
    solution = json.loads(target.read_text())
    assert solution["status"] == "optimal"
    assert solution["assignments"][0]["hours"] == 20
    assert solution["objective"] == 20 * 3 * 2 * 5
    # Written as the standard library writes compact UTF-8 JSON, byte for byte.
    assert target.read_bytes() == json.dumps(
        solution, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert solution["assignments"][0]["volunteer"] == "bénévole-1"
    source.write_text("{not json")
    broken = subprocess.run(
        [sys.executable, "-m", "web.cli", "match", "solve", str(source), "-o", str(target)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin"},
    )
    assert broken.returncode == 1
    assert "line 1" in broken.stderr


@pytest.mark.parametrize("seed", range(25))
def test_column_generation_proves_the_lp_optimum(seed: int) -> None:
    """With pruning forced (one column per need to start with), pricing against every eligible
    pair still reaches the optimum that a simplex code finds over all pairs."""
    volunteers, needs = medium_instance(seed)
    optimum = round(lp_optimum(volunteers, needs))
    complete = solve(volunteers, needs, MatchParams())
    assert complete.stats["complete"] == 1.0
    pruned = solve(
        volunteers,
        needs,
        MatchParams(
            plain_pairs_max=0, pairs_kept_max=0, columns_per_need_first=1, columns_per_need_priced=1
        ),
    )
    for solution in (complete, pruned):
        assert solution.objective == optimum
        assert solution.status == "optimal" if optimum else solution.status in ("optimal", "empty")
        assert solution.bound == optimum
        assert check(volunteers, needs, MatchParams(), solution.assignments) == optimum


@pytest.mark.parametrize("seed", range(25))
def test_bound_stays_valid_when_pricing_stops_early(seed: int) -> None:
    volunteers, needs = medium_instance(seed)
    optimum = lp_optimum(volunteers, needs)
    solution = solve(
        volunteers,
        needs,
        MatchParams(
            plain_pairs_max=0, pairs_kept_max=0, columns_per_need_first=1, pricing_rounds_max=1
        ),
    )
    assert solution.bound >= optimum - 1e-6
    assert solution.objective <= optimum + 1e-6
    assert check(volunteers, needs, MatchParams(), solution.assignments) == solution.objective
    assert (solution.status == "optimal") == (solution.bound == solution.objective)


@pytest.mark.parametrize("seed", range(10))
def test_side_constraints_on_pruned_columns_stay_valid(seed: int) -> None:
    volunteers, needs = medium_instance(seed)
    optimum = lp_optimum(volunteers, needs)
    params = MatchParams(
        plain_pairs_max=0,
        pairs_kept_max=0,
        columns_per_need_first=2,
        max_team_size=2,
        min_assignment_hours=3,
        one_need_per_volunteer=True,
    )
    solution = solve(volunteers, needs, params)
    assert check(volunteers, needs, params, solution.assignments) == solution.objective
    assert solution.objective <= solution.bound
    assert solution.bound <= optimum + 1e-6  # Never above the relaxation over every pair.


@pytest.mark.parametrize("seed", range(40))
def test_greedy_takes_the_pairs_its_definition_takes(seed: int) -> None:
    """Remote pairs through the groups, the others as arrays: the same pairs, in the same
    order, with the same hours as the definition over every eligible pair (declined pairs
    left out, volunteers of the need's own company never taken)."""
    volunteers, needs = medium_instance(seed)
    rng = random.Random(seed)
    excluded = frozenset(
        (rng.choice(volunteers).id, rng.choice(needs).id) for _ in range(rng.randint(0, 6))
    )
    taken = skill_match._Problem(volunteers, needs, excluded).greedy()
    found = list(
        zip(
            taken.volunteer.tolist(),
            taken.need.tolist(),
            taken.value.tolist(),
            taken.hours.tolist(),
            strict=True,
        )
    )
    assert found == greedy_reference(volunteers, needs, excluded)
    assert greedy(volunteers, needs) == sum(
        value * hours for _, _, value, hours in greedy_reference(volunteers, needs)
    )


def _places_near_a_hard_spot(rng: random.Random) -> Callable[[], tuple[float, float]]:
    """Random places within a few degrees of a pole, the antimeridian or Paris (one drawn)."""
    centre = rng.choice([(89.5, 0.0), (-89.0, 120.0), (10.0, 179.9), (0.0, -179.8), (48.0, 2.0)])

    def near() -> tuple[float, float]:
        lat = max(-90.0, min(90.0, centre[0] + rng.uniform(-3, 3)))
        lon = (centre[1] + rng.uniform(-6, 6) + 180) % 360 - 180
        return lat, lon

    return near


@pytest.mark.parametrize("seed", range(12))
def test_spatial_index_finds_every_nearby_pair_anywhere_on_earth(seed: int) -> None:
    """Poles, the antimeridian and large radii: the latitude rows and longitude windows of the
    index never drop a pair the haversine accepts (compared with the checker over all pairs)."""
    rng = random.Random(seed)
    near = _places_near_a_hard_spot(rng)

    volunteers = [
        volunteer(
            f"v{i}",
            f"c{i % 7}",
            {"seo": rng.randint(1, 4)},
            rng.randint(1, 5),
            remote=False,
            at=near(),
            radius_km=rng.choice([5, 50, 150, 400]),
        )
        for i in range(80)
    ]
    needs = [
        need(f"n{j}", f"c{j % 5}", [("seo", 1, 1)], 5, remote=rng.random() < 0.5, at=near())
        for j in range(15)
    ]
    expected = {(v.id, n.id) for v in volunteers for n in needs if value_per_hour(v, n) is not None}
    problem = skill_match._Problem(volunteers, needs, frozenset())
    local_v, local_n, _ = problem.local
    found = {(volunteers[v].id, needs[n].id) for v, n in zip(local_v, local_n, strict=True)}
    assert found == expected


@pytest.mark.parametrize("seed", range(8))
def test_needs_asking_many_skills_find_every_pair_anywhere_on_earth(seed: int) -> None:
    """Needs asking more skills than the remote groups hold are enumerated one by one
    (`VolunteerIndex.candidates`): every eligible pair with its value, remote or within the
    radius, near the poles and the antimeridian too (compared with the checker)."""
    rng = random.Random(seed)
    near = _places_near_a_hard_spot(rng)
    codes = ["seo", "web-dev", "data", "cloud", "security"]

    volunteers = [
        volunteer(
            f"v{i}",
            f"c{i % 7}",
            {code: rng.randint(1, 4) for code in rng.sample(codes, rng.randint(1, 4))},
            rng.randint(1, 5),
            remote=rng.random() < 0.5,
            at=near(),
            radius_km=rng.choice([5, 50, 150, 400]),
            languages=tuple(rng.sample(["fr", "en"], rng.randint(1, 2))),
        )
        for i in range(80)
    ]
    needs = [
        need(
            f"n{j}",
            f"c{j % 5}",
            [(code, rng.randint(1, 3), rng.randint(1, 3)) for code in rng.sample(codes, 4)],
            5,
            remote=rng.random() < 0.7,
            at=near(),
            language=rng.choice(["fr", "en"]),
        )
        for j in range(15)
    ]
    expected = {
        (v.id, n.id): value
        for v in volunteers
        for n in needs
        if (value := value_per_hour(v, n)) is not None
    }
    problem = skill_match._Problem(volunteers, needs, frozenset())
    local_v, local_n, local_value = problem.local
    found = {
        (volunteers[v].id, needs[n].id): value
        for v, n, value in zip(
            local_v.tolist(), local_n.tolist(), local_value.tolist(), strict=True
        )
    }
    assert any(n.remote for n in needs) and any(not v.remote for v in volunteers)
    assert found == expected


_ODD_VALUES = [None, True, False, 0, 1, 3, 4, 5, -1, 2.5, float("inf"), float("nan"), "", "x"]
_VOLUNTEER_FIELDS = {
    "id": ["v1", 1, None],
    "company": ["c1", 2, None],
    "skills": [{}, {"seo": 3}, {"seo": 5}, {"seo": 0}, {"seo": True}, {"nope": 2}, [], "seo"],
    "hours": [*_ODD_VALUES, 10_000, 10_001],
    "remote": _ODD_VALUES,
    "lat": [*_ODD_VALUES, 48.85, 90, 90.5, -91],
    "lon": [*_ODD_VALUES, 2.35, 180, -180.5],
    "radius_km": [*_ODD_VALUES, 1e308 * 10],
    "languages": [["fr"], ["fr", "en"], [], ["fr", 1], "fr", None],
}


@settings(max_examples=500, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(sorted(_VOLUNTEER_FIELDS)),
        st.integers(min_value=-1, max_value=20),
        max_size=2,
    )
)
def test_plain_volunteer_reading_never_accepts_what_the_field_checks_refuse(
    changes: dict[str, int],
) -> None:
    """The quick path for well-formed volunteers gives the same record as the field-by-field
    checks, and leaves everything else to them (which then name the field). One or two fields
    of a valid volunteer are replaced by odd values (or removed: -1)."""
    item: dict[str, object] = {
        "id": "v1",
        "company": "c1",
        "skills": {"seo": 3, "web-dev": 1},
        "hours": 8,
        "remote": True,
        "lat": 48.85,
        "lon": 2.35,
        "radius_km": 30,
        "languages": ["fr"],
    }
    for name, choice in changes.items():
        if choice < 0:
            del item[name]
        else:
            pool = _VOLUNTEER_FIELDS[name]
            item[name] = pool[choice % len(pool)]
    known = frozenset({"seo", "web-dev"})
    plain = files._volunteer_plain(item, known)
    try:
        checked = files._volunteer_checked(item, 0, known)
    except ProblemError:
        assert plain is None
        return
    assert plain is None or plain == checked


@pytest.mark.parametrize("seed", range(20))
def test_pairs_found_twice_are_summed_once_either_way(seed: int) -> None:
    """Nearby pairs met through several skills: one row each, their points summed, in key
    order — by the packed sort, and by the unique it stands for when the bits do not fit."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(0, 300))
    pair = rng.integers(0, int(rng.integers(1, 50)), rows)
    points = rng.integers(1, int(rng.integers(2, 500)), rows)
    expected, inverse = np.unique(pair, return_inverse=True)
    sums = np.bincount(inverse, points).astype(np.int64) if rows else points
    points_bits = max(1, int(points.max(initial=0)).bit_length())
    for keys, summed in (
        candidates._summed_packed((pair << points_bits) | points, points_bits),
        candidates._summed_by_pair(pair, points),
    ):
        assert keys.tolist() == expected.tolist()
        assert summed.tolist() == sums.tolist()


@pytest.mark.parametrize("seed", range(10))
def test_greedy_order_is_the_same_packed_or_not(seed: int) -> None:
    """Value (highest first), need, volunteer: the radix sort of pairs in (need, volunteer)
    order, the packed sort and the lexsort it stands for when the counts are too large."""
    from matching.greedy import _in_greedy_order

    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 400))
    volunteer = rng.integers(0, 30, rows)
    need = rng.integers(0, 12, rows)
    value = rng.integers(1, 90, rows)
    packed = _in_greedy_order(volunteer, need, value, 12, 30)
    unpacked = _in_greedy_order(volunteer, need, value, 1 << 40, 1 << 40)
    order = np.lexsort((volunteer, need, -value))
    # Distinct pairs in (need, volunteer) order, as the nearby pairs come: the radix path.
    _, first = np.unique(need * 30 + volunteer, return_index=True)
    in_pair_order = [a[first] for a in (volunteer, need, value)]
    radix = _in_greedy_order(*in_pair_order, 12, 30)
    by_pair = np.lexsort((in_pair_order[0], in_pair_order[1], -in_pair_order[2]))
    assert [a.tolist() for a in radix] == [a[by_pair].tolist() for a in in_pair_order]
    for found in (packed, unpacked):
        assert [a.tolist() for a in found] == [
            volunteer[order].tolist(),
            need[order].tolist(),
            value[order].tolist(),
        ]


@pytest.mark.parametrize("seed", range(60))
def test_best_per_group_is_the_same_by_histogram_packed_or_not(seed: int) -> None:
    """Each group's `count` largest values, ties to the first row: the histogram (wide enough,
    and so narrow that most groups fall back to the sort), the packed sort and the stable
    argsort, all against a plain Python ranking."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 500))
    group = rng.integers(0, int(rng.integers(1, 40)), rows)
    reduced = rng.integers(-20, int(rng.integers(-19, 60)), rows)
    count = int(rng.integers(1, 6))
    ranked: dict[int, list[int]] = {}
    for row in sorted(range(rows), key=lambda i: (-int(reduced[i]), i)):
        ranked.setdefault(int(group[row]), []).append(row)
    expected = sorted(row for chosen in ranked.values() for row in chosen[:count])
    for mask in (
        skill_match._best_per(group, reduced, count),
        skill_match._best_per(group, reduced, count, buckets=int(rng.integers(1, 4))),
        skill_match._best_per_by_sort(group, reduced, count),
        skill_match._best_per_by_argsort(group, reduced, count),
    ):
        assert np.flatnonzero(mask).tolist() == expected


@pytest.mark.parametrize("seed", range(10))
def test_first_rows_and_numbering_are_what_unique_gives(seed: int) -> None:
    """The packed sort of keys above rows (and its fallback for keys too wide to pack), and
    the numbering by counting, against `np.unique`."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 500))
    key = rng.integers(0, int(rng.integers(1, 60)), rows)
    expected_first = np.unique(key, return_index=True)[1]
    assert skill_match._first_rows(key).tolist() == expected_first.tolist()
    wide = key + (1 << 60)
    assert skill_match._first_rows(wide).tolist() == expected_first.tolist()
    distinct, rank = skill_match._numbered(key, int(key.max()) + 1 + int(rng.integers(0, 5)))
    expected_distinct, expected_rank = np.unique(key, return_inverse=True)
    assert distinct.tolist() == expected_distinct.tolist()
    assert rank.tolist() == expected_rank.tolist()


def _one_window(lat: float, lon: float, reach_rad: float) -> tuple[list[float], list[float]]:
    """The window of one need, written out with `math` for the test: latitude rows within
    reach, and in each the longitude band outside which the haversine distance is at least
    2R·asin(cos φ_min · sin(|Δλ|/2)) > reach (whole rows near the poles or the antimeridian)."""
    reach_deg = math.degrees(reach_rad)
    first_row = math.floor((lat - reach_deg + 90) / candidates.ROW_DEGREES)
    last_row = math.floor((lat + reach_deg + 90) / candidates.ROW_DEGREES)
    rows = [row * candidates._ROW_KEY for row in range(first_row, last_row + 1)]
    far_lat = min(90.0, max(abs(lat - reach_deg), abs(lat + reach_deg)))
    cos_min = math.cos(math.radians(far_lat))
    ratio = math.sin(reach_rad / 2) / cos_min if cos_min > 1e-9 else 2.0
    if ratio >= 1:
        return rows, [r + 360 for r in rows]
    half_width = math.degrees(2 * math.asin(ratio)) + 1e-9
    west, east = lon - half_width + 180, lon + half_width + 180
    if west < 0 or east > 360:
        return rows, [r + 360 for r in rows]
    return [r + west for r in rows], [r + east for r in rows]


@pytest.mark.parametrize("seed", range(10))
def test_windows_of_many_needs_are_each_needs_window(seed: int) -> None:
    """The vectorised windows against each need's window worked out alone, poles and
    antimeridian included: the same latitude rows, the same longitude bounds (to rounding far
    inside the margin), and empty windows in the padding."""
    rng = np.random.default_rng(seed)
    count = 60
    lat = np.concatenate([rng.uniform(-90, 90, count - 4), [89.9, -89.95, 0.0, 45.0]])
    lon = np.concatenate([rng.uniform(-180, 180, count - 4), [10.0, -170.0, 179.99, -179.99]])
    reach_rad = float(rng.choice([10.0, 100.0, 1000.0, 5000.0])) / candidates.EARTH_RADIUS_KM
    low, high = candidates._windows(lat, lon, reach_rad)
    for i in range(count):
        one_low, one_high = _one_window(float(lat[i]), float(lon[i]), reach_rad)
        rows = len(one_low)
        assert np.allclose(low[i, :rows], one_low, rtol=0, atol=1e-9)
        assert np.allclose(high[i, :rows], one_high, rtol=0, atol=1e-9)
        assert (low[i, rows:] == -1.0).all() and (high[i, rows:] == -2.0).all()


@pytest.mark.parametrize("seed", range(5))
def test_solution_file_bytes_are_the_documents(seed: int) -> None:
    """The file written straight from the solver's records is the solution document encoded
    as compact UTF-8 JSON, byte for byte (so a renamed field cannot change the file alone)."""
    volunteers, needs = medium_instance(seed)
    solution = solve(volunteers, needs, MatchParams())
    assert solution.assignments
    expected = json.dumps(write_solution(solution), ensure_ascii=False, separators=(",", ":"))
    assert files.solution_json(solution) == expected.encode("utf-8")
    empty = skill_match.MatchSolution("empty", 0, 0, ())
    assert json.loads(files.solution_json(empty)) == write_solution(empty)
