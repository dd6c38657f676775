"""Transfers, accounts, balances, history and statements of the ledger."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel

from ledger.model import Account, EventOutcome, Transfer
from timebank.book.model import HistoryLine, Statement, StatementPart
from web.schemas.common import In, Int32, Int64


class TransferIn(In):
    id: str
    kind: str = "single"
    unit: str
    code: str = "exchange"
    debit_account_id: Int32 | None = None
    credit_account_id: Int32 | None = None
    amount: Int64 | None = None
    pending_id: str | None = None
    expires_at: AwareDatetime | None = None
    external_ref: str | None = None
    reverses_id: str | None = None
    linked: bool = False


class TransferBatchIn(In):
    transfers: list[TransferIn]


class TransferOut(BaseModel):
    id: str
    kind: str
    unit: str
    code: str
    debit_account_id: int
    credit_account_id: int
    amount: int
    pending_id: str | None
    expires_at: datetime | None
    external_ref: str | None
    reverses_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, transfer: Transfer) -> TransferOut:
        return cls(
            id=transfer.id,
            kind=transfer.kind.value,
            unit=transfer.unit.value,
            code=transfer.code.value,
            debit_account_id=transfer.debit_account_id,
            credit_account_id=transfer.credit_account_id,
            amount=transfer.amount,
            pending_id=transfer.pending_id,
            expires_at=transfer.expires_at,
            external_ref=transfer.external_ref,
            reverses_id=transfer.reverses_id,
            created_at=transfer.created_at,
        )


class TransferResultOut(BaseModel):
    index: int
    id: str
    result: str
    transfer: TransferOut | None

    @classmethod
    def of(cls, outcome: EventOutcome) -> TransferResultOut:
        return cls(
            index=outcome.index,
            id=outcome.id,
            result=outcome.result.value,
            transfer=None if outcome.transfer is None else TransferOut.of(outcome.transfer),
        )


class TransferBatchOut(BaseModel):
    results: list[TransferResultOut]


class AccountOut(BaseModel):
    id: int
    unit: str
    kind: str
    company_id: int | None
    balance: int
    available: int
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    balance_min: int | None
    balance_max: int | None

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            unit=account.unit.value,
            kind=account.kind.value,
            company_id=account.company_id,
            balance=account.balance,
            available=account.available,
            debits_pending=account.debits_pending,
            debits_posted=account.debits_posted,
            credits_pending=account.credits_pending,
            credits_posted=account.credits_posted,
            balance_min=account.balance_min,
            balance_max=account.balance_max,
        )


class BalanceOut(BaseModel):
    account: AccountOut
    as_of: datetime | None
    balance: int
    debits_pending: int
    credits_pending: int


class LimitsIn(In):
    balance_min: Int64 | None
    balance_max: Int64 | None


class HistoryLineOut(BaseModel):
    transfer_id: str
    created_at: datetime
    kind: str
    code: str
    counterpart_account_id: int
    posted_delta: int
    pending_delta: int
    balance_after: int
    external_ref: str | None

    @classmethod
    def of(cls, line: HistoryLine) -> HistoryLineOut:
        return cls(
            transfer_id=line.transfer_id,
            created_at=line.created_at,
            kind=line.kind.value,
            code=line.code.value,
            counterpart_account_id=line.counterpart_account_id,
            posted_delta=line.posted_delta,
            pending_delta=line.pending_delta,
            balance_after=line.balance_after,
            external_ref=line.external_ref,
        )


class StatementPartOut(BaseModel):
    unit: str
    account_id: int
    opening_balance: int
    debits: int
    credits: int
    closing_balance: int
    lines: list[HistoryLineOut]

    @classmethod
    def of(cls, part: StatementPart) -> StatementPartOut:
        return cls(
            unit=part.unit.value,
            account_id=part.account_id,
            opening_balance=part.opening_balance,
            debits=part.debits,
            credits=part.credits,
            closing_balance=part.closing_balance,
            lines=[HistoryLineOut.of(line) for line in part.lines],
        )


class StatementOut(BaseModel):
    company_id: int
    start: date
    end: date
    minutes: StatementPartOut
    cents: StatementPartOut

    @classmethod
    def of(cls, statement: Statement) -> StatementOut:
        return cls(
            company_id=statement.company_id,
            start=statement.start,
            end=statement.end,
            minutes=StatementPartOut.of(statement.minutes),
            cents=StatementPartOut.of(statement.cents),
        )
