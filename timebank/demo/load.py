"""Write a demo plan into the database through the repositories, checked by the domain rules.

Every company, employee and need goes through the same validation as the API, so the demo can
never show data the service would refuse. One transaction: the demo is loaded whole or not at all.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Final

from piccolo.columns import Column

from timebank.book.use_cases import ensure_company_accounts
from timebank.companies.model import Company, draft_company
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.demo.exchanges import ExchangeSummary, load_demo_exchanges
from timebank.demo.plan import (
    DEMO_PASSWORD,
    DemoPlan,
    PlannedCompany,
    PlannedEmployee,
    PlannedGroup,
    PlannedNeed,
    PlannedPerson,
    demo_employee_index,
    plan_demo,
)
from timebank.demo.rotations import load_demo_rotations
from timebank.demo.trainings import load_demo_trainings
from timebank.employees.model import check_approval, check_cost_inputs, check_skill_levels
from timebank.groups.model import legal_form
from timebank.needs.model import NeedStatus, draft_need
from timebank.people.model import Role, User
from timebank.people.passwords import hash_password
from timebank.skills.use_cases import resolve_skill_codes

# The plan depends on the day (need windows): a process keeps the last few days' log-ins.
DEMO_LOGIN_DAYS_CACHED_MAX: Final = 2


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: str
    email: str
    password: str


@dataclass(frozen=True, slots=True)
class DemoSummary:
    companies: int
    employees: int
    needs_open: int
    needs_draft: int
    groups: int
    logins: tuple[DemoLogin, ...]


async def _add_company(repos: Repositories, planned: PlannedCompany, now: datetime) -> Company:
    draft = draft_company(
        siren=planned.siren,
        name=planned.name,
        address=planned.address,
        postal_code=planned.postal_code,
        city=planned.city,
        headcount_band_value=planned.headcount_band,
        naf_code=planned.naf_code,
        has_cse=planned.has_cse,
        latitude=planned.latitude,
        longitude=planned.longitude,
        vat_regime_value=planned.vat_regime,
        vat_on_debits=planned.vat_on_debits,
        vat_number=planned.vat_number,
    )
    company = await repos.companies.add(draft, now=now)
    await ensure_company_accounts(repos, company.id, now=now)
    return company


async def _add_employee(
    repos: Repositories,
    planned: PlannedEmployee,
    company: Company,
    *,
    admin_id: int,
    password_hash: str | None,
    plan: DemoPlan,
    skill_ids: dict[str, int],
    now: datetime,
) -> int:
    cost = check_cost_inputs(
        annual_gross_salary_cents=planned.annual_gross_salary_cents,
        employer_charge_rate_basis_points=planned.employer_charge_rate_basis_points,
        annual_work_hours=planned.annual_work_hours,
    )
    user = await _add_person(repos, planned.person, password_hash, now=now)
    await repos.people.add_membership(
        user_id=user.id, company_id=company.id, role=Role.EMPLOYEE, granted_by=admin_id, now=now
    )
    employee = await repos.employees.add(
        user_id=user.id, company_id=company.id, job_title=planned.job_title, cost=cost, now=now
    )
    values: dict[Column | str, Any] = {
        "offered_minutes_per_month": planned.offered_minutes_per_month,
        "remote_ok": planned.remote_ok,
        "travel_radius_km": planned.travel_radius_km,
        "languages": ",".join(planned.languages),
    }
    if planned.approved_minutes_per_month is not None:
        approval = check_approval(
            approved_minutes_per_month=planned.approved_minutes_per_month,
            valid_from=plan.approval_valid_from,
            valid_until=plan.approval_valid_until,
            approved_by=admin_id,
        )
        values |= {
            "approved_minutes_per_month": approval.approved_minutes_per_month,
            "approval_valid_from": approval.valid_from,
            "approval_valid_until": approval.valid_until,
            "approved_by": admin_id,
        }
    await repos.employees.update(employee.id, values)
    levels = check_skill_levels(list(planned.skills))
    await repos.employees.set_skills(
        employee.id, [(skill_ids[level.skill_code], level.level) for level in levels]
    )
    return employee.id


async def load_demo(uow: UnitOfWork, plan: DemoPlan, *, now: datetime) -> DemoSummary:
    """Store the plan; demo logins share one password (printed by `timebank serve --demo`)."""
    password_hash = await hash_password(DEMO_PASSWORD)
    async with uow() as repos:
        skill_ids = await _skill_ids(repos, plan)
        stored: dict[str, Company] = {}
        employees = needs_open = needs_draft = 0
        for index, planned in enumerate(plan.companies):
            company, admin_id = await _add_company_and_admin(repos, planned, password_hash, now)
            stored[planned.key] = company
            for number, planned_employee in enumerate(planned.employees):
                # One employee of the first company is the demo employee log-in.
                login = index == 0 and number == demo_employee_index(planned)
                await _add_employee(
                    repos,
                    planned_employee,
                    company,
                    admin_id=admin_id,
                    password_hash=password_hash if login else None,
                    plan=plan,
                    skill_ids=skill_ids,
                    now=now,
                )
                employees += 1
            for planned_need in planned.needs:
                await _add_need(repos, planned_need, company, admin_id, skill_ids, now)
                if planned_need.status == NeedStatus.OPEN.value:
                    needs_open += 1
                else:
                    needs_draft += 1
        coordinators = [
            await _add_group(repos, group, stored, plan, skill_ids, password_hash, now)
            for group in plan.groups
        ]
        operator_email, accountant_email = await _add_operator_and_accountant(
            repos, plan, stored, password_hash, now
        )
    assert operator_email == plan.operator.email
    assert accountant_email == plan.accountant.email
    assert coordinators[0] == plan.groups[0].coordinator.email
    return DemoSummary(
        companies=len(plan.companies) + len(plan.groups),
        employees=employees,
        needs_open=needs_open,
        needs_draft=needs_draft,
        groups=len(plan.groups),
        logins=logins_of(plan),
    )


async def _add_person(
    repos: Repositories,
    person: PlannedPerson,
    password_hash: str | None,
    *,
    is_operator: bool = False,
    now: datetime,
) -> User:
    """A planned person's user (a log-in when `password_hash` is given)."""
    return await repos.people.add_user(
        email=person.email,
        full_name=person.full_name,
        password_hash=password_hash,
        is_operator=is_operator,
        now=now,
    )


