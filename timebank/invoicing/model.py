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


def invoice_number(sequence: int) -> str:
    """BT-000042: the series' prefix and the sequence, zero-padded so numbers sort."""
    assert 1 <= sequence <= SEQUENCE_MAX
    return f"{NUMBER_PREFIX}-{sequence:0{SEQUENCE_DIGITS}d}"


def due_on(issued_on: date) -> date:
    return issued_on + timedelta(days=PAYMENT_DAYS)


def mentions_of(treatment: VatTreatment) -> tuple[str, ...]:
    """The mentions every invoice of the service carries, after the VAT's own."""
    return (
        *treatment.mentions,
        OPERATION_MENTION,
        AT_COST_MENTION,
        LATE_PAYMENT_MENTION,
        NO_DISCOUNT_MENTION,
    )


def expense_base_cents(amount_cents: int, vat_cents: int, *, lender_liable: bool) -> int:
    """What an expense costs the lender, excluding the VAT it recovers: a liable lender deducts
    the receipt's VAT (CGI art. 271), so bills the amount excluding it; any other lender bears
    the VAT, so bills the whole amount paid."""
    assert 0 <= vat_cents <= amount_cents
    return amount_cents - vat_cents if lender_liable else amount_cents
