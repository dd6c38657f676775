"""Build the Piccolo engine from settings and check that the database answers.

SQLite runs in WAL mode with `synchronous=FULL` and foreign keys on. Piccolo's own SQLite engine
opens a connection (a thread, a file open, the pragmas) for every transaction and every statement
outside one, and repeats `PRAGMA foreign_keys` before every statement in a transaction: here a
small pool keeps connections open instead, with the pragmas set once when each is opened, and
the writers of a process take turns before taking one. A read unit's statements run on the event
loop's own thread while they are short (`PooledConnection.read`): the trip to the connection's
thread cost more than most reads themselves.
PostgreSQL has a pool of its own too (`PostgresPool`): asyncpg's sent a reset query with each
connection given back, and gave it back through a shielded task of its own, two turns of the
event loop and a timer for every unit of work.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final

import aiosqlite
import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from timebank.config import DatabaseKind, DatabaseSettings

SQLITE_BUSY_TIMEOUT_SECONDS: Final = 30.0
# Open connections a process keeps to the SQLite file; a transaction beyond that waits for one.
# WAL lets many read at once but one write at a time: a few connections are enough.
SQLITE_POOL_CONNECTIONS_MAX: Final = 8
# RETURNING, which Piccolo's inserts use (older versions need a query more per insert).
SQLITE_VERSION_MIN: Final = (3, 35, 0)
# A read run on the event loop's thread holds every other request meanwhile: past this, it is
# interrupted (it changed nothing) and run again on the connection's own thread.
SQLITE_INLINE_READ_SECONDS_MAX: Final = 0.002
# How often SQLite asks whether a read on the event loop's thread has run too long.
SQLITE_INLINE_CHECK_INSTRUCTIONS: Final = 10_000
POSTGRES_POOL_SIZE_MAX: Final = 10
POSTGRES_CONNECT_TIMEOUT_SECONDS: Final = 5.0
# Closing a connection politely (a Terminate message) waits this long, then cuts it.
POSTGRES_CLOSE_TIMEOUT_SECONDS: Final = 5.0
# A connection idle this long is closed rather than lent (asyncpg's pool did the same): after a
# failover or a firewall's timeout, a long-idle socket may lead nowhere without knowing it.
POSTGRES_IDLE_SECONDS_MAX: Final = 300.0
# Set on the service's own connections. PostgreSQL's default random_page_cost (4.0) prices
# an index look-up for spinning disks: on the small reference tables (skills, a few hundred
# rows) it chose to scan the whole table for each code looked up, and to hash-join a page's
# rows over their whole table. 1.1 is the usual figure for SSD or a database held in memory
# (`docs/operations.md`).
POSTGRES_SESSION_SETTINGS: Final = {"random_page_cost": "1.1"}


class DatabaseUnavailable(Exception):
    """The configured database cannot be reached or opened."""


class DatabaseMissing(DatabaseUnavailable):
    """A command that works on an existing database found none (no SQLite file, or a database
    without the service's tables): it creates nothing."""


@dataclass(frozen=True, slots=True)
class _Gates:
    """The pool's asyncio primitives (they belong to one event loop; aiosqlite's connections
    to none): a process that runs a second loop (the CLI, then the server) gets fresh ones."""

    slots: asyncio.Semaphore
    writer: asyncio.Lock

    def let_go(self, *, writes: bool) -> None:
        self.slots.release()
        if writes:
            self.writer.release()


@dataclass(frozen=True, slots=True)
class _Lease:
    """A pooled connection lent to one task, with the slot (and the writer's turn) it takes."""

    connection: PooledConnection
    gates: _Gates
    writes: bool


def _integer_out(value: bytes) -> int:
    try:
        return int(value)
    except ValueError:  # Not an integer's text ("1.0"): read as Piccolo reads it.
        return int(Decimal(value.decode()))


def _timestamptz_out(value: bytes) -> datetime:
    read = datetime.fromisoformat(value.decode())
    # Stored as Piccolo stores them ("+00:00"), instants read with UTC already: `replace`
    # cost five times the parse, for every timestamp of every row.
    return read if read.tzinfo is UTC else read.replace(tzinfo=UTC)


def _date_out(value: bytes) -> date:
    return date.fromisoformat(value.decode())


def _boolean_out(value: bytes) -> bool:
    return value == b"1"


# Piccolo's converters of SQLite values by declared column type (process-wide) take text or
# bytes through a wrapper, and read every integer through Decimal, a cost every row paid. The
# same values, read straight from the bytes sqlite3 gives a converter.
for _declared, _converter in {
    "INTEGER": _integer_out,
    "TIMESTAMPTZ": _timestamptz_out,
    "DATE": _date_out,
    "BOOLEAN": _boolean_out,
}.items():
    sqlite3.register_converter(_declared, _converter)


class PooledConnection(aiosqlite.Connection):
    """aiosqlite's connection (statements run on its own thread), with its sqlite3 connection
    at hand to run a short read on the caller's thread instead.

    Only the task that holds the connection's lease uses it, one statement at a time, and a
    connection whose statement was cancelled on its thread is closed, never lent again: the two
    threads never use it at once.
    """

    def __init__(self, connection_kwargs: dict[str, Any]) -> None:
        self.direct: sqlite3.Connection | None = None
        super().__init__(lambda: self._open(connection_kwargs), iter_chunk_size=64)

    def _open(self, connection_kwargs: dict[str, Any]) -> sqlite3.Connection:
        self.direct = sqlite3.connect(**connection_kwargs, check_same_thread=False)
        return self.direct

    async def read(self, statement: str, parameters: Sequence[Any]) -> list[Any]:
        """The rows of a statement that only reads: on this thread when it ends within
        `SQLITE_INLINE_READ_SECONDS_MAX`, else interrupted and run again on the connection's."""
        rows = self._read_here(statement, parameters)
        if rows is None:
            return list(await self.execute_fetchall(statement, parameters))
        return rows

    def _read_here(self, statement: str, parameters: Sequence[Any]) -> list[Any] | None:
        direct = self.direct
        assert direct is not None, "the connection is open"
        deadline = time.perf_counter() + SQLITE_INLINE_READ_SECONDS_MAX
        overran = False

        def too_long() -> bool:
            nonlocal overran
            overran = time.perf_counter() > deadline
            return overran

        direct.set_progress_handler(too_long, SQLITE_INLINE_CHECK_INSTRUCTIONS)
        try:
            cursor = direct.execute(statement, parameters)
            try:
                return cursor.fetchall()
            finally:
                cursor.close()
        except sqlite3.OperationalError:
            if overran:  # "interrupted": a read stopped half-way leaves nothing to undo.
                return None
            raise
        finally:
            direct.set_progress_handler(None, 0)


class SQLitePool:
    """Open SQLite connections, each lent to one task at a time, at most `size_max` open.

    A connection goes back to the pool only when it is known clean: no transaction left open,
    and its last transaction ended without a driver error or a cancellation. Any other is
    closed (a new one is opened when needed).

    Writers (`BEGIN IMMEDIATE`) of this process take turns before taking a connection: they
    queue here in order instead of polling the file's lock from the driver's threads, and
    while they wait they leave the connections to readers. Writers of other processes still
    queue on the file's lock (busy timeout).
    """

    def __init__(self, connection_kwargs: dict[str, Any], size_max: int) -> None:
        assert size_max >= 1
        self.connection_kwargs = connection_kwargs
        self.size_max = size_max
        self.idle: list[PooledConnection] = []
        self.open_count = 0
        self._gates: _Gates | None = None
        self._gates_loop: asyncio.AbstractEventLoop | None = None

    async def open_connection(self) -> PooledConnection:
        """A new connection with the pragmas every connection needs (set once, here)."""
        connection = PooledConnection(self.connection_kwargs)
        # A pooled connection outlives its transaction: its thread must not keep the process
        # alive at exit when nothing called close_database (a script, Piccolo's CLI). To
        # SQLite (WAL, synchronous=FULL) such an exit is no worse than a crash.
        connection._thread.daemon = True
        await connection
        try:
            connection.row_factory = dict_factory  # type: ignore[assignment]
            await connection.execute("PRAGMA foreign_keys = 1")
            await connection.execute("PRAGMA synchronous = FULL")
            await connection.execute(
                f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}"
            )
        except BaseException:
            await _close_quietly(connection)
            raise
        return connection

    def _gates_of_this_loop(self) -> _Gates:
        loop = asyncio.get_running_loop()
        if self._gates is None or self._gates_loop is not loop:
            # Connections lent in a loop that ended are never given back: not counted.
            self._gates = _Gates(asyncio.Semaphore(self.size_max), asyncio.Lock())
            self._gates_loop = loop
            self.open_count = len(self.idle)
        return self._gates

    async def acquire(self, *, writes: bool = False) -> _Lease:
        gates = self._gates_of_this_loop()
        if writes:
            try:
                async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_SECONDS):
                    await gates.writer.acquire()
            except TimeoutError:  # What SQLite says when its own busy timeout runs out.
                raise sqlite3.OperationalError("database is locked") from None
        try:
            await gates.slots.acquire()
        except BaseException:
            if writes:
                gates.writer.release()
            raise
        try:
            if self.idle:
                connection = self.idle.pop()
            else:
                connection = await self.open_connection()
                self.open_count += 1
        except BaseException:
            gates.let_go(writes=writes)
            raise
        assert self.open_count <= self.size_max, (
            "more SQLite connections open than the pool's bound"
        )
        return _Lease(connection, gates, writes)

    async def release(self, lease: _Lease, *, reusable: bool) -> None:
        """Give the connection back; close it unless `reusable` and no transaction is open."""
        try:
            if reusable and _outside_transaction(lease.connection):
                self.idle.append(lease.connection)
            else:
                self.open_count -= 1
                await _close_quietly(lease.connection)
        finally:
            lease.gates.let_go(writes=lease.writes)

    async def close(self) -> None:
        """Close the idle connections (those lent are closed when given back)."""
        idle, self.idle = self.idle, []
        self.open_count -= len(idle)
        for connection in idle:
            await _close_quietly(connection)


