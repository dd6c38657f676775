"""« À faire »: the loans, hours, statements and proposals that wait for this person now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from timebank.companies.model import Company
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.employees.model import Employee
from timebank.engagements.model import EngagementStatus, required_papers
from timebank.people.model import Actor, Role
from timebank.todo.model import TODO_LOANS_PER_STATUS_MAX, TodoItem, TodoKind, loan_todos

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


async def todo_of(uow: UnitOfWork, actor: Actor) -> tuple[TodoItem, ...]:
    """Everything waiting for the actor, oldest kinds of work first; bounded per kind."""
    async with uow(write=False) as repos:
        own = await repos.employees.of_user(actor.user_id)
        todo, _ = await _todo(repos, actor, own)
    return todo


async def dashboard_of(uow: UnitOfWork, actor: Actor) -> Dashboard:
    """The dashboard's « À faire », companies and employee records, read together."""
    roles_of: dict[int, list[Role]] = {}
    for company_id, role in sorted(actor.memberships):
        roles_of.setdefault(company_id, []).append(role)
    async with uow(write=False) as repos:
        own = await repos.employees.of_user(actor.user_id)
        todo, companies = await _todo(repos, actor, own, also=sorted(roles_of))
    assert set(roles_of) <= set(companies), "a membership names an existing company"
    return Dashboard(
        todo=todo,
        companies=tuple((companies[c], tuple(roles)) for c, roles in sorted(roles_of.items())),
        mine=tuple(own),
    )


async def _todo(
    repos: Repositories, actor: Actor, own: list[Employee], *, also: Sequence[int] = ()
) -> tuple[tuple[TodoItem, ...], dict[int, Company]]:
    """The actor's to-do items, and the companies of their waiting loans and of `also`."""
    admin_of = sorted(actor.companies_with(Role.COMPANY_ADMIN))
    items: list[TodoItem] = []
    loans = await repos.engagements.waiting(
        company_ids=admin_of,
        employee_user_id=actor.user_id,
        statuses=WAITING_STATUSES,
        per_status_max=TODO_LOANS_PER_STATUS_MAX,
    )
    companies = await repos.companies.get_many(
        sorted(
            {c for loan in loans for c in (loan.lender_company_id, loan.host_company_id)}
            | set(also)
        )
    )
    # Status by status in WAITING_STATUSES's order, the newest loan first.
    loans.sort(key=lambda loan: (WAITING_STATUSES.index(loan.status), -loan.id))
    for loan in loans:
        recorded = {record.paper for record in loan.papers}
        needed = required_papers(
            lender_has_cse=companies[loan.lender_company_id].has_cse,
            host_has_cse=companies[loan.host_company_id].has_cse,
        )
        items.extend(loan_todos(loan, actor, missing=sorted(needed - recorded)))
    submitted = await repos.engagements.submitted_per_host(admin_of)
    for company_id in admin_of:
        waiting = submitted.get(company_id, 0)
        if waiting:
            items.append(
                TodoItem(
                    TodoKind.APPROVE_HOURS,
                    f"/entreprises/{company_id}/heures-a-approuver",
                    company_id=company_id,
                    count=waiting,
                )
            )
        to_agree = await repos.settlements.count_to_agree(company_id)
        if to_agree:
            items.append(
                TodoItem(
                    TodoKind.AGREE_STATEMENT,
                    f"/entreprises/{company_id}/releves",
                    company_id=company_id,
                    count=to_agree,
                )
            )
    # The lender's admin accepts a proposal first (its staff): the host's turn comes with
    # the loan it creates, which `loan_todos` lists.
    if admin_of:
        employee_ids = await repos.employees.ids_of_companies(admin_of)
        _, pending = await repos.proposals.visible(
            need_ids=[], employee_ids=employee_ids, status="proposed", limit=1, offset=0
        )
        if pending:
            first = admin_of[0]
            items.append(
                TodoItem(
                    TodoKind.REVIEW_PROPOSALS,
                    f"/entreprises/{first}/propositions?cote=pret",
                    company_id=first,
                    count=pending,
                )
            )
    own_ids = [e.id for e in own]
    if own_ids:
        _, mine = await repos.proposals.visible(
            need_ids=[], employee_ids=own_ids, status="proposed", limit=1, offset=0
        )
        if mine:
            items.append(TodoItem(TodoKind.REVIEW_PROPOSALS, "/mes-propositions", count=mine))
    return tuple(items), companies
