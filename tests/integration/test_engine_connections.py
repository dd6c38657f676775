"""The engines reuse open connections: nothing may leak from one transaction to the next.

The first tests run on the run's database through the application's engine. The pool's own
tests open a SQLite file of their own with a small pool, so that reuse is certain.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

import asyncpg
import pytest

from tests.helpers import now
from timebank.config import DatabaseKind, DatabaseSettings, get_settings
from timebank.db.engine import (
    POSTGRES_SESSION_SETTINGS,
    DurableSQLiteEngine,
    PostgresPool,
    close_database,
    make_engine,
    open_database,
)
from timebank.db.tables import SkillTable, UserTable
from timebank.db.unit_of_work import engine, piccolo_unit_of_work

pytestmark = pytest.mark.anyio

# More transactions at once than either pool lends connections.
CONCURRENT_TRANSACTIONS: Final = 24
PROBE_POOL_CONNECTIONS_MAX: Final = 2
NO_SUCH_ID: Final = 2_000_000_000


class Refused(Exception):
    """A refusal raised by the application inside a unit of work."""


def _is_sqlite() -> bool:
    return get_settings().database.kind is DatabaseKind.SQLITE


async def _emails_stored(emails: list[str]) -> set[str]:
    rows = await UserTable.select(UserTable.email).where(UserTable.email.is_in(emails))
    return {row["email"] for row in rows}


async def test_concurrent_writers_all_commit() -> None:
    emails = [f"engine.{uuid.uuid4().hex}@test.example" for _ in range(CONCURRENT_TRANSACTIONS)]

    async def write(email: str) -> None:
        async with piccolo_unit_of_work():
            await UserTable.insert(UserTable(email=email, full_name="Écrivain", created_at=now()))
            await asyncio.sleep(0.002)  # Hold the write lock: the others queue behind it.

    await asyncio.gather(*(write(email) for email in emails))
    assert await _emails_stored(emails) == set(emails)


async def _refused_insert(email: str) -> None:
    async with piccolo_unit_of_work():
        await UserTable.insert(UserTable(email=email, full_name="X", created_at=now()))
        raise Refused


async def test_a_failed_transaction_leaves_the_next_one_clean() -> None:
    refused = f"engine.{uuid.uuid4().hex}@test.example"
    kept = f"engine.{uuid.uuid4().hex}@test.example"
    for _ in range(CONCURRENT_TRANSACTIONS):  # Enough to come back to every pooled connection.
        with pytest.raises(Refused):
            await _refused_insert(refused)
    async with piccolo_unit_of_work():
        transaction = engine().current_transaction.get()
        assert transaction is not None
        if _is_sqlite():
            # Only this unit of work's BEGIN is open on the connection (nothing left before it).
            assert transaction.connection.in_transaction
        await UserTable.insert(UserTable(email=kept, full_name="Y", created_at=now()))
    assert await _emails_stored([refused, kept]) == {kept}


async def test_foreign_keys_are_enforced_on_reused_connections() -> None:
    for _ in range(CONCURRENT_TRANSACTIONS):
        with pytest.raises((sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)):
            async with piccolo_unit_of_work():
                await SkillTable.insert(
                    SkillTable(
                        code=f"engine-{uuid.uuid4().hex[:12]}",
                        domain=NO_SUCH_ID,
                        label_fr="x",
                        label_en="x",
                    )
                )
        with pytest.raises((sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)):
            await SkillTable.insert(  # Outside a transaction, on a pooled connection too.
                SkillTable(
                    code=f"engine-{uuid.uuid4().hex[:12]}",
                    domain=NO_SUCH_ID,
                    label_fr="x",
                    label_en="x",
                )
            )


async def test_two_concurrent_transactions_never_share_a_connection() -> None:
    held: set[int] = set()
    shared: list[int] = []

    async def hold() -> None:
        async with piccolo_unit_of_work(write=False):
            transaction = engine().current_transaction.get()
            assert transaction is not None
            key = id(transaction.connection)
            if key in held:
                shared.append(key)
            held.add(key)
            await UserTable.count()
            await asyncio.sleep(0.002)
            held.discard(key)

    await asyncio.gather(*(hold() for _ in range(CONCURRENT_TRANSACTIONS)))
    assert shared == []


async def _refused_select(db: Any) -> None:
    async with db.transaction():
        await db.run_ddl("SELECT 1")
        raise Refused


async def test_a_postgres_pool_opens_and_closes_with_its_bound() -> None:
    settings = get_settings().database
    if settings.kind is not DatabaseKind.POSTGRESQL:
        pytest.skip("the PostgreSQL pool")
    db = make_engine(settings)
    await open_database(db, settings, pool_size_max=PROBE_POOL_CONNECTIONS_MAX)
    try:
        in_use = [0]
        most = [0]

        async def read() -> None:
            async with db.transaction():
                in_use[0] += 1
                most[0] = max(most[0], in_use[0])
                await db.run_ddl("SELECT pg_sleep(0.002)")
                in_use[0] -= 1

        await asyncio.gather(*(read() for _ in range(CONCURRENT_TRANSACTIONS)))
        assert most[0] == PROBE_POOL_CONNECTIONS_MAX
        with pytest.raises(Refused):
            await _refused_select(db)
        for _ in range(PROBE_POOL_CONNECTIONS_MAX):  # Each pooled connection answers again,
            async with db.transaction():  # its planner set for in-memory pages.
                assert (await db.run_ddl("SELECT 1 AS ok"))[0]["ok"] == 1
                cost = await db.run_ddl("SELECT current_setting('random_page_cost') AS cost")
                assert cost[0]["cost"] == POSTGRES_SESSION_SETTINGS["random_page_cost"]
        pool = db.pool
    finally:
        await close_database(db, settings)
    assert db.pool is None
    assert pool.is_closing()


async def _cut_during_a_transaction(db: Any) -> None:
    async with db.transaction():
        rows = await db.run_ddl("SELECT pg_backend_pid() AS pid")
        async with db.pool.acquire() as other:
            await other.execute("SELECT pg_terminate_backend($1)", rows[0]["pid"])
        await asyncio.sleep(0.05)
        await db.run_ddl("SELECT 1")


async def test_a_postgres_pool_keeps_only_clean_connections() -> None:
    """A connection goes back to the pool only when open, outside a transaction and with no
    cancelled statement still being stopped; the server cutting an idle one costs no request."""
    settings = get_settings().database
    if settings.kind is not DatabaseKind.POSTGRESQL:
        pytest.skip("the PostgreSQL pool")
    db = make_engine(settings)
    await open_database(db, settings, pool_size_max=PROBE_POOL_CONNECTIONS_MAX)
    pool = db.pool
    try:
        # The asyncpg this pool runs on still answers what `_clean` asks of it.
        connection = await pool.acquire()
        assert connection._protocol._is_cancelling() is False
        await pool.release(connection)
        assert pool.idle == [connection]

        # Left in a transaction (no rollback sent): cut, never lent again.
        connection = await pool.acquire()
        await connection.execute("BEGIN")
        await pool.release(connection)
        assert connection.is_closed()
        assert connection not in pool.idle

        # A statement cancelled half-way (a client gone): cut.
        entered = asyncio.Event()

        async def stuck() -> None:
            async with pool.acquire() as held:
                entered.set()
                await held.fetch("SELECT pg_sleep(60)")

        task = asyncio.create_task(stuck())
        await entered.wait()
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert all(not c.is_closed() for c in pool.idle)
        assert pool.open_count == len(pool.idle)

        # Cut by the server while idle: the next unit of work gets a new connection.
        async with pool.acquire() as connection, pool.acquire() as other:
            backend = await connection.fetchval("SELECT pg_backend_pid()")
            await other.execute("SELECT pg_terminate_backend($1)", backend)
        await asyncio.sleep(0.1)
        for _ in range(PROBE_POOL_CONNECTIONS_MAX + 1):
            async with db.transaction():
                assert (await db.run_ddl("SELECT 1 AS ok"))[0]["ok"] == 1
        assert pool.open_count <= PROBE_POOL_CONNECTIONS_MAX

        # Cut by the server during a transaction: its ROLLBACK fails too, and the connection
        # still goes back (cut), its slot free again; more of them than the pool has slots.
        async with asyncio.timeout(30):
            for _ in range(PROBE_POOL_CONNECTIONS_MAX + 1):
                with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError)):
                    await _cut_during_a_transaction(db)
            async with db.transaction():
                assert (await db.run_ddl("SELECT 1 AS ok"))[0]["ok"] == 1
        assert pool.lent == set()
        assert pool.open_count == len(pool.idle) <= PROBE_POOL_CONNECTIONS_MAX

        # A connection given back twice, or one it never lent, is refused.
        with pytest.raises(asyncpg.InterfaceError):
            await pool.release(connection)

        # Closed while a connection is lent: that one is cut when given back.
        lent = await pool.acquire()
    finally:
        await close_database(db, settings)
    assert pool.idle == []
    await pool.release(lent)
    assert lent.is_closed()
    assert pool.open_count == 0


async def test_a_postgres_pool_closes_connections_idle_too_long() -> None:
    """As asyncpg's pool did: a long-idle socket may lead nowhere after a failover, so one
    nobody took for `idle_seconds_max` is closed, whether it waits below others or on top."""
    settings = get_settings().database
    if settings.kind is not DatabaseKind.POSTGRESQL:
        pytest.skip("the PostgreSQL pool")
    pool = PostgresPool(dict(make_engine(settings).config), 2, idle_seconds_max=0.2)
    await pool.start()
    try:
        first, second = await pool.acquire(), await pool.acquire()
        await pool.release(first)
        await asyncio.sleep(0.3)
        await pool.release(second)  # `first`, below it, waited too long: closed.
        assert first.is_closed()
        assert (pool.idle, pool.open_count) == ([second], 1)
        await asyncio.sleep(0.3)
        again = await pool.acquire()  # `second` too: a new connection instead.
        assert again is not second and second.is_closed() and not again.is_closed()
        assert pool.open_count == 1
        await pool.release(again)
    finally:
        await pool.close()


# The SQLite pool on a file of its own.


@pytest.fixture
async def probe(tmp_path: Path) -> AsyncIterator[tuple[DurableSQLiteEngine, DatabaseSettings]]:
    settings = DatabaseSettings(
        kind=DatabaseKind.SQLITE, url="sqlite:///probe", sqlite_path=tmp_path / "probe.sqlite3"
    )
    db = DurableSQLiteEngine(
        path=str(settings.sqlite_path), pool_connections_max=PROBE_POOL_CONNECTIONS_MAX
    )
    await open_database(db, settings)
    await db.run_ddl("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await db.run_ddl(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent)"
    )
    yield db, settings
    await close_database(db, settings)


async def _children(db: DurableSQLiteEngine) -> int:
    rows = await db.run_ddl("SELECT count(*) AS n FROM child")
    return int(rows[0]["n"])


async def test_sqlite_pool_bound_holds_and_writers_queue(
    probe: tuple[DurableSQLiteEngine, DatabaseSettings],
) -> None:
    db, _ = probe
    await db.run_ddl("INSERT INTO parent (id) VALUES (1)")
    in_use = [0]
    most = [0]

    async def read() -> None:
        async with db.transaction():
            in_use[0] += 1
            most[0] = max(most[0], in_use[0], db.pool.open_count)
            await _children(db)
            await asyncio.sleep(0.002)
            in_use[0] -= 1

    written = [0]

    async def write(index: int) -> None:
        async with db.transaction(transaction_type=_immediate()):
            await db.run_ddl(f"INSERT INTO child (id, parent) VALUES ({index}, 1)")
            await asyncio.sleep(0.002)  # Hold the write lock: the others queue behind it.
            most[0] = max(most[0], db.pool.open_count)
        written[0] += 1

    await asyncio.gather(*(read() for _ in range(CONCURRENT_TRANSACTIONS)))
    assert most[0] == PROBE_POOL_CONNECTIONS_MAX
    writers = asyncio.gather(*(write(index) for index in range(CONCURRENT_TRANSACTIONS)))
    await asyncio.sleep(0)  # The writers start and queue.
    await read()  # Queued writers leave the connections to readers: not last in line.
    assert written[0] < CONCURRENT_TRANSACTIONS // 2
    await writers
    assert most[0] == PROBE_POOL_CONNECTIONS_MAX
    assert await _children(db) == CONCURRENT_TRANSACTIONS


async def _refused_parent(db: DurableSQLiteEngine, parent_id: int) -> None:
    async with db.transaction(transaction_type=_immediate()):
        await db.run_ddl(f"INSERT INTO parent (id) VALUES ({parent_id})")
        raise Refused


async def test_sqlite_pool_keeps_foreign_keys_and_rolls_back_refusals(
    probe: tuple[DurableSQLiteEngine, DatabaseSettings],
) -> None:
    db, _ = probe
    used: list[Any] = []
    for index in range(3 * PROBE_POOL_CONNECTIONS_MAX):
        with pytest.raises(sqlite3.IntegrityError):
            await db.run_ddl(f"INSERT INTO child (id, parent) VALUES ({index}, 99)")
        with pytest.raises(Refused):
            await _refused_parent(db, index)
        async with db.transaction() as transaction:
            assert transaction.connection.in_transaction  # Its own BEGIN, nothing older.
            assert await db.run_ddl("SELECT id FROM parent") == []
            used.append(transaction.connection)
    # One after another, all on one connection: neither a constraint nor a refusal spoils it.
    assert all(connection is used[0] for connection in used)
    assert db.pool.open_count <= PROBE_POOL_CONNECTIONS_MAX
    assert len(db.pool.idle) == db.pool.open_count


async def _closed_behind_the_pools_back(db: DurableSQLiteEngine, broken: list[Any]) -> None:
    async with db.transaction() as transaction:
        broken.append(transaction.connection)
        await transaction.connection.close()


async def test_sqlite_pool_discards_broken_and_cancelled_connections(
    probe: tuple[DurableSQLiteEngine, DatabaseSettings],
) -> None:
    db, _ = probe
    broken: list[Any] = []
    with pytest.raises(ValueError, match="no active connection"):
        await _closed_behind_the_pools_back(db, broken)
    assert broken[0] not in db.pool.idle

    entered = asyncio.Event()
    connections: list[Any] = []

    async def stuck() -> None:
        async with db.transaction(transaction_type=_immediate()) as transaction:
            connections.append(transaction.connection)
            await db.run_ddl("INSERT INTO parent (id) VALUES (7)")
            entered.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(stuck())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert connections[0] not in db.pool.idle
    assert db.pool.open_count == len(db.pool.idle)
    async with db.transaction(transaction_type=_immediate()):  # The write lock was let go.
        assert await db.run_ddl("SELECT id FROM parent") == []


async def test_sqlite_pool_closes_its_connections_at_close_database(
    probe: tuple[DurableSQLiteEngine, DatabaseSettings],
) -> None:
    db, settings = probe

    async def read() -> Any:
        async with db.transaction() as transaction:
            await db.run_ddl("SELECT 1")
            await asyncio.sleep(0.002)
            return transaction.connection

    connections = await asyncio.gather(*(read() for _ in range(CONCURRENT_TRANSACTIONS)))
    assert 1 <= len({id(c) for c in connections}) <= PROBE_POOL_CONNECTIONS_MAX
    await close_database(db, settings)
    assert db.pool.idle == []
    assert db.pool.open_count == 0
    for connection in connections:
        with pytest.raises(ValueError, match="no active connection"):
            connection.in_transaction  # noqa: B018 (closed: no sqlite3 connection behind it)
    assert await _children(db) == 0  # The engine opens connections again when asked.


# Far more rows than a read may step through on the event loop's thread.
LONG_READ_ROWS: Final = 500_000
# Enough rows for SQLite to ask several times whether the read runs too long, well within it.
MEDIUM_READ_ROWS: Final = 5_000
LONG_READ = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
    "SELECT count(*) AS rows_read, thread_id() AS thread FROM n"
)


async def test_sqlite_short_reads_run_here_and_long_ones_on_the_connections_thread(
    probe: tuple[DurableSQLiteEngine, DatabaseSettings],
) -> None:
    db, _ = probe
    await db.run_ddl("INSERT INTO parent (id) VALUES (1), (2)")
    lease = await db.pool.acquire()
    try:
        connection = lease.connection
        assert connection.direct is not None
        connection.direct.create_function("thread_id", 0, threading.get_ident)
        here = threading.get_ident()
        short = await connection.read("SELECT count(*) AS n, thread_id() AS thread FROM parent", ())
        assert short == [{"n": 2, "thread": here}]
        # Interrupted here past its budget, then read whole on the connection's thread.
        long = await connection.read(LONG_READ, (LONG_READ_ROWS,))
        assert long[0]["rows_read"] == LONG_READ_ROWS
        assert long[0]["thread"] not in (here, None)
        # Clean after the interruption: a read stepping past SQLite's check interval (a stale
        # handler would stop it at once) runs here again, whole.
        again = await connection.read(LONG_READ, (MEDIUM_READ_ROWS,))
        assert again == [{"rows_read": MEDIUM_READ_ROWS, "thread": here}]
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await connection.read("SELECT * FROM no_such_table", ())
    finally:
        await db.pool.release(lease, reusable=False)


def _immediate() -> Any:
    from piccolo.engine.sqlite import TransactionType

    return TransactionType.immediate


EXIT_WITHOUT_CLOSING = """
import asyncio
from timebank.db.engine import DurableSQLiteEngine

async def main():
    db = DurableSQLiteEngine(path={path!r})
    async with db.transaction():
        await db.run_ddl("SELECT 1")
    print("read")

asyncio.run(main())
"""
EXIT_WAIT_SECONDS_MAX: Final = 60


async def test_a_process_that_never_closes_the_pool_still_exits(tmp_path: Path) -> None:
    script = EXIT_WITHOUT_CLOSING.format(path=str(tmp_path / "exit.sqlite3"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), EXIT_WAIT_SECONDS_MAX)
    finally:
        if process.returncode is None:
            process.kill()
    assert (process.returncode, out.strip()) == (0, b"read")
