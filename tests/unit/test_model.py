"""Pure domain rules: hourly cost rounding, need windows and statuses, French formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timebank import formatting
from timebank.employees.model import CostInputs, check_skill_levels, hourly_cost_cents
from timebank.errors import Conflict, InvalidInput
from timebank.needs.model import NeedStatus, check_status_change, draft_need


def test_hourly_cost_is_salary_plus_charges_over_annual_hours() -> None:
    # 36 000 € gross, 42 % charges, 1 607 h: 51 120 € / 1 607 h = 31,8108... € → 31,81 €.
    cost = CostInputs(
        annual_gross_salary_cents=3_600_000,
        employer_charge_rate_basis_points=4200,
        annual_work_hours=1607,
    )
    assert hourly_cost_cents(cost) == 3181


def test_hourly_cost_rounds_half_cents_up() -> None:
    # 1 607 h × 1 000,005 c would be exact; 1 000,5 c / h must round to 1 001 c.
    cost = CostInputs(
        annual_gross_salary_cents=2001, employer_charge_rate_basis_points=0, annual_work_hours=2
    )
    assert hourly_cost_cents(cost) == 1001
    cost = CostInputs(
        annual_gross_salary_cents=2003, employer_charge_rate_basis_points=0, annual_work_hours=4
    )
    assert hourly_cost_cents(cost) == 501  # 500,75 → 501


@given(
    salary=st.integers(min_value=1, max_value=100_000_000),
    rate=st.integers(min_value=0, max_value=10_000),
    hours=st.integers(min_value=1, max_value=2400),
)
def test_hourly_cost_is_within_half_a_cent_of_the_exact_value(
    salary: int, rate: int, hours: int
) -> None:
    cost = CostInputs(
        annual_gross_salary_cents=salary,
        employer_charge_rate_basis_points=rate,
        annual_work_hours=hours,
    )
    exact_numerator = salary * (10_000 + rate)
    denominator = 10_000 * hours
    result = hourly_cost_cents(cost)
    # |result - exact| <= 1/2, with halves rounded up: 2*(result*d - n) in (-d, d].
    assert -denominator < 2 * (result * denominator - exact_numerator) <= denominator


def test_duplicate_skill_in_profile_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_skill_levels([("seo", 2), ("seo", 3)])
    assert caught.value.field == "skills[1].skill"


def _need(**overrides: object) -> object:
    values: dict[str, object] = {
        "title": "Site",
        "description": "Refonte",
        "estimated_minutes": 600,
        "window_start": date(2027, 1, 1),
        "window_end": date(2027, 1, 31),
        "remote_allowed": True,
        "place_city": "",
        "place_postal_code": "",
        "language": "fr",
        "skills": [("seo", 2, 1)],
    }
    values.update(overrides)
    return draft_need(**values)  # type: ignore[arg-type]


def test_need_hours_are_bounded_by_its_window() -> None:
    _need(estimated_minutes=151 * 60)
    with pytest.raises(InvalidInput) as caught:
        _need(estimated_minutes=152 * 60)
    assert (caught.value.code, caught.value.field) == ("absurd_hours", "estimated_minutes")


def test_need_without_skill_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        _need(skills=[])
    assert caught.value.field == "skills"


def test_need_skill_weight_must_be_positive() -> None:
    with pytest.raises(InvalidInput) as caught:
        _need(skills=[("seo", 2, 0)])
    assert caught.value.field == "skills[0].weight"


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (NeedStatus.DRAFT, NeedStatus.MATCHED),
        (NeedStatus.CLOSED, NeedStatus.OPEN),
        (NeedStatus.CANCELLED, NeedStatus.OPEN),
        (NeedStatus.OPEN, NeedStatus.DRAFT),
    ],
)
def test_illegal_need_status_changes_are_refused(current: NeedStatus, wanted: NeedStatus) -> None:
    with pytest.raises(Conflict) as caught:
        check_status_change(current, wanted)
    assert caught.value.code == "illegal_status_change"


def test_french_formats() -> None:
    assert formatting.euros(123456) == "1\u202f234,56\u00a0€"
    assert formatting.euros(-5) == "-0,05\u00a0€"
    assert formatting.hours(750) == "12\u00a0h\u00a030"
    assert formatting.hours(720) == "12\u00a0h"
    assert formatting.day(date(2026, 11, 23)) == "23/11/2026"
    # An instant is shown by its day in French time, as `moment` shows it.
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert formatting.day(late) == "24/11/2026"
    assert formatting.moment(late).startswith(formatting.day(late))
    assert formatting.day(datetime(2026, 7, 1, 21, 59, tzinfo=UTC)) == "01/07/2026"  # CEST
