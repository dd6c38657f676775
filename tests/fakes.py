"""In-memory stand-ins for the repositories, so that use cases run in unit tests without a
database. `InMemorySettlements` keeps the `SettlementStore` protocol, `InMemoryLoans` the
`LoanStore` protocol (the loans, their steps and their entries) and `InMemoryLedger` the
`LedgerStore` protocol (accounts and transfers, decided by the ledger's own state machine);
one script run on each and on the database's repository holds them to its answers
(`tests/e2e/test_store_fakes.py`, `tests/integration/test_settlement_store.py`). The other
fakes hold only what the use cases under test call; a repository nobody set refuses to be used."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

from ledger.model import Account, AccountKind, Transfer, TransferRequest, Unit
from ledger.state_machine import BatchResult, Snapshot
from timebank.companies.model import Company, HeadcountBand
from timebank.db.unit_of_work import Repositories
from timebank.engagements import refusals as engagement_refusals
from timebank.engagements.model import (
    COMMITTED_STATUSES,
    CostRate,
    Engagement,
    EngagementStatus,
    EntryStatus,
    Paper,
    PaperRecord,
    Step,
    TimesheetEntry,
)
from timebank.settlements import refusals
from timebank.settlements.model import Statement, StatementLine, StatementStatus, Totals


class InMemorySettlements:
    """The statements in a dictionary, with the database repository's rules."""

    def __init__(self) -> None:
        self.rows: dict[int, Statement] = {}

    async def lock_preparation(self) -> None:
        return None  # One task at a time here.

    async def find(
        self, month: date, company_a: int, company_b: int, *, lock: bool = False
    ) -> Statement | None:
        del lock  # Same.
        return next(
            (
                s
                for s in self.rows.values()
                if (s.month, s.company_a, s.company_b) == (month, company_a, company_b)
            ),
            None,
        )

    async def get(self, statement_id: int, *, lock: bool = False) -> Statement | None:
        del lock  # One task at a time here.
        return self.rows.get(statement_id)

    async def save_totals(
        self, month: date, company_a: int, company_b: int, totals: Totals, *, now: datetime
    ) -> int:
        existing = await self.find(month, company_a, company_b)
        debtor = totals.debtor(company_a, company_b)
        if existing is None:
            statement_id = len(self.rows) + 1
            self.rows[statement_id] = Statement(
                id=statement_id,
                month=month,
                company_a=company_a,
                company_b=company_b,
                totals=totals,
                status=StatementStatus.DRAFT,
                debtor=debtor,
                agreed_by_a=None,
                agreed_by_b=None,
                disputed_by=None,
                dispute_reason=None,
                settlement_transfer_id=None,
                created_at=now,
            )
            return statement_id
        if existing.status is StatementStatus.AGREED:
            raise refusals.STATEMENT_FROZEN_MONTH.error()
        self.rows[existing.id] = dataclasses.replace(
            existing,
            totals=totals,
            debtor=debtor,
            status=StatementStatus.DRAFT,
            agreed_by_a=None,
            agreed_by_b=None,
        )
        return existing.id

    async def record_agreement(
        self, statement: Statement, *, side_a: bool, user_id: int, now: datetime
    ) -> None:
        del now
        current = self.rows[statement.id]
        self.rows[statement.id] = (
            dataclasses.replace(current, agreed_by_a=user_id)
            if side_a
            else dataclasses.replace(current, agreed_by_b=user_id)
        )

    async def freeze(self, statement_id: int, *, transfer_id: str | None, now: datetime) -> None:
        del now
        self.rows[statement_id] = dataclasses.replace(
            self.rows[statement_id],
            status=StatementStatus.AGREED,
            settlement_transfer_id=transfer_id,
        )

    async def dispute(self, statement_id: int, *, user_id: int, reason: str, now: datetime) -> None:
        del now
        self.rows[statement_id] = dataclasses.replace(
            self.rows[statement_id],
            status=StatementStatus.DISPUTED,
            disputed_by=user_id,
            dispute_reason=reason,
            agreed_by_a=None,
            agreed_by_b=None,
        )

    async def of_company(self, company_id: int, month: date | None) -> list[Statement]:
        found = [
            s
            for s in self.rows.values()
            if company_id in (s.company_a, s.company_b) and month in (None, s.month)
        ]
        found.sort(key=lambda s: s.id)
        found.sort(key=lambda s: s.month, reverse=True)
        return found

    async def page_of_company(
        self, company_id: int, *, limit: int, offset: int
    ) -> tuple[list[Statement], int]:
        found = [s for s in self.rows.values() if company_id in (s.company_a, s.company_b)]
        found.sort(key=lambda s: (s.month, s.id), reverse=True)
        return found[offset : offset + limit], len(found)

    async def lines(self, statement_id: int) -> list[StatementLine]:
        del statement_id
        return []  # The entries live with the loans: see FakeEngagements.attached.


