"""Invoices of a company (issued and received), for its admins and accountants: the list, one
invoice with every line, totals and mentions, its Factur-X PDF, and the issuer's admin's
credit note that cancels it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank import formatting
from timebank.errors import TimebankError
from timebank.invoicing import use_cases as invoicing
from timebank.invoicing.model import (
    CREDIT_NOTE_REASON_LENGTH_MAX,
    Invoice,
    InvoiceKind,
)
from timebank.people.model import Actor, Role
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    PAGE_SIZE,
    page_number,
    paginate,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
)

NOTICES.update({"avoir": "Avoir émis : la facture est annulée et ses frais seront refacturés."})
LIST_PAGE: Final = "invoices/list.html"
DETAIL_PAGE: Final = "invoices/detail.html"


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """An invoice as one company reads it: which way it goes and where its payment stands."""

    invoice: Invoice
    issued: bool  # The company issued it (else received it).
    counterpart_name: str
    status: str


def settlement_status(invoice: Invoice, *, issued: bool, cancelled: bool) -> str:
    """Where the invoice's payment stands, in French, from the company's side."""
    if invoice.kind is InvoiceKind.CREDIT_NOTE:
        return f"Avoir annulant la facture N° {invoice.corrects_number}"
    if cancelled:
        return "Annulée par un avoir"
    left = invoice.total_cents - invoice.set_off_cents
    to_settle = "à encaisser" if issued else "à payer"
    if invoice.set_off_cents and left <= 0:
        return "Réglée par compensation"
    if invoice.set_off_cents:
        return (
            f"Compensée à hauteur de {formatting.euros(invoice.set_off_cents)}, "
            f"reste {formatting.euros(left)} {to_settle}"
        )
    return f"{formatting.euros(invoice.total_cents)} {to_settle}"


def row_of(invoice: Invoice, company_id: int, *, cancelled: bool) -> InvoiceRow:
    issued = invoice.issuer.company_id == company_id
    other = invoice.customer if issued else invoice.issuer
    return InvoiceRow(
        invoice=invoice,
        issued=issued,
        counterpart_name=other.name,
        status=settlement_status(invoice, issued=issued, cancelled=cancelled),
    )


def _base(company_id: int) -> str:
    return f"/entreprises/{company_id}/factures"


class InvoicePages(Controller):
    include_in_schema = False

    @get("/entreprises/{company_id:int}/factures")
    async def invoices(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """The company's invoices and credit notes, newest first."""
        result = await invoicing.list_invoices(
            uow, actor, company_id, page=page_number(page), size=PAGE_SIZE
        )
        cancelled = await invoicing.cancelled_among(uow, [i.id for i in result.items])
        return render(
            request,
            LIST_PAGE,
            company_id=company_id,
            company_name=actor.company_name(company_id),
            rows=[row_of(i, company_id, cancelled=i.id in cancelled) for i in result.items],
            result=result,
            pagination=paginate(result.offset // PAGE_SIZE + 1, result.total, PAGE_SIZE),
        )

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        company_id: int,
        invoice_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        invoice, cancelled = await invoicing.invoice_status(uow, actor, invoice_id)
        if company_id not in (invoice.issuer.company_id, invoice.customer.company_id):
            raise refusals.INVOICE_NOT_FOUND.error(id=invoice_id)
        row = row_of(invoice, company_id, cancelled=cancelled)
        values: dict[str, Any] = {
            "company_id": company_id,
            "company_name": actor.company_name(company_id),
            "row": row,
            "invoice": invoice,
            "may_cancel": (
                row.issued
                and not cancelled
                and invoice.kind is InvoiceKind.INVOICE
                and actor.has_role(company_id, Role.COMPANY_ADMIN)
            ),
            "month_label": formatting.month_label,
        }
        if refusal is not None:
            return refused(request, DETAIL_PAGE, refusal, form or {}, **values)
        return render(request, DETAIL_PAGE, **values)

    @get("/entreprises/{company_id:int}/factures/{invoice_id:int}")
    async def invoice(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        invoice_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template:
        """One invoice: the parties, every line, the totals, the mentions, its PDF."""
        return await self._detail(request, uow, actor, company_id, invoice_id)

    @post("/entreprises/{company_id:int}/factures/{invoice_id:int}/avoir")
    async def credit_note(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        invoice_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            note = await invoicing.issue_credit_note(
                uow,
                actor,
                invoice_id,
                reason=text(form, "reason", length_max=CREDIT_NOTE_REASON_LENGTH_MAX + 100),
                now=now,
            )
        except TimebankError as refusal:
            return await self._detail(
                request,
                uow,
                actor,
                company_id,
                invoice_id,
                refusal=refusal,
                form=values_of(form),
            )
        return see_other(f"{_base(company_id)}/{note.id}", "avoir")
