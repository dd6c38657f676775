"""The reference solver (`matching.plain`) and the large-instance path agree, through `solve`
alone: the same optimum and bound without side constraints, the same relaxation's bound and
the same best answer with them."""

from __future__ import annotations

import random

import pytest

from matching.skill_match import MatchParams, solve
from tests.unit.matching.checker import brute_force, check, lp_optimum
from tests.unit.matching.instances import medium_instance, random_instance

LARGE_PATH = {"plain_pairs_max": 0}


@pytest.mark.parametrize("seed", range(20))
def test_both_paths_find_the_same_optimum(seed: int) -> None:
    volunteers, needs = medium_instance(seed)
    plain = solve(volunteers, needs, MatchParams())
    large = solve(volunteers, needs, MatchParams(**LARGE_PATH))
    assert plain.stats["plain"] == 1.0 and "plain" not in large.stats
    assert (plain.status, plain.objective, plain.bound) == (
        large.status,
        large.objective,
        large.bound,
    )
    assert plain.objective == round(lp_optimum(volunteers, needs))
    assert check(volunteers, needs, MatchParams(), plain.assignments) == plain.objective


@pytest.mark.parametrize("seed", range(20))
def test_both_paths_agree_with_side_constraints(seed: int) -> None:
    volunteers, needs = random_instance(random.Random(2000 + seed))
    params = MatchParams(max_team_size=1, min_assignment_hours=2, side_gap=0.0)
    plain = solve(volunteers, needs, params)
    large = solve(
        volunteers,
        needs,
        MatchParams(max_team_size=1, min_assignment_hours=2, side_gap=0.0, **LARGE_PATH),
    )
    assert (plain.objective, plain.bound) == (large.objective, large.bound)
    assert plain.objective == brute_force(volunteers, needs, params)
    assert check(volunteers, needs, params, plain.assignments) == plain.objective


def test_declined_pairs_are_never_proposed_on_either_path() -> None:
    volunteers, needs = medium_instance(5)
    first = solve(volunteers, needs, MatchParams())
    taken = first.assignments[0]
    excluded = frozenset({(taken.volunteer, taken.need)})
    for params in (MatchParams(), MatchParams(**LARGE_PATH)):
        again = solve(volunteers, needs, params, excluded=excluded)
        assert (taken.volunteer, taken.need) not in {
            (a.volunteer, a.need) for a in again.assignments
        }
