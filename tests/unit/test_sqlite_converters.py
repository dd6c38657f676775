"""The SQLite column converters the engine registers read every stored value as Piccolo's own."""

from __future__ import annotations

import sqlite3

import pytest
from piccolo.engine.sqlite import CONVERTERS

import timebank.db.engine  # noqa: F401 (registers the converters)

STORED = {
    "INTEGER": [b"0", b"42", b"-7", b"9007199254740993", b"1.0", b"-3.0", b"12.9"],
    "TIMESTAMPTZ": [
        b"2026-12-05 02:10:25.123456+00:00",  # As Piccolo stores one (str() of a UTC instant).
        b"2026-10-25 09:00:00+00:00",
        b"2026-12-05 02:10:25.123456",
        b"2026-12-05T02:10:25",
        b"2026-12-05 02:10:25+02:00",  # Never stored so; read as Piccolo reads it all the same.
    ],
    "DATE": [b"2026-12-05", b"2024-02-29"],
    "BOOLEAN": [b"0", b"1"],
}


@pytest.mark.parametrize("declared", sorted(STORED))
def test_each_stored_value_reads_as_piccolo_reads_it(declared: str) -> None:
    with sqlite3.connect(":memory:", detect_types=sqlite3.PARSE_DECLTYPES) as connection:
        connection.execute(f"CREATE TABLE t (v {declared})")
        for value in STORED[declared]:
            connection.execute("INSERT INTO t (v) VALUES (?)", (value.decode(),))
        read = [row[0] for row in connection.execute("SELECT v FROM t ORDER BY rowid")]
    expected = [CONVERTERS[declared](value) for value in STORED[declared]]
    assert read == expected
    assert [type(v) for v in read] == [type(v) for v in expected]
    if declared == "TIMESTAMPTZ":
        assert [v.tzinfo for v in read] == [e.tzinfo for e in expected]