def _outside_transaction(connection: aiosqlite.Connection) -> bool:
    try:
        return not connection.in_transaction
    except (ValueError, sqlite3.Error):  # Closed: "no active connection".
        return False


async def _close_quietly(connection: aiosqlite.Connection) -> None:
    with contextlib.suppress(Exception):  # Already broken: closing it was all that was wanted.
        await connection.close()


def _reusable_after(exception: BaseException | None) -> bool:
    """A refusal raised by the application or a constraint the database enforced leaves the
    connection clean once rolled back; another driver error or a cancellation (a statement may
    still be running) may not: in doubt, no."""
    if exception is None or isinstance(exception, sqlite3.IntegrityError):
        return True
    return isinstance(exception, Exception) and not isinstance(exception, sqlite3.Error)


async def _end(transaction: Any, exception: BaseException | None) -> None:
    """End a transaction as Piccolo does: roll back after an exception, else commit, unless
    the block already did either."""
    if exception:
        if not transaction._rolled_back:
            await transaction.rollback()
    elif not transaction._committed and not transaction._rolled_back:
        await transaction.commit()


class PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's transaction on a connection lent by the engine's pool instead of a new one."""

    __slots__ = ("lease",)

    engine: DurableSQLiteEngine

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        writes = self.transaction_type is not TransactionType.deferred
        self.lease = await self.engine.pool.acquire(writes=writes)
        self.connection = self.lease.connection
        try:
            await self.begin()  # type: ignore[no-untyped-call]
        except BaseException:
            await self.engine.pool.release(self.lease, reusable=False)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        reusable = _reusable_after(exception)
        try:
            await _end(self, exception)
        except BaseException:
            reusable = False
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
            await self.engine.pool.release(self.lease, reusable=reusable)
        return exception is None


class DurableSQLiteEngine(SQLiteEngine):
    """SQLite with the durability pragmas, on a bounded pool of open connections."""

    __slots__ = ("pool",)

    def __init__(self, *, path: str, pool_connections_max: int = SQLITE_POOL_CONNECTIONS_MAX):
        super().__init__(path=path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
        self.pool = SQLitePool(self.connection_kwargs, pool_connections_max)

    async def get_connection(self) -> aiosqlite.Connection:
        """A connection of its own (Piccolo's `batch` closes it when done), not the pool's."""
        return await self.pool.open_connection()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> PooledSQLiteTransaction:
        return PooledSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> list[dict[str, Any]]:
        """One statement outside a transaction: on a pooled connection, in autocommit mode."""
        del query_type, table  # Only SQLite < 3.35 (refused by open_database) needs them.
        lease = await self.pool.acquire()
        reusable = False
        try:
            rows = await lease.connection.execute_fetchall(query, args or [])
            reusable = True
        except Exception as exc:
            reusable = _reusable_after(exc)
            raise
        finally:
            await self.pool.release(lease, reusable=reusable)
        return list(rows)  # type: ignore[arg-type]

    async def _run_in_existing_connection(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> list[dict[str, Any]]:
        """One statement in the current transaction: no pragma first (set when opened), and
        executed and fetched in one trip to the connection's thread."""
        del query_type, table
        return list(await connection.execute_fetchall(query, args or []))  # type: ignore[arg-type]


class PostgresPool:
    """Open asyncpg connections, each lent to one task at a time, at most `size_max` open.

    What Piccolo asks of asyncpg's pool (`acquire`, awaited or as a context, `release`,
    `close`), without its cost on every unit of work: asyncpg's pool gave a connection back
    through a shielded task and rearmed an idle timer (two more turns of the event loop), and
    sent a reset query (advisory unlock all, close all, unlisten, reset all) unless told not to.
    The application leaves nothing of that on a connection: no session-level `SET` (only `SET
    TRANSACTION`, which ends with the transaction), no `LISTEN`, no cursor outliving its
    transaction, no session advisory lock (the scheduler's leader lease has a connection of its
    own).

    A connection goes back to the pool only when it is known clean: open, outside a transaction
    and with no cancelled statement still being stopped on the server. Any other is cut (a new
    one is opened when needed): in doubt, no.
    """

    def __init__(
        self,
        connect_kwargs: dict[str, Any],
        size_max: int,
        *,
        idle_seconds_max: float = POSTGRES_IDLE_SECONDS_MAX,
    ) -> None:
        assert size_max >= 1
        assert idle_seconds_max > 0
        self.connect_kwargs = connect_kwargs
        self.size_max = size_max
        self.idle_seconds_max = idle_seconds_max
        self.idle: list[asyncpg.Connection] = []  # Oldest given back first.
        self._idle_since: dict[int, float] = {}  # By id: when each idle one was given back.
        self.lent: set[int] = set()  # ids of the connections lent now
        self.open_count = 0
        self.closing = False
        self._slots: asyncio.Semaphore | None = None

    async def open_connection(self) -> asyncpg.Connection:
        return await asyncpg.connect(**self.connect_kwargs)

    async def start(self) -> None:
        """Open the first connection: a database that does not answer fails here."""
        self._keep(await self.open_connection())
        self.open_count = 1

    def acquire(self) -> _PostgresAcquisition:
        """A connection, awaited (`await pool.acquire()`, then `release`) or as a context."""
        return _PostgresAcquisition(self)

    async def take(self) -> asyncpg.Connection:
        if self.closing:
            raise asyncpg.InterfaceError("the connection pool is closed")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size_max)
        await self._slots.acquire()
        try:
            if self.closing:  # Closed while this task waited for a slot.
                raise asyncpg.InterfaceError("the connection pool is closed")
            connection = None
            while self.idle and connection is None:
                connection = self.idle.pop()  # The one given back last.
                since = self._idle_since.pop(id(connection))
                if connection.is_closed() or self._too_long_idle(since):
                    self.open_count -= 1  # Cut by the server, or idle too long.
                    connection.terminate()
                    connection = None
            if connection is None:
                connection = await self.open_connection()
                self.open_count += 1
        except BaseException:
            self._slots.release()
            raise
        assert self.open_count <= self.size_max, "more connections open than the pool's bound"
        self.lent.add(id(connection))
        return connection

    async def release(self, connection: asyncpg.Connection) -> None:
        """Give the connection back: kept when clean, else cut."""
        if self._slots is None or id(connection) not in self.lent:
            raise asyncpg.InterfaceError("this connection is not lent by this pool")
        self.lent.discard(id(connection))
        try:
            if not self.closing and _clean(connection):
                self._keep(connection)
            else:
                self.open_count -= 1
                connection.terminate()
            # Those that nobody took for too long (the oldest come first).
            while self.idle and self._too_long_idle(self._idle_since[id(self.idle[0])]):
                stale = self.idle.pop(0)
                del self._idle_since[id(stale)]
                self.open_count -= 1
                stale.terminate()
        finally:
            self._slots.release()

    def _keep(self, connection: asyncpg.Connection) -> None:
        self.idle.append(connection)
        self._idle_since[id(connection)] = time.monotonic()

    def _too_long_idle(self, since: float) -> bool:
        return time.monotonic() - since > self.idle_seconds_max

    async def close(self) -> None:
        """Close the idle connections; those still lent are cut when given back."""
        self.closing = True
        idle, self.idle = self.idle, []
        self._idle_since.clear()
        self.open_count -= len(idle)
        for connection in idle:
            try:
                await connection.close(timeout=POSTGRES_CLOSE_TIMEOUT_SECONDS)
            except Exception:  # Already broken or slow to answer: cut it.
                connection.terminate()

    def is_closing(self) -> bool:
        return self.closing


