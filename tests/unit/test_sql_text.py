"""Fixed SQL text: one statement written once, rendered for each database's driver."""

from __future__ import annotations

from timebank.db.sql import Arguments, Sql


def test_numbered_placeholders_become_each_drivers_marks() -> None:
    sql = Sql("SELECT a FROM t WHERE b = {0} AND c > {1} AND d = {0} LIMIT {2}")
    assert sql.postgres == "SELECT a FROM t WHERE b = $1 AND c > $2 AND d = $1 LIMIT $3"
    assert sql.sqlite == "SELECT a FROM t WHERE b = ?1 AND c > ?2 AND d = ?1 LIMIT ?3"


def test_a_list_is_one_argument_whatever_its_length() -> None:
    sql = Sql("SELECT a FROM t WHERE b {0:in} AND c = {1}")
    assert sql.postgres == "SELECT a FROM t WHERE b = ANY($1) AND c = $2"
    assert sql.sqlite == ("SELECT a FROM t WHERE b IN (SELECT value FROM json_each(?1)) AND c = ?2")


def test_a_text_without_placeholders_is_left_as_written() -> None:
    sql = Sql("SELECT COUNT(*) FROM t")
    assert sql.postgres == sql.sqlite == "SELECT COUNT(*) FROM t"


def test_arguments_number_their_placeholders_in_order() -> None:
    arg = Arguments()
    text = f"b = {arg('x')} AND c {arg.among([1, 2])} AND d = {arg(3)}"
    assert text == "b = {0} AND c {1:in} AND d = {2}"
    assert arg.values == ["x", [1, 2], 3]
