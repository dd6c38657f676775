"""The employee on a loan records professional expenses with their receipt and may withdraw one
still submitted; the lender's admin approves or rejects it (final either way); the host's admin
and both companies' accountants read them. The operator never sees them (amounts tied to an
employee, like salaries). A billed expense (its invoice set) never changes again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from timebank.book.use_cases import retrying
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.engagements.model import Engagement, EngagementStatus, LoanNames
from timebank.errors import Conflict, Forbidden
from timebank.expenses import refusals
from timebank.expenses.model import (
    EXPENSES_LISTED_MAX,
    Expense,
    ExpenseStatus,
    Receipt,
    client_id_input,
    day_input,
    expense_input,
    rejection_reason_input,
    same_expense,
)
from timebank.people.model import Actor, Role

_RECORDABLE = (EngagementStatus.ACTIVE, EngagementStatus.COMPLETED)


class Side(StrEnum):
    """How a person stands towards a loan's expenses (the first that applies)."""

    EMPLOYEE = "employee"  # Records, reads and withdraws their own.
    LENDER = "lender"  # The lender's admin: reads and reviews.
    HOST = "host"  # The host's admin: reads.
    ACCOUNTANT = "accountant"  # Either company's accountant: reads.


def side_of(actor: Actor, engagement: Engagement) -> Side | None:
    """The person's side on this loan's expenses; None: no access (the operator included)."""
    if actor.user_id == engagement.employee_user_id:
        return Side.EMPLOYEE
    if actor.has_role(engagement.lender_company_id, Role.COMPANY_ADMIN):
        return Side.LENDER
    if actor.has_role(engagement.host_company_id, Role.COMPANY_ADMIN):
        return Side.HOST
    if actor.has_role(engagement.lender_company_id, Role.ACCOUNTANT) or actor.has_role(
        engagement.host_company_id, Role.ACCOUNTANT
    ):
        return Side.ACCOUNTANT
    return None


def _invoice_company(actor: Actor, engagement: Engagement, side: Side) -> int | None:
    if side is Side.LENDER or (
        side is Side.ACCOUNTANT and actor.has_role(engagement.lender_company_id, Role.ACCOUNTANT)
    ):
        return engagement.lender_company_id
    if side in (Side.HOST, Side.ACCOUNTANT):
        return engagement.host_company_id
    return None


def _no_access() -> Forbidden:
    return refusals.EXPENSES_FORBIDDEN.error()


async def _engagement(repos: Repositories, engagement_id: int) -> Engagement:
    engagement = await repos.engagements.get(engagement_id)
    if engagement is None:
        raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
    return engagement


async def _readable(repos: Repositories, actor: Actor, expense_id: int) -> tuple[Expense, Side]:
    expense = await repos.expenses.get(expense_id)
    if expense is None:
        raise refusals.EXPENSE_NOT_FOUND.error(id=expense_id)
    engagement = await _engagement(repos, expense.engagement_id)
    side = side_of(actor, engagement)
    if side is None:
        raise _no_access()
    return expense, side


def _billed(expense: Expense) -> Conflict:
    return refusals.EXPENSE_BILLED.error()


def _settled() -> Conflict:
    return refusals.EXPENSE_SETTLED.error()


async def record_expense(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    spent_on: date,
    kind: str,
    description: str,
    amount_cents: int,
    vat_cents: int,
    receipt_name: str,
    receipt: bytes,
    now: datetime,
    client_id: str | None = None,
) -> tuple[Expense, bool]:
    """The lent employee records an expense with its receipt; returns it and whether it was
    created now. The same `client_id` with the same content returns the stored one; with
    another content it is refused (409)."""
    key = client_id_input(client_id)
    wanted = expense_input(
        spent_on=spent_on,
        kind=kind,
        description=description,
        amount_cents=amount_cents,
        vat_cents=vat_cents,
        receipt_name=receipt_name,
        receipt=receipt,
    )

    async def work() -> tuple[Expense, bool]:
        async with uow() as repos:
            engagement = await _engagement(repos, engagement_id)
            side = side_of(actor, engagement)
            if side is None:
                raise _no_access()
            if side is not Side.EMPLOYEE:
                raise refusals.ONLY_THE_EMPLOYEE_RECORDS_EXPENSES.error()
            if key is not None:
                existing = await repos.expenses.by_client_id(key)
                if existing is not None:
                    if existing.created_by != actor.user_id or not same_expense(
                        existing, wanted, engagement_id
                    ):
                        raise refusals.DUPLICATE_SUBMISSION.error()
                    return existing, False
            if engagement.status not in _RECORDABLE:
                raise refusals.ENGAGEMENT_NOT_ACTIVE.error()
            day_input(
                wanted.spent_on,
                period_start=engagement.period_start,
                period_end=engagement.period_end,
                today=now.date(),
                activated_on=engagement.activated_on,
            )
            expense_id = await repos.expenses.add(
                engagement_id=engagement_id,
                employee_id=engagement.employee_id,
                expense=wanted,
                client_id=key,
                user_id=actor.user_id,
                now=now,
            )
            found = await repos.expenses.get(expense_id)
            assert found is not None
            return found, True

    return await retrying(work)


