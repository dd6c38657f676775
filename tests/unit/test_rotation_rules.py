"""Pure rules of the shared-CDO time-share: the split to the cent, the monthly cost at exact
cost, the allocation among members, the inputs' checks, and the calendar rendering."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from timebank.employees.model import CostInputs
from timebank.errors import InvalidInput
from timebank.rotations import model as m


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=40),
)
def test_split_never_loses_or_invents_a_cent_and_stays_within_a_cent(
    total: int, weights: list[int]
) -> None:
    shares = m.split_cents(total, weights)
    if sum(weights) == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert exact - 1 < share < exact + 1
        assert share >= 0


def test_split_gives_the_cents_left_to_the_largest_remainders_first() -> None:
    assert m.split_cents(100, [1, 1, 1]) == [34, 33, 33]
    assert m.split_cents(10, [3, 1]) == [8, 2]  # 7.5 and 2.5: the tie goes to the first.


def test_a_cdo_month_is_a_twelfth_of_gross_with_charges_rounded_once() -> None:
    # 60 000 € × 1.42 / 12 = 7 100 €.
    assert m.monthly_cost_cents(CostInputs(6_000_000, 4200, 1607)) == 710_000
    # 30 000,01 € × 1.45 / 12 = 3 625,0012… € → 362 500 cents.
    assert m.monthly_cost_cents(CostInputs(3_000_001, 4500, 1607)) == 362_500
    # A half-cent rounds up: 1 cent × 1.0 × 6 / 12.
    assert m.monthly_cost_cents(CostInputs(6, 0, 1607)) == 1


@given(
    counts=st.dictionaries(
        st.tuples(st.integers(1, 3), st.integers(10, 15)), st.integers(0, 40), max_size=12
    ),
    salaries=st.lists(st.integers(0, 2_000_000), min_size=3, max_size=3),
    management=st.integers(0, 500_000),
)
def test_allocation_shares_each_cdo_month_and_the_costs_exactly(
    counts: dict[tuple[int, int], int], salaries: list[int], management: int
) -> None:
    cdo_cents = {cdo: salaries[cdo - 1] for cdo in (1, 2, 3)}
    minutes = {key: value * m.DAY_MINUTES for key, value in counts.items()}
    lines = m.allocate_month(cdo_cents, management, counts, minutes)
    worked = {key: value for key, value in counts.items() if value > 0}
    assert {(line.employee_id, line.company_id) for line in lines} == set(worked)
    if not worked:
        assert lines == []
        return
    assert sum(line.management_cents for line in lines) == management
    for cdo in {key[0] for key in worked}:
        mine = [line for line in lines if line.employee_id == cdo]
        assert sum(line.salary_cents for line in mine) == cdo_cents[cdo]
        assert all(line.slots_total == sum(x.slots_worked for x in mine) for line in mine)
    for line in lines:
        assert line.minutes == line.slots_worked * m.DAY_MINUTES
        assert line.cents == line.salary_cents + line.management_cents


@pytest.mark.parametrize(
    ("days", "half_days", "units"), [(3, False, 6), (2.5, True, 5), (0, True, 0)]
)
def test_days_are_counted_in_half_days(days: float, half_days: bool, units: int) -> None:
    assert m.half_days_of(days, half_days=half_days) == units


@pytest.mark.parametrize(
    ("days", "half_days"), [(2.5, False), (1.25, True), (-1, True), (400, True)]
)
def test_days_that_do_not_fit_the_slots_are_refused(days: float, half_days: bool) -> None:
    with pytest.raises(InvalidInput) as caught:
        m.half_days_of(days, half_days=half_days)
    assert caught.value.field == "days"
    assert caught.value.code == "invalid_days"


def test_a_period_over_a_year_or_backwards_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        m.period_dates(date(2027, 1, 1), date(2028, 1, 2))
    assert caught.value.code == "period_too_long"
    with pytest.raises(InvalidInput) as caught:
        m.period_dates(date(2027, 2, 1), date(2027, 1, 1))
    assert caught.value.field == "ends_on"


def test_calendar_is_the_same_bytes_for_the_same_events_in_paris_time() -> None:
    events = [
        m.CalendarEvent("b@x", date(2027, 3, 2), "pm", "CDO mutualisé chez Atelier", "Paris"),
        m.CalendarEvent("a@x", date(2027, 3, 1), None, "CDO mutualisé chez Brasserie", ""),
    ]
    stamp = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)
    first = m.calendar_ics("GE — Claire", events, stamp=stamp)
    assert first == m.calendar_ics("GE — Claire", list(reversed(events)), stamp=stamp)
    parsed = [c for c in Calendar.from_ical(first).walk() if c.name == "VEVENT"]
    assert [str(e["uid"]) for e in parsed] == ["a@x", "b@x"]
    start = parsed[1].decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (13, 30, "Europe/Paris")
    assert "Brasserie" in str(parsed[0]["summary"])
