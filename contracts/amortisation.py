"""Linear amortisation schedules in integer cents: prorata temporis from the date put into
service (30/360 or actual days), fiscal years ending on a set day, and the optional
suramortissement simulation (an extra, off-books deduction spread like the schedule).

Each year's accumulated amortisation is the base times the elapsed share of the life, rounded
once to the cent (halves up); the year's charge is the difference with the year before. So the
charges always add up to the base exactly, the net book value never goes below zero, and the
first and last years are pro rata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

LIFE_YEARS_MIN: Final = 1
LIFE_YEARS_MAX: Final = 5  # The usual life of development costs is at most five years.
LIFE_YEARS_DEFAULT: Final = 3
BASIS_POINTS_PER_UNIT: Final = 10_000
SURAMORTISSEMENT_BASIS_POINTS_MAX: Final = 10_000
BASE_CENTS_MAX: Final = 10**13
DAYS_PER_30_360_YEAR: Final = 360


class DayCount(StrEnum):
    THIRTY_360 = "30/360"
    ACTUAL = "actual"


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    fiscal_year_end: date
    days: int  # Days of amortisation in this fiscal year, in the day count used.
    charge_cents: int
    accumulated_cents: int
    net_book_value_cents: int
    extra_deduction_cents: int  # Suramortissement simulation (0 when the rate is 0).


def _day_of_30_day_month(day: date) -> int:
    """The day's number in a month of 30 days: a month's last day is its 30th (February's too)."""
    next_month_first = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return 30 if day == next_month_first - timedelta(days=1) else min(day.day, 30)


def days_30_360(first: date, last: date) -> int:
    """Days from `first` to `last`, both included, in the French "année commerciale": twelve
    months of 30 days, a month's last day counting as its 30th (so a whole February is 30 days,
    as in the European 30/360 of ISDA, "30E/360 ISDA")."""
    assert first <= last
    d1, d2 = _day_of_30_day_month(first), _day_of_30_day_month(last)
    return (last.year - first.year) * 360 + (last.month - first.month) * 30 + (d2 - d1) + 1


def fiscal_year_end_on_or_after(day: date, *, month: int, day_of_month: int) -> date:
    candidate = date(day.year, month, day_of_month)
    return candidate if candidate >= day else date(day.year + 1, month, day_of_month)


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February.
        return day.replace(year=day.year + years, day=28)


def _share(base_cents: int, elapsed: int, total: int) -> int:
    """base × elapsed / total, rounded to the nearest cent, halves up (integers only)."""
    return (2 * base_cents * elapsed + total) // (2 * total)


def schedule(
    base_cents: int,
    in_service: date,
    *,
    life_years: int = LIFE_YEARS_DEFAULT,
    day_count: DayCount = DayCount.THIRTY_360,
    fiscal_year_end: tuple[int, int] = (12, 31),
    suramortissement_basis_points: int = 0,
) -> list[ScheduleLine]:
    """The yearly lines, from the fiscal year of `in_service` to the one where the base is
    fully amortised."""
    if not 0 <= base_cents <= BASE_CENTS_MAX:
        raise ValueError("base out of range")
    if not LIFE_YEARS_MIN <= life_years <= LIFE_YEARS_MAX:
        raise ValueError("life out of range")
    if not 0 <= suramortissement_basis_points <= SURAMORTISSEMENT_BASIS_POINTS_MAX:
        raise ValueError("rate out of range")
    month, day_of_month = fiscal_year_end
    last_day = _anniversary(in_service, life_years) - timedelta(days=1)
    if day_count is DayCount.THIRTY_360:
        total = life_years * DAYS_PER_30_360_YEAR
    else:
        total = (last_day - in_service).days + 1
    extra_base = _share(base_cents, suramortissement_basis_points, BASIS_POINTS_PER_UNIT)
    lines: list[ScheduleLine] = []
    end = fiscal_year_end_on_or_after(in_service, month=month, day_of_month=day_of_month)
    elapsed_before, accumulated, extra_accumulated = 0, 0, 0
    while True:  # Every fiscal year of the life, to the last (a year may charge 0 cents).
        stop = min(end, last_day)
        if day_count is DayCount.THIRTY_360:
            elapsed = min(total, days_30_360(in_service, stop))
        else:
            elapsed = (stop - in_service).days + 1
        elapsed = total if stop == last_day else elapsed
        cumulative = _share(base_cents, elapsed, total)
        extra_cumulative = _share(extra_base, elapsed, total)
        lines.append(
            ScheduleLine(
                fiscal_year_end=end,
                days=elapsed - elapsed_before,
                charge_cents=cumulative - accumulated,
                accumulated_cents=cumulative,
                net_book_value_cents=base_cents - cumulative,
                extra_deduction_cents=extra_cumulative - extra_accumulated,
            )
        )
        elapsed_before, accumulated, extra_accumulated = elapsed, cumulative, extra_cumulative
        if stop == last_day:
            break
        end = date(end.year + 1, month, day_of_month)
    return lines