async def withdraw_expense(
    uow: UnitOfWork, actor: Actor, expense_id: int, *, now: datetime
) -> Expense:
    """The employee withdraws an expense still submitted: it stays as a trace, never billed."""

    async def work() -> Expense:
        async with uow() as repos:
            expense, side = await _readable(repos, actor, expense_id)
            if side is not Side.EMPLOYEE:
                raise refusals.ONLY_THE_EMPLOYEE_WITHDRAWS_EXPENSES.error()
            if expense.invoice_id is not None:
                raise _billed(expense)
            moved = await repos.expenses.set_status(
                expense_id,
                status=ExpenseStatus.WITHDRAWN,
                expected=ExpenseStatus.SUBMITTED,
                user_id=actor.user_id,
                now=now,
            )
            if not moved:
                raise _settled()
            found = await repos.expenses.get(expense_id)
            assert found is not None
            return found

    return await retrying(work)


async def review_expense(
    uow: UnitOfWork,
    actor: Actor,
    expense_id: int,
    *,
    approve: bool,
    now: datetime,
    reason: str | None = None,
) -> Expense:
    """The lender's admin approves an expense or rejects it with a reason; both are final."""
    checked_reason = None if approve else rejection_reason_input(reason)

    async def work() -> Expense:
        async with uow() as repos:
            expense, side = await _readable(repos, actor, expense_id)
            if side is Side.EMPLOYEE and await _is_lender_admin(repos, actor, expense):
                raise refusals.SELF_APPROVAL.error()
            if side is not Side.LENDER:
                raise refusals.NOT_THE_LENDER.error()
            if expense.invoice_id is not None:
                raise _billed(expense)
            moved = await repos.expenses.set_status(
                expense_id,
                status=ExpenseStatus.APPROVED if approve else ExpenseStatus.REJECTED,
                expected=ExpenseStatus.SUBMITTED,
                user_id=actor.user_id,
                now=now,
                rejection_reason=checked_reason,
            )
            if not moved:
                raise _settled()
            found = await repos.expenses.get(expense_id)
            assert found is not None
            return found

    return await retrying(work)


async def _is_lender_admin(repos: Repositories, actor: Actor, expense: Expense) -> bool:
    engagement = await _engagement(repos, expense.engagement_id)
    return actor.has_role(engagement.lender_company_id, Role.COMPANY_ADMIN)


@dataclass(frozen=True, slots=True)
class ExpenseView:
    """One expense with the loan's names and what the person reading may do."""

    expense: Expense
    names: LoanNames
    side: Side
    # The company whose invoices the reader opens (lender: issuer, host: customer); None for
    # the employee, who reads no invoice.
    invoice_company_id: int | None = None

    @property
    def may_withdraw(self) -> bool:
        return (
            self.side is Side.EMPLOYEE
            and self.expense.status is ExpenseStatus.SUBMITTED
            and self.expense.invoice_id is None
        )

    @property
    def may_review(self) -> bool:
        return (
            self.side is Side.LENDER
            and self.expense.status is ExpenseStatus.SUBMITTED
            and self.expense.invoice_id is None
        )


