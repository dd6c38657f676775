"""Employees log the trainings they took; the employer approves them (valued at exact cost, for
the amortisation simulation) or rejects them; the employee rates an approved training, and the
programme publishes each training's average and count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from timebank.companies.model import Company
from timebank.db.unit_of_work import UnitOfWork
from timebank.employees.model import Employee
from timebank.engagements.model import at_cost_cents
from timebank.pagination import page_request
from timebank.people.model import Actor, Role, require_acting_for
from timebank.skills.model import SkillDomain
from timebank.trainings import refusals
from timebank.trainings.model import (
    PublicTraining,
    Training,
    TrainingScore,
    domain_input,
    public_trainings,
    rating_input,
    search_text,
    training_input,
)

COMPANY_TRAININGS_MAX: Final = 500  # Shown on the employer's page: awaiting review first.


async def log_training(
    uow: UnitOfWork,
    actor: Actor,
    employee_id: int,
    *,
    title: str,
    provider: str,
    starts_on: date,
    ends_on: date,
    minutes: int,
    now: datetime,
    plan_link: str | None = None,
    domain_code: str | None = None,
) -> Training:
    """The employee logs a training they took, with the skill domain it serves and the link to
    the employer's digital-transformation plan (both optional; an unknown domain is refused)."""
    checked = training_input(
        title=title,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        minutes=minutes,
        today=now.date(),
        plan_link=plan_link,
    )
    async with uow() as repos:
        employee = await repos.employees.get(employee_id)
        if employee is None or employee.user_id != actor.user_id:
            raise refusals.EMPLOYEE_NOT_FOUND.error(id=employee_id)  # Only for oneself.
        known = [domain.code for domain in await repos.skills.domains()]
        checked_domain = domain_input(domain_code, known, field="domain_code")
        training_id = await repos.trainings.add(
            employee_id=employee_id,
            company_id=employee.company_id,
            title=checked[0],
            provider=checked[1],
            starts_on=starts_on,
            ends_on=ends_on,
            minutes=checked[2],
            domain_code=checked_domain,
            plan_link=checked[3],
            now=now,
        )
        found = await repos.trainings.get(training_id)
        assert found is not None
        return found


async def list_trainings(uow: UnitOfWork, actor: Actor, employee_id: int) -> list[Training]:
    async with uow(write=False) as repos:
        employee = await repos.employees.get(employee_id)
        if employee is None:
            raise refusals.EMPLOYEE_NOT_FOUND.error(id=employee_id)
        if employee.user_id != actor.user_id:
            require_acting_for(actor, employee.company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        return await repos.trainings.of_employee(employee_id)


@dataclass(frozen=True, slots=True)
class MyTrainings:
    """One of the person's employee records and the trainings logged under it."""

    employee: Employee
    trainings: list[Training]


async def my_trainings(uow: UnitOfWork, actor: Actor) -> list[MyTrainings]:
    """The trainings the person logged, per employee record (one per employer)."""
    async with uow(write=False) as repos:
        records = await repos.employees.of_user(actor.user_id)
        return [
            MyTrainings(record, await repos.trainings.of_employee(record.id)) for record in records
        ]


@dataclass(frozen=True, slots=True)
class StaffTraining:
    training: Training
    employee_name: str


async def company_trainings(
    uow: UnitOfWork, actor: Actor, company_id: int
) -> tuple[Company, list[StaffTraining]]:
    """The trainings of the company's staff, awaiting review first; its admins only."""
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        company = await repos.companies.get(company_id)
        if company is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
        rows = await repos.trainings.of_company(company_id, limit=COMPANY_TRAININGS_MAX)
    return company, [StaffTraining(training, name) for training, name in rows]


async def review_training(
    uow: UnitOfWork, actor: Actor, training_id: int, *, approve: bool, now: datetime
) -> Training:
    """The employer's admin approves (the time is valued at exact cost) or rejects."""
    async with uow() as repos:
        training = await repos.trainings.get(training_id)
        if training is None:
            raise refusals.TRAINING_NOT_FOUND.error(id=training_id)
        require_acting_for(actor, training.company_id, Role.COMPANY_ADMIN)
        employee = await repos.employees.get(training.employee_id)
        assert employee is not None
        if employee.user_id == actor.user_id:
            raise refusals.SELF_APPROVAL.error()
        if training.status != "submitted":
            raise refusals.ALREADY_REVIEWED.error()
        cost = None
        if approve and employee.cost is not None:
            cost = at_cost_cents(
                training.minutes,
                annual_gross_salary_cents=employee.cost.annual_gross_salary_cents,
                employer_charge_rate_basis_points=employee.cost.employer_charge_rate_basis_points,
                annual_work_hours=employee.cost.annual_work_hours,
            )
        await repos.trainings.review(
            training_id,
            status="approved" if approve else "rejected",
            cost_cents=cost,
            user_id=actor.user_id,
            now=now,
        )
        found = await repos.trainings.get(training_id)
        assert found is not None
        return found


async def rate_training(
    uow: UnitOfWork, actor: Actor, training_id: int, *, stars: int, comment: str, now: datetime
) -> Training:
    """Only the employee who took an approved training rates it (and may change the rating)."""
    checked_stars, checked_comment = rating_input(stars, comment)
    async with uow() as repos:
        training = await repos.trainings.get(training_id)
        employee = None if training is None else await repos.employees.get(training.employee_id)
        if training is None or employee is None or employee.user_id != actor.user_id:
            raise refusals.TRAINING_NOT_FOUND.error(id=training_id)
        if training.status != "approved":
            raise refusals.TRAINING_NOT_APPROVED.error()
        await repos.trainings.rate(
            training_id, stars=checked_stars, comment=checked_comment, now=now
        )
        found = await repos.trainings.get(training_id)
        assert found is not None
        return found


async def public_scores(
    uow: UnitOfWork,
    *,
    limit: int,
    offset: int,
    provider: str = "",
    title: str = "",
    domain: str | None = None,
) -> list[TrainingScore]:
    """Each training's average rating and count, by title and provider (no names), those
    whose provider and title contain the words searched, in the skill domain asked."""
    page = page_request(limit, offset)
    found = await public_reviews(uow, provider=provider, title=title, domain=domain)
    return [t.score for t in found[page.offset : page.offset + page.limit]]


async def public_reviews(
    uow: UnitOfWork, *, provider: str | None, title: str | None, domain: str | None = None
) -> list[PublicTraining]:
    """The public page: each training's average, count, skill domain and comments, never a
    name, a company or the employer's plan; searched by provider, title and skill domain."""
    wanted_provider = search_text(provider, field="organisme")
    wanted_title = search_text(title, field="intitule")
    async with uow(write=False) as repos:
        known = [d.code for d in await repos.skills.domains()]
        wanted_domain = domain_input(domain, known, field="domaine")
        ratings = await repos.trainings.ratings(domain=wanted_domain)
    return public_trainings(
        ratings, provider=wanted_provider, title=wanted_title, domain=wanted_domain or ""
    )


async def training_domains(uow: UnitOfWork) -> list[SkillDomain]:
    """The skill domains a training is filed under (the taxonomy's), by French label."""
    async with uow(write=False) as repos:
        domains = await repos.skills.domains()
    return sorted(domains, key=lambda domain: domain.label_fr.casefold())
