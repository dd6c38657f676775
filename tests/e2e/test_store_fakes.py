"""The in-memory loans and ledger (`tests/fakes.py`) keep the database repositories' rules: one
script run on each, the same answers. The unit tests of a loan's steps, its hours and their
review (`tests/unit/test_loan_steps.py`, `test_hours_use_cases.py`,
`test_approval_use_cases.py`) stand on them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta

import httpx
import pytest

from ledger.model import AccountKind, TransferKind, Unit
from ledger.state_machine import apply_batch
from tests.exchange_helpers import active_engagement, actor_of, previous_month_day, world
from tests.fakes import InMemoryLedger, InMemoryLoans
from tests.helpers import now
from tests.unit.ledger.test_state_machine import request
from timebank.book.model import CREDIT_LINE_MINUTES_DEFAULT
from timebank.book.repository import LedgerStore
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.engagements.model import (
    CostRate,
    EngagementStatus,
    EntryStatus,
    Paper,
    Step,
    TimesheetEntry,
)
from timebank.engagements.repository import HoursStore, LoanStore
from timebank.errors import Conflict

pytestmark = pytest.mark.anyio
# A cost rate (cents a minute as a fraction) the approvals are recorded at.
RATE = CostRate(4_200_000 * 14_200, 600_000 * 1607)


@asynccontextmanager
async def hours_store(kind: str, engagement_id: int) -> AsyncIterator[LoanStore]:
    async with piccolo_unit_of_work() as repos:
        if kind == "database":
            yield repos.engagements
            return
        loan = await repos.engagements.get(engagement_id)
    assert loan is not None
    yield InMemoryLoans(loan)


async def entry(
    store: HoursStore, engagement_id: int, employee_id: int, day: date, minutes: int
) -> TimesheetEntry:
    return await store.add_entry(
        client_id=str(uuid.uuid4()),
        request_hash="h" * 64,
        engagement_id=engagement_id,
        employee_id=employee_id,
        work_date=day,
        minutes=minutes,
        description="Maquettes",
        now=now(),
    )


@pytest.mark.parametrize("kind", ["in_memory", "database"])
async def test_the_loans_fake_and_the_database_answer_alike(
    client: httpx.AsyncClient, kind: str
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    user = (await actor_of(w.host)).user_id
    async with hours_store(kind, engagement_id) as store:
        loan = await store.get(engagement_id)
        assert (
            loan is not None and (await store.get_many([engagement_id, 0]))[engagement_id] == loan
        )
        employee = loan.employee_id
        monday, tuesday = previous_month_day(5), previous_month_day(6)
        first = await entry(store, engagement_id, employee, monday, 60)
        second = await entry(store, engagement_id, employee, tuesday, 90)
        third = await entry(store, engagement_id, employee, tuesday, 30)
        assert first.status is EntryStatus.SUBMITTED
        assert await store.entry_by_client_id(first.client_id) == first
        assert await store.entry_by_client_id(str(uuid.uuid4())) is None
        assert await store.declared_minutes(employee, monday, tuesday) == 180
        assert await store.declared_minutes(employee, tuesday, tuesday) == 120
        assert await store.engagement_minutes(engagement_id) == 180
        assert await store.change_entry(first.id, work_date=monday, minutes=120, description="X")
        assert await store.withdraw_entry(third.id)
        assert not await store.change_entry(third.id, work_date=monday, minutes=5, description="Y")
        assert await store.engagement_minutes(engagement_id) == 210
        await store.approve_entry(first.id, cost_cents=1_234, rate=RATE, reviewer=user, now=now())
        assert await store.approved_minutes_at(engagement_id, RATE) == 120
        assert await store.approved_minutes_at(engagement_id, CostRate(1, 2)) == 0
        await store.reject_entry(second.id, reason="Pas ce jour-là", reviewer=user, now=now())
        with pytest.raises(Conflict) as twice:
            await store.approve_entry(first.id, cost_cents=1, rate=RATE, reviewer=user, now=now())
        assert twice.value.field == "entry_ids"
        with pytest.raises(Conflict) as rejected_then_approved:
            await store.approve_entry(second.id, cost_cents=1, rate=RATE, reviewer=user, now=now())
        assert rejected_then_approved.value.code == "already_reviewed"
        with pytest.raises(Conflict):
            await store.reject_entry(third.id, reason="Non", reviewer=user, now=now())
        assert not await store.withdraw_entry(first.id)
        found = await store.entries([first.id, second.id, third.id, 0])
        assert sorted(found) == sorted([first.id, second.id, third.id])
        assert [
            (found[i].status, found[i].minutes, found[i].cost_cents, found[i].rejection_reason)
            for i in (first.id, second.id, third.id)
        ] == [
            (EntryStatus.APPROVED, 120, 1_234, None),
            (EntryStatus.REJECTED, 90, None, "Pas ce jour-là"),
            (EntryStatus.WITHDRAWN, 30, None, None),
        ]
        assert await store.engagement_minutes(engagement_id) == 120
        assert await store.awaiting_review(engagement_id) == 0
        assert [e.id for e in await store.committed_of_employee(employee, 0)] == [engagement_id]
        assert await store.committed_of_employee(employee, engagement_id) == []
        recorded = {record.paper for record in loan.papers}
        paper = next(p for p in Paper if p not in recorded)
        await store.add_paper(engagement_id, paper, signed_by=user, now=now())
        papered = await store.get(engagement_id)
        assert papered is not None and paper in {record.paper for record in papered.papers}
        await store.move(
            loan,
            step=Step.COMPLETE.value,
            to_status=EngagementStatus.COMPLETED,
            actor_id=user,
            note="",
            now=now(),
        )
        with pytest.raises(Conflict) as stale:
            await store.move(
                loan,
                step=Step.CANCEL.value,
                to_status=EngagementStatus.CANCELLED,
                actor_id=user,
                note="",
                now=now(),
            )
        assert stale.value.code == "concurrent_change"
        assert await store.committed_of_employee(employee, 0) == []
        await store.set_reservation(
            engagement_id, reservation_id=None, reserved_minutes=0, number=loan.reservation_number
        )
        after = await store.get(engagement_id)
        assert after is not None
        assert (after.status, after.reservation_id, after.reserved_minutes) == (
            EngagementStatus.COMPLETED,
            None,
            0,
        )


@asynccontextmanager
async def ledger_store(kind: str) -> AsyncIterator[LedgerStore]:
    if kind == "in_memory":
        yield InMemoryLedger()
        return
    async with piccolo_unit_of_work() as repos:
        yield repos.book


@pytest.mark.parametrize("kind", ["in_memory", "database"])
async def test_the_ledger_fake_and_the_database_decide_alike(
    client: httpx.AsyncClient, kind: str
) -> None:
    """Accounts made once (the companies' own, as sign-up made them on the database), a batch
    read and written, a reservation posted in part, a refusal remembered: the same outcomes
    and balances from both stores."""
    w = await world(client)
    companies = [w.lender.company_id, w.host.company_id]
    at: datetime = now()
    async with ledger_store(kind) as store:
        accounts = [
            await store.ensure_account(
                kind=AccountKind.COMPANY,
                unit=Unit.MINUTES,
                company_id=company_id,
                balance_min=CREDIT_LINE_MINUTES_DEFAULT,
                balance_max=None,
                now=at,
            )
            for company_id in companies
        ]
        again = await store.ensure_account(
            kind=AccountKind.COMPANY,
            unit=Unit.MINUTES,
            company_id=companies[0],
            balance_min=0,
            balance_max=0,
            now=at,
        )
        assert again == accounts[0]
        lender, host = (a.id for a in accounts)
        hold = request(
            kind=TransferKind.PENDING,
            debit_account_id=host,
            credit_account_id=lender,
            amount=300,
            expires_at=at + timedelta(days=30),
        )
        posted = request(kind=TransferKind.POST_PENDING, pending_id=hold.id, amount=120)
        too_much = request(debit_account_id=host, credit_account_id=lender, amount=10_000)
        replies = []
        for batch in ([hold], [posted, too_much], [too_much]):
            snapshot = await store.load_snapshot(batch)
            decided = apply_batch(snapshot, batch, now=at)
            stored = await store.write(decided, now=at)
            assert set(stored) == {t.id for t in decided.transfers}
            replies.append([(o.id, o.result) for o in decided.outcomes])
        final = await store.load_snapshot(
            [request(kind=TransferKind.POST_PENDING, pending_id=hold.id, amount=1)]
        )
    assert [[result.value for _, result in batch] for batch in replies] == [
        ["created"],
        ["created", "exceeds_debit_limit"],
        ["exceeds_debit_limit"],
    ]
    assert (final.accounts[lender].balance, final.accounts[host].balance) == (120, -120)
    assert (final.accounts[host].debits_pending, final.accounts[host].debits_posted) == (0, 120)
    assert final.resolutions.get(hold.id) == posted.id
