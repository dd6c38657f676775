"""Side-constrained proposals over every eligible pair: the linear relaxation's bound, CP-SAT on
its support, every answer within the rules and never claimed optimal below its bound."""

from __future__ import annotations

import random

import numpy as np
import pytest

from matching.side_constraints import SideRules, best_per, relaxation, solve_side
from matching.skill_match import MatchParams, Need, RequiredSkill, Volunteer, solve
from tests.unit.matching.checker import brute_force, check, lp_optimum
from tests.unit.matching.instances import medium_instance, random_instance

STAFFABLE = MatchParams(max_team_size=2, min_assignment_hours=3)


@pytest.mark.parametrize("seed", range(8))
def test_answers_keep_the_rules_under_a_bound_no_higher_than_the_flows(seed: int) -> None:
    volunteers, needs = medium_instance(seed)
    solution = solve(volunteers, needs, STAFFABLE)
    assert check(volunteers, needs, STAFFABLE, solution.assignments) == solution.objective
    assert solution.objective <= solution.bound
    # The relaxation keeps the flow's rows and adds the team rows: never above the flow's.
    assert solution.bound <= lp_optimum(volunteers, needs) + 1
    assert (solution.status == "optimal") == (solution.bound == solution.objective)


@pytest.mark.parametrize("seed", range(30))
def test_small_instances_reach_the_brute_force_optimum(seed: int) -> None:
    volunteers, needs = random_instance(random.Random(1000 + seed))
    params = MatchParams(max_team_size=1, min_assignment_hours=2, side_gap=0.0)
    solution = solve(volunteers, needs, params)
    assert solution.objective == brute_force(volunteers, needs, params)
    assert solution.bound >= solution.objective


def test_a_search_cut_short_never_claims_the_optimum() -> None:
    """Before, CP-SAT out of time made the answer empty with a bound of 0, called optimal."""
    volunteers, needs = medium_instance(3)
    solution = solve(volunteers, needs, MatchParams(max_team_size=2, time_limit_s=0.001))
    relaxed = solve(volunteers, needs, MatchParams(max_team_size=2, side_gap=0.0))
    assert solution.bound == relaxed.bound > 0  # The bound does not depend on the search.
    assert solution.status == ("optimal" if solution.objective == solution.bound else "feasible")


def test_hours_below_the_minimum_cannot_be_used_and_do_not_count_in_the_bound() -> None:
    volunteer = Volunteer("v", "a", {"seo": 3}, 3, True, 48.85, 2.35, 10, frozenset({"fr"}))
    need = Need("n", "b", (RequiredSkill("seo", 1, 1),), 10, True, 48.85, 2.35, "fr", 5)
    solution = solve([volunteer], [need], MatchParams(min_assignment_hours=4))
    assert (solution.objective, solution.bound, solution.status) == (0, 0, "optimal")
    assert solution.assignments == ()


def test_the_relaxation_counts_each_pair_against_its_team() -> None:
    """Two volunteers of 10 h on a need of 20 h with teams of one: the relaxation gives the
    need 10 h (x/c summed up to 1 with c = 10), not 20."""
    supply, demand = np.array([10, 10]), np.array([20])
    volunteer, need, value = np.array([0, 1]), np.array([0, 0]), np.array([5, 5])
    rules = SideRules(1, None, False, 5.0)
    relaxed, hours = relaxation(supply, demand, volunteer, need, value, rules)
    assert relaxed == pytest.approx(50.0)
    answer = solve_side(supply, demand, volunteer, need, value, rules)
    assert (answer.objective, answer.bound) == (50, 50)
    assert sorted(answer.hours.tolist()) == [0, 10]
    assert hours.sum() == pytest.approx(10.0)


def test_best_per_takes_each_groups_best_rows() -> None:
    group = np.array([0, 0, 0, 1, 1, 2])
    value = np.array([5, 9, 7, 1, 3, 4])
    assert sorted(best_per(group, value, 2).tolist()) == [1, 2, 3, 4, 5]  # Not row 0 (5 < 7).
    assert best_per(group, value, 1).tolist() == [1, 4, 5]


def test_a_need_smaller_than_the_minimum_is_staffed_whole() -> None:
    volunteer = Volunteer("v", "a", {"seo": 3}, 10, True, 48.85, 2.35, 10, frozenset({"fr"}))
    need = Need("n", "b", (RequiredSkill("seo", 1, 1),), 2, True, 48.85, 2.35, "fr", 5)
    solution = solve([volunteer], [need], MatchParams(min_assignment_hours=4))
    assert [(a.volunteer, a.need, a.hours) for a in solution.assignments] == [("v", "n", 2)]
    assert solution.status == "optimal"
