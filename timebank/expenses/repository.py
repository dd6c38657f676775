"""Queries of the expenses area (Piccolo rows <-> `timebank.expenses.model`). Lists never load
the receipt's bytes: only `receipt` does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from timebank.db.tables import EngagementTable, ExpenseTable
from timebank.expenses.model import (
    Expense,
    ExpenseInput,
    ExpenseKind,
    ExpenseStatus,
    Receipt,
)

# Every column but the receipt's bytes.
_COLUMNS = (
    ExpenseTable.id,
    ExpenseTable.client_id,
    ExpenseTable.engagement,
    ExpenseTable.employee,
    ExpenseTable.spent_on,
    ExpenseTable.kind,
    ExpenseTable.description,
    ExpenseTable.amount_cents,
    ExpenseTable.vat_cents,
    ExpenseTable.receipt_name,
    ExpenseTable.receipt_media_type,
    ExpenseTable.receipt_sha256,
    ExpenseTable.status,
    ExpenseTable.reviewed_by,
    ExpenseTable.reviewed_at,
    ExpenseTable.rejection_reason,
    ExpenseTable.invoice,
    ExpenseTable.created_by,
    ExpenseTable.created_at,
)


def _expense(row: dict[str, Any]) -> Expense:
    return Expense(
        id=row["id"],
        engagement_id=row["engagement"],
        employee_id=row["employee"],
        spent_on=row["spent_on"],
        kind=ExpenseKind(row["kind"]),
        description=row["description"],
        amount_cents=row["amount_cents"],
        vat_cents=row["vat_cents"],
        receipt_name=row["receipt_name"],
        receipt_media_type=row["receipt_media_type"],
        receipt_sha256=row["receipt_sha256"],
        status=ExpenseStatus(row["status"]),
        invoice_id=row["invoice"],
        created_at=row["created_at"],
        client_id=row["client_id"],
        reviewed_by=row["reviewed_by"],
        reviewed_at=row["reviewed_at"],
        rejection_reason=row["rejection_reason"],
        created_by=row["created_by"],
    )


class ExpenseRepository:
    """The only place with queries on `ExpenseTable`."""

    async def add(
        self,
        *,
        engagement_id: int,
        employee_id: int,
        expense: ExpenseInput,
        client_id: str | None,
        user_id: int,
        now: datetime,
    ) -> int:
        rows = await ExpenseTable.insert(
            ExpenseTable(
                client_id=client_id,
                engagement=engagement_id,
                employee=employee_id,
                spent_on=expense.spent_on,
                kind=expense.kind.value,
                description=expense.description,
                amount_cents=expense.amount_cents,
                vat_cents=expense.vat_cents,
                receipt_name=expense.receipt.name,
                receipt_media_type=expense.receipt.media_type,
                receipt_sha256=expense.receipt.sha256,
                receipt=expense.receipt.content,
                status=ExpenseStatus.SUBMITTED.value,
                created_by=user_id,
                created_at=now,
            )
        ).returning(ExpenseTable.id)
        expense_id: int = rows[0]["id"]
        return expense_id

    async def get(self, expense_id: int) -> Expense | None:
        row = await ExpenseTable.select(*_COLUMNS).where(ExpenseTable.id == expense_id).first()
        return None if row is None else _expense(row)

    async def by_client_id(self, client_id: str) -> Expense | None:
        row = (
            await ExpenseTable.select(*_COLUMNS).where(ExpenseTable.client_id == client_id).first()
        )
        return None if row is None else _expense(row)

    async def receipt(self, expense_id: int) -> Receipt | None:
        row = await (
            ExpenseTable.select(
                ExpenseTable.receipt_name,
                ExpenseTable.receipt_media_type,
                ExpenseTable.receipt_sha256,
                ExpenseTable.receipt,
            )
            .where(ExpenseTable.id == expense_id)
            .first()
        )
        if row is None:
            return None
        return Receipt(
            row["receipt_name"],
            row["receipt_media_type"],
            row["receipt_sha256"],
            bytes(row["receipt"]),
        )

    async def of_engagement(self, engagement_id: int, *, limit: int) -> list[Expense]:
        """The loan's expenses, the newest spent first; at most `limit`."""
        rows = await (
            ExpenseTable.select(*_COLUMNS)
            .where(ExpenseTable.engagement == engagement_id)
            .order_by(ExpenseTable.spent_on, ascending=False)
            .order_by(ExpenseTable.id, ascending=False)
            .limit(limit)
        )
        return [_expense(row) for row in rows]

    async def of_employees(self, employee_ids: Sequence[int], *, limit: int) -> list[Expense]:
        """The expenses recorded under these employee records, the newest spent first."""
        if not employee_ids:
            return []
        rows = await (
            ExpenseTable.select(*_COLUMNS)
            .where(ExpenseTable.employee.is_in(list(employee_ids)))
            .order_by(ExpenseTable.spent_on, ascending=False)
            .order_by(ExpenseTable.id, ascending=False)
            .limit(limit)
        )
        return [_expense(row) for row in rows]

    async def of_company(self, company_id: int, *, lender: bool, limit: int) -> list[Expense]:
        """The expenses of the loans the company lends (`lender`) or hosts, awaiting review
        first, then the newest spent."""
        side = (
            ExpenseTable.engagement.lender_company
            if lender
            else ExpenseTable.engagement.host_company
        )
        rows = await (
            ExpenseTable.select(*_COLUMNS)
            .where(side == company_id)
            .order_by(ExpenseTable.spent_on, ascending=False)
            .order_by(ExpenseTable.id, ascending=False)
            .limit(limit)
        )
        found = [_expense(row) for row in rows]
        found.sort(key=lambda expense: expense.status != ExpenseStatus.SUBMITTED)
        return found

    async def set_status(
        self,
        expense_id: int,
        *,
        status: ExpenseStatus,
        expected: ExpenseStatus,
        user_id: int,
        now: datetime,
        rejection_reason: str | None = None,
    ) -> bool:
        """Move an expense on from `expected` while it is not billed; False when it had
        already moved (a concurrent review)."""
        rows = await (
            ExpenseTable.update(
                {
                    ExpenseTable.status: status.value,
                    ExpenseTable.reviewed_by: user_id,
                    ExpenseTable.reviewed_at: now,
                    ExpenseTable.rejection_reason: rejection_reason,
                }
            )
            .where(
                (ExpenseTable.id == expense_id)
                & (ExpenseTable.status == expected.value)
                & ExpenseTable.invoice.is_null()
            )
            .returning(ExpenseTable.id)
        )
        return len(rows) == 1

    async def count(self) -> int:
        return int(await ExpenseTable.count())

    # The invoicing area's side: what a month's invoice bills, and marking it billed.

    async def billable(
        self, *, lender_company_id: int, host_company_id: int, last_day: date, limit: int
    ) -> list[Expense]:
        """Approved expenses not billed yet, spent up to `last_day`, on loans from the lender
        to the host; by day spent, then id; at most `limit`."""
        engagement_ids = await EngagementTable.select(EngagementTable.id).where(
            (EngagementTable.lender_company == lender_company_id)
            & (EngagementTable.host_company == host_company_id)
        )
        ids = [row["id"] for row in engagement_ids]
        if not ids:
            return []
        rows = await (
            ExpenseTable.select(*_COLUMNS)
            .where(
                ExpenseTable.engagement.is_in(ids)
                & (ExpenseTable.status == ExpenseStatus.APPROVED.value)
                & ExpenseTable.invoice.is_null()
                & (ExpenseTable.spent_on <= last_day)
            )
            .order_by(ExpenseTable.spent_on)
            .order_by(ExpenseTable.id)
            .limit(limit)
        )
        return [_expense(row) for row in rows]

    async def mark_billed(self, expense_ids: Sequence[int], invoice_id: int) -> int:
        """Set the invoice of those still unbilled; how many rows changed."""
        if not expense_ids:
            return 0
        rows = await (
            ExpenseTable.update({ExpenseTable.invoice: invoice_id})
            .where(ExpenseTable.id.is_in(list(expense_ids)) & ExpenseTable.invoice.is_null())
            .returning(ExpenseTable.id)
        )
        return len(rows)

    async def unbill(self, invoice_id: int) -> None:
        """Free the expenses of a cancelled invoice (credited) so they are billed again."""
        await ExpenseTable.update({ExpenseTable.invoice: None}).where(
            ExpenseTable.invoice == invoice_id
        )
