"""The FEC layout, rule by rule, read back by our own checks and by an FEC reader from PyPI
(fec-parser) that this project did not write."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise

import pytest
from fec_parser.parser import FECParser

from contracts import fec
from contracts.fec import AccountPlan, Entry, Line, OneAmount, Shape, ShapeLine
from timebank.accounting.model import Movement, SetOff, movement_entries, set_off_entry

PLAN = AccountPlan()


def _movement(**values: object) -> Movement:
    base: dict[str, object] = {
        "transfer_id": "5b1e3c52-7c1b-4f0e-9a51-0d7a0c9b6e11",
        "day": date(2026, 3, 14),
        "code": "exchange",
        "cents": 123_456,
        "company_gives": True,
        "counterpart_id": 7,
        "counterpart_siren": "552100554",
        "counterpart_name": "Fromagerie du\tVal",
        "asset_account": None,
    }
    base.update(values)
    return Movement(**base)  # type: ignore[arg-type]


def _file(entries: Sequence[Entry | OneAmount]) -> str:
    out = io.StringIO()
    fec.write(entries, out, validated_on=date(2027, 1, 15))
    return out.getvalue()


def _sample() -> list[Entry | OneAmount]:
    return [
        *movement_entries(_movement(), PLAN),
        *movement_entries(
            _movement(day=date(2026, 4, 2), company_gives=False, asset_account="205", cents=5000),
            PLAN,
        ),
        set_off_entry(
            SetOff(date(2026, 4, 30), "BT-000009 / BT-000004", 5000, "552100554", "Fromagerie"),
            PLAN,
        ),
    ]


def test_eighteen_columns_in_order_with_the_header_line_and_tabs() -> None:
    lines = _file(_sample()).splitlines()
    assert lines[0].split("\t") == list(fec.COLUMNS)
    assert len(fec.COLUMNS) == 18
    assert all(len(line.split("\t")) == 18 for line in lines)


def test_dates_are_aaaammjj_and_amounts_have_a_decimal_comma_without_thousands() -> None:
    rows = [line.split("\t") for line in _file(_sample()).splitlines()[1:]]
    assert rows[0][3] == "20260314" and rows[0][9] == "20260314" and rows[0][15] == "20270115"
    assert rows[0][11] == "1234,56" and rows[0][12] == "0,00"
    assert fec.amount(100_000_000) == "1000000,00"


def test_every_entry_is_balanced_and_numbered_in_date_order() -> None:
    rows = [line.split("\t") for line in _file(_sample()).splitlines()[1:]]
    numbers = [row[2] for row in rows]
    assert numbers == sorted(numbers)
    assert sorted(set(numbers)) == [f"{n:08d}" for n in range(1, 5)]
    for number in set(numbers):
        lines = [row for row in rows if row[2] == number]
        debit = sum(int(row[11].replace(",", "")) for row in lines)
        credit = sum(int(row[12].replace(",", "")) for row in lines)
        assert debit == credit > 0
    dates = [row[3] for row in rows]
    assert dates == sorted(dates)


def test_the_accounts_of_each_movement() -> None:
    rows = [line.split("\t") for line in _file(_sample()).splitlines()[1:]]
    by_entry: dict[str, list[tuple[str, str, str]]] = {}
    for row in rows:
        by_entry.setdefault(row[2], []).append((row[4], row[11], row[12]))
    assert by_entry["00000001"] == [("4181", "1234,56", "0,00"), ("7084", "0,00", "1234,56")]
    assert by_entry["00000002"] == [("6214", "50,00", "0,00"), ("4081", "0,00", "50,00")]
    assert by_entry["00000003"] == [("232", "50,00", "0,00"), ("721", "0,00", "50,00")]
    assert by_entry["00000004"] == [("401", "50,00", "0,00"), ("411", "0,00", "50,00")]
    # Auxiliary accounts per counterpart company on 401 / 411; no TAB inside a field.
    assert rows[6][6] == "552100554" and rows[6][7] == "Fromagerie"
    assert "Fromagerie du Val" in rows[0][10] and rows[0][6] == ""


def test_an_unbalanced_or_out_of_order_entry_is_refused() -> None:
    broken = Entry("BT", "Bourse de temps", date(2026, 1, 2), "x", "x", (Line("411", 100, 0),))
    with pytest.raises(fec.UnbalancedEntry):
        _file([broken])
    later, earlier = _sample()[0], movement_entries(_movement(day=date(2026, 1, 1)), PLAN)[0]
    with pytest.raises(fec.EntriesOutOfOrder):
        _file([later, earlier])


def test_the_file_name_is_the_legal_one() -> None:
    assert fec.filename("552100554", date(2026, 12, 31)) == "552100554FEC20261231.txt"


def test_an_fec_reader_we_did_not_write_reads_the_file_back() -> None:
    text = _file(_sample())
    parser = FECParser.from_txt(text, "552100554FEC20261231.txt")
    assert parser.parse() == []
    read = list(parser.get_ecritures())
    assert len(read) == 8
    assert sum(e.debit for e in read) == sum(e.credit for e in read)
    assert str(read[0].debit) == "1234.56" and read[0].compte_num == "4181"
    assert read[0].ecriture_date == date(2026, 3, 14)


def test_a_long_file_written_in_parts_numbers_on() -> None:
    entries = _sample()
    out = io.StringIO()
    first = fec.write(entries[:2], out, validated_on=date(2027, 1, 15))
    fec.write(
        entries[2:],
        out,
        validated_on=date(2027, 1, 15),
        header=False,
        first_number=first + 1,
        not_before=entries[1].day,
    )
    assert out.getvalue() == _file(entries)


def test_an_entry_of_one_amount_reads_as_the_same_entry_written_line_by_line() -> None:
    shape = Shape(
        "BT",
        "Bourse\tde temps",
        "Reçu  au coût",
        (
            ShapeLine("6214", debit=True),
            ShapeLine("401", debit=False, aux_number="552100554", aux_label="Fromagerie\ndu Val"),
        ),
    )
    entry = Entry(
        "BT",
        "Bourse\tde temps",
        date(2026, 5, 4),
        "exchange:ab",
        "Reçu  au coût",
        (
            Line("6214", debit_cents=4_200),
            Line("401", credit_cents=4_200, aux_number="552100554", aux_label="Fromagerie\ndu Val"),
        ),
    )
    one = OneAmount(shape, date(2026, 5, 4), "exchange:ab", 4_200)
    assert _file([one]) == _file([entry])
    assert "Bourse de temps\t" in _file([entry]) and "Fromagerie du Val\t" in _file([entry])


def test_a_shape_with_more_debits_than_credits_or_a_zero_amount_is_refused() -> None:
    with pytest.raises(fec.UnbalancedEntry):
        Shape(
            "BT",
            "Bourse de temps",
            "x",
            (ShapeLine("6214", debit=True), ShapeLine("411", debit=True)),
        )
    with pytest.raises(fec.UnbalancedEntry):
        Shape("BT", "Bourse de temps", "x", ())
    shape = Shape(
        "BT", "Bourse de temps", "x", (ShapeLine("6214", debit=True), ShapeLine("401", debit=False))
    )
    with pytest.raises(fec.UnbalancedEntry):
        _file([OneAmount(shape, date(2026, 5, 4), "x", 0)])


def test_a_long_field_is_cut_and_plain_text_is_kept_as_it_is() -> None:
    assert fec._text("Atelier Dupont") == "Atelier Dupont"
    assert fec._text(" Atelier\u00a0 Dupont ") == "Atelier Dupont"
    assert len(fec._text("x" * 500)) == fec.TEXT_LENGTH_MAX


def test_no_entry_is_validated_before_its_date() -> None:
    """ValidDate is the day the entry was validated (its own, else the file's), or its
    EcritureDate when that is later: an entry is never validated before the day it is dated."""
    approved_late = movement_entries(
        _movement(day=date(2026, 12, 31), validated_on=date(2027, 1, 20)), PLAN
    )
    year_end = Entry(
        "OD",
        "Opérations diverses",
        date(2027, 3, 31),
        "amortissement:x",
        "Dotation",
        (Line("6811", debit_cents=100), Line("2805", credit_cents=100)),
    )
    out = io.StringIO()
    fec.write([*approved_late, year_end], out, validated_on=date(2027, 1, 15))
    rows = [line.split("\t") for line in out.getvalue().splitlines()[1:]]
    valid = {(row[3], row[15]) for row in rows}
    assert valid == {("20261231", "20270120"), ("20270331", "20270331")}


def test_a_fiscal_years_months_worked_cover_it_once() -> None:
    from timebank.accounting.model import FiscalYear, month_end, months_of

    assert month_end(date(2028, 2, 3)) == date(2028, 2, 29)
    assert month_end(date(2026, 12, 31)) == date(2026, 12, 31)
    months = months_of(FiscalYear(date(2026, 6, 16), date(2027, 6, 15)))
    assert months[0] == (date(2026, 6, 16), date(2026, 6, 30))
    assert months[-1] == (date(2027, 6, 1), date(2027, 6, 15))
    assert len(months) == 13
    assert all(b + timedelta(days=1) == c for (_, b), (c, _) in pairwise(months))
