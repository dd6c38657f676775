"""Employees log the trainings they took; the employer approves them (valued at exact cost, for
the amortisation simulation) or rejects them; the employee rates an approved training, and the
programme publishes each training's average and count."""

from __future__ import annotations

from datetime import date, datetime

from timebank.db.unit_of_work import UnitOfWork
from timebank.engagements.model import at_cost_cents
from timebank.errors import Conflict, Forbidden, not_found
from timebank.pagination import page_request
from timebank.people.model import Actor, Role, require_company_role
from timebank.trainings.model import Training, TrainingScore, rating_input, training_input


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
) -> Training:
    checked = training_input(
        title=title,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        minutes=minutes,
        today=now.date(),
    )
    async with uow() as repos:
        employee = await repos.employees.get(employee_id)
        if employee is None or employee.user_id != actor.user_id:
            raise not_found("Salarié", "Employee", employee_id)  # Only for oneself.
        training_id = await repos.trainings.add(
            employee_id=employee_id,
            company_id=employee.company_id,
            title=checked[0],
            provider=checked[1],
            starts_on=starts_on,
            ends_on=ends_on,
            minutes=checked[2],
            now=now,
        )
        found = await repos.trainings.get(training_id)
        assert found is not None
        return found


async def list_trainings(uow: UnitOfWork, actor: Actor, employee_id: int) -> list[Training]:
    async with uow(write=False) as repos:
        employee = await repos.employees.get(employee_id)
        if employee is None:
            raise not_found("Salarié", "Employee", employee_id)
        if employee.user_id != actor.user_id:
            require_company_role(actor, employee.company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        return await repos.trainings.of_employee(employee_id)


async def review_training(
    uow: UnitOfWork, actor: Actor, training_id: int, *, approve: bool, now: datetime
) -> Training:
    """The employer's admin approves (the time is valued at exact cost) or rejects."""
    async with uow() as repos:
        training = await repos.trainings.get(training_id)
        if training is None:
            raise not_found("Formation", "Training", training_id)
        require_company_role(actor, training.company_id, Role.COMPANY_ADMIN)
        employee = await repos.employees.get(training.employee_id)
        assert employee is not None
        if employee.user_id == actor.user_id:
            raise Forbidden(
                "Personne ne valide sa propre formation.",
                "Nobody approves their own training.",
                code="self_approval",
            )
        if training.status != "submitted":
            raise Conflict(
                "Formation déjà traitée.",
                "Training already reviewed.",
                field="status",
                code="already_reviewed",
            )
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
            raise not_found("Formation", "Training", training_id)
        if training.status != "approved":
            raise Conflict(
                "On évalue une formation validée par l'employeur.",
                "Only a training approved by the employer is rated.",
                field="status",
                code="training_not_approved",
            )
        await repos.trainings.rate(
            training_id, stars=checked_stars, comment=checked_comment, now=now
        )
        found = await repos.trainings.get(training_id)
        assert found is not None
        return found


async def public_scores(uow: UnitOfWork, *, limit: int, offset: int) -> list[TrainingScore]:
    """Each training's average rating and count, by title and provider (no names)."""
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        return await repos.trainings.scores(limit=page.limit, offset=page.offset)