def _clean(connection: asyncpg.Connection) -> bool:
    """Open, outside a transaction, and no cancelled statement still being stopped (asyncpg's
    own pool asks its protocol the same; tests/integration/test_engine_connections.py checks
    that this asyncpg still answers it)."""
    return (
        not connection.is_closed()
        and not connection.is_in_transaction()
        and not connection._protocol._is_cancelling()
    )


class _PostgresAcquisition:
    """`await pool.acquire()` lends a connection; `async with pool.acquire()` gives it back."""

    __slots__ = ("connection", "pool")

    def __init__(self, pool: PostgresPool) -> None:
        self.pool = pool
        self.connection: asyncpg.Connection | None = None

    def __await__(self) -> Any:
        return self.pool.take().__await__()

    async def __aenter__(self) -> asyncpg.Connection:
        self.connection = await self.pool.take()
        return self.connection

    async def __aexit__(self, *exc_info: object) -> None:
        assert self.connection is not None
        await self.pool.release(self.connection)


class PooledPostgresTransaction(PostgresTransaction):
    """Piccolo's transaction, giving its connection back whatever happens: Piccolo's gave it
    back only once BEGIN, COMMIT or ROLLBACK had succeeded, so a connection the server cut
    during a transaction (a restart, `pg_terminate_backend`) kept its slot of the pool for
    good, and enough of them left every request waiting. Here the connection goes back in
    every case (the pool cuts it unless it is clean)."""

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()  # type: ignore[no-untyped-call]
        try:
            self.transaction = self.connection.transaction()
            await self.begin()  # type: ignore[no-untyped-call]
        except BaseException:
            await self._give_back()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            await _end(self, exception)
        finally:
            self.engine.current_transaction.reset(self.context)
            await self._give_back()
        return exception is None

    async def _give_back(self) -> None:
        if self.engine.pool:
            await self.engine.pool.release(self.connection)
        else:
            await self.connection.close()


