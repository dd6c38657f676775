"""An invoice as the law reads it (CGI art. 289, ann. II art. 242 nonies A; C. com. L441-9):
who issues it to whom, its continuous number, what it bills, its VAT and its mentions. Pure:
plain values in, plain values out; the VAT rules are `timebank.vat.model`'s.

Every mention and its source is in docs/accounting.md, section « Factures ».
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from contracts.invoice import CREDIT_NOTE_REASON_PREFIX
from timebank.vat.model import VatExigibility, VatTreatment

NUMBER_PREFIX: Final = "BT"  # The time bank's own series, beside the issuer's other series.
SEQUENCE_DIGITS: Final = 6
SEQUENCE_MAX: Final = 999_999
PAYMENT_DAYS: Final = 30  # C. com. L441-10 I: 30 days after the service unless agreed.
LINES_MAX: Final = 500  # Lines on one invoice (loans and expenses of a pair in a month).
LABEL_LENGTH_MAX: Final = 300
LATE_PAYMENT_MENTION: Final = (
    "Pénalités de retard : taux d'intérêt de la BCE à son opération de refinancement la plus "
    "récente majoré de 10 points (C. com. art. L441-10 II). Indemnité forfaitaire pour frais "
    "de recouvrement : 40 € (C. com. art. D441-5)."
)
NO_DISCOUNT_MENTION: Final = "Pas d'escompte pour paiement anticipé."
OPERATION_MENTION: Final = "Catégorie de l'opération : prestations de services"
AT_COST_MENTION: Final = (
    "Mise à disposition de personnel à but non lucratif, facturée au coût exact "
    "(C. trav. art. L8241-1)."
)


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"  # Cancels an invoice in full (amounts negative).


class InvoiceOrigin(StrEnum):
    LOAN = "loan"  # A lender's month of hours and expenses to one host (a statement).
    CDO = "cdo"  # An employer group's month of its shared CDO's cost to one member.


class LineKind(StrEnum):
    HOURS = "hours"
    EXPENSE = "expense"
    CDO = "cdo"


@dataclass(frozen=True, slots=True)
class Party:
    """A company as it stood the day the invoice was issued (copied onto the invoice)."""

    company_id: int
    name: str
    siren: str
    address: str
    postal_code: str
    city: str
    vat_number: str | None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    kind: LineKind
    label: str
    amount_cents: int  # Excluding VAT.
    minutes: int | None = None  # Hours and CDO lines: the quantity.
    engagement_id: int | None = None
    expense_id: int | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    id: int
    issuer: Party
    customer: Party
    sequence: int
    number: str
    kind: InvoiceKind
    origin: InvoiceOrigin
    statement_id: int | None
    group_id: int | None
    corrects_id: int | None
    period_start: date
    period_end: date
    issued_on: date
    due_on: date
    hours_cents: int
    expenses_cents: int
    total_excl_vat_cents: int
    vat_rate_basis_points: int
    vat_cents: int
    total_cents: int
    vat_exigibility: VatExigibility
    mentions: tuple[str, ...]
    lines: tuple[InvoiceLine, ...]
    set_off_cents: int = 0
    set_off_on: date | None = None
    corrects_number: str | None = None  # Credit note: the number of the invoice it cancels.
    corrects_issued_on: date | None = None  # And that invoice's date (EN 16931 BT-26).


def invoice_number(sequence: int) -> str:
    """BT-000042: the series' prefix and the sequence, zero-padded so numbers sort."""
    assert 1 <= sequence <= SEQUENCE_MAX
    return f"{NUMBER_PREFIX}-{sequence:0{SEQUENCE_DIGITS}d}"


def due_on(period_end: date, issued_on: date) -> date:
    """Without an agreed term, C. com. L441-10 I counts 30 days from the service's execution
    (the end of the period billed), not from the invoice; an invoice issued later than that
    is due the day it is issued (the stricter reading, docs/accounting.md)."""
    return max(period_end + timedelta(days=PAYMENT_DAYS), issued_on)


def mentions_of(treatment: VatTreatment) -> tuple[str, ...]:
    """The mentions every invoice of the service carries, after the VAT's own."""
    return (
        *treatment.mentions,
        OPERATION_MENTION,
        AT_COST_MENTION,
        LATE_PAYMENT_MENTION,
        NO_DISCOUNT_MENTION,
    )


# The kinds of expense (`expenses.model.ExpenseKind` values) whose VAT no lender deducts: the
# lodging of staff (CGI ann. II art. 206, IV, 2, 2°) and the transport of persons (3°).
VAT_NOT_DEDUCTIBLE_KINDS: Final = frozenset({"lodging", "transport"})


def expense_base_cents(amount_cents: int, vat_cents: int, *, lender_liable: bool, kind: str) -> int:
    """What an expense costs the lender, excluding the VAT it recovers: a liable lender deducts
    the receipt's VAT (CGI art. 271), so bills the amount excluding it, except on lodging and
    the transport of persons, whose VAT no one deducts; any other lender bears the VAT. What
    the lender bears it bills: the whole amount paid (C. trav. L8241-1, the exact cost)."""
    assert 0 <= vat_cents <= amount_cents
    recovers = lender_liable and kind not in VAT_NOT_DEDUCTIBLE_KINDS
    return amount_cents - vat_cents if recovers else amount_cents