async def _skill_ids(repos: Repositories, plan: DemoPlan) -> dict[str, int]:
    """The ids of every skill the plan's employees, CDOs and needs name."""
    all_codes = sorted(
        {code for c in plan.companies for e in c.employees for code, _ in e.skills}
        | {code for g in plan.groups for code, _ in g.cdo.skills}
        | {s[0] for c in plan.companies for n in c.needs for s in n.skills}
    )
    skills = await resolve_skill_codes(repos, all_codes, field="demo")
    return {code: skill.id for code, skill in skills.items()}


async def _add_company_and_admin(
    repos: Repositories, planned: PlannedCompany, password_hash: str, now: datetime
) -> tuple[Company, int]:
    """A planned company and its admin's log-in; the company and the admin's user id."""
    company = await _add_company(repos, planned, now)
    admin = await _add_person(repos, planned.admin, password_hash, now=now)
    await repos.people.add_membership(
        user_id=admin.id,
        company_id=company.id,
        role=Role.COMPANY_ADMIN,
        granted_by=None,
        now=now,
    )
    return company, admin.id


async def _add_need(
    repos: Repositories,
    planned: PlannedNeed,
    company: Company,
    admin_id: int,
    skill_ids: dict[str, int],
    now: datetime,
) -> None:
    draft = draft_need(
        title=planned.title,
        description=planned.description,
        estimated_minutes=planned.estimated_minutes,
        window_start=planned.window_start,
        window_end=planned.window_end,
        remote_allowed=planned.remote_allowed,
        place_city=company.city,
        place_postal_code=company.postal_code,
        language=planned.language,
        skills=list(planned.skills),
    )
    await repos.needs.add(
        company_id=company.id,
        draft=draft,
        skill_ids=skill_ids,
        status=NeedStatus(planned.status),
        created_by=admin_id,
        now=now,
    )