class FakeEngagements:
    """The approved hours not yet in a statement, and which statement each entry joined."""

    def __init__(self, approved: list[dict[str, Any]]) -> None:
        self.approved = approved
        self.attached: dict[int, int] = {}

    async def approved_unsettled(self, before: date) -> list[dict[str, Any]]:
        return [
            row
            for row in self.approved
            if row["id"] not in self.attached and row["work_date"] < before
        ]

    async def attach_to_statement(self, entry_ids: list[int], statement_id: int) -> int:
        free = [entry_id for entry_id in entry_ids if entry_id not in self.attached]
        for entry_id in free:
            self.attached[entry_id] = statement_id
        return len(free)


class FakeCompanies:
    def __init__(self, names: dict[int, str]) -> None:
        self.names = names

    async def get_many(self, company_ids: list[int]) -> dict[int, Company]:
        return {company_id: self.company(company_id) for company_id in company_ids}

    def company(self, company_id: int) -> Company:
        return Company(
            id=company_id,
            siren=f"{company_id:09d}",
            name=self.names[company_id],
            address="1 rue de la Paix",
            postal_code="75002",
            city="Paris",
            departement="75",
            region="Île-de-France",
            headcount_band=next(iter(HeadcountBand)),
            naf_code=None,
            has_cse=False,
            latitude=48.87,
            longitude=2.33,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )


class FakeNotifications:
    """Each company's admins, and the notifications queued for them."""

    def __init__(self, admins: dict[int, list[int]]) -> None:
        self.admins = admins
        self.queued: list[tuple[int, str, str, str, str]] = []

    async def admins_of(self, company_id: int) -> list[int]:
        return self.admins.get(company_id, [])

    async def add(self, rows: list[tuple[int, str, str, str, str]], *, now: datetime) -> None:
        del now
        self.queued.extend(rows)


