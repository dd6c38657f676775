"""« À faire »: the loans, hours, statements and proposals that wait for this person now."""

from __future__ import annotations

from timebank.db.unit_of_work import UnitOfWork
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


async def todo_of(uow: UnitOfWork, actor: Actor) -> tuple[TodoItem, ...]:
    """Everything waiting for the actor, oldest kinds of work first; bounded per kind."""
    admin_of = actor.companies_with(Role.COMPANY_ADMIN)
    items: list[TodoItem] = []
    async with uow(write=False) as repos:
        for status in WAITING_STATUSES:
            loans, _ = await repos.engagements.search(
                company_ids=sorted(admin_of),
                employee_user_id=actor.user_id,
                status=status,
                limit=TODO_LOANS_PER_STATUS_MAX,
                offset=0,
            )
            companies = await repos.companies.get_many(
                sorted(
                    {c for loan in loans for c in (loan.lender_company_id, loan.host_company_id)}
                )
            )
            for loan in loans:
                recorded = {record.paper for record in loan.papers}
                needed = required_papers(
                    lender_has_cse=companies[loan.lender_company_id].has_cse,
                    host_has_cse=companies[loan.host_company_id].has_cse,
                )
                items.extend(loan_todos(loan, actor, missing=sorted(needed - recorded)))
        for company_id in sorted(admin_of):
            _, waiting = await repos.engagements.awaiting_review_of_host(
                company_id, limit=1, offset=0
            )
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
        employee_ids = await repos.employees.ids_of_companies(sorted(admin_of))
        own_ids = [e.id for e in await repos.employees.of_user(actor.user_id)]
        if admin_of:
            _, pending = await repos.proposals.visible(
                need_ids=[], employee_ids=employee_ids, status="proposed", limit=1, offset=0
            )
            if pending:
                first = sorted(admin_of)[0]
                items.append(
                    TodoItem(
                        TodoKind.REVIEW_PROPOSALS,
                        f"/entreprises/{first}/propositions?cote=pret",
                        company_id=first,
                        count=pending,
                    )
                )
        if own_ids:
            _, mine = await repos.proposals.visible(
                need_ids=[], employee_ids=own_ids, status="proposed", limit=1, offset=0
            )
            if mine:
                items.append(TodoItem(TodoKind.REVIEW_PROPOSALS, "/mes-propositions", count=mine))
    return tuple(items)
