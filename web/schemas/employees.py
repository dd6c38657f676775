"""Employees, their profile, their cost inputs (personal data) and lending approval."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from pydantic import BaseModel, Field, computed_field

from timebank.employees.model import CostInputs, Employee, hourly_cost_cents
from timebank.pagination import Page
from web.schemas.common import In, Int32, Int64, Out, PageOut


class EmployeeInviteIn(In):
    email: str
    full_name: str
    job_title: str
    annual_gross_salary_cents: Int64
    employer_charge_rate_basis_points: Int32
    annual_work_hours: Int32 = 1607


class EmploymentIn(In):
    job_title: str
    annual_gross_salary_cents: Int64
    employer_charge_rate_basis_points: Int32
    annual_work_hours: Int32 = 1607
    active: bool = True


class SkillLevelIn(In):
    skill: str
    level: Int32


class ProfileIn(In):
    offered_minutes_per_month: Int32
    remote_ok: bool
    travel_radius_km: Int32
    languages: list[str]
    skills: list[SkillLevelIn] | None = None


class ApprovalIn(In):
    approved_minutes_per_month: Int32
    valid_from: date
    valid_until: date


class CostOut(Out):
    annual_gross_salary_cents: int
    employer_charge_rate_basis_points: int
    annual_work_hours: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hourly_cost_cents(self) -> int:
        """Coût horaire exact / hourly cost at exact cost: brut × (1 + charges) / heures."""
        return hourly_cost_cents(
            CostInputs(
                self.annual_gross_salary_cents,
                self.employer_charge_rate_basis_points,
                self.annual_work_hours,
            )
        )


class ApprovalOut(Out):
    approved_minutes_per_month: int
    valid_from: date
    valid_until: date


class SkillLevelOut(Out):
    skill: str = Field(validation_alias="skill_code")
    level: int


class EmployeeOut(Out):
    id: int
    user_id: int
    company_id: int
    full_name: str
    email: str
    job_title: str
    cost: CostOut | None
    offered_minutes_per_month: int
    remote_ok: bool
    travel_radius_km: int
    languages: list[str]
    approval: ApprovalOut | None
    skills: list[SkillLevelOut]
    active: bool


def employee_json(employee: Employee) -> dict[str, Any]:
    """`EmployeeOut.of(employee)` as plain values: the same JSON once encoded (a test compares
    them), without building and then serialising a pydantic model per employee and skill."""
    cost = employee.cost
    approval = employee.approval
    return {
        "id": employee.id,
        "user_id": employee.user_id,
        "company_id": employee.company_id,
        "full_name": employee.full_name,
        "email": employee.email,
        "job_title": employee.job_title,
        "cost": None
        if cost is None
        else {
            "annual_gross_salary_cents": cost.annual_gross_salary_cents,
            "employer_charge_rate_basis_points": cost.employer_charge_rate_basis_points,
            "annual_work_hours": cost.annual_work_hours,
            "hourly_cost_cents": hourly_cost_cents(cost),
        },
        "offered_minutes_per_month": employee.offered_minutes_per_month,
        "remote_ok": employee.remote_ok,
        "travel_radius_km": employee.travel_radius_km,
        "languages": list(employee.languages),
        "approval": None
        if approval is None
        else {
            "approved_minutes_per_month": approval.approved_minutes_per_month,
            "valid_from": approval.valid_from,
            "valid_until": approval.valid_until,
        },
        "skills": [{"skill": s.skill_code, "level": s.level} for s in employee.skills],
        "active": employee.active,
    }


def employee_page_out(page: Page[Employee]) -> PageOut[EmployeeOut]:
    """A page of employees as the JSON of `PageOut[EmployeeOut]`, in plain values
    (`employee_json`): the handler still answers `PageOut[EmployeeOut]` (its OpenAPI schema)."""
    return cast(
        "PageOut[EmployeeOut]",
        {
            "items": [employee_json(employee) for employee in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        },
    )


class InvitedEmployeeOut(BaseModel):
    """`invitation_sent`: a new person was e-mailed a one-time link to choose a password. The
    link goes to that address alone, never to the inviter: whoever holds it owns the account."""

    employee: EmployeeOut
    invitation_sent: bool
