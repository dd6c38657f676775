"""« À faire »: the loans, hours, statements, expenses, trainings, proposals, join requests and
plans to publish that wait for this person now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from timebank.companies.model import Company
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.employees.model import Employee
from timebank.engagements.model import EngagementStatus, required_papers
from timebank.people.model import Actor, Role
from timebank.todo.model import (
    TODO_LOANS_PER_STATUS_MAX,
    TodoItem,
    TodoKind,
    Waiting,
    WaitingLoan,
    loan_todos,
)

# The states in which a loan may wait for somebody.
WAITING_STATUSES = (
    EngagementStatus.PROPOSED,
    EngagementStatus.ACCEPTED_BY_HOST,
    EngagementStatus.APPROVED_BY_LENDER,
    EngagementStatus.CONSENTED,
    EngagementStatus.ACTIVE,
)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the dashboard shows: « À faire », the person's companies with their roles there,
    and their own employee records."""

    todo: tuple[TodoItem, ...]
    companies: tuple[tuple[Company, tuple[Role, ...]], ...]
    mine: tuple[Employee, ...]
    shared_cdo: bool  # One of their records is with a group's entity: they have CDO days.


async def todo_of(uow: UnitOfWork, actor: Actor, *, today: date) -> tuple[TodoItem, ...]:
    """Everything waiting for the actor, oldest kinds of work first; bounded per kind."""
    admin_of = sorted(actor.companies_with(Role.COMPANY_ADMIN))
    coordinated = sorted(actor.companies_with(Role.GROUP_COORDINATOR))
    async with uow(write=False) as repos:
        loans = await _waiting_loans(repos, actor, admin_of)
        waiting = await repos.todo.waiting(
            company_ids=sorted(set(admin_of) | set(coordinated)),
            admin_of=admin_of,
            user_id=actor.user_id,
            coordinated=coordinated,
            today=today,
        )
    return _todo(actor, admin_of, coordinated, loans, waiting)


async def dashboard_of(uow: UnitOfWork, actor: Actor, *, today: date) -> Dashboard:
    """The dashboard's « À faire », companies and employee records, read together."""
    roles_of: dict[int, list[Role]] = {}
    for company_id, role in sorted(actor.memberships):
        roles_of.setdefault(company_id, []).append(role)
    admin_of = sorted(actor.companies_with(Role.COMPANY_ADMIN))
    coordinated = sorted(actor.companies_with(Role.GROUP_COORDINATOR))
    async with uow(write=False) as repos:
        loans = await _waiting_loans(repos, actor, admin_of)
        waiting = await repos.todo.waiting(
            company_ids=sorted(roles_of),
            admin_of=admin_of,
            user_id=actor.user_id,
            coordinated=coordinated,
            today=today,
        )
        own = await repos.employees.of_user(actor.user_id)
        entities = (
            await repos.groups.entities_among(sorted({e.company_id for e in own})) if own else set()
        )
    companies = waiting.companies
    assert set(roles_of) <= set(companies), "a membership names an existing company"
    return Dashboard(
        todo=_todo(actor, admin_of, coordinated, loans, waiting),
        companies=tuple(
            (companies[c].company, tuple(roles)) for c, roles in sorted(roles_of.items())
        ),
        mine=tuple(own),
        shared_cdo=bool(entities),
    )


async def _waiting_loans(
    repos: Repositories, actor: Actor, admin_of: list[int]
) -> list[WaitingLoan]:
    return await repos.todo.waiting_loans(
        company_ids=admin_of,
        employee_user_id=actor.user_id,
        statuses=WAITING_STATUSES,
        per_status_max=TODO_LOANS_PER_STATUS_MAX,
    )


def _todo(
    actor: Actor,
    admin_of: list[int],
    coordinated: list[int],
    loans: list[WaitingLoan],
    waiting: Waiting,
) -> tuple[TodoItem, ...]:
    """The actor's to-do items: the waiting loans' turns state by state (newest loan first),
    then what waits at each company they run and each group they coordinate, then the
    proposals pending."""
    items: list[TodoItem] = []
    loans = sorted(
        loans,
        key=lambda loan: (WAITING_STATUSES.index(loan.engagement.status), -loan.engagement.id),
    )
    for loan in loans:
        recorded = {record.paper for record in loan.engagement.papers}
        needed = required_papers(lender_has_cse=loan.lender_has_cse, host_has_cse=loan.host_has_cse)
        items.extend(loan_todos(loan.engagement, actor, missing=sorted(needed - recorded)))
    for company_id in admin_of:
        counts = waiting.companies[company_id]
        for kind, page, count in (
            (TodoKind.APPROVE_HOURS, "heures-a-approuver", counts.hours_to_approve),
            (TodoKind.AGREE_STATEMENT, "releves", counts.statements_to_agree),
            (TodoKind.APPROVE_EXPENSES, "frais", counts.expenses_to_approve),
            (TodoKind.APPROVE_TRAININGS, "formations", counts.trainings_to_approve),
        ):
            if count:
                items.append(
                    TodoItem(
                        kind,
                        f"/entreprises/{company_id}/{page}",
                        company_id=company_id,
                        count=count,
                    )
                )
    for company_id in coordinated:
        counts = waiting.companies[company_id]
        if counts.group_id is None:  # Coordinator of a company that is no group's entity.
            continue
        for kind, count in (
            (TodoKind.REVIEW_JOIN_REQUESTS, counts.join_requests),
            (TodoKind.PUBLISH_PLAN, counts.plans_to_publish),
        ):
            if count:
                items.append(
                    TodoItem(
                        kind,
                        f"/groupements/{counts.group_id}",
                        company_id=company_id,
                        count=count,
                    )
                )
    # The lender's admin accepts a proposal first (its staff): the host's turn comes with
    # the loan it creates, which `loan_todos` lists.
    # Each company's own: an admin of two companies reviews each one's staff on its page.
    for company_id in admin_of:
        found = waiting.companies.get(company_id)
        if found is not None and found.staff_proposals:
            items.append(
                TodoItem(
                    TodoKind.REVIEW_PROPOSALS,
                    f"/entreprises/{company_id}/propositions?cote=pret",
                    company_id=company_id,
                    count=found.staff_proposals,
                )
            )
    if waiting.own_proposals:
        items.append(
            TodoItem(TodoKind.REVIEW_PROPOSALS, "/mes-propositions", count=waiting.own_proposals)
        )
    return tuple(items)
