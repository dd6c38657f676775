"""The ledger store on the real database: writes, reads, idempotency, immutability, audit."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from ledger.model import TransferKind, TransferResult
from tests.helpers import now, sign_up
from tests.ledger_helpers import OPERATOR, clock, company_minutes_account, move
from timebank.book import use_cases as book
from timebank.db.tables import LedgerAccountTable, LedgerEntryTable, LedgerTransferTable
from timebank.db.unit_of_work import engine
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.errors import InvalidInput, NotFound

pytestmark = pytest.mark.anyio


async def test_transfers_move_balances_and_history_keeps_a_running_balance() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    outcomes = await book.submit(uow, [move(host, lender, 90), move(host, lender, 30)], clock=clock)
    assert [o.result for o in outcomes] == [TransferResult.CREATED, TransferResult.CREATED]
    history = await book.history(uow, OPERATOR, lender.id, limit=10, offset=0)
    assert [line.balance_after for line in history.items] == [90, 120]
    assert [line.counterpart_account_id for line in history.items] == [host.id, host.id]
    host_balance = await book.balance(uow, OPERATOR, host.id, as_of=None)
    assert host_balance.balance == -120
    before = await book.balance(
        uow, OPERATOR, host.id, as_of=outcomes[0].transfer.created_at - timedelta(seconds=1)
    )
    assert before.balance == 0


async def test_same_request_twice_exists_and_a_changed_body_is_refused() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    request = move(host, lender, 60)
    first = await book.submit(uow, [request], clock=clock)
    again = await book.submit(uow, [request], clock=clock)
    assert (first[0].result, again[0].result) == (TransferResult.CREATED, TransferResult.EXISTS)
    assert again[0].transfer == first[0].transfer
    changed = move(host, lender, 61, id=request.id)
    assert (await book.submit(uow, [changed], clock=clock))[0].result == (
        TransferResult.EXISTS_WITH_DIFFERENT_REQUEST
    )
    assert (await book.balance(uow, OPERATOR, lender.id, as_of=None)).balance == 60


async def test_ten_concurrent_retries_post_exactly_once() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    request = move(host, lender, 45)
    results = await asyncio.gather(*[book.submit(uow, [request], clock=clock) for _ in range(10)])
    assert sorted(r[0].result.value for r in results) == ["created"] + ["exists"] * 9
    rows = await LedgerTransferTable.count().where(LedgerTransferTable.id == request.id)
    assert rows == 1
    assert (await book.balance(uow, OPERATOR, lender.id, as_of=None)).balance == 45


async def test_credit_line_refusal_is_remembered_and_writes_no_transfer() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    too_much = move(host, lender, 40 * 60 + 1)
    assert (await book.submit(uow, [too_much], clock=clock))[
        0
    ].result == TransferResult.EXCEEDS_DEBIT_LIMIT
    assert await LedgerTransferTable.count().where(LedgerTransferTable.id == too_much.id) == 0
    await book.submit(uow, [move(lender, host, 600)], clock=clock)
    assert (await book.submit(uow, [too_much], clock=clock))[
        0
    ].result == TransferResult.EXCEEDS_DEBIT_LIMIT


async def test_pending_post_and_expiry_job() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    hold = move(
        host, lender, 600, kind=TransferKind.PENDING, expires_at=now() + timedelta(seconds=1)
    )
    partial_hold = move(
        host, lender, 120, kind=TransferKind.PENDING, expires_at=now() + timedelta(days=30)
    )
    await book.submit(uow, [hold, partial_hold], clock=clock)
    post = move(
        host,
        lender,
        60,
        kind=TransferKind.POST_PENDING,
        pending_id=partial_hold.id,
        debit_account_id=None,
        credit_account_id=None,
    )
    assert (await book.submit(uow, [post], clock=clock))[0].result == TransferResult.CREATED
    later = now() + timedelta(seconds=5)
    assert await book.expire_pending(uow, clock=lambda: later) >= 1
    assert await book.expire_pending(uow, clock=lambda: later) == 0
    account = await book.balance(uow, OPERATOR, host.id, as_of=None)
    assert (account.balance, account.debits_pending) == (-60, 0)


async def test_statement_has_opening_movements_and_closing_in_both_units() -> None:
    signed = await sign_up()
    async with uow(write=False) as repos:
        accounts = {
            a.unit.value: a for a in await repos.book.accounts(company_ids=[signed.company_id])
        }
    other = await company_minutes_account()
    await book.submit(
        uow,
        [move(accounts["minutes"], other, 120), move(other, accounts["minutes"], 30)],
        clock=clock,
    )
    today = now().date()
    statement = await book.company_statement(
        uow, signed.actor, signed.company_id, start=today, end=today + timedelta(days=1), now=now()
    )
    assert (
        statement.minutes.opening_balance,
        statement.minutes.debits,
        statement.minutes.credits,
        statement.minutes.closing_balance,
    ) == (0, 120, 30, -90)
    assert statement.cents.closing_balance == 0
    stranger = await sign_up()
    with pytest.raises(NotFound):
        await book.company_statement(
            uow,
            stranger.actor,
            signed.company_id,
            start=today,
            end=today + timedelta(days=1),
            now=now(),
        )


async def test_company_sees_its_own_accounts_only() -> None:
    first, second = await sign_up(), await sign_up()
    mine = await book.list_accounts(uow, first.actor, company_id=None)
    assert {a.company_id for a in mine} == {first.company_id}
    theirs = await book.list_accounts(uow, first.actor, company_id=second.company_id)
    assert theirs == []
    async with uow(write=False) as repos:
        other_account = (await repos.book.accounts(company_ids=[second.company_id]))[0]
    with pytest.raises(NotFound):
        await book.balance(uow, first.actor, other_account.id, as_of=None)


async def test_stored_transfers_and_entries_cannot_be_changed_or_deleted() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    request = move(host, lender, 15)
    await book.submit(uow, [request], clock=clock)
    for statement in (
        LedgerTransferTable.update({LedgerTransferTable.amount: 16}).where(
            LedgerTransferTable.id == request.id
        ),
        LedgerTransferTable.delete().where(LedgerTransferTable.id == request.id),
        LedgerEntryTable.update({LedgerEntryTable.balance_after: 0}).where(
            LedgerEntryTable.transfer == request.id
        ),
        LedgerAccountTable.delete().where(LedgerAccountTable.id == host.id),
    ):
        with pytest.raises(Exception, match="immutable"):
            await statement


async def test_database_refuses_an_account_beyond_its_limit() -> None:
    host = await company_minutes_account()
    with pytest.raises(Exception, match=r"(?i)limit|check"):
        await LedgerAccountTable.update({LedgerAccountTable.debits_posted: 10_000}).where(
            LedgerAccountTable.id == host.id
        )


async def test_limits_are_set_by_the_operator_and_never_below_use() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    await book.submit(uow, [move(host, lender, 600)], clock=clock)
    with pytest.raises(InvalidInput) as caught:
        await book.set_limits(uow, OPERATOR, host.id, balance_min=-300, balance_max=None)
    assert caught.value.code == "limit_already_breached"
    updated = await book.set_limits(uow, OPERATOR, host.id, balance_min=-6000, balance_max=None)
    assert updated.balance_min == -6000


async def test_verify_passes_then_names_a_tampered_record() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    request = move(host, lender, 33)
    await book.submit(uow, [request], clock=clock)
    report = await book.verify(uow)
    assert report.ok, report.problems
    async with _triggers_off():
        await LedgerTransferTable.raw(
            "UPDATE ledger_transfer SET amount = amount + 1 WHERE id = {}", request.id
        )
    try:
        tampered = await book.verify(uow)
        assert not tampered.ok
        assert request.id in (tampered.first_broken or "")
        assert "does not match its hash" in (tampered.first_broken or "")
    finally:
        async with _triggers_off():
            await LedgerTransferTable.raw(
                "UPDATE ledger_transfer SET amount = amount - 1 WHERE id = {}", request.id
            )
    assert (await book.verify(uow)).ok


class _triggers_off:  # noqa: N801 - used as `async with _triggers_off():`
    """Behind the application's back: the immutability trigger is lifted for one statement."""

    async def __aenter__(self) -> None:
        db = engine()
        if db.engine_type == "sqlite":
            await db.run_ddl("DROP TRIGGER ledger_transfer_immutable_update")
        else:
            await db.run_ddl(
                "ALTER TABLE ledger_transfer DISABLE TRIGGER ledger_transfer_immutable"
            )

    async def __aexit__(self, *exc: object) -> None:
        db = engine()
        if db.engine_type == "sqlite":
            await db.run_ddl(
                "CREATE TRIGGER ledger_transfer_immutable_update BEFORE UPDATE ON ledger_transfer "
                "BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable'); END"
            )
        else:
            await db.run_ddl("ALTER TABLE ledger_transfer ENABLE TRIGGER ledger_transfer_immutable")


async def test_batch_over_a_thousand_events_is_refused() -> None:
    host, lender = await company_minutes_account(), await company_minutes_account()
    with pytest.raises(InvalidInput) as caught:
        await book.submit(uow, [move(host, lender, 1) for _ in range(1001)], clock=clock)
    assert caught.value.code == "batch_too_large"


async def test_unknown_ids_are_not_found() -> None:
    unknown = 10**9
    with pytest.raises(NotFound):
        await book.balance(uow, OPERATOR, unknown, as_of=None)
    with pytest.raises(NotFound):
        await book.history(uow, OPERATOR, unknown, limit=10, offset=0)
    with pytest.raises(NotFound):
        await book.set_limits(uow, OPERATOR, unknown, balance_min=0, balance_max=None)
