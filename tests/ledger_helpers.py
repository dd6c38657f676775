"""Builders for ledger tests: fresh companies with accounts, transfer requests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from ledger.model import Account, TransferCode, TransferKind, TransferRequest, Unit
from tests.helpers import sign_up
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.people.model import Actor

# The operator, who may read every account.
OPERATOR = Actor(user_id=0, email="op@test.example", full_name="Op", is_operator=True)


def clock() -> datetime:
    return datetime.now(UTC)


async def company_minutes_account() -> Account:
    """A new company's minutes account (credit line: the default 40 hours)."""
    signed = await sign_up()
    async with piccolo_unit_of_work(write=False) as repos:
        accounts = await repos.book.accounts(company_ids=[signed.company_id])
    return next(a for a in accounts if a.unit is Unit.MINUTES)


def move(debit: Account, credit: Account, amount: int, **values: object) -> TransferRequest:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "kind": TransferKind.SINGLE,
        "unit": debit.unit,
        "code": TransferCode.EXCHANGE,
        "debit_account_id": debit.id,
        "credit_account_id": credit.id,
        "amount": amount,
    }
    fields.update(values)
    return TransferRequest(**fields)  # type: ignore[arg-type]
