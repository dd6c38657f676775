"""Use cases on employees: invited by the admin, profile by the employee, approval by the admin."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from timebank import rules
from timebank.companies.model import Company
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.employees import refusals
from timebank.employees.model import (
    Employee,
    check_approval,
    check_cost_inputs,
    check_month_minutes,
    check_skill_levels,
    check_travel_radius,
)
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, require_acting_for, require_company_role
from timebank.people.use_cases import create_invitation
from timebank.skills.use_cases import resolve_skill_codes


@dataclass(frozen=True, slots=True)
class InvitedEmployee:
    employee: Employee
    invitation_token: str | None


def may_see_cost(actor: Actor, employee: Employee) -> bool:
    """Salaries are personal data: the employee, the employer's admins and granted accountants."""
    return actor.user_id == employee.user_id or actor.has_role(
        employee.company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT
    )


def _visible(actor: Actor, employee: Employee) -> Employee:
    return employee if may_see_cost(actor, employee) else replace(employee, cost=None)


def _require_reader(actor: Actor, employee: Employee) -> None:
    if actor.user_id == employee.user_id or actor.is_operator:
        return
    require_company_role(actor, employee.company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)


def _require_profile_editor(actor: Actor, employee: Employee) -> None:
    if actor.user_id == employee.user_id:
        return
    require_acting_for(actor, employee.company_id, Role.COMPANY_ADMIN)


async def _load(repos: Repositories, employee_id: int) -> Employee:
    employee = await repos.employees.get(employee_id)
    if employee is None:
        raise refusals.EMPLOYEE_NOT_FOUND.error(id=employee_id)
    return employee


async def invite_employee(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    email: str,
    full_name: str,
    job_title: str,
    annual_gross_salary_cents: int,
    employer_charge_rate_basis_points: int,
    annual_work_hours: int,
    now: datetime,
) -> InvitedEmployee:
    """The admin adds an employee; a new person gets an invitation token to set a password."""
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    checked_email = rules.email(email)
    checked_name = rules.text(full_name, field="full_name", length_max=rules.NAME_LENGTH_MAX)
    checked_title = rules.text(job_title, field="job_title", length_max=rules.TITLE_LENGTH_MAX)
    cost = check_cost_inputs(
        annual_gross_salary_cents=annual_gross_salary_cents,
        employer_charge_rate_basis_points=employer_charge_rate_basis_points,
        annual_work_hours=annual_work_hours,
    )
    async with uow() as repos:
        if await repos.companies.get(company_id) is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
        user = await repos.people.get_user_by_email(checked_email)
        token = None
        if user is None:
            user = await repos.people.add_user(
                email=checked_email,
                full_name=checked_name,
                password_hash=None,
                is_operator=False,
                now=now,
            )
            token = await create_invitation(
                repos, user_id=user.id, company_id=company_id, created_by=actor.user_id, now=now
            )
        elif await repos.employees.exists_for(user.id, company_id):
            raise refusals.DUPLICATE_EMPLOYEE.error(checked_email=checked_email)
        await repos.people.add_membership(
            user_id=user.id,
            company_id=company_id,
            role=Role.EMPLOYEE,
            granted_by=actor.user_id,
            now=now,
        )
        employee = await repos.employees.add(
            user_id=user.id, company_id=company_id, job_title=checked_title, cost=cost, now=now
        )
    return InvitedEmployee(employee=employee, invitation_token=token)


async def get_employee(uow: UnitOfWork, actor: Actor, employee_id: int) -> Employee:
    async with uow(write=False) as repos:
        employee = await _load(repos, employee_id)
    _require_reader(actor, employee)
    return _visible(actor, employee)


async def get_staff_member(
    uow: UnitOfWork, actor: Actor, company_id: int, employee_id: int
) -> Employee:
    """The employer's admin opens one member of its staff, cost inputs included.

    An employee of another company is "not found" here, as if the address did not exist.
    """
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        employee = await repos.employees.get(employee_id)
    if employee is None or employee.company_id != company_id:
        raise refusals.EMPLOYEE_NOT_FOUND.error(id=employee_id)
    return _visible(actor, employee)


