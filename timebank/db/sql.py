"""Fixed SQL text run on the current unit of work's driver connection, for the hottest reads.

The unit is Piccolo's current transaction: in a read unit, the pinned connection that refuses
writes (timebank/db/unit_of_work.py), in autocommit.

Piccolo builds each query anew on every call (columns, joins, placeholders), which costs a read
of a few rows more than the database's own work. A `Sql` is written once with numbered
placeholders, `{0}`, `{1}` … (a number may appear twice), and rendered once per database:
`$1` for asyncpg, `?1` for sqlite3. `{0:in}` tests membership in a list given as the argument:
`= ANY($1)` on PostgreSQL, `IN (SELECT value FROM json_each(?1))` on SQLite (the list is sent as
JSON text), so the text does not change with the list's length. A list of 1 to
`SPELLED_LIST_VALUES_MAX` values is sent instead as one placeholder per value, `IN ($1, $2)`,
padded to the next power of two with its last value (so a list has at most six texts): for
`= ANY($1)` PostgreSQL's planner assumes an array of ten, finds its generic plan dearer than the
ones it makes for each call, and so planned the statement anew at every call, which can cost
more than running it; with each value its own placeholder it keeps one plan per text. On SQLite
the spelled list also spares reading JSON. An empty list stays one array (`IN (NULL)` would not
be false under `NOT`).

`{json_agg}(…)` and `{json_array}(…)` name each database's functions that build JSON (a row's
list read beside it as one JSON array: `json_agg`/`json_build_array` on PostgreSQL,
`json_group_array`/`json_array` on SQLite).

Rows come back as the driver gives them, read by column name (asyncpg's records, the dicts of
Piccolo's row factory on SQLite), holding the values Piccolo's own selects give: on SQLite the
engine's converters follow each column's declared type (an expression's value comes back as
stored).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from string import Formatter
from typing import Any, Final, Protocol

import orjson

from timebank.db.tables import CompanyTable

# Statements rendered from texts put together at run time (a few filters combined).
STATEMENTS_CACHED_MAX: Final = 256
# JSON built in a statement, `{json_agg}({json_array}(a, b))`: each database's own functions.
_POSTGRES_JSON: Final = {"json_agg": "json_agg", "json_array": "json_build_array"}
_SQLITE_JSON: Final = {"json_agg": "json_group_array", "json_array": "json_array"}
# Longer lists go as one array, so that a statement has few texts (a power of two).
SPELLED_LIST_VALUES_MAX: Final = 32
# Texts of one statement kept for the lengths of its lists (more: its lists go as arrays).
SPELLED_TEXTS_PER_STATEMENT_MAX: Final = 64


def _spelled_width(length: int) -> int:
    """The placeholders a list of `length` values takes: the next power of two, or 0 when it
    goes as one array (empty, or longer than SPELLED_LIST_VALUES_MAX)."""
    if not 1 <= length <= SPELLED_LIST_VALUES_MAX:
        return 0
    return 1 << (length - 1).bit_length()


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


class _Spelled:
    """One placeholder, a list's being one mark per value: `IN ($2, $3)`, `IN (?2, ?3)`."""

    def __init__(self, numbers: range, *, postgres: bool) -> None:
        self.marks = [f"${n}" if postgres else f"?{n}" for n in numbers]

    def __format__(self, spec: str) -> str:
        if spec == "":
            assert len(self.marks) == 1, "a list is written {n:in}"
            return self.marks[0]
        assert spec == "in", f"unknown placeholder format {spec!r}"
        return f"IN ({', '.join(self.marks)})"