class PooledPostgresEngine(PostgresEngine):
    """Piccolo's PostgreSQL engine on `PostgresPool` instead of asyncpg's pool, with its
    transactions giving their connection back whatever happens."""

    def transaction(self, allow_nested: bool = True) -> PooledPostgresTransaction:
        return PooledPostgresTransaction(engine=self, allow_nested=allow_nested)

    async def start_connection_pool(self, **kwargs: Any) -> None:
        size_max = int(kwargs.get("max_size", POSTGRES_POOL_SIZE_MAX))
        pool = PostgresPool(dict(self.config), size_max)
        await pool.start()
        self.pool = pool

    async def close_connection_pool(self) -> None:
        if self.pool:
            await self.pool.close()
            self.pool = None


def make_engine(database: DatabaseSettings) -> Any:
    """The Piccolo engine for these settings (not connected yet)."""
    if database.kind is DatabaseKind.SQLITE:
        assert database.sqlite_path is not None
        return DurableSQLiteEngine(path=str(database.sqlite_path))
    config: dict[str, Any] = {
        "host": database.pg_host,
        "port": database.pg_port,
        "database": database.pg_database,
        "timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS,
        "server_settings": dict(POSTGRES_SESSION_SETTINGS),
    }
    if database.pg_user:
        config["user"] = database.pg_user
    if database.pg_password:
        config["password"] = database.pg_password
    return PooledPostgresEngine(config=config)