async def _add_group(
    repos: Repositories,
    group: PlannedGroup,
    stored: dict[str, Company],
    plan: DemoPlan,
    skill_ids: dict[str, int],
    password_hash: str,
    now: datetime,
) -> str:
    """An employer group: its own company, its coordinator, its CDO and its members since the
    year's start. Returns the coordinator's e-mail."""
    entity = await _add_company(repos, group.entity, now)
    coordinator = await _add_person(repos, group.coordinator, password_hash, now=now)
    for role in (Role.COMPANY_ADMIN, Role.GROUP_COORDINATOR):
        await repos.people.add_membership(
            user_id=coordinator.id,
            company_id=entity.id,
            role=role,
            granted_by=None,
            now=now,
        )
    await _add_employee(
        repos,
        group.cdo,
        entity,
        admin_id=coordinator.id,
        password_hash=None,
        plan=plan,
        skill_ids=skill_ids,
        now=now,
    )
    group_id = await repos.groups.add(
        company_id=entity.id,
        name=group.name,
        legal_form=legal_form(group.legal_form),
        now=now,
    )
    for key in group.member_keys:
        await repos.groups.add_member(group_id, stored[key].id, date(now.year, 1, 1))
    return str(coordinator.email)


async def _add_operator_and_accountant(
    repos: Repositories,
    plan: DemoPlan,
    stored: dict[str, Company],
    password_hash: str,
    now: datetime,
) -> tuple[str, str]:
    """The programme's operator, and the accountant with access to its client companies
    (granted by each one's admin). Returns their e-mails."""
    operator = await _add_person(repos, plan.operator, password_hash, is_operator=True, now=now)
    accountant = await _add_person(repos, plan.accountant, password_hash, now=now)
    for key in plan.accountant_client_keys:
        company = stored[key]
        admins = await repos.people.members_of(company.id, Role.COMPANY_ADMIN)
        await repos.people.add_membership(
            user_id=accountant.id,
            company_id=company.id,
            role=Role.ACCOUNTANT,
            granted_by=admins[0].id,
            now=now,
        )
    return str(operator.email), str(accountant.email)


def logins_of(plan: DemoPlan) -> tuple[DemoLogin, ...]:
    """The demo's log-ins, one per kind of user; all share DEMO_PASSWORD."""
    first = plan.companies[0]
    return (
        DemoLogin("Opérateur du programme", plan.operator.email, DEMO_PASSWORD),
        DemoLogin(f"Admin de {first.name}", first.admin.email, DEMO_PASSWORD),
        DemoLogin(
            f"Salarié·e de {first.name}",
            first.employees[demo_employee_index(first)].person.email,
            DEMO_PASSWORD,
        ),
        DemoLogin(
            "Coordinateur·rice de groupement", plan.groups[0].coordinator.email, DEMO_PASSWORD
        ),
        DemoLogin("Expert-comptable", plan.accountant.email, DEMO_PASSWORD),
    )


@functools.lru_cache(maxsize=DEMO_LOGIN_DAYS_CACHED_MAX)
def planned_logins(today: date) -> tuple[DemoLogin, ...]:
    """The log-ins the demo's seed gives: planned once per day and process, not per request."""
    return logins_of(plan_demo(today=today))


async def demo_logins(uow: UnitOfWork, *, today: date) -> tuple[DemoLogin, ...]:
    """The demo log-ins when this database holds the demo, else nothing (one small query).

    The first company's admin is looked up, not the operator: its address comes from the seed,
    so a demo loaded with another seed shows no log-in rather than log-ins that do not exist."""
    logins = planned_logins(today)
    async with uow(write=False) as repos:
        admin = await repos.people.get_user_by_email(logins[1].email)
    return logins if admin is not None else ()


async def load_demo_if_empty(uow: UnitOfWork, *, now: datetime) -> DemoSummary | None:
    """Load the demo only into an empty database (no company yet)."""
    async with uow(write=False) as repos:
        if await repos.companies.count() > 0:
            return None
    return (await load_full_demo(uow, plan_demo(today=now.date()), now=now))[0]


async def load_full_demo(
    uow: UnitOfWork, plan: DemoPlan, *, now: datetime
) -> tuple[DemoSummary, ExchangeSummary]:
    """The network, then its exchanges driven through the real use cases."""
    summary = await load_demo(uow, plan, now=now)
    async with uow(write=False) as repos:
        first = await repos.companies.get_by_siren(plan.companies[0].siren)
    assert first is not None
    exchanges = await load_demo_exchanges(uow, first_company_id=first.id, now=now)
    shared = await load_demo_rotations(uow, now=now)
    await load_demo_trainings(uow, first_company_id=first.id, now=now)
    exchanges = replace(
        exchanges,
        rotation_plans=shared.published_plans,
        rotation_slots=shared.slots,
        rotation_allocations=shared.allocation_lines,
        group_documents_signed=shared.signed_documents,
    )
    return summary, exchanges
