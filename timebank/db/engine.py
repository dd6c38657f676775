"""Build the Piccolo engine from settings and check that the database answers.

SQLite runs in WAL mode with `synchronous=FULL` and foreign keys on every connection (Piccolo
opens one connection per query or transaction, so the pragmas are set per connection).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Final

import aiosqlite
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from timebank.config import DatabaseKind, DatabaseSettings

SQLITE_BUSY_TIMEOUT_SECONDS: Final = 30.0
POSTGRES_POOL_SIZE_MAX: Final = 10
POSTGRES_CONNECT_TIMEOUT_SECONDS: Final = 5.0


class DatabaseUnavailable(Exception):
    """The configured database cannot be reached or opened."""


class DurableSQLiteEngine(SQLiteEngine):
    """SQLite with the durability pragmas applied to every connection Piccolo opens."""

    async def get_connection(self) -> aiosqlite.Connection:
        connection = await super().get_connection()
        await connection.execute("PRAGMA synchronous = FULL")
        await connection.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        return connection


def make_engine(database: DatabaseSettings) -> Any:
    """The Piccolo engine for these settings (not connected yet)."""
    if database.kind is DatabaseKind.SQLITE:
        assert database.sqlite_path is not None
        return DurableSQLiteEngine(
            path=str(database.sqlite_path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS
        )
    config: dict[str, Any] = {
        "host": database.pg_host,
        "port": database.pg_port,
        "database": database.pg_database,
        "timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS,
    }
    if database.pg_user:
        config["user"] = database.pg_user
    if database.pg_password:
        config["password"] = database.pg_password
    return PostgresEngine(config=config)


async def open_database(
    engine: Any, database: DatabaseSettings, *, pool_size_max: int = POSTGRES_POOL_SIZE_MAX
) -> None:
    """Create the SQLite file (WAL) or start the PostgreSQL pool; raise DatabaseUnavailable."""
    if database.kind is DatabaseKind.SQLITE:
        assert database.sqlite_path is not None
        path = database.sqlite_path
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
        await engine.start_connection_pool(min_size=1, max_size=pool_size_max)
    except (OSError, TimeoutError) as exc:
        raise DatabaseUnavailable(f"cannot reach {database.describe()}: {exc}") from exc
    except Exception as exc:  # asyncpg raises many classes; all mean "not usable".
        raise DatabaseUnavailable(f"cannot use {database.describe()}: {exc}") from exc


async def close_database(engine: Any, database: DatabaseSettings) -> None:
    if database.kind is DatabaseKind.POSTGRESQL:
        await engine.close_connection_pool()


async def ping(engine: Any) -> bool:
    """True when the database answers a trivial query."""
    try:
        rows = await engine.run_ddl("SELECT 1 AS ok")
    except Exception:  # Health checks report; they never raise.
        return False
    return bool(rows) and rows[0]["ok"] == 1
