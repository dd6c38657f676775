"""Transfers, accounts, balances, history and statements of the ledger."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel

from web.schemas.common import In, Int32, Int64, Out


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


class TransferOut(Out):
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


class TransferResultOut(Out):
    index: int
    id: str
    result: str
    transfer: TransferOut | None


class TransferBatchOut(BaseModel):
    results: list[TransferResultOut]


class AccountOut(Out):
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


class BalanceOut(BaseModel):
    account: AccountOut
    as_of: datetime | None
    balance: int
    debits_pending: int
    credits_pending: int


class LimitsIn(In):
    balance_min: Int64 | None
    balance_max: Int64 | None


class HistoryLineOut(Out):
    transfer_id: str
    created_at: datetime
    kind: str
    code: str
    counterpart_account_id: int
    posted_delta: int
    pending_delta: int
    balance_after: int
    external_ref: str | None


class StatementPartOut(Out):
    unit: str
    account_id: int
    opening_balance: int
    debits: int
    credits: int
    closing_balance: int
    lines: list[HistoryLineOut]


class StatementOut(Out):
    company_id: int
    start: date
    end: date
    minutes: StatementPartOut
    cents: StatementPartOut
