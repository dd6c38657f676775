"""Fixed SQL on the transaction's driver connection reads what Piccolo's selects read."""

from __future__ import annotations

import pytest

from tests.helpers import sign_up
from timebank.db.sql import SPELLED_LIST_VALUES_MAX, Arguments, Sql, fetch, fetch_page
from timebank.db.tables import CompanyTable
from timebank.db.unit_of_work import piccolo_unit_of_work as uow

pytestmark = pytest.mark.anyio

COMPANIES = Sql(
    "SELECT id, siren, has_cse, latitude, created_at FROM company WHERE id {0:in} ORDER BY id"
)


async def test_rows_hold_the_values_piccolo_reads() -> None:
    ids = sorted([(await sign_up()).company_id for _ in range(3)])
    async with uow(write=False):
        rows = await fetch(COMPANIES, ids)
        none = await fetch(COMPANIES, [])
        expected = await (
            CompanyTable.select(
                CompanyTable.id,
                CompanyTable.siren,
                CompanyTable.has_cse,
                CompanyTable.latitude,
                CompanyTable.created_at,
            )
            .where(CompanyTable.id.is_in(ids))
            .order_by(CompanyTable.id)
        )
    assert [dict(row) for row in rows] == expected
    assert [type(value) for value in dict(rows[0]).values()] == [
        type(value) for value in expected[0].values()
    ]
    assert none == []


async def test_a_list_reads_the_same_rows_however_long_it_is() -> None:
    ids = sorted([(await sign_up()).company_id for _ in range(3)])
    # Past the spelled-out length on PostgreSQL (one array then), with ids of no company.
    long = [*ids, *range(-SPELLED_LIST_VALUES_MAX, 0)]
    pair = Sql("SELECT id FROM company WHERE id {0:in} AND id {1:in} ORDER BY id")
    async with uow(write=False):
        assert [row["id"] for row in await fetch(COMPANIES, ids[:1])] == ids[:1]
        assert [row["id"] for row in await fetch(COMPANIES, ids)] == ids
        assert [row["id"] for row in await fetch(COMPANIES, long)] == ids
        assert [row["id"] for row in await fetch(pair, ids, ids[1:])] == ids[1:]
        assert [row["id"] for row in await fetch(pair, long, [])] == []


async def test_a_page_carries_the_total_even_past_the_last_row() -> None:
    ids = sorted([(await sign_up()).company_id for _ in range(3)])

    async def page(limit: int, offset: int) -> tuple[list[int], int]:
        arg = Arguments()
        async with uow(write=False):
            rows, total = await fetch_page(
                columns="c.id",
                table="company c",
                key="c.id",
                where=f"c.id {arg.among(ids)}",
                order_by="c.id DESC",
                arguments=arg,
                limit=limit,
                offset=offset,
            )
        return [row["id"] for row in rows], total

    assert await page(2, 0) == (ids[::-1][:2], 3)
    assert await page(2, 2) == (ids[:1], 3)
    assert await page(2, 3) == ([], 3)
    assert await page(2, 50) == ([], 3)


async def test_plain_sql_runs_only_inside_a_unit_of_work() -> None:
    with pytest.raises(AssertionError):
        await fetch(COMPANIES, [1])
