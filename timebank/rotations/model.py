"""Shared-CDO time-share of an employer group: periods, members' requests, plan versions, slots,
the cost allocated to members at cost, and the iCalendar rendering of a calendar.

A period collects the members' requests; the coordinator generates a plan (a new version each
time, re-planned with stability from the last one, slots set by hand kept), adjusts it and
publishes it. Each month the CDO's cost (gross salary with employer charges, plus the group's
declared management costs) is shared among the members pro rata of the slots actually worked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

from timebank import formatting, rules
from timebank.employees.model import BASIS_POINTS_PER_UNIT, CostInputs
from timebank.rotations import refusals

PERIOD_DAYS_MAX: Final = 366
# The page where a shared CDO reads its own days (its notifications lead there).
CDO_DAYS_PAGE: Final = "/mes-jours-cdo"
TRAVEL_KM_MAX: Final = 1000
MANAGEMENT_COSTS_CENTS_MAX: Final = 100_000_000  # 1 000 000 € a month.
UNAVAILABLE_DATES_MAX: Final = 366
HALF_DAYS_PER_WEEK_MAX: Final = 10
# A CDO day is a seventh of a 35-hour week: 7 hours; a half-day 3 h 30.
DAY_MINUTES: Final = 420
HALF_DAY_MINUTES: Final = 210
MONTHS_PER_YEAR: Final = 12
# Hours of a slot in the calendar feeds (local time in Paris).
SLOT_HOURS: Final[dict[str | None, tuple[time, time]]] = {
    None: (time(9, 0), time(17, 30)),
    "am": (time(9, 0), time(12, 30)),
    "pm": (time(13, 30), time(17, 30)),
}


class PlanStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class RotationPeriod:
    id: int
    group_id: int
    starts_on: date
    ends_on: date
    half_days: bool
    travel_km_max: int
    monthly_management_costs_cents: int
    published_plan_id: int | None
    created_at: datetime

    @property
    def units_per_day(self) -> int:
        return 2 if self.half_days else 1

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class CdoAvailability:
    employee_id: int
    max_half_days_per_week: int
    unavailable: frozenset[date]


@dataclass(frozen=True, slots=True)
class MemberRequest:
    company_id: int
    half_days_requested: int
    preferred_weekdays: frozenset[int]
    unavailable: frozenset[date]
    same_cdo_as_before: bool
    updated_at: datetime

    @property
    def days_requested(self) -> float:
        return self.half_days_requested / 2


@dataclass(frozen=True, slots=True)
class MemberOutcomeRecord:
    company_id: int
    requested_days: float
    served_days: float
    shortfall_days: float
    off_preferred_days: float
    cdos: int
    previous_slots_moved: int
    uneven_weeks: int


@dataclass(frozen=True, slots=True)
class PlanVersion:
    id: int
    period_id: int
    version: int
    status: PlanStatus
    solver_status: str
    objective: int
    bound: int
    outcomes: tuple[MemberOutcomeRecord, ...]
    created_at: datetime
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class PlannedSlot:
    id: int
    plan_id: int
    employee_id: int
    company_id: int
    day: date
    half: str | None
    by_hand: bool
    worked: bool

    @property
    def minutes(self) -> int:
        return HALF_DAY_MINUTES if self.half is not None else DAY_MINUTES


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """One member's share of one CDO's month, at cost."""

    employee_id: int
    company_id: int
    slots_worked: int
    slots_total: int
    minutes: int
    salary_cents: int
    management_cents: int

    @property
    def cents(self) -> int:
        return self.salary_cents + self.management_cents


@dataclass(frozen=True, slots=True)
class Allocation:
    id: int
    group_id: int
    month: date
    line: AllocationLine
    minutes_transfer_id: str
    cents_transfer_id: str
    created_at: datetime


# -- Checks of what people type ---------------------------------------------------------------


def period_dates(starts_on: date, ends_on: date) -> None:
    rules.date_order(starts_on, ends_on, field="ends_on")
    if (ends_on - starts_on).days + 1 > PERIOD_DAYS_MAX:
        raise refusals.PERIOD_TOO_LONG.error()


def half_days_of(days: float, *, half_days: bool, field: str = "days") -> int:
    """Days requested (halves count 0.5) as a number of half-days; whole days unless the
    period is cut into half-days."""
    step = 0.5 if half_days else 1.0
    units = days / step
    if days < 0 or abs(units - round(units)) > 1e-9 or days > PERIOD_DAYS_MAX:
        raise refusals.INVALID_DAYS.error(
            days=days,
            days_fr=formatting.decimal(days),
            step=step,
            step_fr=days_label(step),
            field=field,
        )
    return round(days * 2)


def weekdays(values: list[int], *, field: str = "preferred_weekdays") -> frozenset[int]:
    if len(values) > 5 or any(isinstance(v, bool) or not 0 <= v <= 4 for v in values):
        raise refusals.INVALID_WEEKDAYS.error(field=field)
    return frozenset(values)


def dates_within(
    values: list[date], starts_on: date, ends_on: date, *, field: str = "unavailable"
) -> frozenset[date]:
    if len(values) > UNAVAILABLE_DATES_MAX:
        raise refusals.TOO_MANY_DATES.error(
            unavailable_dates_max=UNAVAILABLE_DATES_MAX, field=field
        )
    for position, day in enumerate(values):
        if not starts_on <= day <= ends_on:
            raise refusals.DATE_OUTSIDE_PERIOD.error(
                day=formatting.day(day), day_iso=day.isoformat(), field=f"{field}[{position}]"
            )
    return frozenset(values)


def max_half_days_per_week(days: float, *, half_days: bool) -> int:
    units = half_days_of(days, half_days=half_days, field="max_days_per_week")
    if not 1 <= units <= HALF_DAYS_PER_WEEK_MAX:
        raise refusals.INVALID_WEEKLY_MAXIMUM.error()
    return units


def management_costs(cents: int) -> int:
    return rules.integer_range(
        cents, field="monthly_management_costs_cents", low=0, high=MANAGEMENT_COSTS_CENTS_MAX
    )


def travel_km(value: int) -> int:
    return rules.integer_range(value, field="travel_km_max", low=0, high=TRAVEL_KM_MAX)


def dates_to_json(days: frozenset[date]) -> str:
    return json.dumps(sorted(d.isoformat() for d in days))


def dates_from_json(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in json.loads(text))


def weekdays_to_text(days: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


def weekdays_from_text(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part)


# -- Cost at exact cost ------------------------------------------------------------------------


def monthly_cost_cents(cost: CostInputs) -> int:
    """A month of the CDO's employment at exact cost: gross × (1 + charge rate) / 12, rounded
    once to the nearest cent (halves up), in integers."""
    numerator = cost.annual_gross_salary_cents * (
        BASIS_POINTS_PER_UNIT + cost.employer_charge_rate_basis_points
    )
    denominator = BASIS_POINTS_PER_UNIT * MONTHS_PER_YEAR
    return (2 * numerator + denominator) // (2 * denominator)


def split_cents(total_cents: int, weights: list[int]) -> list[int]:
    """`total_cents` shared pro rata of `weights` to the cent: each share is the exact share
    rounded down, and the cents left go to the largest remainders (ties: the first). The shares
    always add up to the total."""
    assert total_cents >= 0
    assert all(w >= 0 for w in weights)
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    shares = [total_cents * w // weight_sum for w in weights]
    remainders = [total_cents * w % weight_sum for w in weights]
    left = total_cents - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares


def allocate_month(
    cdo_month_cents: dict[int, int],
    management_cents: int,
    slots_worked: dict[tuple[int, int], int],
    minutes_worked: dict[tuple[int, int], int],
) -> list[AllocationLine]:
    """Each CDO's month shared among the members pro rata of the slots it worked for them, and
    the group's management costs pro rata of every slot worked in the month. CDOs who worked
    no slot leave their cost with the group (nothing to share it by)."""
    keys = sorted(key for key, count in slots_worked.items() if count > 0)
    management = split_cents(management_cents, [slots_worked[key] for key in keys])
    management_of = dict(zip(keys, management, strict=True))
    lines = []
    for employee_id in sorted({employee for employee, _ in keys}):
        mine = [key for key in keys if key[0] == employee_id]
        total = sum(slots_worked[key] for key in mine)
        salary = split_cents(cdo_month_cents.get(employee_id, 0), [slots_worked[k] for k in mine])
        for key, salary_cents in zip(mine, salary, strict=True):
            lines.append(
                AllocationLine(
                    employee_id=employee_id,
                    company_id=key[1],
                    slots_worked=slots_worked[key],
                    slots_total=total,
                    minutes=minutes_worked[key],
                    salary_cents=salary_cents,
                    management_cents=management_of[key],
                )
            )
    return lines


# -- Calendars ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    day: date
    half: str | None
    summary: str
    location: str


def slot_times(day: date, half: str | None) -> tuple[datetime, datetime]:
    start, end = SLOT_HOURS[half]
    return datetime.combine(day, start, formatting.PARIS), datetime.combine(
        day, end, formatting.PARIS
    )


def calendar_ics(name: str, events: list[CalendarEvent], *, stamp: datetime) -> bytes:
    """An iCalendar (RFC 5545) document of the events; the same events give the same bytes."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Bourse de temps numérique//CDO mutualisé//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    for item in sorted(events, key=lambda e: (e.day, e.half or "", e.uid)):
        start, end = slot_times(item.day, item.half)
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def days_label(days: float) -> str:
    """`0,5 jour`, `1 jour`, `7,5 jours` (French decimal comma, plural from 2)."""
    return f"{formatting.decimal(days)} jour" + ("s" if days >= 2 else "")


def slot_label(day: date, half: str | None) -> str:
    part = {"am": " (matin)", "pm": " (après-midi)", None: ""}[half]
    return f"{formatting.day(day)}{part}"


def week_after(day: date) -> tuple[date, date]:
    """Monday to Friday of the week after `day`."""
    monday = day + timedelta(days=7 - day.weekday())
    return monday, monday + timedelta(days=4)


def outcomes_to_json(outcomes: tuple[MemberOutcomeRecord, ...]) -> str:
    return json.dumps([_outcome_dict(o) for o in outcomes])


def _outcome_dict(o: MemberOutcomeRecord) -> dict[str, Any]:
    return {
        "company_id": o.company_id,
        "requested_days": o.requested_days,
        "served_days": o.served_days,
        "shortfall_days": o.shortfall_days,
        "off_preferred_days": o.off_preferred_days,
        "cdos": o.cdos,
        "previous_slots_moved": o.previous_slots_moved,
        "uneven_weeks": o.uneven_weeks,
    }


def outcomes_from_json(text: str) -> tuple[MemberOutcomeRecord, ...]:
    return tuple(MemberOutcomeRecord(**item) for item in json.loads(text))
