"""An employee, the inputs of their hourly cost, their skills profile and lending approval.

Cost inputs are personal data: only the employer's admins, its granted accountants and the
employee see them. Use cases return `cost=None` to everybody else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from timebank import rules
from timebank.employees import refusals
from timebank.errors import InvalidInput, Refusal
from timebank.formatting import hours

BASIS_POINTS_PER_UNIT = 10_000


@dataclass(frozen=True, slots=True)
class CostInputs:
    annual_gross_salary_cents: int
    employer_charge_rate_basis_points: int
    annual_work_hours: int


@dataclass(frozen=True, slots=True)
class LendingApproval:
    approved_minutes_per_month: int
    valid_from: date
    valid_until: date
    approved_by: int | None


@dataclass(frozen=True, slots=True)
class SkillLevel:
    skill_code: str
    level: int


@dataclass(frozen=True, slots=True)
class Employee:
    id: int
    user_id: int
    company_id: int
    full_name: str
    email: str
    job_title: str
    cost: CostInputs | None
    offered_minutes_per_month: int
    remote_ok: bool
    travel_radius_km: int
    languages: tuple[str, ...]
    approval: LendingApproval | None
    skills: tuple[SkillLevel, ...]
    active: bool
    created_at: datetime


def hourly_cost_cents(cost: CostInputs) -> int:
    """Cost of one hour at exact cost: gross × (1 + charge rate) / annual hours.

    Rounded to the nearest cent, halves rounded up, in integer arithmetic (no float ever).
    """
    assert cost.annual_work_hours > 0
    numerator = cost.annual_gross_salary_cents * (
        BASIS_POINTS_PER_UNIT + cost.employer_charge_rate_basis_points
    )
    denominator = BASIS_POINTS_PER_UNIT * cost.annual_work_hours
    quotient, remainder = divmod(numerator, denominator)
    return quotient + 1 if 2 * remainder >= denominator else quotient


def _within(value: int, *, low: int, high: int, refusal: Refusal[InvalidInput]) -> int:
    """Refuse an integer outside [low, high] with its refusal's sentence in business words."""
    if isinstance(value, bool) or not low <= value <= high:
        raise refusal.error()
    return value


def check_cost_inputs(
    *,
    annual_gross_salary_cents: int,
    employer_charge_rate_basis_points: int,
    annual_work_hours: int,
) -> CostInputs:
    _within(
        annual_gross_salary_cents,
        low=1,
        high=rules.SALARY_CENTS_MAX,
        refusal=refusals.SALARY_OUT_OF_RANGE,
    )
    _within(
        employer_charge_rate_basis_points,
        low=0,
        high=rules.CHARGE_RATE_BASIS_POINTS_MAX,
        refusal=refusals.CHARGE_RATE_OUT_OF_RANGE,
    )
    _within(
        annual_work_hours,
        low=1,
        high=rules.ANNUAL_WORK_HOURS_MAX,
        refusal=refusals.ANNUAL_WORK_HOURS_OUT_OF_RANGE,
    )
    return CostInputs(
        annual_gross_salary_cents=annual_gross_salary_cents,
        employer_charge_rate_basis_points=employer_charge_rate_basis_points,
        annual_work_hours=annual_work_hours,
    )


def check_month_minutes(value: int, *, field: str, what_fr: str, what_en: str) -> int:
    """Hours a month (offered or approved): not negative, at most a month of full-time work."""
    if isinstance(value, bool) or value < 0:
        raise refusals.NEGATIVE_HOURS.error(what_fr=what_fr, what_en=what_en, field=field)
    if value > rules.MONTH_WORK_MINUTES_MAX:
        raise refusals.ABSURD_HOURS.error(
            what_fr=what_fr,
            month_work_minutes_max=hours(rules.MONTH_WORK_MINUTES_MAX),
            what_en=what_en,
            month_work_hours_max=rules.MONTH_WORK_MINUTES_MAX // 60,
            field=field,
        )
    return value


def check_travel_radius(travel_radius_km: int) -> int:
    return _within(
        travel_radius_km,
        low=0,
        high=rules.TRAVEL_RADIUS_KM_MAX,
        refusal=refusals.TRAVEL_RADIUS_OUT_OF_RANGE,
    )


def check_approval(
    *, approved_minutes_per_month: int, valid_from: date, valid_until: date, approved_by: int
) -> LendingApproval:
    check_month_minutes(
        approved_minutes_per_month,
        field="approved_minutes_per_month",
        what_fr="Les heures prêtables par mois",
        what_en="The lendable hours per month",
    )
    rules.date_order(valid_from, valid_until, field="valid_until")
    return LendingApproval(
        approved_minutes_per_month=approved_minutes_per_month,
        valid_from=valid_from,
        valid_until=valid_until,
        approved_by=approved_by,
    )


def check_skill_levels(items: list[tuple[str, int]], *, field: str = "skills") -> list[SkillLevel]:
    """Levels 1–4, each skill once, at most SKILLS_PER_PROFILE_MAX."""
    if len(items) > rules.SKILLS_PER_PROFILE_MAX:
        raise refusals.TOO_MANY_ITEMS.error(
            skills_per_profile_max=rules.SKILLS_PER_PROFILE_MAX, field=field
        )
    seen: set[str] = set()
    result = []
    for index, (code, level) in enumerate(items):
        rules.skill_level(level, field=f"{field}[{index}].level")
        if code in seen:
            raise refusals.DUPLICATE_SKILL.error(code=code[:60], field=f"{field}[{index}].skill")
        seen.add(code)
        result.append(SkillLevel(skill_code=code, level=level))
    return result
