"""Fixed SQL text run on the current unit of work's driver connection, for the hottest reads.

The unit is Piccolo's current transaction: in a read unit, the pinned connection that refuses
writes (timebank/db/unit_of_work.py), in autocommit.

Piccolo builds each query anew on every call (columns, joins, placeholders), which costs a read
of a few rows more than the database's own work. A `Sql` is written once with numbered
placeholders, `{0}`, `{1}` … (a number may appear twice), and rendered once per database:
`$1` for asyncpg, `?1` for sqlite3. `{0:in}` tests membership in a list given as the argument:
`= ANY($1)` on PostgreSQL, `IN (SELECT value FROM json_each(?1))` on SQLite (the list is sent as
JSON text), so the text does not change with the list's length.

Rows come back as the driver gives them, read by column name (asyncpg's records, the dicts of
Piccolo's row factory on SQLite), holding the values Piccolo's own selects give: on SQLite the
engine's converters follow each column's declared type (an expression's value comes back as
stored).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from string import Formatter
from typing import Any, Final, Protocol

from timebank.db.tables import CompanyTable

# Statements rendered from texts put together at run time (a few filters combined).
STATEMENTS_CACHED_MAX: Final = 256


class Row(Protocol):
    """One row of a result, read by column name."""

    def __getitem__(self, name: str) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class _Mark:
    """One placeholder, written as the driver expects it."""

    def __init__(self, number: int, *, postgres: bool) -> None:
        self.number = number
        self.postgres = postgres

    def __format__(self, spec: str) -> str:
        mark = f"${self.number}" if self.postgres else f"?{self.number}"
        if spec == "":
            return mark
        assert spec == "in", f"unknown placeholder format {spec!r}"
        return f"= ANY({mark})" if self.postgres else f"IN (SELECT value FROM json_each({mark}))"


class Sql:
    """One statement's text for each database, rendered once."""

    __slots__ = ("postgres", "sqlite")

    def __init__(self, text: str) -> None:
        fields = [int(name) for _, name, _, _ in Formatter().parse(text) if name is not None]
        numbers = range(1, max(fields, default=-1) + 2)
        self.postgres = text.format(*[_Mark(n, postgres=True) for n in numbers])
        self.sqlite = text.format(*[_Mark(n, postgres=False) for n in numbers])


class Arguments:
    """The arguments of a statement put together piece by piece: each takes its placeholder."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        """The placeholder of one value."""
        self.values.append(value)
        return f"{{{len(self.values) - 1}}}"

    def among(self, values: list[Any]) -> str:
        """Membership in a list of values: `column {among(values)}`."""
        self.values.append(values)
        return f"{{{len(self.values) - 1}:in}}"


@lru_cache(maxsize=STATEMENTS_CACHED_MAX)
def statement(text: str) -> Sql:
    """The statement of a text assembled at run time (a few filters), rendered once."""
    return Sql(text)


async def fetch(sql: Sql, *args: Any) -> list[Row]:
    """The rows of `sql` run with `args` inside the current unit of work."""
    db = CompanyTable._meta.db
    transaction = db.current_transaction.get()
    assert transaction is not None, "plain SQL reads run inside a unit of work"
    connection = transaction.connection
    if db.engine_type == "postgres":
        return list(await connection.fetch(sql.postgres, *args))
    values = [json.dumps(list(a)) if isinstance(a, list | tuple) else a for a in args]
    # Executed and fetched in one trip to the connection's thread.
    return list(await connection.execute_fetchall(sql.sqlite, values))


async def fetch_page(
    *,
    columns: str,
    table: str,
    key: str,
    joins: str = "",
    where: str,
    order_by: str,
    arguments: Arguments,
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """One page of `table`'s rows (with `joins`) and how many rows match in all.

    One statement: the rows matching are counted (a subquery run once: a window count over
    them cost more, on SQLite twice as much) and sorted by their `key` alone, and only the
    page's rows are read whole, so the sort does not carry every matching row's text. A second
    statement counts the rows only when the page lies past the last one.
    """
    filters = list(arguments.values)
    rows = await fetch(
        statement(
            f"SELECT {columns}, (SELECT COUNT(*) FROM {table} WHERE {where}) AS total_rows "
            f"FROM (SELECT {key} AS page_key FROM {table} WHERE {where} ORDER BY {order_by} "
            f"LIMIT {arguments(limit)} OFFSET {arguments(offset)}) p "
            f"JOIN {table} ON {key} = p.page_key {joins} ORDER BY {order_by}"
        ),
        *arguments.values,
    )
    if rows:
        return rows, int(rows[0]["total_rows"])
    if offset == 0:
        return [], 0
    counted = await fetch(
        statement(f"SELECT COUNT(*) AS total_rows FROM {table} WHERE {where}"), *filters
    )
    return [], int(counted[0]["total_rows"])
