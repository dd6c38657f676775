"""Loads and stores settlement statements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from timebank.db.sql import Arguments, Row, Sql, fetch, fetch_page, row_locks
from timebank.db.tables import SettlementStatementTable, TimesheetEntryTable
from timebank.settlements import refusals
from timebank.settlements.model import (
    STATEMENT_LINES_MAX,
    Statement,
    StatementLine,
    StatementStatus,
    Totals,
)

# One statement by id is read on every step of its life: fixed SQL (locked on PostgreSQL
# before a change; SQLite's write transaction already holds the lock).
STATEMENT_COLUMNS = (
    "s.id, s.month, s.company_a, s.company_b, s.minutes_a_to_b, s.minutes_b_to_a, "
    "s.cents_a_to_b, s.cents_b_to_a, s.status, s.debtor, s.agreed_by_a, s.agreed_by_b, "
    "s.disputed_by, s.dispute_reason, s.settlement_transfer_id, s.created_at"
)
_GET = f"SELECT {STATEMENT_COLUMNS} FROM settlement_statement s WHERE s.id = {{0}}"
GET_SQL = Sql(_GET)
GET_LOCKED_SQL = Sql(_GET + " FOR UPDATE")
_FIND = (
    f"SELECT {STATEMENT_COLUMNS} FROM settlement_statement s "
    "WHERE s.month = {0} AND s.company_a = {1} AND s.company_b = {2}"
)
FIND_SQL = Sql(_FIND)
FIND_LOCKED_SQL = Sql(_FIND + " FOR UPDATE")
# Preparing statements reads every approved entry not yet in one, then adds them to the
# statements' totals: two preparations at once (the monthly job and the operator, a double
# click) would count the same entries twice. On PostgreSQL they take this transaction-level
# advisory lock in turn (its two-key space is apart from the scheduler's one-key lease);
# SQLite's write transactions already run one at a time.
PREPARATION_LOCK_SQL = Sql("SELECT pg_advisory_xact_lock(1937, 1)")


def _statement(row: Row) -> Statement:
    return Statement(
        id=row["id"],
        month=row["month"],
        company_a=row["company_a"],
        company_b=row["company_b"],
        totals=Totals(
            row["minutes_a_to_b"], row["minutes_b_to_a"], row["cents_a_to_b"], row["cents_b_to_a"]
        ),
        status=StatementStatus(row["status"]),
        debtor=row["debtor"],
        agreed_by_a=row["agreed_by_a"],
        agreed_by_b=row["agreed_by_b"],
        disputed_by=row["disputed_by"],
        dispute_reason=row["dispute_reason"],
        settlement_transfer_id=row["settlement_transfer_id"],
        created_at=row["created_at"],
    )


class SettlementStore(Protocol):
    """What the use cases ask of the statements' storage: `SettlementRepository` on the
    database, an in-memory fake in the unit tests (`tests/fakes.py`)."""

    async def lock_preparation(self) -> None:
        """Wait until no other transaction is preparing statements, then hold that turn until
        this one ends."""
        ...

    async def find(
        self, month: date, company_a: int, company_b: int, *, lock: bool = False
    ) -> Statement | None: ...

    async def get(self, statement_id: int, *, lock: bool = False) -> Statement | None: ...

    async def save_totals(
        self, month: date, company_a: int, company_b: int, totals: Totals, *, now: datetime
    ) -> int:
        """Create the draft, or replace the totals of a draft or disputed one (agreements given
        on older totals withdrawn); refuse an agreed one. Returns its id."""
        ...

    async def record_agreement(
        self, statement: Statement, *, side_a: bool, user_id: int, now: datetime
    ) -> None: ...

    async def freeze(self, statement_id: int, *, transfer_id: str | None, now: datetime) -> None:
        """Agreed by both: frozen, with the settlement's transfer (None: nothing to pay)."""
        ...

    async def dispute(self, statement_id: int, *, user_id: int, reason: str, now: datetime) -> None:
        """Disputed, with its reason; agreements withdrawn."""
        ...

    async def of_company(self, company_id: int, month: date | None) -> list[Statement]: ...

    async def page_of_company(
        self, company_id: int, *, limit: int, offset: int
    ) -> tuple[list[Statement], int]: ...

    async def lines(self, statement_id: int) -> list[StatementLine]: ...


