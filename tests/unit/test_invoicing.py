"""The pure invoice model: numbers, totals and VAT of a new invoice, the credit note's
arithmetic, and the mapping to the document the Factur-X renderer reads."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.invoice import InvoiceDocument, invoice_html, invoice_xml
from timebank.formatting import month_label
from timebank.invoicing.model import (
    LABEL_LENGTH_MAX,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceOrigin,
    LineKind,
    Party,
    credit_note,
    due_on,
    invoice_number,
    label_text,
    new_invoice,
)
from timebank.invoicing.use_cases import document_of
from timebank.vat.model import (
    FRANCHISE_MENTION,
    VatExigibility,
    VatRegime,
    VatStatus,
    staff_loan_vat,
)

LENDER = Party(1, "Agence Lumière", "732829320", "1 rue A", "35000", "Rennes", "FR44732829320")
HOST = Party(2, "Fromagerie du Val", "552100554", "2 rue B", "69002", "Lyon", None)
ISSUED_ON = date(2026, 12, 4)


def _invoice(
    lines: tuple[InvoiceLine, ...], *, regime: VatRegime = VatRegime.REEL, sequence: int = 1
) -> Invoice:
    total = sum(line.amount_cents for line in lines)
    return new_invoice(
        issuer=LENDER,
        customer=HOST,
        sequence=sequence,
        origin=InvoiceOrigin.LOAN,
        lines=lines,
        treatment=staff_loan_vat(VatStatus(regime), total),
        issued_on=ISSUED_ON,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        statement_id=7,
    )


HOURS = InvoiceLine(LineKind.HOURS, "Mise à disposition", 123_457, minutes=330, engagement_id=3)
EXPENSE = InvoiceLine(LineKind.EXPENSE, "Train", 10_000, expense_id=9)


def test_numbers_carry_the_series_prefix_and_sort_as_text() -> None:
    assert invoice_number(1) == "BT-000001"
    assert invoice_number(42) == "BT-000042"
    assert invoice_number(999_999) == "BT-999999"
    assert sorted(invoice_number(n) for n in (10, 9, 100)) == [
        invoice_number(n) for n in (9, 10, 100)
    ]
    with pytest.raises(AssertionError):
        invoice_number(0)


def test_a_liable_lenders_invoice_adds_20_percent_on_hours_and_expenses() -> None:
    invoice = _invoice((HOURS, EXPENSE))
    assert (invoice.hours_cents, invoice.expenses_cents) == (123_457, 10_000)
    assert invoice.total_excl_vat_cents == 133_457
    assert invoice.vat_cents == 26_691  # 26 691,4 rounded once, on the total.
    assert invoice.total_cents == 160_148
    assert invoice.vat_exigibility is VatExigibility.ON_PAYMENT
    assert invoice.due_on == date(2026, 12, 30)  # 30 days after 30 November, the month worked.
    assert invoice.number == "BT-000001"
    assert FRANCHISE_MENTION not in invoice.mentions


def test_an_invoice_issued_after_the_legal_term_is_due_the_day_it_is_issued() -> None:
    assert due_on(date(2026, 11, 30), date(2026, 12, 4)) == date(2026, 12, 30)
    assert due_on(date(2026, 11, 30), date(2027, 1, 15)) == date(2027, 1, 15)


def test_a_franchise_lender_charges_no_vat_and_says_why() -> None:
    invoice = _invoice((HOURS,), regime=VatRegime.FRANCHISE)
    assert (invoice.vat_cents, invoice.total_cents) == (0, 123_457)
    assert invoice.mentions[0] == FRANCHISE_MENTION


def test_a_credit_note_negates_every_amount_and_names_the_invoice_it_cancels() -> None:
    invoice = dataclasses.replace(_invoice((HOURS, EXPENSE)), id=11)
    note = credit_note(invoice, sequence=2, issued_on=date(2026, 12, 20), reason="Erreur d'heures")
    assert (note.kind, note.number, note.corrects_id) == (InvoiceKind.CREDIT_NOTE, "BT-000002", 11)
    assert (note.corrects_number, note.corrects_issued_on) == ("BT-000001", ISSUED_ON)
    for field in (
        "hours_cents",
        "expenses_cents",
        "total_excl_vat_cents",
        "vat_cents",
        "total_cents",
    ):
        assert getattr(note, field) + getattr(invoice, field) == 0, field
    assert [line.amount_cents for line in note.lines] == [-123_457, -10_000]
    assert [line.minutes for line in note.lines] == [-330, None]
    assert note.mentions[0] == "Avoir annulant la facture N° BT-000001 du 04/12/2026"
    assert note.mentions[1] == "Motif : Erreur d'heures"
    assert note.issuer == invoice.issuer and note.customer == invoice.customer
    with pytest.raises(AssertionError):
        credit_note(note, sequence=3, issued_on=ISSUED_ON, reason="x")


def test_a_credit_notes_reason_stays_one_mention_apart_from_the_vat_ones() -> None:
    """The reason is the user's words: a line break or « TVA » in it must neither split it
    into two mentions (they are stored one per line) nor take the exemption's place."""
    invoice = dataclasses.replace(_invoice((HOURS,), regime=VatRegime.FRANCHISE), id=11)
    note = credit_note(
        invoice,
        sequence=2,
        issued_on=ISSUED_ON,
        reason="Erreur de TVA sur la facture\nPénalités de retard appliquées à tort",
    )
    assert note.mentions[1] == (
        "Motif : Erreur de TVA sur la facture Pénalités de retard appliquées à tort"
    )
    xml = invoice_xml(document_of(note)).decode()
    assert f"<ram:ExemptionReason>{FRANCHISE_MENTION}</ram:ExemptionReason>" in xml
    assert "<ram:ExemptionReasonCode>VATEX-FR-FRANCHISE</ram:ExemptionReasonCode>" in xml
    assert xml.count("<ram:SubjectCode>PMD</ram:SubjectCode>") <= 1