async def get_expense(uow: UnitOfWork, actor: Actor, expense_id: int) -> ExpenseView:
    async with uow(write=False) as repos:
        expense, side = await _readable(repos, actor, expense_id)
        engagement = await _engagement(repos, expense.engagement_id)
        names = await repos.engagements.names_of([expense.engagement_id])
    return ExpenseView(
        expense, names[expense.engagement_id], side, _invoice_company(actor, engagement, side)
    )


async def expense_receipt(uow: UnitOfWork, actor: Actor, expense_id: int) -> Receipt:
    """The receipt file, for whoever may read the expense."""
    async with uow(write=False) as repos:
        await _readable(repos, actor, expense_id)
        receipt = await repos.expenses.receipt(expense_id)
    assert receipt is not None
    return receipt


@dataclass(frozen=True, slots=True)
class LoanExpenses:
    """A loan's expenses as one person reads them."""

    engagement: Engagement
    names: LoanNames
    side: Side
    expenses: list[ExpenseView]

    @property
    def may_record(self) -> bool:
        return self.side is Side.EMPLOYEE and self.engagement.status in _RECORDABLE

    @property
    def total_approved_cents(self) -> int:
        return sum(
            view.expense.amount_cents
            for view in self.expenses
            if view.expense.status is ExpenseStatus.APPROVED
        )


async def loan_expenses(uow: UnitOfWork, actor: Actor, engagement_id: int) -> LoanExpenses:
    """The loan's expenses, the newest spent first: for its employee, both admins and both
    accountants."""
    async with uow(write=False) as repos:
        engagement = await _engagement(repos, engagement_id)
        side = side_of(actor, engagement)
        if side is None:
            raise _no_access()
        expenses = await repos.expenses.of_engagement(engagement_id, limit=EXPENSES_LISTED_MAX)
        names = (await repos.engagements.names_of([engagement_id]))[engagement_id]
    company = _invoice_company(actor, engagement, side)
    return LoanExpenses(
        engagement,
        names,
        side,
        [ExpenseView(expense, names, side, company) for expense in expenses],
    )


async def _views(
    repos: Repositories,
    actor: Actor,
    expenses: Sequence[Expense],
    side: Side,
    invoice_company_id: int | None = None,
) -> list[ExpenseView]:
    names = await repos.engagements.names_of([expense.engagement_id for expense in expenses])
    # The person's own expenses read as theirs (never reviewed by themself).
    return [
        ExpenseView(
            expense,
            names[expense.engagement_id],
            Side.EMPLOYEE if expense.created_by == actor.user_id else side,
            invoice_company_id,
        )
        for expense in expenses
    ]


async def my_expenses(uow: UnitOfWork, actor: Actor) -> list[ExpenseView]:
    """Every expense the person recorded, under any of their employee records."""
    async with uow(write=False) as repos:
        records = await repos.employees.of_user(actor.user_id)
        expenses = await repos.expenses.of_employees(
            [record.id for record in records], limit=EXPENSES_LISTED_MAX
        )
        return await _views(repos, actor, expenses, Side.EMPLOYEE)


@dataclass(frozen=True, slots=True)
class CompanyExpenses:
    """The expenses of the loans a company lends (its admin reviews them) and hosts."""

    company_id: int
    company_name: str
    lent: list[ExpenseView]
    hosted: list[ExpenseView]


async def company_expenses(uow: UnitOfWork, actor: Actor, company_id: int) -> CompanyExpenses:
    """For the company's admins and accountants (never the operator as such)."""
    if actor.has_role(company_id, Role.COMPANY_ADMIN):
        lender_side, host_side = Side.LENDER, Side.HOST
    elif actor.has_role(company_id, Role.ACCOUNTANT):
        lender_side = host_side = Side.ACCOUNTANT
    else:
        raise _no_access()
    async with uow(write=False) as repos:
        company = await repos.companies.get(company_id)
        if company is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id)
        lent = await repos.expenses.of_company(company_id, lender=True, limit=EXPENSES_LISTED_MAX)
        hosted = await repos.expenses.of_company(
            company_id, lender=False, limit=EXPENSES_LISTED_MAX
        )
        lent_views = await _views(repos, actor, lent, lender_side, company_id)
        hosted_views = await _views(repos, actor, hosted, host_side, company_id)
    return CompanyExpenses(company_id, company.name, lent_views, hosted_views)