class SettlementRepository:
    async def lock_preparation(self) -> None:
        if row_locks():
            await fetch(PREPARATION_LOCK_SQL)

    async def find(
        self, month: date, company_a: int, company_b: int, *, lock: bool = False
    ) -> Statement | None:
        """The pair's statement of the month (`lock`: its row locked on PostgreSQL, as `get`)."""
        locked = lock and row_locks()
        rows = await fetch(FIND_LOCKED_SQL if locked else FIND_SQL, month, company_a, company_b)
        return _statement(rows[0]) if rows else None

    async def get(self, statement_id: int, *, lock: bool = False) -> Statement | None:
        locked = lock and row_locks()
        rows = await fetch(GET_LOCKED_SQL if locked else GET_SQL, statement_id)
        return _statement(rows[0]) if rows else None

    async def save_totals(
        self, month: date, company_a: int, company_b: int, totals: Totals, *, now: datetime
    ) -> int:
        """Create the draft, or add to an existing draft or disputed one; returns its id."""
        existing = await self.find(month, company_a, company_b)
        values: dict[Any, Any] = {
            SettlementStatementTable.minutes_a_to_b: totals.minutes_a_to_b,
            SettlementStatementTable.minutes_b_to_a: totals.minutes_b_to_a,
            SettlementStatementTable.cents_a_to_b: totals.cents_a_to_b,
            SettlementStatementTable.cents_b_to_a: totals.cents_b_to_a,
            SettlementStatementTable.set_off_cents: totals.set_off_cents,
            SettlementStatementTable.net_cents: totals.net_cents,
            SettlementStatementTable.debtor: totals.debtor(company_a, company_b),
            SettlementStatementTable.updated_at: now,
        }
        if existing is None:
            rows = await SettlementStatementTable.insert(
                SettlementStatementTable(
                    {
                        **values,
                        SettlementStatementTable.month: month,
                        SettlementStatementTable.company_a: company_a,
                        SettlementStatementTable.company_b: company_b,
                        SettlementStatementTable.status: StatementStatus.DRAFT.value,
                        SettlementStatementTable.created_at: now,
                    }
                )
            ).returning(SettlementStatementTable.id)
            statement_id: int = rows[0]["id"]
            return statement_id
        if existing.status is StatementStatus.AGREED:
            raise refusals.STATEMENT_FROZEN_MONTH.error()
        # New approvals reopen the discussion: agreements given on older totals are withdrawn.
        # Never an agreed one, even if it was agreed since `existing` was read.
        reopened = (
            await SettlementStatementTable.update(
                {
                    **values,
                    SettlementStatementTable.status: StatementStatus.DRAFT.value,
                    SettlementStatementTable.agreed_by_a: None,
                    SettlementStatementTable.agreed_at_a: None,
                    SettlementStatementTable.agreed_by_b: None,
                    SettlementStatementTable.agreed_at_b: None,
                }
            )
            .where(
                (SettlementStatementTable.id == existing.id)
                & (SettlementStatementTable.status != StatementStatus.AGREED.value)
            )
            .returning(SettlementStatementTable.id)
        )
        if not reopened:
            raise refusals.STATEMENT_FROZEN_MONTH.error()
        return existing.id

    async def record_agreement(
        self, statement: Statement, *, side_a: bool, user_id: int, now: datetime
    ) -> None:
        if side_a:
            await SettlementStatementTable.update(
                {
                    SettlementStatementTable.agreed_by_a: user_id,
                    SettlementStatementTable.agreed_at_a: now,
                    SettlementStatementTable.updated_at: now,
                }
            ).where(SettlementStatementTable.id == statement.id)
        else:
            await SettlementStatementTable.update(
                {
                    SettlementStatementTable.agreed_by_b: user_id,
                    SettlementStatementTable.agreed_at_b: now,
                    SettlementStatementTable.updated_at: now,
                }
            ).where(SettlementStatementTable.id == statement.id)

    async def freeze(self, statement_id: int, *, transfer_id: str | None, now: datetime) -> None:
        await SettlementStatementTable.update(
            {
                SettlementStatementTable.status: StatementStatus.AGREED.value,
                SettlementStatementTable.settlement_transfer_id: transfer_id,
                SettlementStatementTable.updated_at: now,
            }
        ).where(SettlementStatementTable.id == statement_id)

    async def dispute(self, statement_id: int, *, user_id: int, reason: str, now: datetime) -> None:
        await SettlementStatementTable.update(
            {
                SettlementStatementTable.status: StatementStatus.DISPUTED.value,
                SettlementStatementTable.disputed_by: user_id,
                SettlementStatementTable.dispute_reason: reason,
                SettlementStatementTable.agreed_by_a: None,
                SettlementStatementTable.agreed_at_a: None,
                SettlementStatementTable.agreed_by_b: None,
                SettlementStatementTable.agreed_at_b: None,
                SettlementStatementTable.updated_at: now,
            }
        ).where(SettlementStatementTable.id == statement_id)

    async def of_company(self, company_id: int, month: date | None) -> list[Statement]:
        condition: Any = (SettlementStatementTable.company_a == company_id) | (
            SettlementStatementTable.company_b == company_id
        )
        if month is not None:
            condition &= SettlementStatementTable.month == month
        rows = (
            await SettlementStatementTable.select()
            .where(condition)
            .order_by(SettlementStatementTable.month, ascending=False)
            .order_by(SettlementStatementTable.id)
        )
        return [_statement(row) for row in rows]

    async def page_of_company(
        self, company_id: int, *, limit: int, offset: int
    ) -> tuple[list[Statement], int]:
        """A company's statements, newest month first, and how many there are."""
        arg = Arguments()
        company = arg(company_id)
        rows, total = await fetch_page(
            columns=STATEMENT_COLUMNS,
            table="settlement_statement s",
            key="s.id",
            where=f"(s.company_a = {company} OR s.company_b = {company})",
            order_by="s.month DESC, s.id DESC",
            arguments=arg,
            limit=limit,
            offset=offset,
        )
        return [_statement(row) for row in rows], total

    async def lines(self, statement_id: int) -> list[StatementLine]:
        """The approved timesheet entries the statement counts, by day worked."""
        rows = (
            await TimesheetEntryTable.select(
                TimesheetEntryTable.id,
                TimesheetEntryTable.work_date,
                TimesheetEntryTable.minutes,
                TimesheetEntryTable.cost_cents,
                TimesheetEntryTable.description,
                TimesheetEntryTable.engagement.lender_company.as_alias("lender"),
                TimesheetEntryTable.engagement.host_company.as_alias("host"),
                TimesheetEntryTable.employee.user.full_name.as_alias("employee_name"),  # type: ignore[union-attr]
            )
            .where(TimesheetEntryTable.statement == statement_id)
            .order_by(TimesheetEntryTable.work_date)
            .order_by(TimesheetEntryTable.id)
            .limit(STATEMENT_LINES_MAX)
        )
        return [
            StatementLine(
                entry_id=row["id"],
                work_date=row["work_date"],
                employee_name=row["employee_name"],
                lender_company_id=row["lender"],
                host_company_id=row["host"],
                minutes=row["minutes"],
                cost_cents=row["cost_cents"] or 0,
                description=row["description"],
            )
            for row in rows
        ]
