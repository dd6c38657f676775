"""One unit of work on the database, with the repositories bound to it.

A write unit (`uow()`) is one transaction: Piccolo commits on a clean exit and rolls back on any
exception. On SQLite the transaction is `BEGIN IMMEDIATE`, so writers queue (in turn within a
process, then on the database lock) instead of failing half-way. The engines lend each unit of
work a pooled connection (timebank/db/engine.py).

A read unit (`uow(write=False)`) may not write: a write is refused before anything changes.

- On PostgreSQL it is no transaction: one pooled connection, pinned for the unit, runs its
  statements in autocommit. Under READ COMMITTED, PostgreSQL's level, each statement reads its
  own snapshot inside a transaction or not, so `BEGIN` and `COMMIT` bought no consistency, only
  two round trips of the four or five of a small read. The connection is set as Piccolo's
  current transaction: Piccolo (`run_querystring`, `run_ddl`) and the plain SQL of
  timebank/db/sql.py read only its `.connection`, and a `db.transaction()` opened inside joins
  it as Piccolo joins any outer transaction. That connection is a guard around asyncpg's: it
  runs only statements that read (one `SELECT` or `WITH … SELECT`, with no data-changing word
  nor row lock) and refuses any other before it is sent; a function that writes, called from a
  SELECT, would pass (the application calls none). The server's own read-only mode would be
  session state (`SET default_transaction_read_only`) that the pool keeps (its reset query is
  off, see engine.py): setting then undoing it would cost the two round trips saved.
- With `snapshot=True` it is one real transaction, `BEGIN ISOLATION LEVEL REPEATABLE READ READ
  ONLY`: every statement reads the same snapshot (an audit that must add up while writers go
  on). Row locks (`FOR UPDATE`) belong in write units.
- On SQLite likewise: the pool's connection runs the statements in autocommit through the same
  guard (`_SQLiteReads`: the engine's pooled transaction with neither BEGIN nor COMMIT), which
  saves two trips to the connection's thread per unit; `PRAGMA query_only`, on then off, cost
  two more instead. A snapshot unit is `BEGIN DEFERRED` (SQLite reads one snapshot per
  transaction).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Protocol, runtime_checkable

from piccolo.engine.sqlite import TransactionType

from timebank.accounting.repository import AccountingRepository
from timebank.book.repository import BookRepository
from timebank.companies.repository import CompanyRepository
from timebank.db.engine import (
    DurableSQLiteEngine,
    PooledConnection,
    PooledPostgresTransaction,
    PooledSQLiteTransaction,
)
from timebank.db.tables import CompanyTable
from timebank.documents.repository import DocumentRepository
from timebank.employees.repository import EmployeeRepository
from timebank.engagements.repository import EngagementRepository
from timebank.expenses.repository import ExpenseRepository
from timebank.groups.repository import GroupRepository
from timebank.indicators.repository import IndicatorRepository
from timebank.invoicing.repository import InvoiceRepository
from timebank.jobs.repository import JobRepository
from timebank.needs.repository import NeedRepository
from timebank.notifications.repository import NotificationRepository
from timebank.people.repository import PeopleRepository
from timebank.proposals.repository import ProposalRepository
from timebank.rotations.repository import RotationRepository
from timebank.settlements.repository import SettlementRepository, SettlementStore
from timebank.skills.repository import SkillRepository
from timebank.todo.repository import TodoRepository
from timebank.trainings.repository import TrainingRepository


@dataclass(frozen=True, slots=True)
class Repositories:
    companies: CompanyRepository
    people: PeopleRepository
    employees: EmployeeRepository
    skills: SkillRepository
    needs: NeedRepository
    groups: GroupRepository
    book: BookRepository
    notifications: NotificationRepository
    engagements: EngagementRepository
    settlements: SettlementStore
    proposals: ProposalRepository
    rotations: RotationRepository
    documents: DocumentRepository
    accounting: AccountingRepository
    trainings: TrainingRepository
    jobs: JobRepository
    indicators: IndicatorRepository
    expenses: ExpenseRepository
    invoices: InvoiceRepository
    todo: TodoRepository


@runtime_checkable
class UnitOfWork(Protocol):
    """Opens a unit of work and yields the repositories; `write=False` takes no write lock and
    refuses writes, `snapshot=True` (with it) reads one snapshot throughout."""

    def __call__(
        self, *, write: bool = True, snapshot: bool = False
    ) -> AbstractAsyncContextManager[Repositories]: ...


_REPOSITORIES = Repositories(
    companies=CompanyRepository(),
    people=PeopleRepository(),
    employees=EmployeeRepository(),
    skills=SkillRepository(),
    needs=NeedRepository(),
    groups=GroupRepository(),
    book=BookRepository(),
    notifications=NotificationRepository(),
    engagements=EngagementRepository(),
    settlements=SettlementRepository(),
    proposals=ProposalRepository(),
    rotations=RotationRepository(),
    documents=DocumentRepository(),
    accounting=AccountingRepository(),
    trainings=TrainingRepository(),
    jobs=JobRepository(),
    indicators=IndicatorRepository(),
    expenses=ExpenseRepository(),
    invoices=InvoiceRepository(),
    todo=TodoRepository(),
)


def engine() -> Any:
    """The engine every table is bound to (one database per process)."""
    return CompanyTable._meta.db


# Distinct statement texts whose check is remembered (Piccolo's texts repeat, values apart).
CHECKED_STATEMENTS_MAX: Final = 1024
_READ_START = re.compile(r"\s*\(*\s*(SELECT|WITH)\b", re.IGNORECASE)
# Words that change data or lock rows (a `WITH` may hold an INSERT; `SELECT … INTO` creates).
_CHANGE_WORD = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|INTO|NEXTVAL|SETVAL|FOR\s+(KEY\s+)?SHARE)\b",
    re.IGNORECASE,
)
# A second statement after the first (asyncpg's `execute` without arguments sends several).
_NEXT_STATEMENT = re.compile(r";\s*\S")


class WriteInReadUnit(Exception):
    """A statement that may change data was sent in a read unit of work (a programming error)."""


@lru_cache(maxsize=CHECKED_STATEMENTS_MAX)
def _only_reads(statement: str) -> bool:
    return (
        _READ_START.match(statement) is not None
        and _CHANGE_WORD.search(statement) is None
        and _NEXT_STATEMENT.search(statement) is None
    )


def _check_reads(statement: str) -> None:
    if not _only_reads(statement):
        raise WriteInReadUnit(
            f"a read unit of work runs only reads, not: {' '.join(statement.split())[:120]}"
        )


class _ReadConnection:
    """An asyncpg connection that sends only statements that read."""

    __slots__ = ("_connection",)

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def fetch(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        _check_reads(statement)
        return await self._connection.fetch(statement, *args, **kwargs)

    async def fetchrow(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        _check_reads(statement)
        return await self._connection.fetchrow(statement, *args, **kwargs)

    async def fetchval(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        _check_reads(statement)
        return await self._connection.fetchval(statement, *args, **kwargs)

    async def execute(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        _check_reads(statement)
        return await self._connection.execute(statement, *args, **kwargs)


@dataclass(frozen=True, slots=True)
class _PostgresReadUnit:
    """Piccolo's current transaction during a PostgreSQL read unit: Piccolo reads only its
    `.connection` (and a nested `db.transaction()` takes it for its parent)."""

    connection: _ReadConnection


class _SnapshotTransaction(PooledPostgresTransaction):
    """Piccolo's transaction begun read only, reading one snapshot (REPEATABLE READ)."""

    async def begin(self) -> None:
        self.transaction = self.connection.transaction(isolation="repeatable_read", readonly=True)
        await self.transaction.start()