async def company_for_staff_admin(uow: UnitOfWork, actor: Actor, company_id: int) -> Company:
    """The company whose staff its admin is about to change (an invitation form)."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        company = await repos.companies.get(company_id)
    if company is None:
        raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
    return company


async def my_employee_records(uow: UnitOfWork, actor: Actor) -> list[Employee]:
    async with uow(write=False) as repos:
        return await repos.employees.of_user(actor.user_id)


async def list_employees(
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    *,
    skill_code: str | None,
    level_min: int,
    limit: int,
    offset: int,
) -> Page[Employee]:
    """A company's staff, filtered by skill and minimum level (admins, accountants, operator)."""
    if not actor.is_operator:
        require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    page = page_request(limit, offset)
    rules.skill_level(level_min, field="level_min")
    async with uow(write=False) as repos:
        skill_id = None
        if skill_code is not None:
            skill_id = (await resolve_skill_codes(repos, [skill_code], field="skill"))[
                skill_code
            ].id
        items, total = await repos.employees.list_for_company(
            company_id, skill_id=skill_id, level_min=level_min, page=page
        )
    return Page(
        items=tuple(_visible(actor, item) for item in items),
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def update_employment(
    uow: UnitOfWork,
    actor: Actor,
    employee_id: int,
    *,
    job_title: str,
    annual_gross_salary_cents: int,
    employer_charge_rate_basis_points: int,
    annual_work_hours: int,
    active: bool,
) -> Employee:
    """The employer's admin edits the job and the cost inputs."""
    checked_title = rules.text(job_title, field="job_title", length_max=rules.TITLE_LENGTH_MAX)
    cost = check_cost_inputs(
        annual_gross_salary_cents=annual_gross_salary_cents,
        employer_charge_rate_basis_points=employer_charge_rate_basis_points,
        annual_work_hours=annual_work_hours,
    )
    async with uow() as repos:
        employee = await _load(repos, employee_id)
        require_acting_for(actor, employee.company_id, Role.COMPANY_ADMIN)
        await repos.employees.update(
            employee_id,
            {
                "job_title": checked_title,
                "annual_gross_salary_cents": cost.annual_gross_salary_cents,
                "employer_charge_rate_basis_points": cost.employer_charge_rate_basis_points,
                "annual_work_hours": cost.annual_work_hours,
                "active": active,
            },
        )
        return _visible(actor, await _load(repos, employee_id))


async def update_profile(
    uow: UnitOfWork,
    actor: Actor,
    employee_id: int,
    *,
    offered_minutes_per_month: int,
    remote_ok: bool,
    travel_radius_km: int,
    languages: list[str],
    skills: list[tuple[str, int]] | None,
) -> Employee:
    """The employee (or the admin) publishes the skills profile and what is offered."""
    check_month_minutes(
        offered_minutes_per_month,
        field="offered_minutes_per_month",
        what_fr="Les heures proposées par mois",
        what_en="The hours offered per month",
    )
    check_travel_radius(travel_radius_km)
    checked_languages = rules.languages(languages)
    levels = check_skill_levels(skills) if skills is not None else None
    async with uow() as repos:
        employee = await _load(repos, employee_id)
        _require_profile_editor(actor, employee)
        resolved = {}
        if levels is not None:
            resolved = await resolve_skill_codes(
                repos, [level.skill_code for level in levels], field="skills"
            )
        await repos.employees.update(
            employee_id,
            {
                "offered_minutes_per_month": offered_minutes_per_month,
                "remote_ok": remote_ok,
                "travel_radius_km": travel_radius_km,
                "languages": ",".join(checked_languages),
            },
        )
        if levels is not None:
            await repos.employees.set_skills(
                employee_id, [(resolved[level.skill_code].id, level.level) for level in levels]
            )
        return _visible(actor, await _load(repos, employee_id))


async def approve_lending(
    uow: UnitOfWork,
    actor: Actor,
    employee_id: int,
    *,
    approved_minutes_per_month: int,
    valid_from: date,
    valid_until: date,
) -> Employee:
    """The employer approves how many hours a month this employee may be lent, and until when."""
    approval = check_approval(
        approved_minutes_per_month=approved_minutes_per_month,
        valid_from=valid_from,
        valid_until=valid_until,
        approved_by=actor.user_id,
    )
    async with uow() as repos:
        employee = await _load(repos, employee_id)
        # An admin may approve their own lending: in a one-person PME nobody else can.
        require_acting_for(actor, employee.company_id, Role.COMPANY_ADMIN)
        await repos.employees.update(
            employee_id,
            {
                "approved_minutes_per_month": approval.approved_minutes_per_month,
                "approval_valid_from": approval.valid_from,
                "approval_valid_until": approval.valid_until,
                "approved_by": actor.user_id,
            },
        )
        return _visible(actor, await _load(repos, employee_id))