def test_a_credit_note_credits_the_hours_at_their_hourly_price() -> None:
    invoice = dataclasses.replace(_invoice((HOURS,)), id=11)
    note = credit_note(invoice, sequence=2, issued_on=ISSUED_ON, reason="Erreur d'heures")
    billed, credited = (invoice_xml(document_of(i)).decode() for i in (invoice, note))
    assert '<ram:BilledQuantity unitCode="HUR">5.5000</ram:BilledQuantity>' in billed
    assert '<ram:BilledQuantity unitCode="HUR">-5.5000</ram:BilledQuantity>' in credited
    price = "<ram:ChargeAmount>224.4673</ram:ChargeAmount>"  # 1 234,57 € / 5,5 h.
    assert price in billed and price in credited
    page = invoice_html(document_of(note))
    assert "\u22125\u00a0h\u00a030" in page and "224,4673\u00a0€ / h" in page


@given(st.lists(st.integers(0, 10_000_000), min_size=1, max_size=20))
def test_an_invoice_and_its_credit_note_sum_to_zero(amounts: list[int]) -> None:
    lines = tuple(InvoiceLine(LineKind.HOURS, "h", cents, minutes=60) for cents in amounts)
    invoice = _invoice(lines)
    note = credit_note(invoice, sequence=2, issued_on=ISSUED_ON, reason="r")
    assert invoice.total_cents + note.total_cents == 0
    assert invoice.total_cents == invoice.total_excl_vat_cents + invoice.vat_cents
    assert sum(line.amount_cents for line in invoice.lines) == invoice.total_excl_vat_cents


def test_the_document_mirrors_every_field_with_enums_as_their_values() -> None:
    invoice = dataclasses.replace(
        _invoice((HOURS, EXPENSE)), id=5, set_off_cents=100, set_off_on=ISSUED_ON
    )
    document = document_of(invoice)
    assert isinstance(document, InvoiceDocument)
    mapped = {f.name for f in dataclasses.fields(InvoiceDocument)}
    assert mapped == {f.name for f in dataclasses.fields(Invoice)}
    for name in mapped - {"issuer", "customer", "lines", "kind", "origin", "vat_exigibility"}:
        assert getattr(document, name) == getattr(invoice, name), name
    assert (document.kind, document.origin, document.vat_exigibility) == (
        "invoice",
        "loan",
        "payment",
    )
    assert dataclasses.asdict(document.issuer) == dataclasses.asdict(invoice.issuer)
    assert [dataclasses.asdict(line) for line in document.lines] == [
        {**dataclasses.asdict(line), "kind": line.kind.value} for line in invoice.lines
    ]


def test_labels_stay_on_one_line_within_the_column() -> None:
    assert label_text("Frais\n de  train") == "Frais de train"
    long = label_text("x" * 400)
    assert len(long) == LABEL_LENGTH_MAX and long.endswith("…")
    assert month_label(date(2026, 2, 1)) == "février 2026"
