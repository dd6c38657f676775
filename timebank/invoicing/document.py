"""The invoice handed to `contracts.invoice` (page, EN 16931 XML, Factur-X PDF) as plain values."""

from __future__ import annotations

from contracts.invoice import DocumentLine, DocumentParty, InvoiceDocument
from timebank.invoicing.model import Invoice, Party


def _party(party: Party) -> DocumentParty:
    return DocumentParty(
        company_id=party.company_id,
        name=party.name,
        siren=party.siren,
        address=party.address,
        postal_code=party.postal_code,
        city=party.city,
        vat_number=party.vat_number,
    )


def document_of(invoice: Invoice) -> InvoiceDocument:
    """The invoice as the document renderers read it: the same fields, enums as strings."""
    return InvoiceDocument(
        id=invoice.id,
        issuer=_party(invoice.issuer),
        customer=_party(invoice.customer),
        sequence=invoice.sequence,
        number=invoice.number,
        kind=invoice.kind.value,
        origin=invoice.origin.value,
        statement_id=invoice.statement_id,
        group_id=invoice.group_id,
        corrects_id=invoice.corrects_id,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        hours_cents=invoice.hours_cents,
        expenses_cents=invoice.expenses_cents,
        total_excl_vat_cents=invoice.total_excl_vat_cents,
        vat_rate_basis_points=invoice.vat_rate_basis_points,
        vat_cents=invoice.vat_cents,
        total_cents=invoice.total_cents,
        vat_exigibility=invoice.vat_exigibility.value,
        mentions=invoice.mentions,
        lines=tuple(
            DocumentLine(
                kind=line.kind.value,
                label=line.label,
                amount_cents=line.amount_cents,
                minutes=line.minutes,
                engagement_id=line.engagement_id,
                expense_id=line.expense_id,
            )
            for line in invoice.lines
        ),
        set_off_cents=invoice.set_off_cents,
        set_off_on=invoice.set_off_on,
        corrects_number=invoice.corrects_number,
        corrects_issued_on=invoice.corrects_issued_on,
    )
