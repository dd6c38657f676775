"""The statements' use cases on in-memory repositories (`tests/fakes.py`): no database, so each
rule of the monthly closing is shown on its own. The agreement of both sides (invoices and the
ledger) is covered end to end in tests/e2e/test_exchange_scenario.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.fakes import (
    FakeCompanies,
    FakeEngagements,
    FakeNotifications,
    InMemorySettlements,
    InMemoryUnitOfWork,
    repositories,
)
from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound
from timebank.people.model import Actor, Role
from timebank.settlements import use_cases as settlements
from timebank.settlements.model import StatementStatus, Totals

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
NOVEMBER = date(2026, 11, 1)
# Companies 1 and 2 lend to each other; 3 lends to 1. Admins: 11, 22, 33.
ADMINS = {1: [11], 2: [22], 3: [33]}


def entry(entry_id: int, *, lender: int, host: int, minutes: int, cents: int, day: int) -> dict:
    return {
        "id": entry_id,
        "lender": lender,
        "host": host,
        "minutes": minutes,
        "cost_cents": cents,
        "work_date": date(2026, 11, day),
    }


def admin(user_id: int, company_id: int) -> Actor:
    return Actor(
        user_id=user_id,
        email=f"admin{user_id}@test.example",
        full_name=f"Admin {user_id}",
        memberships=frozenset({(company_id, Role.COMPANY_ADMIN)}),
    )


def world(*approved: dict) -> tuple[InMemoryUnitOfWork, InMemorySettlements, FakeEngagements]:
    store, loans = InMemorySettlements(), FakeEngagements(list(approved))
    repos = repositories(
        settlements=store,
        engagements=loans,
        companies=FakeCompanies({1: "Atelier Un", 2: "Bureau Deux", 3: "Cabinet Trois"}),
        notifications=FakeNotifications(ADMINS),
    )
    return InMemoryUnitOfWork(repos), store, loans


async def test_one_statement_per_pair_with_each_direction_apart() -> None:
    uow, store, loans = world(
        entry(1, lender=1, host=2, minutes=120, cents=9_000, day=3),
        entry(2, lender=2, host=1, minutes=60, cents=5_000, day=4),
        entry(3, lender=1, host=2, minutes=30, cents=2_000, day=5),
        entry(4, lender=3, host=1, minutes=45, cents=3_000, day=6),
        entry(5, lender=1, host=2, minutes=30, cents=2_000, day=2)
        | {"work_date": date(2026, 12, 1)},
    )
    prepared = await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW)
    pair_12, pair_13 = (await store.find(NOVEMBER, 1, 2)), (await store.find(NOVEMBER, 1, 3))
    assert pair_12 is not None and pair_13 is not None
    assert sorted(prepared) == sorted([pair_12.id, pair_13.id])
    # a = 1, b = 2: 1 lent 150 min (11 000 c) to 2, 2 lent 60 min (5 000 c) to 1.
    assert pair_12.totals == Totals(150, 60, 11_000, 5_000)
    assert (pair_12.totals.set_off_cents, pair_12.totals.net_cents, pair_12.debtor) == (
        5_000,
        6_000,
        2,
    )
    assert pair_13.totals == Totals(0, 45, 0, 3_000) and pair_13.debtor == 1
    # December's hours wait for December's statement.
    assert loans.attached == {1: pair_12.id, 2: pair_12.id, 3: pair_12.id, 4: pair_13.id}
    queued = uow.repos.notifications.queued  # type: ignore[attr-defined]
    assert sorted(user for user, *_ in queued) == [11, 11, 22, 33]  # Both sides of each pair.


async def test_preparing_again_adds_only_new_hours_and_withdraws_agreements() -> None:
    uow, store, loans = world(entry(1, lender=1, host=2, minutes=60, cents=4_000, day=3))
    [statement_id] = await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW)
    await settlements.agree(uow, admin(11, 1), statement_id, now=NOW)
    assert (await store.get(statement_id)).agreed_by_a == 11  # type: ignore[union-attr]
    assert await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW) == []
    loans.approved.append(entry(2, lender=1, host=2, minutes=30, cents=2_000, day=20))
    assert await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW) == [statement_id]
    statement = await store.get(statement_id)
    assert statement is not None and statement.totals == Totals(90, 0, 6_000, 0)
    assert statement.agreed_by_a is None  # Agreed on older totals: to agree again.


async def test_a_frozen_statement_leaves_late_hours_for_next_month() -> None:
    uow, store, loans = world(entry(1, lender=1, host=2, minutes=60, cents=4_000, day=3))
    [statement_id] = await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW)
    await store.freeze(statement_id, transfer_id="t-1", now=NOW)
    loans.approved.append(entry(2, lender=1, host=2, minutes=30, cents=2_000, day=20))
    assert await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW) == []
    assert 2 not in loans.attached
    statement = await store.get(statement_id)
    assert statement is not None and statement.totals == Totals(60, 0, 4_000, 0)


async def test_only_the_two_companies_admins_agree_or_dispute() -> None:
    uow, store, _ = world(entry(1, lender=1, host=2, minutes=60, cents=4_000, day=3))
    [statement_id] = await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW)
    outsider = admin(33, 3)
    with pytest.raises(Forbidden):
        await settlements.agree(uow, outsider, statement_id, now=NOW)
    with pytest.raises(Forbidden):
        await settlements.dispute(uow, outsider, statement_id, reason="non", now=NOW)
    with pytest.raises(NotFound):
        await settlements.agree(uow, admin(11, 1), 999, now=NOW)
    statement = await store.get(statement_id)
    assert statement is not None and statement.status is StatementStatus.DRAFT
    assert (statement.agreed_by_a, statement.agreed_by_b, statement.disputed_by) == (None,) * 3


async def test_a_dispute_needs_a_reason_and_withdraws_the_agreements() -> None:
    uow, _, _ = world(entry(1, lender=1, host=2, minutes=60, cents=4_000, day=3))
    [statement_id] = await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW)
    await settlements.agree(uow, admin(11, 1), statement_id, now=NOW)
    with pytest.raises(InvalidInput) as caught:
        await settlements.dispute(uow, admin(22, 2), statement_id, reason="  ", now=NOW)
    assert caught.value.field == "reason"
    disputed = await settlements.dispute(
        uow, admin(22, 2), statement_id, reason="Heures du 3 non réalisées", now=NOW
    )
    assert disputed.status is StatementStatus.DISPUTED
    assert (disputed.disputed_by, disputed.dispute_reason) == (22, "Heures du 3 non réalisées")
    assert disputed.agreed_by_a is None


async def test_an_agreed_statement_is_neither_agreed_nor_disputed_again() -> None:
    uow, store, _ = world(entry(1, lender=1, host=2, minutes=60, cents=4_000, day=3))
    [statement_id] = await settlements.prepare_statements(uow, month=NOVEMBER, now=NOW)
    await store.freeze(statement_id, transfer_id=None, now=NOW)
    with pytest.raises(Conflict) as agreed:
        await settlements.agree(uow, admin(11, 1), statement_id, now=NOW)
    with pytest.raises(Conflict) as disputed:
        await settlements.dispute(uow, admin(22, 2), statement_id, reason="trop tard", now=NOW)
    assert (agreed.value.code, disputed.value.code) == ("statement_frozen", "statement_frozen")


async def test_an_unset_repository_fails_the_test_by_name() -> None:
    uow, _, _ = world()
    with pytest.raises(AssertionError, match=r"repos\.invoices"):
        async with uow() as repos:
            await repos.invoices.of_company(1)
