"""Employees: read one, edit employment (admin), profile and skills (employee), lending approval."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import FromPath, JSONBody

from timebank.employees import use_cases
from web.dependencies import CurrentActor, Uow
from web.schemas import ApprovalIn, EmployeeOut, EmploymentIn, ProfileIn


class EmployeeController(Controller):
    path = "/api/v1/employees"
    tags = ["Salariés"]

    @get("/mine")
    async def mine(self, uow: Uow, actor: CurrentActor) -> list[EmployeeOut]:
        """My own employee records (one per employer)."""
        return [EmployeeOut.of(e) for e in await use_cases.my_employee_records(uow, actor)]

    @get("/{employee_id:int}")
    async def get_employee(
        self, employee_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> EmployeeOut:
        """The employee, their admins and accountants; cost data only for those allowed."""
        return EmployeeOut.of(await use_cases.get_employee(uow, actor, employee_id))

    @put("/{employee_id:int}/employment")
    async def update_employment(
        self,
        employee_id: FromPath[int],
        data: JSONBody[EmploymentIn],
        uow: Uow,
        actor: CurrentActor,
    ) -> EmployeeOut:
        """The admin edits job title and cost inputs."""
        return EmployeeOut.of(
            await use_cases.update_employment(
                uow,
                actor,
                employee_id,
                job_title=data.job_title,
                annual_gross_salary_cents=data.annual_gross_salary_cents,
                employer_charge_rate_basis_points=data.employer_charge_rate_basis_points,
                annual_work_hours=data.annual_work_hours,
                active=data.active,
            )
        )

    @put("/{employee_id:int}/profile")
    async def update_profile(
        self, employee_id: FromPath[int], data: JSONBody[ProfileIn], uow: Uow, actor: CurrentActor
    ) -> EmployeeOut:
        """The employee publishes hours offered, remote/radius, languages and skills."""
        skills = None if data.skills is None else [(s.skill, s.level) for s in data.skills]
        return EmployeeOut.of(
            await use_cases.update_profile(
                uow,
                actor,
                employee_id,
                offered_minutes_per_month=data.offered_minutes_per_month,
                remote_ok=data.remote_ok,
                travel_radius_km=data.travel_radius_km,
                languages=data.languages,
                skills=skills,
            )
        )

    @put("/{employee_id:int}/approval")
    async def approve_lending(
        self, employee_id: FromPath[int], data: JSONBody[ApprovalIn], uow: Uow, actor: CurrentActor
    ) -> EmployeeOut:
        """The employer approves the lendable hours per month and their validity."""
        return EmployeeOut.of(
            await use_cases.approve_lending(
                uow,
                actor,
                employee_id,
                approved_minutes_per_month=data.approved_minutes_per_month,
                valid_from=data.valid_from,
                valid_until=data.valid_until,
            )
        )
