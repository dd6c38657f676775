"""Invoices and credit notes: a company's list (issued and received), one invoice with its
lines, its Factur-X PDF, and its cancellation by a credit note (the issuer's admin)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from pydantic import computed_field

from timebank.invoicing import use_cases
from web.dependencies import CurrentActor, Now, Uow
from web.downloads import disposition
from web.schemas import In, Out, PageOut, page_out

INVOICES_PAGE_SIZE_DEFAULT = 20


class CreditNoteIn(In):
    reason: str


class InvoicePartyOut(Out):
    company_id: int
    name: str
    siren: str
    address: str
    postal_code: str
    city: str
    vat_number: str | None


class InvoiceLineOut(Out):
    kind: str
    label: str
    minutes: int | None
    amount_cents: int
    engagement_id: int | None
    expense_id: int | None


class InvoiceOut(Out):
    id: int
    number: str
    sequence: int
    kind: str
    origin: str
    issuer: InvoicePartyOut
    customer: InvoicePartyOut
    statement_id: int | None
    group_id: int | None
    corrects_id: int | None
    corrects_number: str | None
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
    set_off_cents: int
    set_off_on: date | None
    mentions: list[str]
    lines: list[InvoiceLineOut]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pdf_url(self) -> str:
        return f"/api/v1/invoices/{self.id}/pdf"


class InvoiceController(Controller):
    path = "/api/v1"
    tags = ["Factures"]

    @get("/companies/{company_id:int}/invoices")
    async def list_invoices(
        self,
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        page: FromQuery[int] = 1,
        size: FromQuery[int] = INVOICES_PAGE_SIZE_DEFAULT,
    ) -> PageOut[InvoiceOut]:
        """The invoices and credit notes the company issued or received, newest first
        (its admins and accountants)."""
        found = await use_cases.list_invoices(uow, actor, company_id, page=page, size=size)
        return page_out(found, [InvoiceOut.of(invoice) for invoice in found.items])

    @get("/invoices/{invoice_id:int}")
    async def get_invoice(
        self, invoice_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> InvoiceOut:
        return InvoiceOut.of(await use_cases.get_invoice(uow, actor, invoice_id))

    @get("/invoices/{invoice_id:int}/pdf", media_type="application/pdf")
    async def pdf(
        self, invoice_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> Response[bytes]:
        """The Factur-X PDF (EN 16931 XML inside a PDF/A-3), the same bytes at every download."""
        invoice, pdf = await use_cases.invoice_pdf(uow, actor, invoice_id)
        return Response(
            pdf, media_type="application/pdf", headers=disposition(f"{invoice.number}.pdf")
        )

    @post("/invoices/{invoice_id:int}/credit-note", status_code=HTTP_201_CREATED)
    async def credit_note(
        self,
        invoice_id: FromPath[int],
        data: JSONBody[CreditNoteIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> InvoiceOut:
        """The issuer's admin cancels the invoice in full by a credit note (its next number)."""
        return InvoiceOut.of(
            await use_cases.issue_credit_note(uow, actor, invoice_id, reason=data.reason, now=now)
        )
