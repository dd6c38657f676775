"""One database transaction with the repositories bound to it.

Piccolo commits on a clean exit and rolls back on any exception. On SQLite the transaction is
`BEGIN IMMEDIATE`, so writers queue (in turn within a process, then on the database lock)
instead of failing half-way. The engines lend each unit of work a pooled connection
(timebank/db/engine.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from timebank.accounting.repository import AccountingRepository
from timebank.book.repository import BookRepository
from timebank.companies.repository import CompanyRepository
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
from timebank.settlements.repository import SettlementRepository
from timebank.skills.repository import SkillRepository
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
    settlements: SettlementRepository
    proposals: ProposalRepository
    rotations: RotationRepository
    documents: DocumentRepository
    accounting: AccountingRepository
    trainings: TrainingRepository
    jobs: JobRepository
    indicators: IndicatorRepository
    expenses: ExpenseRepository
    invoices: InvoiceRepository


@runtime_checkable
class UnitOfWork(Protocol):
    """Opens a transaction and yields the repositories; `write=False` takes no write lock."""

    def __call__(self, *, write: bool = True) -> AbstractAsyncContextManager[Repositories]: ...


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
)


def engine() -> Any:
    """The engine every table is bound to (one database per process)."""
    return CompanyTable._meta.db


@asynccontextmanager
async def piccolo_unit_of_work(*, write: bool = True) -> AsyncIterator[Repositories]:
    """Run the block in one transaction: commit on success, roll back on any exception."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        kind = TransactionType.immediate if write else TransactionType.deferred
        async with db.transaction(transaction_type=kind):
            yield _REPOSITORIES
    else:
        async with db.transaction():
            yield _REPOSITORIES
