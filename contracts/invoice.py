"""The invoice as a document: its printable French page, its EN 16931 (UN/CEFACT CII) XML and the
Factur-X PDF/A-3 that carries both. `contracts` sits below `timebank`, so the invoice comes in
as plain values (`InvoiceDocument`, the mirror of `timebank.invoicing.model.Invoice`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class DocumentParty:
    """A company as printed on the invoice (`timebank.invoicing.model.Party`)."""

    company_id: int
    name: str
    siren: str
    address: str
    postal_code: str
    city: str
    vat_number: str | None


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One line (`InvoiceLine`); kind: "hours", "expense" or "cdo"."""

    kind: str
    label: str
    amount_cents: int  # Excluding VAT; negative on a credit note, as in the model.
    minutes: int | None = None  # Hours and CDO lines: the quantity.
    engagement_id: int | None = None
    expense_id: int | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """An issued invoice or credit note (`Invoice`), enums as their string values: kind
    "invoice"/"credit_note", origin "loan"/"cdo", vat_exigibility "none"/"payment"/"debits"."""

    id: int
    issuer: DocumentParty
    customer: DocumentParty
    sequence: int
    number: str
    kind: str
    origin: str
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
    vat_exigibility: str
    mentions: tuple[str, ...]
    lines: tuple[DocumentLine, ...]
    set_off_cents: int = 0
    set_off_on: date | None = None
    corrects_number: str | None = None  # Credit note: the number of the invoice it cancels.
