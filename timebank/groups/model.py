"""An employer group: a non-profit association or cooperative that employs staff for its members.

Its own legal entity is a company record (with its SIREN): the shared staff are that company's
employees. Members join and leave on dates; nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from timebank import refusals as shared_refusals
from timebank import rules
from timebank.groups import refusals


class LegalForm(StrEnum):
    ASSOCIATION = "association"
    COOPERATIVE = "cooperative"


@dataclass(frozen=True, slots=True)
class GroupMember:
    company_id: int
    joined_on: date
    left_on: date | None

    def active_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


@dataclass(frozen=True, slots=True)
class EmployerGroup:
    id: int
    company_id: int
    name: str
    legal_form: LegalForm
    members: tuple[GroupMember, ...]
    created_at: datetime


def legal_form(value: str, *, field: str = "legal_form") -> LegalForm:
    if not value.strip():
        raise shared_refusals.REQUIRED.error(**rules.field_words(field), field=field)
    try:
        return LegalForm(value)
    except ValueError as exc:
        raise refusals.INVALID_LEGAL_FORM.error(value=value[:30], field=field) from exc


# -- Companies asking to join ------------------------------------------------------------------

# A month has at most 23 working days; a request is in half-days (a half counts 0.5).
DAYS_PER_MONTH_MAX: Final = 23
MESSAGE_LENGTH_MAX: Final = 1000
REASON_LENGTH_MAX: Final = 500
# A CDO day is seven hours at the CDO's hourly cost; a year has 47 working weeks (paid leave off).
DAY_HOURS: Final = 7
WORKING_WEEKS_PER_YEAR: Final = 47
MONTHS_PER_YEAR: Final = 12


class JoinStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class JoinRequest:
    id: int
    group_id: int
    company_id: int
    half_days_per_month: int
    preferred_weekdays: frozenset[int]
    message: str
    status: JoinStatus
    reason: str
    created_at: datetime
    decided_at: datetime | None

    @property
    def days_per_month(self) -> float:
        return self.half_days_per_month / 2


def half_days_per_month(days: float, *, field: str = "days_per_month") -> int:
    """Days wanted each month (halves count 0.5) as half-days: from 0.5 to 23 days."""
    units = days * 2
    if abs(units - round(units)) > 1e-9 or not 1 <= round(units) <= 2 * DAYS_PER_MONTH_MAX:
        raise refusals.INVALID_DAYS_PER_MONTH.error(
            days_per_month_max=DAYS_PER_MONTH_MAX, field=field
        )
    return round(units)


def join_weekdays(values: list[int], *, field: str = "preferred_weekdays") -> frozenset[int]:
    """Preferred weekdays, 0 = Monday to 4 = Friday."""
    if len(values) > 5 or any(isinstance(v, bool) or not 0 <= v <= 4 for v in values):
        raise refusals.INVALID_WEEKDAYS.error(field=field)
    return frozenset(values)


def weekdays_text(days: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


def weekdays_of_text(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part)


def cdo_day_cents(hourly_cost_cents: int) -> int:
    """A CDO day at exact cost: seven hours at the CDO's hourly cost."""
    return hourly_cost_cents * DAY_HOURS


def days_per_month_of(max_half_days_per_week: int) -> float:
    """Days a CDO can work in an average month at their weekly maximum."""
    return max_half_days_per_week / 2 * WORKING_WEEKS_PER_YEAR / MONTHS_PER_YEAR


def monthly_estimate_cents(day_cents: list[int], half_days_per_month: int) -> int | None:
    """What the days asked would cost a month at the CDOs' average day cost (None without a
    CDO cost), rounded once to the cent, halves up."""
    if not day_cents:
        return None
    numerator = sum(day_cents) * half_days_per_month
    denominator = 2 * len(day_cents)
    return (2 * numerator + denominator) // (2 * denominator)