async def open_database(
    engine: Any,
    database: DatabaseSettings,
    *,
    pool_size_max: int = POSTGRES_POOL_SIZE_MAX,
    create: bool = True,
) -> None:
    """Open the SQLite file (WAL; created unless `create` is false) or start the PostgreSQL
    pool; raise DatabaseUnavailable, or DatabaseMissing for a missing file not to create."""
    if database.kind is DatabaseKind.SQLITE:
        assert database.sqlite_path is not None
        path = database.sqlite_path
        if not create and not path.is_file():
            raise DatabaseMissing(f"no SQLite file at {path}")
        if sqlite3.sqlite_version_info < SQLITE_VERSION_MIN:
            raise DatabaseUnavailable(f"SQLite {sqlite3.sqlite_version} is too old (3.35 needed)")
        if not path.parent.exists():
            raise DatabaseUnavailable(f"the folder {path.parent} does not exist")
        try:
            with sqlite3.connect(path) as connection:
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.Error as exc:
            raise DatabaseUnavailable(f"cannot open SQLite file {path}: {exc}") from exc
        if str(mode).lower() != "wal":
            raise DatabaseUnavailable(f"SQLite refused WAL mode (got {mode})")
        return
    try:
        await engine.start_connection_pool(max_size=pool_size_max)
    except (OSError, TimeoutError) as exc:
        raise DatabaseUnavailable(f"cannot reach {database.describe()}: {exc}") from exc
    except Exception as exc:  # asyncpg raises many classes; all mean "not usable".
        raise DatabaseUnavailable(f"cannot use {database.describe()}: {exc}") from exc


