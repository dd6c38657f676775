"""The shared CDO's periods, requests, plans, slots, feeds and monthly allocations."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from web.schemas.common import In, Int32, Int64


class RotationPeriodIn(In):
    starts_on: date
    ends_on: date
    slot: str = "day"  # day or half_day
    travel_km_max: Int32 = 50
    monthly_management_costs_cents: Int64 = 0


class RotationCdoIn(In):
    max_days_per_week: float
    unavailable: list[date] = Field(default_factory=list, max_length=400)


class RotationRequestIn(In):
    days: float
    preferred_weekdays: list[Int32] = Field(default_factory=list, max_length=7)
    unavailable: list[date] = Field(default_factory=list, max_length=400)
    same_cdo_as_before: bool = False


class RotationSlotIn(In):
    employee_id: Int32
    company_id: Int32
    day: date
    half: str | None = None


class WorkedIn(In):
    worked: bool


class FeedIn(In):
    employee_id: Int32 | None = None
    company_id: Int32 | None = None


class FeedOut(BaseModel):
    url: str
    token: str


class RotationCdoOut(BaseModel):
    employee_id: int
    max_days_per_week: float
    unavailable: list[date]


class RotationRequestOut(BaseModel):
    company_id: int
    days: float
    preferred_weekdays: list[int]
    unavailable: list[date]
    same_cdo_as_before: bool
    updated_at: datetime


class MemberOutcomeOut(BaseModel):
    company_id: int
    requested_days: float
    served_days: float
    shortfall_days: float
    off_preferred_days: float
    cdos: int
    previous_slots_moved: int
    uneven_weeks: int


class RotationPlanOut(BaseModel):
    id: int
    period_id: int
    version: int
    status: str
    solver_status: str
    objective: int
    bound: int
    members: list[MemberOutcomeOut]
    created_at: datetime
    published_at: datetime | None


class RotationPeriodOut(BaseModel):
    id: int
    group_id: int
    starts_on: date
    ends_on: date
    slot: str
    travel_km_max: int
    monthly_management_costs_cents: int
    published_plan_id: int | None
    created_at: datetime
    cdos: list[RotationCdoOut] = Field(default_factory=list)
    requests: list[RotationRequestOut] = Field(default_factory=list)
    plans: list[RotationPlanOut] = Field(default_factory=list)


class RotationSlotOut(BaseModel):
    id: int
    plan_id: int
    employee_id: int
    company_id: int
    day: date
    half: str | None
    by_hand: bool
    worked: bool


class RotationSlotsOut(BaseModel):
    plan: RotationPlanOut | None
    slots: list[RotationSlotOut]


class CdoAllocationOut(BaseModel):
    id: int
    group_id: int
    month: date
    employee_id: int
    company_id: int
    slots_worked: int
    minutes: int
    cents: int | None  # None for the operator: a share is the CDO's salary at cost.
    amount: str | None  # "1 234,56 €"
    # The split between the CDO's pay and the group's costs, and the CDO's slots that month,
    # would let a member work out the CDO's salary: shown to the group's coordinators only.
    slots_total: int | None = None
    salary_cents: int | None = None
    management_cents: int | None = None
    minutes_transfer_id: str
    cents_transfer_id: str
