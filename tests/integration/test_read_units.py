"""Read units of work: they cannot write, see what was committed, and leave their connection
clean; on PostgreSQL they run on one pinned connection without BEGIN and COMMIT."""

from __future__ import annotations

import asyncio
import contextvars
import uuid

import asyncpg
import pytest

from tests.helpers import sign_up
from tests.sql_counter import count_statements
from timebank.db.sql import Row, Sql, fetch
from timebank.db.tables import UserTable
from timebank.db.unit_of_work import WriteInReadUnit, engine
from timebank.db.unit_of_work import piccolo_unit_of_work as uow

pytestmark = pytest.mark.anyio

# A read unit refuses a write itself; a snapshot unit on PostgreSQL is a READ ONLY transaction.
REFUSED = WriteInReadUnit
SNAPSHOT_REFUSED = (WriteInReadUnit, asyncpg.exceptions.ReadOnlySQLTransactionError)
BACKEND = Sql("SELECT pg_backend_pid() AS pid")


class Refused(Exception):
    """A refusal raised by the application inside a unit of work."""


def _postgres() -> bool:
    return bool(engine().engine_type == "postgres")


def _user(name: str) -> UserTable:
    return UserTable(email=f"{name}@read-units.example", full_name=name)


async def _users_named(name: str) -> int:
    async with uow(write=False):
        return int(await UserTable.count().where(UserTable.full_name == name))


async def test_a_write_in_a_read_unit_is_refused_and_leaves_nothing() -> None:
    name = f"read-only-{uuid.uuid4().hex[:8]}"
    with pytest.raises(REFUSED):
        async with uow(write=False):
            await UserTable.insert(_user(name))
    with pytest.raises(REFUSED):
        async with uow(write=False):
            await UserTable.raw(
                "WITH added AS (INSERT INTO app_user (email, full_name) "
                "VALUES ({}, {}) RETURNING id) SELECT id FROM added",
                f"{name}@read-units.example",
                name,
            )
    with pytest.raises(REFUSED):
        async with uow(write=False):
            await UserTable.raw("SELECT 1; DELETE FROM app_user WHERE full_name = {}", name)
    with pytest.raises(REFUSED):  # A write unit opened inside joins the read unit.
        async with uow(write=False), uow():
            await UserTable.insert(_user(name))
    assert await _users_named(name) == 0


async def test_a_read_unit_sees_what_was_committed_and_joins_a_write_unit() -> None:
    name = f"committed-{uuid.uuid4().hex[:8]}"
    async with uow():
        await UserTable.insert(_user(name))
        async with uow(write=False):  # Inside a write unit: part of it, sees its writes.
            assert await UserTable.count().where(UserTable.full_name == name) == 1
    assert await _users_named(name) == 1


async def test_a_read_unit_runs_on_one_connection_without_a_transaction() -> None:
    company_id = (await sign_up()).company_id
    connection = Sql("SELECT pg_backend_pid() AS pid" if _postgres() else "SELECT 1 AS pid")
    with count_statements() as statements:
        async with uow(write=False):
            pids = {row["pid"] for row in await fetch(connection)}
            pids |= {row["pid"] for row in await UserTable.raw(connection.postgres)}
            await UserTable.count()
            rows = await fetch(Sql("SELECT id FROM company WHERE id = {0}"), company_id)
    assert len(pids) == 1  # On PostgreSQL: the same server process, so one connection.
    assert [row["id"] for row in rows] == [company_id]
    assert statements.transactions == 0
    assert len(statements.sql) == len(statements.queries) == 4


async def test_an_exception_in_a_read_unit_gives_the_connection_back_clean() -> None:
    name = f"after-refusal-{uuid.uuid4().hex[:8]}"
    before: list[Row] = []

    async def read_then_refuse() -> None:
        async with uow(write=False):
            before.extend(await fetch(BACKEND) if _postgres() else [])
            raise Refused

    with pytest.raises(Refused):
        await read_then_refuse()
    with pytest.raises(REFUSED):
        async with uow(write=False):
            await UserTable.insert(_user(name))
    # Both pools lend the connection given back last: the write unit takes the same one,
    # which writes again (neither read-only nor left in a transaction).
    async with uow():
        if _postgres():
            assert await fetch(BACKEND) == before
        await UserTable.insert(_user(name))
    assert await _users_named(name) == 1


async def test_a_cancelled_read_unit_gives_its_connection_back() -> None:
    started = asyncio.Event()

    async def slow_read() -> None:
        async with uow(write=False):
            started.set()
            if _postgres():
                await UserTable.raw("SELECT pg_sleep(5)")
            else:
                await asyncio.sleep(5)

    task = asyncio.create_task(slow_read())
    await started.wait()
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    name = f"after-cancel-{uuid.uuid4().hex[:8]}"
    async with uow():
        await UserTable.insert(_user(name))
    assert await _users_named(name) == 1


async def test_a_snapshot_unit_reads_one_snapshot_while_writers_commit() -> None:
    name = f"snapshot-{uuid.uuid4().hex[:8]}"
    async with uow(write=False, snapshot=True):
        first = await UserTable.count()

        async def write() -> None:
            async with uow():
                await UserTable.insert(_user(name))

        # Another task outside this unit (a task copies the context, so the unit, by default).
        await asyncio.create_task(write(), context=contextvars.Context())
        assert await UserTable.count() == first
        with pytest.raises(SNAPSHOT_REFUSED):
            await UserTable.insert(_user(name))
    assert await _users_named(name) == 1


# More rows than a SQLite read may step through on the event loop's thread (it is then run
# again on the connection's own thread); on PostgreSQL, the same read.
LONG_READ_ROWS = 200_000
LONG_READ = Sql(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {0}) "
    "SELECT count(*) AS rows_read FROM n"
)


async def test_a_long_read_in_a_read_unit_returns_every_row() -> None:
    with count_statements() as statements:
        async with uow(write=False):
            rows = await fetch(LONG_READ, LONG_READ_ROWS)
    assert rows[0]["rows_read"] == LONG_READ_ROWS
    # On SQLite it was stopped on the event loop's thread and sent again to the connection's.
    assert len(statements.queries) == (1 if _postgres() else 2), statements.describe()
