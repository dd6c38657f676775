"""Companies asking to join a group: what they may ask, the cost estimate at exact cost, and the
plan's solving step handed to another process (picklable)."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from matching.cdo_rotation import Cdo, Member, RotationParams, RotationProblem
from timebank.errors import InvalidInput
from timebank.groups import model as gm
from timebank.rotations.use_cases import solve_plan


@pytest.mark.parametrize(("days", "halves"), [(0.5, 1), (2, 4), (2.5, 5), (23, 46)])
def test_days_a_month_are_counted_in_half_days(days: float, halves: int) -> None:
    assert gm.half_days_per_month(days) == halves


@pytest.mark.parametrize("days", [0, 0.3, -1, 23.5, 100])
def test_days_a_month_out_of_range_or_not_a_half_are_refused_beside_the_field(
    days: float,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        gm.half_days_per_month(days)
    assert refused.value.field == "days_per_month"


def test_weekdays_are_monday_to_friday() -> None:
    assert gm.join_weekdays([0, 3]) == frozenset({0, 3})
    assert gm.weekdays_of_text(gm.weekdays_text(frozenset({4, 1}))) == frozenset({1, 4})
    for wrong in ([5], [-1], [True]):
        with pytest.raises(InvalidInput):
            gm.join_weekdays(wrong)  # type: ignore[arg-type]


def test_the_estimate_is_the_average_day_cost_times_the_days_rounded_once() -> None:
    assert gm.monthly_estimate_cents([], 4) is None
    assert gm.monthly_estimate_cents([37_114], 4) == 74_228
    # (10 001 + 10 002) / 2 × 2.5 days = 25 003.75 → 25 004 (halves up, once).
    assert gm.monthly_estimate_cents([10_001, 10_002], 5) == 25_004
    assert gm.cdo_day_cents(5_302) == 37_114


def test_the_solving_step_can_be_sent_to_a_solver_process() -> None:
    problem = RotationProblem(
        date(2027, 1, 4),
        date(2027, 1, 29),
        False,
        (Cdo("1", frozenset(), 3.0, 48.6, 7.7),),
        (Member("2", 4.0, frozenset({0}), frozenset(), 48.6, 7.7, frozenset()),),
    )
    params = RotationParams(travel_km_max=50.0, time_limit_s=5.0)
    function, sent_problem, sent_params = pickle.loads(pickle.dumps((solve_plan, problem, params)))
    plan = function(sent_problem, sent_params)
    assert len(plan.slots) == 4
