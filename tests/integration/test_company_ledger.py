"""A company's ledger as its admin reads it: one movement per event (hours and their at-cost
euros together), newest first, with running balances right on every page and period."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

import pytest

from ledger.model import Account, TransferCode, TransferKind, TransferRequest, Unit
from tests.helpers import SignedUp, sign_up
from tests.ledger_helpers import clock
from timebank.book import use_cases as book
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.errors import InvalidInput, NotFound

pytestmark = pytest.mark.anyio


async def _accounts(company: SignedUp) -> dict[Unit, Account]:
    async with uow(write=False) as repos:
        accounts = await repos.book.accounts(company_ids=[company.company_id])
    return {a.unit: a for a in accounts}


def _event(
    host: dict[Unit, Account], lender: dict[Unit, Account], minutes: int, cents: int, ref: str
) -> list[TransferRequest]:
    """What an approved timesheet entry writes: minutes and their cost, one reference."""
    return [
        TransferRequest(
            id=str(uuid.uuid4()),
            kind=TransferKind.SINGLE,
            unit=unit,
            code=TransferCode.EXCHANGE,
            debit_account_id=host[unit].id,
            credit_account_id=lender[unit].id,
            amount=amount,
            external_ref=ref,
            linked=unit is Unit.MINUTES,
        )
        for unit, amount in ((Unit.MINUTES, minutes), (Unit.CENTS, cents))
    ]


async def test_movements_pair_hours_with_euros_and_balances_hold_on_every_page() -> None:
    host, lender = await sign_up(name="Hôte Grand Livre"), await sign_up(name="Prêteur GL")
    host_accounts, lender_accounts = await _accounts(host), await _accounts(lender)
    events = [(60 * (i + 1), 1000 * (i + 1) + 7) for i in range(5)]
    for number, (minutes, cents) in enumerate(events):
        outcomes = await book.submit(
            uow,
            _event(host_accounts, lender_accounts, minutes, cents, f"timesheet:test{number}"),
            clock=clock,
        )
        assert all(o.result.value == "created" for o in outcomes)

    pages = [
        await book.company_ledger(
            uow, lender.actor, lender.company_id, start=None, end=None, page=number, size=2
        )
        for number in (1, 2, 3)
    ]
    assert [p.total for p in pages] == [5, 5, 5]
    movements = [m for p in pages for m in p.items]
    assert [m.minutes_delta for m in movements] == [m for m, _ in reversed(events)]
    assert [m.cents_delta for m in movements] == [c for _, c in reversed(events)]
    assert {m.counterpart_name for m in movements} == {"Hôte Grand Livre"}
    # Newest first: each line's balance is the next (older) line's plus this line's movement.
    assert movements[0].minutes_balance_after == sum(m for m, _ in events)
    assert movements[0].cents_balance_after == sum(c for _, c in events)
    for newer, older in itertools.pairwise(movements):
        assert newer.minutes_balance_after == older.minutes_balance_after + newer.minutes_delta
        assert newer.cents_balance_after == older.cents_balance_after + newer.cents_delta
    assert movements[-1].minutes_balance_after == events[0][0]

    host_first = await book.company_ledger(
        uow, host.actor, host.company_id, start=None, end=None, page=1, size=10
    )
    assert host_first.items[0].minutes_delta == -events[-1][0]
    assert host_first.items[0].minutes_balance_after == -sum(m for m, _ in events)

    beyond = await book.company_ledger(
        uow, lender.actor, lender.company_id, start=None, end=None, page=9999, size=2
    )
    assert (beyond.offset, [m.minutes_delta for m in beyond.items]) == (4, [events[0][0]])


async def test_period_filter_keeps_the_true_balances_and_refuses_a_reversed_period() -> None:
    host, lender = await sign_up(), await sign_up()
    host_accounts, lender_accounts = await _accounts(host), await _accounts(lender)
    for number in range(3):
        event = _event(host_accounts, lender_accounts, 30, 500, f"timesheet:p{number}")
        await book.submit(uow, event, clock=clock)
    today = clock().date()
    kept = await book.company_ledger(
        uow, lender.actor, lender.company_id, start=today, end=today, page=1, size=1
    )
    assert (kept.total, kept.items[0].minutes_balance_after) == (3, 90)
    yesterday = today - timedelta(days=1)
    empty = await book.company_ledger(
        uow, lender.actor, lender.company_id, start=yesterday, end=yesterday, page=1, size=10
    )
    assert (empty.total, empty.items) == (0, ())
    with pytest.raises(InvalidInput) as refused:
        await book.company_ledger(
            uow, lender.actor, lender.company_id, start=today, end=yesterday, page=1, size=10
        )
    assert refused.value.field == "end"


async def test_another_company_admin_cannot_read_the_ledger() -> None:
    owner, stranger = await sign_up(), await sign_up()
    with pytest.raises(NotFound):
        await book.company_ledger(
            uow, stranger.actor, owner.company_id, start=None, end=None, page=1, size=10
        )