@asynccontextmanager
async def _postgres_reads(db: Any) -> AsyncIterator[None]:
    """One pooled connection pinned for the block, in autocommit, refusing writes."""
    raw = await db.pool.acquire() if db.pool else await db.get_new_connection()
    try:
        context = db.current_transaction.set(_PostgresReadUnit(_ReadConnection(raw)))
        try:
            yield
        finally:
            db.current_transaction.reset(context)
    finally:
        # asyncpg's pool rolls back a transaction left open and ends a cancelled statement.
        if db.pool:
            await db.pool.release(raw)
        else:
            await raw.close()


class _SQLiteReadConnection:
    """A pooled SQLite connection that runs only statements that read."""

    __slots__ = ("_connection",)

    def __init__(self, connection: PooledConnection) -> None:
        self._connection = connection

    async def execute_fetchall(self, statement: str, parameters: Any = None) -> Any:
        _check_reads(statement)
        return await self._connection.read(statement, parameters or ())

    def execute(self, statement: str, parameters: Any = None) -> Any:
        _check_reads(statement)
        return self._connection.execute(statement, parameters)


class _SQLiteReads(PooledSQLiteTransaction):
    """The engine's pooled transaction without its BEGIN and COMMIT: the lent connection runs
    the block's statements in autocommit (each its own snapshot), through the read guard."""

    __slots__ = ()

    async def begin(self) -> None:
        self.connection = _SQLiteReadConnection(self.lease.connection)

    async def commit(self) -> None:
        self._committed = True

    async def rollback(self) -> None:
        self._rolled_back = True


class _SQLiteSnapshot(PooledSQLiteTransaction):
    """`BEGIN DEFERRED`: one snapshot from the first read to the end, through the read guard."""

    __slots__ = ()

    async def begin(self) -> None:
        await self.lease.connection.execute("BEGIN DEFERRED")
        self.connection = _SQLiteReadConnection(self.lease.connection)

    async def commit(self) -> None:
        await self.lease.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.lease.connection.execute("ROLLBACK")
        self._rolled_back = True


@asynccontextmanager
async def piccolo_unit_of_work(
    *, write: bool = True, snapshot: bool = False
) -> AsyncIterator[Repositories]:
    """Run the block as one unit of work (see the module's docstring). A write unit commits on
    success and rolls back on any exception. A unit opened inside another joins it."""
    assert not (write and snapshot), "a snapshot is for reads (a write unit locks what it needs)"
    db = engine()
    if db.current_transaction.get() is not None:
        assert not snapshot, "a snapshot unit runs on its own, not inside another unit"
        async with db.transaction():
            yield _REPOSITORIES
    elif isinstance(db, DurableSQLiteEngine):
        if write:
            async with db.transaction(transaction_type=TransactionType.immediate):
                yield _REPOSITORIES
        else:
            reads = _SQLiteSnapshot if snapshot else _SQLiteReads
            async with reads(engine=db, transaction_type=TransactionType.deferred):
                yield _REPOSITORIES
    elif write:
        async with db.transaction():
            yield _REPOSITORIES
    elif snapshot:
        async with _SnapshotTransaction(engine=db):
            yield _REPOSITORIES
    else:
        async with _postgres_reads(db):
            yield _REPOSITORIES
