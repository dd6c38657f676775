"""Read models of the book: balances, history lines, statements, the audit report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from ledger.model import Account, TransferCode, TransferKind, Unit

# A company may receive up to 40 hours more than it gave (its credit line), set by the operator.
CREDIT_LINE_MINUTES_DEFAULT: Final = -40 * 60
RETRIES_MAX: Final = 5
RETRY_DELAY_SECONDS_MAX: Final = 0.05
HISTORY_PAGE_MAX: Final = 500
MOVEMENTS_PAGE_MAX: Final = 100  # Movements of a company's ledger shown on one page.
VERIFY_PAGE_SIZE: Final = 5000
EXPIRE_BATCH_MAX: Final = 500
GROUP_QUEUE_MAX: Final = 10_000  # Submissions waiting for the group writer of a process.


@dataclass(frozen=True, slots=True)
class Balance:
    account: Account
    as_of: datetime | None
    balance: int  # Posted balance (credits − debits) at that moment.
    debits_pending: int
    credits_pending: int


@dataclass(frozen=True, slots=True)
class HistoryLine:
    transfer_id: str
    created_at: datetime
    kind: TransferKind
    code: TransferCode
    counterpart_account_id: int
    posted_delta: int  # Signed: + when credited, − when debited.
    pending_delta: int
    balance_after: int
    external_ref: str | None


@dataclass(frozen=True, slots=True)
class Movement:
    """One movement of a company's ledger: the transfers of one event (e.g. one approved
    timesheet entry moves minutes and their at-cost cents together), from the company's side,
    with both running balances after it."""

    at: datetime
    code: TransferCode
    external_ref: str | None
    counterpart_company_id: int | None  # None: one of the programme's own accounts.
    counterpart_name: str | None
    minutes_delta: int  # Signed: + when credited (given), − when debited (received).
    cents_delta: int
    minutes_balance_after: int
    cents_balance_after: int


@dataclass(frozen=True, slots=True)
class StatementPart:
    unit: Unit
    account_id: int
    opening_balance: int
    debits: int
    credits: int
    closing_balance: int
    lines: tuple[HistoryLine, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    company_id: int
    start: date
    end: date  # Exclusive.
    minutes: StatementPart
    cents: StatementPart


@dataclass(frozen=True, slots=True)
class VerifyReport:
    transfers_checked: int
    accounts_checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken(self) -> str | None:
        return self.problems[0] if self.problems else None