class Unset:
    """A repository the test did not set: any use of it fails the test, naming it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str) -> Any:
        raise AssertionError(f"the use case reached repos.{self.name}.{attribute}: set a fake")


def repositories(**fakes: Any) -> Repositories:
    """Repositories with these fakes, every other one Unset."""
    names = [field.name for field in dataclasses.fields(Repositories)]
    unknown = set(fakes) - set(names)
    assert not unknown, unknown
    return Repositories(**{name: fakes.get(name, Unset(name)) for name in names})


class InMemoryUnitOfWork:
    """`UnitOfWork` over fixed repositories: each unit yields them; a unit left by an error
    puts every fake back as it was when the outermost unit began (the database's rollback)."""

    def __init__(self, repos: Repositories) -> None:
        self.repos = repos
        self.units = 0
        self._open = 0

    def _fakes(self) -> list[Any]:
        values = (getattr(self.repos, f.name) for f in dataclasses.fields(Repositories))
        return [value for value in values if not isinstance(value, Unset)]

    @asynccontextmanager
    async def __call__(
        self, *, write: bool = True, snapshot: bool = False
    ) -> AsyncIterator[Repositories]:
        del write, snapshot
        self.units += 1
        saved = None if self._open else [copy.deepcopy(vars(f)) for f in self._fakes()]
        self._open += 1
        try:
            yield self.repos
        except BaseException:
            if saved is not None:
                for fake, state in zip(self._fakes(), saved, strict=True):
                    vars(fake).clear()
                    vars(fake).update(state)
            raise
        finally:
            self._open -= 1


class InMemoryLoans:
    """The loans (`repos.engagements`) as their steps and hours use them: loans by id, their
    steps and papers, their timesheet entries, with the database repository's rules (a step
    moves only from the status it was read in; a paper is recorded once; submitted and
    approved entries count; a reviewed or withdrawn entry is never changed)."""

    def __init__(self, *loans: Engagement) -> None:
        self.loans = {loan.id: loan for loan in loans}
        self.entries_by_id: dict[int, TimesheetEntry] = {}
        self.rates: dict[int, CostRate] = {}  # The rate each approved entry was valued at.
        self.events: list[tuple[int, str, EngagementStatus, EngagementStatus, int]] = []

    async def move(
        self,
        engagement: Engagement,
        *,
        step: str,
        to_status: EngagementStatus,
        actor_id: int,
        note: str,
        now: datetime,
    ) -> None:
        del note
        current = self.loans.get(engagement.id)
        if current is None or current.status is not engagement.status:
            raise engagement_refusals.CONCURRENT_CHANGE.error()
        activated = current.activated_on  # The day of the first activation, in UTC.
        if step == Step.ACTIVATE.value and activated is None:
            activated = now.astimezone(UTC).date()
        self.loans[engagement.id] = dataclasses.replace(
            current, status=to_status, activated_on=activated
        )
        self.events.append((engagement.id, step, engagement.status, to_status, actor_id))

    async def add_paper(
        self,
        engagement_id: int,
        paper: Paper,
        *,
        signed_by: int,
        now: datetime,
        document_id: str | None = None,
        document_hash: str | None = None,
        effective_on: date | None = None,
    ) -> None:
        loan = self.loans[engagement_id]
        if any(record.paper is paper for record in loan.papers):
            raise engagement_refusals.ALREADY_RECORDED.error()
        record = PaperRecord(paper, signed_by, now, document_id, document_hash, effective_on)
        self.loans[engagement_id] = dataclasses.replace(loan, papers=(*loan.papers, record))

    async def committed_of_employee(self, employee_id: int, exclude_id: int) -> list[Engagement]:
        return [
            loan
            for _, loan in sorted(self.loans.items())
            if loan.employee_id == employee_id
            and loan.id != exclude_id
            and loan.status in COMMITTED_STATUSES
        ]

    async def awaiting_review(self, engagement_id: int) -> int:
        return sum(
            1
            for e in self.entries_by_id.values()
            if e.engagement_id == engagement_id and e.status is EntryStatus.SUBMITTED
        )

    async def get(self, engagement_id: int, *, lock: bool = False) -> Engagement | None:
        del lock
        return self.loans.get(engagement_id)

    async def get_many(self, ids: list[int], *, lock: bool = False) -> dict[int, Engagement]:
        del lock
        return {i: self.loans[i] for i in sorted(set(ids)) if i in self.loans}

    async def set_reservation(
        self, engagement_id: int, *, reservation_id: str | None, reserved_minutes: int, number: int
    ) -> None:
        self.loans[engagement_id] = dataclasses.replace(
            self.loans[engagement_id],
            reservation_id=reservation_id,
            reserved_minutes=reserved_minutes,
            reservation_number=number,
        )

    async def entry_by_client_id(self, client_id: str) -> TimesheetEntry | None:
        return next((e for e in self.entries_by_id.values() if e.client_id == client_id), None)

    def _counted(self) -> list[TimesheetEntry]:
        return [
            e
            for e in self.entries_by_id.values()
            if e.status in (EntryStatus.SUBMITTED, EntryStatus.APPROVED)
        ]

    async def declared_minutes(self, employee_id: int, start: date, end: date) -> int:
        return sum(
            e.minutes
            for e in self._counted()
            if e.employee_id == employee_id and start <= e.work_date <= end
        )

    async def engagement_minutes(self, engagement_id: int) -> int:
        return sum(e.minutes for e in self._counted() if e.engagement_id == engagement_id)

    async def add_entry(
        self,
        *,
        client_id: str,
        request_hash: str,
        engagement_id: int,
        employee_id: int,
        work_date: date,
        minutes: int,
        description: str,
        now: datetime,
    ) -> TimesheetEntry:
        entry = TimesheetEntry(
            id=len(self.entries_by_id) + 1,
            client_id=client_id,
            request_hash=request_hash,
            engagement_id=engagement_id,
            employee_id=employee_id,
            work_date=work_date,
            minutes=minutes,
            description=description,
            status=EntryStatus.SUBMITTED,
            cost_cents=None,
            reviewed_by=None,
            reviewed_at=None,
            rejection_reason=None,
            statement_id=None,
            created_at=now,
        )
        self.entries_by_id[entry.id] = entry
        return entry

    async def lock_employee_hours(self, employee_id: int) -> None:
        del employee_id  # One task at a time here.

    async def entries(self, entry_ids: list[int]) -> dict[int, TimesheetEntry]:
        return {i: self.entries_by_id[i] for i in entry_ids if i in self.entries_by_id}

    async def change_entry(
        self, entry_id: int, *, work_date: date, minutes: int, description: str
    ) -> bool:
        entry = self.entries_by_id.get(entry_id)
        if entry is None or entry.status is not EntryStatus.SUBMITTED:
            return False
        self.entries_by_id[entry_id] = dataclasses.replace(
            entry, work_date=work_date, minutes=minutes, description=description
        )
        return True

    async def withdraw_entry(self, entry_id: int) -> bool:
        entry = self.entries_by_id.get(entry_id)
        if entry is None or entry.status is not EntryStatus.SUBMITTED:
            return False
        self.entries_by_id[entry_id] = dataclasses.replace(entry, status=EntryStatus.WITHDRAWN)
        return True

    def _review(self, entry_id: int, field: str | None, **changes: Any) -> None:
        entry = self.entries_by_id.get(entry_id)
        if entry is None or entry.status is not EntryStatus.SUBMITTED:
            refusal = engagement_refusals.ENTRY_ALREADY_REVIEWED
            raise refusal.error() if field is None else refusal.error(field=field)
        self.entries_by_id[entry_id] = dataclasses.replace(entry, **changes)

    async def approve_entry(
        self, entry_id: int, *, cost_cents: int, rate: CostRate, reviewer: int, now: datetime
    ) -> None:
        self._review(
            entry_id,
            "entry_ids",
            status=EntryStatus.APPROVED,
            cost_cents=cost_cents,
            reviewed_by=reviewer,
            reviewed_at=now,
        )
        self.rates[entry_id] = rate

    async def approved_minutes_at(self, engagement_id: int, rate: CostRate) -> int:
        return sum(
            entry.minutes
            for entry in self.entries_by_id.values()
            if entry.engagement_id == engagement_id
            and entry.status is EntryStatus.APPROVED
            and self.rates.get(entry.id) == rate
        )

    async def reject_entry(
        self, entry_id: int, *, reason: str, reviewer: int, now: datetime
    ) -> None:
        self._review(
            entry_id,
            None,
            status=EntryStatus.REJECTED,
            rejection_reason=reason,
            reviewed_by=reviewer,
            reviewed_at=now,
        )


class InMemoryLedger:
    """Accounts and transfers in dictionaries; the batches are decided by the ledger's state
    machine, as on the database (`timebank.book.use_cases.submit_in`)."""

    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}
        self.transfers: dict[str, Transfer] = {}
        self.snapshot = Snapshot(accounts={})

    async def ensure_account(
        self,
        *,
        kind: AccountKind,
        unit: Unit,
        company_id: int | None,
        balance_min: int | None,
        balance_max: int | None,
        now: datetime,
    ) -> Account:
        del now
        for account in self.accounts.values():
            if (account.kind, account.unit, account.company_id) == (kind, unit, company_id):
                return account
        account = Account(len(self.accounts) + 1, unit, kind, company_id, balance_min, balance_max)
        self.accounts[account.id] = account
        return account

    async def load_snapshot(self, requests: list[TransferRequest]) -> Snapshot:
        """Everything the ledger holds: the state machine reads only what the batch names."""
        del requests
        return Snapshot(
            accounts=dict(self.accounts),
            transfers=dict(self.snapshot.transfers),
            rejections=dict(self.snapshot.rejections),
            resolutions=dict(self.snapshot.resolutions),
            reversals=dict(self.snapshot.reversals),
        )

    async def write(self, result: BatchResult, *, now: datetime) -> dict[str, Transfer]:
        del now
        self.accounts.update(result.accounts)
        for transfer in result.transfers:
            self.transfers[transfer.id] = transfer
            self.snapshot.transfers[transfer.id] = transfer
            if transfer.pending_id is not None:
                self.snapshot.resolutions[transfer.pending_id] = transfer.id
            if transfer.reverses_id is not None:
                self.snapshot.reversals[transfer.reverses_id] = transfer.id
        for rejection in result.rejections:
            self.snapshot.rejections[rejection.id] = rejection
        return {transfer.id: transfer for transfer in result.transfers}

    def balance(self, company_id: int, unit: Unit) -> int:
        return next(
            a.balance
            for a in self.accounts.values()
            if (a.kind, a.unit, a.company_id) == (AccountKind.COMPANY, unit, company_id)
        )


class Named:
    """A record the notifications' words read a name from (an employee, a need)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


class FakeByIdReads:
    """`get(id)` over fixed records (employees, needs)."""

    def __init__(self, records: dict[int, Any]) -> None:
        self.records = records

    async def get(self, record_id: int) -> Any:
        return self.records.get(record_id)
