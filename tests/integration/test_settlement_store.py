"""The in-memory statements (`tests/fakes.py`) keep the database repository's rules: one script
run on both, the same answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

import pytest

from tests.fakes import InMemorySettlements
from tests.helpers import sign_up
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.errors import Conflict
from timebank.settlements.model import StatementStatus, Totals
from timebank.settlements.repository import SettlementStore

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@asynccontextmanager
async def store_of(kind: str) -> AsyncIterator[SettlementStore]:
    if kind == "in_memory":
        yield InMemorySettlements()
        return
    async with piccolo_unit_of_work() as repos:
        yield repos.settlements


@pytest.mark.parametrize("kind", ["in_memory", "database"])
async def test_the_fake_and_the_database_answer_alike(kind: str) -> None:
    signed = sorted([await sign_up() for _ in range(3)], key=lambda x: x.company_id)
    a, b, c = (x.company_id for x in signed)
    user_a, user_b = signed[0].actor.user_id, signed[1].actor.user_id
    october, november = date(2026, 10, 1), date(2026, 11, 1)
    async with store_of(kind) as store:
        first = await store.save_totals(november, a, b, Totals(60, 0, 4_000, 0), now=NOW)
        older = await store.save_totals(october, a, b, Totals(0, 30, 0, 1_000), now=NOW)
        other = await store.save_totals(november, a, c, Totals(10, 10, 500, 500), now=NOW)
        found = await store.find(november, a, b)
        assert found is not None and found.id == first
        assert (found.status, found.debtor, found.totals.net_cents) == (
            StatementStatus.DRAFT,
            b,
            4_000,
        )
        assert (await store.get(other)).debtor is None  # type: ignore[union-attr]
        assert await store.find(november, b, c) is None
        await store.record_agreement(found, side_a=True, user_id=user_a, now=NOW)
        assert (await store.get(first)).agreed_by_a == user_a  # type: ignore[union-attr]
        # New totals withdraw the agreements given on the older ones.
        assert await store.save_totals(november, a, b, Totals(90, 0, 6_000, 0), now=NOW) == first
        again = await store.get(first)
        assert again is not None and (again.agreed_by_a, again.totals.minutes_a_to_b) == (None, 90)
        await store.record_agreement(again, side_a=False, user_id=user_b, now=NOW)
        await store.dispute(first, user_id=user_b, reason="Heures du 3", now=NOW)
        disputed = await store.get(first)
        assert disputed is not None
        assert (disputed.status, disputed.disputed_by, disputed.dispute_reason) == (
            StatementStatus.DISPUTED,
            user_b,
            "Heures du 3",
        )
        assert (disputed.agreed_by_a, disputed.agreed_by_b) == (None, None)
        await store.freeze(older, transfer_id="t-older", now=NOW)
        frozen = await store.get(older)
        assert frozen is not None
        assert (frozen.status, frozen.settlement_transfer_id) == (StatementStatus.AGREED, "t-older")
        with pytest.raises(Conflict):
            await store.save_totals(october, a, b, Totals(1, 0, 1, 0), now=NOW)
        listed = [(s.month, s.company_b) for s in await store.of_company(a, None)]
        assert listed == [(november, b), (november, c), (october, b)]
        assert [s.id for s in await store.of_company(b, october)] == [older]
        page, total = await store.page_of_company(a, limit=2, offset=1)
        assert total == 3 and [s.id for s in page] == [first, older]
