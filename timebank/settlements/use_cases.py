"""Monthly closing: prepare the statements, let both companies agree or dispute, settle.

A statement gathers the approved hours not yet in any statement, worked before the end of its
month, for one pair of companies. Once both admins agree it is frozen: approvals that arrive
later go into the next month's statement. Agreement records the settlement of the net amount
in the ledger (cents), so the pair's at-cost positions return to zero.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from ledger.model import TransferCode, TransferKind, TransferRequest, Unit
from timebank import formatting, rules
from timebank.accounting.model import first_of_month, next_month
from timebank.book.use_cases import ensure_company_accounts, retrying, submit_in
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.invoicing.use_cases import issue_statement_invoices
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.pagination import OFFSET_MAX, Page
from timebank.people.model import (
    Actor,
    Role,
    reads_salary_figures,
    require_acting_for,
    require_company_role,
    require_operator,
)
from timebank.refusals import LEDGER_PASSED, ledger_words
from timebank.settlements import refusals
from timebank.settlements.model import (
    Statement,
    StatementDetail,
    StatementSide,
    StatementStatus,
    Totals,
    side_of,
)

STATEMENTS_PAGE_MAX = 100
SETTLEMENT_NAMESPACE = uuid.UUID("0f8c4a63-5a8d-4f79-b4a4-3f2c7b0d9a21")


async def prepare_statements(uow: UnitOfWork, *, month: date, now: datetime) -> list[int]:
    """Create or complete the month's statements; returns their ids (idempotent)."""
    month = first_of_month(month)

    async def work() -> list[int]:
        async with uow() as repos:
            await repos.settlements.lock_preparation()
            rows = await repos.engagements.approved_unsettled(next_month(month))
            pairs: dict[tuple[int, int], tuple[Totals, list[int]]] = defaultdict(
                lambda: (Totals(), [])
            )
            for row in rows:
                a, b = sorted((row["host"], row["lender"]))
                totals, ids = pairs[(a, b)]
                pairs[(a, b)] = (
                    totals.plus(
                        lender_is_a=row["lender"] == a,
                        minutes=row["minutes"],
                        cents=row["cost_cents"] or 0,
                    ),
                    [*ids, row["id"]],
                )
            prepared = []
            for (a, b), (totals, entry_ids) in sorted(pairs.items()):
                # Locked: an agreement under way ends first, and is seen.
                existing = await repos.settlements.find(month, a, b, lock=True)
                if existing is not None and existing.status is StatementStatus.AGREED:
                    continue  # Frozen: these approvals wait for next month's statement.
                base = existing.totals if existing is not None else Totals()
                merged = Totals(
                    base.minutes_a_to_b + totals.minutes_a_to_b,
                    base.minutes_b_to_a + totals.minutes_b_to_a,
                    base.cents_a_to_b + totals.cents_a_to_b,
                    base.cents_b_to_a + totals.cents_b_to_a,
                )
                statement_id = await repos.settlements.save_totals(month, a, b, merged, now=now)
                attached = await repos.engagements.attach_to_statement(entry_ids, statement_id)
                assert attached == len(entry_ids), "preparations run one at a time"
                await _announce(repos, statement_id, a, b, merged, month, now)
                prepared.append(statement_id)
            return prepared

    return await retrying(work)


async def _announce(
    repos: Repositories,
    statement_id: int,
    a: int,
    b: int,
    totals: Totals,
    month: date,
    now: datetime,
) -> None:
    companies = await repos.companies.get_many([a, b])
    debtor = totals.debtor(a, b)
    summary = f"compensation {formatting.euros(totals.set_off_cents)}, " + (
        f"solde {formatting.euros(totals.net_cents)} dû par {companies[debtor].name}"
        if debtor is not None
        else "aucun solde"
    )
    for own, other in ((a, b), (b, a)):
        await notify(
            repos,
            await repos.notifications.admins_of(own),
            Kind.STATEMENT_TO_AGREE,
            {
                "month": formatting.month_label(month),
                "other": companies[other].name,
                "summary": summary,
            },
            link=f"/entreprises/{own}/releves/{statement_id}",
            now=now,
        )


def _require_party(actor: Actor, statement: Statement) -> bool:
    """True when the actor speaks for company a, False for b; refuses anyone else."""
    if actor.has_role(statement.company_a, Role.COMPANY_ADMIN):
        return True
    require_acting_for(actor, statement.company_b, Role.COMPANY_ADMIN)
    return False