# Piccolo's record of applied migrations: a database holds the service's tables once it exists.
_MIGRATIONS_TABLE: Final = "migration"


async def require_schema(engine: Any, database: DatabaseSettings) -> None:
    """Raise DatabaseMissing unless the open database holds the service's tables."""
    if database.kind is DatabaseKind.SQLITE:
        rows = await engine.run_ddl(
            f"SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' "
            f"AND name = '{_MIGRATIONS_TABLE}'"
        )
    else:
        rows = await engine.run_ddl(
            f"SELECT COUNT(*) AS found FROM pg_catalog.pg_tables "
            f"WHERE schemaname = current_schema() AND tablename = '{_MIGRATIONS_TABLE}'"
        )
    if not rows or not rows[0]["found"]:
        raise DatabaseMissing(f"{database.describe()} holds no tables of the service")


async def close_database(engine: Any, database: DatabaseSettings) -> None:
    if database.kind is DatabaseKind.POSTGRESQL:
        await engine.close_connection_pool()
    else:
        await engine.pool.close()


async def ping(engine: Any) -> bool:
    """True when the database answers a trivial query."""
    try:
        rows = await engine.run_ddl("SELECT 1 AS ok")
    except Exception:  # Health checks report; they never raise.
        return False
    return bool(rows) and rows[0]["ok"] == 1
