"""Count the SQL statements sent to the database, on SQLite and PostgreSQL alike.

The hook sits on the drivers (aiosqlite's and asyncpg's connections), under Piccolo, so it also
sees plain SQL run on a transaction's driver connection. Transaction control, pragmas and the
pool's reset are kept apart from the queries: their number depends on the engine, not on the
rows read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import aiosqlite
import asyncpg

from timebank.db.engine import PooledConnection

# asyncpg's pool resets each connection it takes back with one statement that begins so.
POOL_RESET_PREFIX: Final = "SELECT PG_ADVISORY_UNLOCK_ALL()"
CONTROL_PREFIXES: Final = (
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "PRAGMA",
    POOL_RESET_PREFIX,
)


@dataclass
class Statements:
    sql: list[str] = field(default_factory=list)

    @property
    def queries(self) -> list[str]:
        """The statements that read or write rows (no transaction control, no pragma)."""
        return [s for s in self.sql if not s.lstrip().upper().startswith(CONTROL_PREFIXES)]

    @property
    def transactions(self) -> int:
        return sum(1 for s in self.sql if s.lstrip().upper().startswith("BEGIN"))

    def describe(self) -> str:
        lines = [f"{len(self.queries)} queries in {self.transactions} transactions:"]
        lines += [f"  {' '.join(s.split())[:160]}" for s in self.queries]
        return "\n".join(lines)


def _counted(original: Callable[..., Any], found: Statements, *, only_without_args: bool) -> Any:
    @functools.wraps(original)
    def wrapper(self: Any, sql: str, *args: Any, **kwargs: Any) -> Any:
        # asyncpg's execute() with arguments goes on through __execute(), counted there.
        if not (only_without_args and args):
            found.sql.append(str(sql))
        return original(self, sql, *args, **kwargs)

    return wrapper


@contextmanager
def count_statements() -> Iterator[Statements]:
    """Within the block, every statement any connection sends is recorded in order."""
    found = Statements()
    patched = [
        (aiosqlite.Connection, "execute", False),
        (aiosqlite.Connection, "execute_fetchall", False),
        (aiosqlite.Connection, "executemany", False),
        (aiosqlite.Connection, "executescript", False),
        # A read run on the event loop's thread; one interrupted there is sent again through
        # execute_fetchall (counted twice: it ran twice).
        (PooledConnection, "_read_here", False),
        (asyncpg.connection.Connection, "execute", True),
        (asyncpg.connection.Connection, "executemany", False),
        (asyncpg.connection.Connection, "_Connection__execute", False),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]
    try:
        for owner, name, only_without_args in patched:
            original = getattr(owner, name)
            setattr(owner, name, _counted(original, found, only_without_args=only_without_args))
        yield found
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
