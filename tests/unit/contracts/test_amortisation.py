"""Amortisation schedules: the charges add up to the base to the cent, no negative net value,
first and last years pro rata, both day counts, the suramortissement simulation."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.amortisation import DayCount, days_30_360, schedule
from contracts.statements import amortisation_markdown


@given(
    base=st.integers(min_value=0, max_value=10**11),
    in_service=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    years=st.integers(min_value=1, max_value=5),
    day_count=st.sampled_from(list(DayCount)),
    year_end=st.sampled_from([(12, 31), (6, 30), (3, 31), (9, 30)]),
    rate=st.integers(min_value=0, max_value=10_000),
)
def test_a_schedule_sums_to_the_base_to_the_cent_and_never_goes_negative(
    base: int,
    in_service: date,
    years: int,
    day_count: DayCount,
    year_end: tuple[int, int],
    rate: int,
) -> None:
    lines = schedule(
        base,
        in_service,
        life_years=years,
        day_count=day_count,
        fiscal_year_end=year_end,
        suramortissement_basis_points=rate,
    )
    assert sum(line.charge_cents for line in lines) == base
    assert lines[-1].net_book_value_cents == 0
    assert all(line.charge_cents >= 0 and line.net_book_value_cents >= 0 for line in lines)
    assert all(a.fiscal_year_end < b.fiscal_year_end for a, b in itertools.pairwise(lines))
    assert lines[0].fiscal_year_end >= in_service
    assert years <= len(lines) <= years + 1
    extra = (2 * base * rate + 10_000) // 20_000
    assert sum(line.extra_deduction_cents for line in lines) == extra
    full_year = base / years
    for line in lines:
        assert line.charge_cents <= full_year * 1.02 + 1  # No year above a full year's share.


def test_first_and_last_years_are_pro_rata_under_30_360() -> None:
    # 9 000,00 € over 3 years from 1 July 2026: 1 500 / 3 000 / 3 000 / 1 500.
    lines = schedule(900_000, date(2026, 7, 1), life_years=3)
    assert [line.charge_cents for line in lines] == [150_000, 300_000, 300_000, 150_000]
    assert [line.days for line in lines] == [180, 360, 360, 180]
    assert [line.net_book_value_cents for line in lines] == [750_000, 450_000, 150_000, 0]
    assert [line.fiscal_year_end for line in lines] == [
        date(2026, 12, 31),
        date(2027, 12, 31),
        date(2028, 12, 31),
        date(2029, 12, 31),
    ]


def test_actual_days_count_every_day_of_the_life() -> None:
    lines = schedule(100_000, date(2027, 3, 1), life_years=1, day_count=DayCount.ACTUAL)
    # 1 March 2027 to 29 February 2028: 366 days, 306 of them in 2027.
    assert [line.days for line in lines] == [306, 60]
    assert lines[0].charge_cents == (2 * 100_000 * 306 + 366) // (2 * 366)
    assert sum(line.charge_cents for line in lines) == 100_000


def test_a_whole_year_from_the_first_day_has_no_extra_line() -> None:
    lines = schedule(300_000, date(2027, 1, 1), life_years=3)
    assert [line.charge_cents for line in lines] == [100_000, 100_000, 100_000]


def test_suramortissement_is_spread_like_the_schedule() -> None:
    lines = schedule(900_000, date(2026, 7, 1), life_years=3, suramortissement_basis_points=4000)
    assert [line.extra_deduction_cents for line in lines] == [60_000, 120_000, 120_000, 60_000]


def test_30_360_day_count() -> None:
    assert days_30_360(date(2027, 1, 1), date(2027, 12, 31)) == 360
    # The last day of a month is its 30th, February's too: 15 to 28 February is 16 days.
    assert days_30_360(date(2027, 2, 15), date(2027, 2, 28)) == 16
    assert days_30_360(date(2027, 2, 1), date(2027, 2, 28)) == 30
    assert days_30_360(date(2028, 2, 1), date(2028, 2, 29)) == 30
    assert days_30_360(date(2027, 1, 31), date(2027, 2, 1)) == 2


def test_a_fiscal_year_ending_28_february_counts_360_days_each_year() -> None:
    # 7 200,00 € over 2 years from 1 March 2025, fiscal years ending 28 February (not leap
    # years): two whole years of 12 months of 30 days, 360 days and 3 600,00 € each (not 358
    # then 362 days, 3 580,00 € then 3 620,00 €).
    lines = schedule(720_000, date(2025, 3, 1), life_years=2, fiscal_year_end=(2, 28))
    assert [line.fiscal_year_end for line in lines] == [date(2026, 2, 28), date(2027, 2, 28)]
    assert [line.days for line in lines] == [360, 360]
    assert [line.charge_cents for line in lines] == [360_000, 360_000]


def test_put_into_service_mid_february_counts_february_as_30_days() -> None:
    # 3 600,00 € over 1 year from 15 February 2026, year ending 28 February: 15 to "30"
    # February is 16 days, 3 600 × 16 / 360 = 160,00 €; the rest, 344 days, 3 440,00 €.
    lines = schedule(360_000, date(2026, 2, 15), life_years=1, fiscal_year_end=(2, 28))
    assert [line.days for line in lines] == [16, 344]
    assert [line.charge_cents for line in lines] == [16_000, 344_000]


@pytest.mark.parametrize(("years", "rate"), [(0, 0), (6, 0), (3, -1), (3, 10_001)])
def test_settings_out_of_range_are_refused(years: int, rate: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        schedule(100, date(2027, 1, 1), life_years=years, suramortissement_basis_points=rate)


def test_the_statement_says_its_day_count_in_words() -> None:
    for day_count, words in (
        ("30/360", "mois de 30 jours, année de 360 jours"),
        ("actual", "jours réels"),
    ):
        text = amortisation_markdown(
            company_name="Fromagerie du Val",
            siren="732829320",
            year_start=date(2026, 1, 1),
            year_end=date(2026, 12, 31),
            lines=[],
            life_years=3,
            day_count=day_count,
            suramortissement_percent="0",
        )
        assert f"prorata temporis ({words})" in text