class Sql:
    """One statement's text for each database, rendered once (and once for each length of its
    short lists)."""

    __slots__ = ("_lists", "_spelled", "_text", "postgres", "sqlite")

    def __init__(self, text: str) -> None:
        fields = [
            (int(name), spec)
            for _, name, spec, _ in Formatter().parse(text)
            if name is not None and name.isdigit()
        ]
        numbers = range(1, max((n for n, _ in fields), default=-1) + 2)
        self.postgres = text.format(*[_Mark(n, postgres=True) for n in numbers], **_POSTGRES_JSON)
        self.sqlite = text.format(*[_Mark(n, postgres=False) for n in numbers], **_SQLITE_JSON)
        self._text = text
        self._lists = frozenset(n for n, spec in fields if spec == "in")
        self._spelled: dict[tuple[bool, tuple[int, ...]], str] = {}

    def spelled(self, args: Sequence[Any], *, postgres: bool) -> tuple[str, Sequence[Any]]:
        """The text and arguments to send to the driver: each list of 1 to
        `SPELLED_LIST_VALUES_MAX` values spelled out, one placeholder per value (padded with
        its last value), the others one argument each."""
        widths = tuple(
            _spelled_width(len(arg)) if n in self._lists else 1 for n, arg in enumerate(args)
        )
        if not any(widths[n] for n in self._lists):
            return (self.postgres if postgres else self.sqlite), args
        key = (postgres, widths)
        text = self._spelled.get(key)
        if text is None:
            if len(self._spelled) >= SPELLED_TEXTS_PER_STATEMENT_MAX:
                return (self.postgres if postgres else self.sqlite), args
            marks: list[_Mark | _Spelled] = []
            number = 1
            for width in widths:
                if width == 0:
                    marks.append(_Mark(number, postgres=postgres))
                else:
                    marks.append(_Spelled(range(number, number + width), postgres=postgres))
                number += max(width, 1)
            functions = _POSTGRES_JSON if postgres else _SQLITE_JSON
            text = self._spelled[key] = self._text.format(*marks, **functions)
        values: list[Any] = []
        for n, (arg, width) in enumerate(zip(args, widths, strict=True)):
            if n in self._lists and width:
                values.extend(arg)
                values.extend([arg[-1]] * (width - len(arg)))
            else:
                values.append(arg)
        return text, values


def json_list(text: str | None) -> list[Any]:
    """The list a statement built with `{json_agg}` (NULL on PostgreSQL when it aggregated no
    row). orjson: a page reads one such list per row, and the standard module took five times
    as long for each."""
    return orjson.loads(text) if text else []


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


def row_locks() -> bool:
    """Whether a transaction must lock what it reads before it changes it (PostgreSQL: row
    locks, `FOR UPDATE`, advisory locks). SQLite's write transactions already run one at a
    time, so there they would add nothing."""
    return bool(CompanyTable._meta.db.engine_type == "postgres")


async def fetch(sql: Sql, *args: Any) -> list[Row]:
    """The rows of `sql` run with `args` inside the current unit of work."""
    db = CompanyTable._meta.db
    transaction = db.current_transaction.get()
    assert transaction is not None, "plain SQL reads run inside a unit of work"
    connection = transaction.connection
    if db.engine_type == "postgres":
        text, values = sql.spelled(args, postgres=True)
        return list(await connection.fetch(text, *values))
    text, values = sql.spelled(args, postgres=False)
    sent = [json.dumps(list(v)) if isinstance(v, list | tuple) else v for v in values]
    return list(await connection.execute_fetchall(text, sent))


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
    page's rows are read whole, so the sort does not carry every matching row's text. When the
    page lies past the last one, the statement runs again for its first row, to count.
    """
    page = statement(
        f"SELECT {columns}, (SELECT COUNT(*) FROM {table} WHERE {where}) AS total_rows "
        f"FROM (SELECT {key} AS page_key FROM {table} WHERE {where} ORDER BY {order_by} "
        f"LIMIT {arguments(limit)} OFFSET {arguments(offset)}) p "
        f"JOIN {table} ON {key} = p.page_key {joins} ORDER BY {order_by}"
    )
    rows = await fetch(page, *arguments.values)
    if rows:
        return rows, int(rows[0]["total_rows"])
    if offset == 0:
        return [], 0
    # Past the last page: the first row of the same statement carries the count (its columns
    # may take arguments of their own, which a statement of the count alone would not use).
    first = await fetch(page, *arguments.values[:-2], 1, 0)
    return [], int(first[0]["total_rows"]) if first else 0