CREDIT_NOTE_REASON_LENGTH_MAX: Final = 500


def line_totals(lines: tuple[InvoiceLine, ...]) -> tuple[int, int]:
    """(hours and CDO cents, expenses cents) of the lines, excluding VAT."""
    expenses = sum(line.amount_cents for line in lines if line.kind is LineKind.EXPENSE)
    return sum(line.amount_cents for line in lines) - expenses, expenses


def new_invoice(
    *,
    issuer: Party,
    customer: Party,
    sequence: int,
    origin: InvoiceOrigin,
    lines: tuple[InvoiceLine, ...],
    treatment: VatTreatment,
    issued_on: date,
    period_start: date,
    period_end: date,
    statement_id: int | None = None,
    group_id: int | None = None,
) -> Invoice:
    """An invoice (not stored yet: id 0) whose totals are its lines' and its VAT `treatment`'s."""
    assert lines, "an invoice bills something"
    assert len(lines) <= LINES_MAX
    hours_cents, expenses_cents = line_totals(lines)
    assert treatment.at_cost_cents == hours_cents + expenses_cents, "VAT on the lines' total"
    return Invoice(
        id=0,
        issuer=issuer,
        customer=customer,
        sequence=sequence,
        number=invoice_number(sequence),
        kind=InvoiceKind.INVOICE,
        origin=origin,
        statement_id=statement_id,
        group_id=group_id,
        corrects_id=None,
        period_start=period_start,
        period_end=period_end,
        issued_on=issued_on,
        due_on=due_on(period_end, issued_on),
        hours_cents=hours_cents,
        expenses_cents=expenses_cents,
        total_excl_vat_cents=treatment.at_cost_cents,
        vat_rate_basis_points=treatment.rate_basis_points,
        vat_cents=treatment.vat_cents,
        total_cents=treatment.total_cents,
        vat_exigibility=treatment.exigibility,
        mentions=mentions_of(treatment),
        lines=lines,
    )


def credit_note_mention(number: str, issued_on: date) -> str:
    return f"Avoir annulant la facture N° {number} du {issued_on.strftime('%d/%m/%Y')}"


def credit_note(invoice: Invoice, *, sequence: int, issued_on: date, reason: str) -> Invoice:
    """The credit note cancelling `invoice` in full: the issuer's next number, every line and
    amount negated (VAT too, so the pair sums to zero), its mentions kept after the reference
    to the invoice cancelled and the reason."""
    assert invoice.kind is InvoiceKind.INVOICE, "only an invoice is cancelled"
    assert reason.strip()
    return Invoice(
        id=0,
        issuer=invoice.issuer,
        customer=invoice.customer,
        sequence=sequence,
        number=invoice_number(sequence),
        kind=InvoiceKind.CREDIT_NOTE,
        origin=invoice.origin,
        statement_id=invoice.statement_id,
        group_id=invoice.group_id,
        corrects_id=invoice.id,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        issued_on=issued_on,
        due_on=issued_on,
        hours_cents=-invoice.hours_cents,
        expenses_cents=-invoice.expenses_cents,
        total_excl_vat_cents=-invoice.total_excl_vat_cents,
        vat_rate_basis_points=invoice.vat_rate_basis_points,
        vat_cents=-invoice.vat_cents,
        total_cents=-invoice.total_cents,
        vat_exigibility=invoice.vat_exigibility,
        mentions=(
            credit_note_mention(invoice.number, invoice.issued_on),
            # One line: the mentions are stored one per line.
            CREDIT_NOTE_REASON_PREFIX + " ".join(reason.split()),
            *invoice.mentions,
        ),
        lines=tuple(
            InvoiceLine(
                kind=line.kind,
                label=line.label,
                amount_cents=-line.amount_cents,
                minutes=None if line.minutes is None else -line.minutes,
                engagement_id=line.engagement_id,
                expense_id=line.expense_id,
            )
            for line in invoice.lines
        ),
        corrects_number=invoice.number,
        corrects_issued_on=invoice.issued_on,
    )


def set_off_cents(first: Invoice, second: Invoice) -> int:
    """What two invoices between the same companies, each way, cancel out (compensation)."""
    assert (first.issuer.company_id, first.customer.company_id) == (
        second.customer.company_id,
        second.issuer.company_id,
    )
    return min(first.total_cents, second.total_cents)


# The months as invoices name them (the same words as the statements' pages).
def label_text(text: str) -> str:
    """A line's label on one line, cut to the column's length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= LABEL_LENGTH_MAX else flat[: LABEL_LENGTH_MAX - 1] + "…"


@dataclass(frozen=True, slots=True)
class LoanHours:
    """A loan's approved hours of one month worked, counted in one statement (a statement
    holds its month's hours and those of earlier months approved after their statement)."""

    engagement_id: int
    month: date  # The first day of the month worked.
    lender_company_id: int
    host_company_id: int
    employee_name: str
    minutes: int
    cost_cents: int
