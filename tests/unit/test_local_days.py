"""The day of a stored UTC timestamp in the company's zone, worked out once per UTC hour."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from timebank.accounting.repository import LocalDays

PARIS = ZoneInfo("Europe/Paris")


def test_late_evening_utc_is_the_next_day_in_paris_in_summer_not_in_winter() -> None:
    day = LocalDays(PARIS)
    assert day("2026-07-14 22:30:00+00:00") == date(2026, 7, 15)
    assert day("2026-07-14 22:59:59.999999+00:00") == date(2026, 7, 15)
    assert day("2026-07-14 21:59:59+00:00") == date(2026, 7, 14)
    assert day("2026-01-14 22:30:00+00:00") == date(2026, 1, 14)
    assert day("2026-01-14 23:00:00+00:00") == date(2026, 1, 15)


def test_the_hour_of_the_clock_change_and_a_zone_off_the_hour() -> None:
    day = LocalDays(PARIS)
    # 29 March 2026 at 01:00 UTC Paris goes from +1 to +2; both sides are the same day.
    assert day("2026-03-28 22:59:00+00:00") == date(2026, 3, 28)
    assert day("2026-03-28 23:00:00+00:00") == date(2026, 3, 29)
    india = LocalDays(ZoneInfo("Asia/Kolkata"))  # +05:30: no cache per hour.
    assert india("2026-07-14 18:20:00+00:00") == date(2026, 7, 14)
    assert india("2026-07-14 18:40:00+00:00") == date(2026, 7, 15)
    assert not india.days
