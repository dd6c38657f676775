"""The entries of billing, with figures worked out by hand: the month's work and expenses to
invoice (4181 / 4081), each invoice on its day under its number (411, 401 and the VAT accounts
by exigibility), credit notes the other way round, and set-offs paying their share of the VAT
awaiting payment."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import replace
from datetime import date

from fec_parser.parser import FECParser

from contracts import fec
from contracts.fec import AccountPlan, Entry, OneAmount
from timebank.accounting.model import (
    ApprovedExpense,
    BilledInvoice,
    Movement,
    expense_movement,
    invoice_entry,
    movement_entries,
    set_off_entry,
    set_off_of,
    vat_share,
)
from timebank.vat.model import VatExigibility

PLAN = AccountPlan()
PAYMENT, DEBITS, NONE = VatExigibility.ON_PAYMENT, VatExigibility.ON_DEBITS, VatExigibility.NONE


def _invoice(**values: object) -> BilledInvoice:
    # 1 234,56 € excluding VAT at 20 %: 246,912 € rounds to 246,91 €; 1 481,47 € in all.
    base: dict[str, object] = {
        "number": "BT-000012",
        "credit_note": False,
        "corrects_number": None,
        "issued_on": date(2026, 4, 3),
        "company_issues": True,
        "counterpart_siren": "552100554",
        "counterpart_name": "Fromagerie du Val",
        "excl_vat_cents": 123_456,
        "vat_cents": 24_691,
        "total_cents": 148_147,
        "exigibility": PAYMENT,
        "recovers_vat": True,
    }
    base.update(values)
    return BilledInvoice(**base)  # type: ignore[arg-type]


def _lines(entry: Entry | None) -> list[tuple[str, int, int, str]]:
    assert entry is not None
    return [(ln.account, ln.debit_cents, ln.credit_cents, ln.aux_number) for ln in entry.lines]


def _rows(entries: list[Entry | OneAmount]) -> list[dict[str, str]]:
    out = io.StringIO()
    fec.write(entries, out, validated_on=date(2026, 5, 2))
    parser = FECParser.from_txt(out.getvalue(), "export.txt")
    assert parser.parse() == []
    header, *lines = out.getvalue().splitlines()
    return [dict(zip(header.split("\t"), line.split("\t"), strict=True)) for line in lines]


def _balances(rows: list[dict[str, str]]) -> dict[str, int]:
    """Debit minus credit per account, in cents."""
    found: dict[str, int] = defaultdict(int)
    for row in rows:
        debit, credit = (int(row[k].replace(",", "")) for k in ("Debit", "Credit"))
        found[row["CompteNum"]] += debit - credit
    return dict(found)


def test_the_issuer_of_an_invoice_taxed_on_payment_keeps_its_vat_waiting() -> None:
    entry = invoice_entry(_invoice(), PLAN)
    assert _lines(entry) == [
        ("411", 148_147, 0, "552100554"),
        ("4181", 0, 123_456, ""),
        ("44574", 0, 24_691, ""),
    ]
    assert entry is not None and entry.piece_ref == "BT-000012"
    assert entry.day == date(2026, 4, 3)
    assert entry.label == "Facture BT-000012 - client Fromagerie du Val"


def test_an_issuer_that_opted_for_debits_collects_the_vat_on_the_invoice() -> None:
    assert _lines(invoice_entry(_invoice(exigibility=DEBITS), PLAN))[2] == ("44571", 0, 24_691, "")


def test_the_customer_deducts_the_vat_when_its_supplier_is_due_it() -> None:
    received = _invoice(company_issues=False)
    assert _lines(invoice_entry(received, PLAN)) == [
        ("4081", 123_456, 0, ""),
        ("44564", 24_691, 0, ""),
        ("401", 0, 148_147, "552100554"),
    ]
    on_debits = invoice_entry(_invoice(company_issues=False, exigibility=DEBITS), PLAN)
    assert _lines(on_debits)[1] == ("44566", 24_691, 0, "")
    # A customer not liable to VAT cannot deduct it: it is part of the cost.
    bears = invoice_entry(_invoice(company_issues=False, recovers_vat=False), PLAN)
    assert _lines(bears)[1] == ("6214", 24_691, 0, "")
    entry = invoice_entry(received, PLAN)
    assert entry is not None and entry.label == "Facture BT-000012 - fournisseur Fromagerie du Val"


def test_an_invoice_without_vat_has_no_vat_line() -> None:
    free = _invoice(vat_cents=0, total_cents=123_456, exigibility=NONE)
    assert _lines(invoice_entry(free, PLAN)) == [
        ("411", 123_456, 0, "552100554"),
        ("4181", 0, 123_456, ""),
    ]


def test_a_credit_note_reverses_every_side() -> None:
    note = _invoice(
        number="BT-000013",
        credit_note=True,
        corrects_number="BT-000012",
        excl_vat_cents=-123_456,
        vat_cents=-24_691,
        total_cents=-148_147,
    )
    entry = invoice_entry(note, PLAN)
    assert _lines(entry) == [
        ("411", 0, 148_147, "552100554"),
        ("4181", 123_456, 0, ""),
        ("44574", 24_691, 0, ""),
    ]
    assert entry is not None and entry.label.startswith("Avoir BT-000013 (annule BT-000012)")
    received = invoice_entry(replace(note, company_issues=False), PLAN)
    assert _lines(received) == [
        ("4081", 0, 123_456, ""),
        ("44564", 0, 24_691, ""),
        ("401", 148_147, 0, "552100554"),
    ]


def test_a_set_off_pays_the_vat_share_of_the_amount_it_settles() -> None:
    own = _invoice()  # 1 481,47 € including 246,91 € of VAT, on payment.
    # The counterpart's: 833,34 € + 166,67 € (166,668 rounded) = 1 000,01 €, on payment.
    other = _invoice(
        number="BT-000034",
        company_issues=False,
        excl_vat_cents=83_334,
        vat_cents=16_667,
        total_cents=100_001,
    )
    set_off = set_off_of(date(2026, 4, 3), own, 100_001, other, 100_001)
    # Own invoice: 246,91 × 1 000,01 / 1 481,47 = 166,6672… → 166,67 €. The other's is settled
    # in full: all its 166,67 € of VAT.
    assert (set_off.collected_vat_cents, set_off.deductible_vat_cents) == (16_667, 16_667)
    assert _lines(set_off_entry(set_off, PLAN)) == [
        ("401", 100_001, 0, "552100554"),
        ("411", 0, 100_001, "552100554"),
        ("44574", 16_667, 0, ""),
        ("44571", 0, 16_667, ""),
        ("44566", 16_667, 0, ""),
        ("44564", 0, 16_667, ""),
    ]
    assert set_off_entry(set_off, PLAN).piece_ref == "BT-000012 / BT-000034"


def test_vat_already_due_or_not_deductible_does_not_move_at_the_set_off() -> None:
    own = _invoice(exigibility=DEBITS)
    other = _invoice(
        number="BT-000034", company_issues=False, recovers_vat=False, total_cents=148_147
    )
    set_off = set_off_of(date(2026, 4, 3), own, 50_000, other, 50_000)
    assert (set_off.collected_vat_cents, set_off.deductible_vat_cents) == (0, 0)
    assert [line[0] for line in _lines(set_off_entry(set_off, PLAN))] == ["401", "411"]


def test_the_vat_share_rounds_half_a_cent_away_from_zero() -> None:
    assert vat_share(1, 2, 1) == 1  # 0,5 cent → 1 cent.
    assert vat_share(-1, -2, -1) == -1
    assert vat_share(24_691, 148_147, 148_147) == 24_691  # Settled in full: all the VAT.
    assert vat_share(24_691, 148_147, 50_000) == 8_333  # 8 333,28… cents → 83,33 €.
    assert vat_share(24_691, 148_147, 0) == 0


def test_an_expense_is_billed_at_its_base_on_the_last_day_of_its_month() -> None:
    # 120,00 € paid, 20,00 € of VAT on the receipt that a liable lender recovers: 100,00 €.
    expense = ApprovedExpense(
        expense_id=41,
        spent_on=date(2026, 3, 12),
        base_cents=10_000,
        company_gives=True,
        counterpart_id=7,
        counterpart_siren="552100554",
        counterpart_name="Fromagerie du Val",
        approved_on=date(2026, 4, 2),
    )
    lender = movement_entries(expense_movement(expense, date(2026, 3, 31)), PLAN)
    rows = _rows(list(lender))
    assert [(r["CompteNum"], r["Debit"], r["Credit"]) for r in rows] == [
        ("4181", "100,00", "0,00"),
        ("7084", "0,00", "100,00"),
    ]
    assert {(r["EcritureDate"], r["ValidDate"], r["PieceRef"]) for r in rows} == {
        ("20260331", "20260402", "expense:41")
    }
    host = movement_entries(
        expense_movement(
            replace(expense, company_gives=False),
            date(2026, 3, 31),
        ),
        PLAN,
    )
    assert [(line.account, line.debit) for line in host[0].shape.lines] == [
        ("6214", True),
        ("4081", False),
    ]


def test_a_month_invoiced_and_set_off_leaves_nothing_to_invoice_and_equal_debts() -> None:
    """The lender's month (1 234,56 € of hours), its invoice, the host's invoice of 1 000,01 €
    and their set-off: 4181 and 4081 net to zero, 411 and 401 hold what is still owed."""

    def work(gives: bool, cents: int) -> Movement:
        return Movement(
            transfer_id="t-1",
            day=date(2026, 3, 31),
            code="exchange",
            cents=cents,
            company_gives=gives,
            counterpart_id=7,
            counterpart_siren="552100554",
            counterpart_name="Fromagerie du Val",
            asset_account=None,
            validated_on=date(2026, 4, 2),
        )

    own = _invoice()
    other = _invoice(
        number="BT-000034",
        company_issues=False,
        excl_vat_cents=83_334,
        vat_cents=16_667,
        total_cents=100_001,
    )
    entries: list[Entry | OneAmount] = [
        *movement_entries(work(True, 123_456), PLAN),
        *movement_entries(work(False, 83_334), PLAN),
    ]
    for invoice in (own, other):
        entry = invoice_entry(invoice, PLAN)
        assert entry is not None
        entries.append(entry)
    entries.append(set_off_entry(set_off_of(date(2026, 4, 3), own, 100_001, other, 100_001), PLAN))
    rows = _rows(entries)
    balances = _balances(rows)
    assert balances["4181"] == balances["4081"] == 0
    assert balances["411"] == 148_147 - 100_001  # The net the host still pays.
    assert balances["401"] == 0
    assert balances["44574"] == -(24_691 - 16_667)  # VAT still awaiting the payment of the net.
    assert balances["44571"] == -16_667
    assert (balances["44566"], balances["44564"]) == (16_667, 0)
    assert sum(balances.values()) == 0
    assert all(row["ValidDate"] >= row["EcritureDate"] for row in rows)
