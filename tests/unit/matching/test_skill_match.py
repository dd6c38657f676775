"""Skill matching: known optima, eligibility rules, side constraints, and random instances
checked by an independent checker against brute force."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import files
from matching.files import ProblemError, read_problem, write_solution
from matching.skill_match import MatchParams, MatchSolution, greedy, solve
from tests.unit.matching.checker import (
    brute_force,
    check,
    lp_optimum,
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


@pytest.mark.parametrize("seed", range(5))
def test_solution_file_bytes_are_the_documents(seed: int) -> None:
    """The file written straight from the solver's records is the solution document encoded
    as compact UTF-8 JSON, byte for byte (so a renamed field cannot change the file alone)."""
    volunteers, needs = medium_instance(seed)
    solution = solve(volunteers, needs, MatchParams())
    assert solution.assignments
    expected = json.dumps(write_solution(solution), ensure_ascii=False, separators=(",", ":"))
    assert files.solution_json(solution) == expected.encode("utf-8")
    empty = MatchSolution("empty", 0, 0, ())
    assert json.loads(files.solution_json(empty)) == write_solution(empty)