def _require_salary_reader(actor: Actor, company_id: int) -> None:
    """A statement's side is in cents at cost: its company's, never the operator's as such."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    if not reads_salary_figures(actor, company_id):
        raise refusals.FORBIDDEN.error()


async def list_statements(
    uow: UnitOfWork, actor: Actor, company_id: int, *, month: date | None
) -> list[Statement]:
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    async with uow(write=False) as repos:
        return await repos.settlements.of_company(
            company_id, None if month is None else first_of_month(month)
        )


async def get_statement(uow: UnitOfWork, actor: Actor, statement_id: int) -> Statement:
    async with uow(write=False) as repos:
        statement = await repos.settlements.get(statement_id)
    if statement is None or not (
        actor.is_operator
        or actor.has_role(statement.company_a, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        or actor.has_role(statement.company_b, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    ):
        raise refusals.STATEMENT_NOT_FOUND.error(id=statement_id)
    return statement


async def company_statements(
    uow: UnitOfWork, actor: Actor, company_id: int, *, page: int, size: int
) -> Page[StatementSide]:
    """A company's statements from its side, newest month first; `page` counts from 1 and is
    clamped to the last page."""
    _require_salary_reader(actor, company_id)
    rules.integer_range(size, field="size", low=1, high=STATEMENTS_PAGE_MAX)
    rules.integer_range(page, field="page", low=1, high=OFFSET_MAX // size)
    speaks_for = actor.has_role(company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        offset = (page - 1) * size
        statements, total = await repos.settlements.page_of_company(
            company_id, limit=size, offset=offset
        )
        last_offset = (max(1, -(-total // size)) - 1) * size
        if offset > last_offset:  # Past the last page: the last one instead.
            offset = last_offset
            statements, total = await repos.settlements.page_of_company(
                company_id, limit=size, offset=offset
            )
        others = await repos.companies.get_many(
            sorted({s.company_b if s.company_a == company_id else s.company_a for s in statements})
        )
    sides = []
    for statement in statements:
        other = statement.company_b if statement.company_a == company_id else statement.company_a
        sides.append(side_of(statement, company_id, others[other].name, speaks_for=speaks_for))
    return Page(items=tuple(sides), total=total, limit=size, offset=offset)


async def statement_detail(
    uow: UnitOfWork, actor: Actor, company_id: int, statement_id: int
) -> StatementDetail:
    """One statement from `company_id`'s side, with the timesheet entries it counts."""
    _require_salary_reader(actor, company_id)
    async with uow(write=False) as repos:
        statement = await repos.settlements.get(statement_id)
        if statement is None or company_id not in (statement.company_a, statement.company_b):
            raise refusals.STATEMENT_NOT_FOUND.error(id=statement_id)
        other = statement.company_b if statement.company_a == company_id else statement.company_a
        others = await repos.companies.get_many([other])
        lines = await repos.settlements.lines(statement_id)
    speaks_for = actor.has_role(company_id, Role.COMPANY_ADMIN)
    return StatementDetail(
        side=side_of(statement, company_id, others[other].name, speaks_for=speaks_for),
        lines=tuple(lines),
    )


async def agree(uow: UnitOfWork, actor: Actor, statement_id: int, *, now: datetime) -> Statement:
    """One company's admin agrees; when both have, the statement is frozen and settled."""

    async def work() -> Statement:
        async with uow() as repos:
            statement = await repos.settlements.get(statement_id, lock=True)
            if statement is None:
                raise refusals.STATEMENT_NOT_FOUND.error(id=statement_id)
            side_a = _require_party(actor, statement)
            if statement.status is StatementStatus.AGREED:
                raise refusals.STATEMENT_ALREADY_AGREED.error()
            await repos.settlements.record_agreement(
                statement, side_a=side_a, user_id=actor.user_id, now=now
            )
            other_agreed = statement.agreed_by_b if side_a else statement.agreed_by_a
            if other_agreed is not None:
                # Each lender's invoice first: a refusal (a VAT number missing) leaves the
                # statement unagreed, with nothing written.
                await issue_statement_invoices(repos, statement, now=now, user_id=actor.user_id)
                transfer_id = await _settle(repos, statement, now)
                await repos.settlements.freeze(statement.id, transfer_id=transfer_id, now=now)
            updated = await repos.settlements.get(statement.id)
            assert updated is not None
            return updated

    return await retrying(work)


async def _settle(repos: Repositories, statement: Statement, now: datetime) -> str | None:
    """Record the payment of the net amount: the pair's positions go back to zero."""
    if statement.debtor is None or statement.totals.net_cents == 0:
        return None
    creditor = statement.creditor
    assert creditor is not None
    creditor_cents = (await ensure_company_accounts(repos, creditor, now=now))[Unit.CENTS]
    debtor_cents = (await ensure_company_accounts(repos, statement.debtor, now=now))[Unit.CENTS]
    transfer_id = str(uuid.uuid5(SETTLEMENT_NAMESPACE, f"statement:{statement.id}"))
    outcome = (
        await submit_in(
            repos,
            [
                TransferRequest(
                    id=transfer_id,
                    kind=TransferKind.SINGLE,
                    unit=Unit.CENTS,
                    code=TransferCode.SETTLEMENT,
                    debit_account_id=creditor_cents.id,
                    credit_account_id=debtor_cents.id,
                    amount=statement.totals.net_cents,
                    external_ref=f"statement:{statement.id}",
                )
            ],
            now=now,
        )
    )[0]
    if outcome.result not in LEDGER_PASSED:
        raise refusals.SETTLEMENT_REFUSED.error(**ledger_words(outcome.result))
    return transfer_id


async def dispute(
    uow: UnitOfWork, actor: Actor, statement_id: int, *, reason: str, now: datetime
) -> Statement:
    if not reason.strip():
        raise refusals.REQUIRED.error()
    checked = rules.text(reason, field="reason", length_max=500)

    async def work() -> Statement:
        async with uow() as repos:
            statement = await repos.settlements.get(statement_id, lock=True)
            if statement is None:
                raise refusals.STATEMENT_NOT_FOUND.error(id=statement_id)
            _require_party(actor, statement)
            if statement.status is StatementStatus.AGREED:
                raise refusals.STATEMENT_FROZEN.error()
            await repos.settlements.dispute(
                statement.id, user_id=actor.user_id, reason=checked, now=now
            )
            updated = await repos.settlements.get(statement.id)
            assert updated is not None
            return updated

    return await retrying(work)


async def prepare_as_operator(
    uow: UnitOfWork, actor: Actor, *, month: date, now: datetime
) -> list[int]:
    require_operator(actor)
    if first_of_month(month) >= first_of_month(now.date()):
        raise refusals.MONTH_NOT_FINISHED.error()
    return await prepare_statements(uow, month=month, now=now)
