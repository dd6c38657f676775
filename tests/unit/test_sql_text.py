"""Fixed SQL text: one statement written once, rendered for each database's driver."""

from __future__ import annotations

from timebank.db.sql import (
    SPELLED_LIST_VALUES_MAX,
    SPELLED_TEXTS_PER_STATEMENT_MAX,
    Arguments,
    Sql,
)


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


def test_a_short_list_is_sent_as_one_placeholder_per_value() -> None:
    sql = Sql("SELECT a FROM t WHERE b {0:in} AND c = {1} AND d {2:in} AND e = {1}")
    text, values = sql.spelled([[10, 11], "x", [20]], postgres=True)
    assert text == "SELECT a FROM t WHERE b IN ($1, $2) AND c = $3 AND d IN ($4) AND e = $3"
    assert values == [10, 11, "x", 20]
    on_sqlite, _ = sql.spelled([[10, 11], "x", [20]], postgres=False)
    assert on_sqlite == ("SELECT a FROM t WHERE b IN (?1, ?2) AND c = ?3 AND d IN (?4) AND e = ?3")
    again, _ = sql.spelled([[12, 13], "y", [21]], postgres=True)
    assert again is text  # One text per length of the lists, rendered once.


def test_an_empty_or_long_list_is_sent_as_one_array() -> None:
    sql = Sql("SELECT a FROM t WHERE b {0:in} AND c = {1}")
    long = list(range(SPELLED_LIST_VALUES_MAX + 1))
    assert sql.spelled([long, 1], postgres=True) == (sql.postgres, [long, 1])
    assert sql.spelled([[], 1], postgres=True) == (sql.postgres, [[], 1])
    assert sql.spelled([long, 1], postgres=False) == (sql.sqlite, [long, 1])
    plain = Sql("SELECT a FROM t WHERE c = {0}")
    assert plain.spelled([1], postgres=True) == (plain.postgres, [1])


def test_a_list_is_padded_to_a_power_of_two_with_its_last_value() -> None:
    sql = Sql("SELECT a FROM t WHERE b {0:in}")
    assert sql.spelled([[1, 2, 3]], postgres=True) == (
        "SELECT a FROM t WHERE b IN ($1, $2, $3, $4)",
        [1, 2, 3, 3],
    )
    widths = {sql.spelled([list(range(n))], postgres=True)[0].count("$") for n in range(1, 33)}
    assert widths == {1, 2, 4, 8, 16, 32}


def test_each_list_is_spelled_or_sent_whole_on_its_own() -> None:
    sql = Sql("SELECT a FROM t WHERE b {0:in} AND NOT (c {1:in}) AND d = {2}")
    text, values = sql.spelled([[5], [], "x"], postgres=True)
    assert text == "SELECT a FROM t WHERE b IN ($1) AND NOT (c = ANY($2)) AND d = $3"
    assert values == [5, [], "x"]
    text, values = sql.spelled([[5], [], "x"], postgres=False)
    assert text == (
        "SELECT a FROM t WHERE b IN (?1) AND NOT (c IN (SELECT value FROM json_each(?2))) "
        "AND d = ?3"
    )


def test_a_statement_keeps_a_bounded_number_of_texts() -> None:
    sql = Sql("SELECT a FROM t WHERE b {0:in} AND c {1:in} AND d {2:in}")
    lengths = (1, 2, 3, 5, 9, 17)  # One of each padded width.
    texts = {
        sql.spelled([[0] * a, [0] * b, [0] * c], postgres=True)[0]
        for a in lengths
        for b in lengths
        for c in lengths
    }
    assert len(texts) == SPELLED_TEXTS_PER_STATEMENT_MAX + 1  # The array form beyond the bound.
    assert sql.postgres in texts


def test_json_functions_are_each_databases_own() -> None:
    sql = Sql("SELECT {json_agg}({json_array}(a, b)) FROM t WHERE c = {0}")
    assert sql.postgres == "SELECT json_agg(json_build_array(a, b)) FROM t WHERE c = $1"
    assert sql.sqlite == "SELECT json_group_array(json_array(a, b)) FROM t WHERE c = ?1"
