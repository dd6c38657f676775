"""Expenses of a loan: the employee records them with a receipt (base64 in JSON) and withdraws
them; the lender's admin reviews; both companies' admins and accountants read them."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Final

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel

from timebank.expenses import use_cases
from timebank.expenses.model import RECEIPT_BYTES_MAX
from timebank.expenses.use_cases import CompanyExpenses, ExpenseView
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.downloads import disposition
from web.schemas import In, Int64, Out

# A 5 MB receipt in base64 (4/3) with the other fields.
EXPENSE_BODY_BYTES_MAX: Final = RECEIPT_BYTES_MAX * 4 // 3 + 64 * 1024


_EXTENSIONS: Final = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class ExpenseIn(In):
    client_id: str | None = None
    spent_on: date
    kind: str
    description: str
    amount_cents: Int64
    vat_cents: Int64 = 0
    receipt_name: str
    receipt_base64: str


class RejectionIn(In):
    reason: str


class ExpenseOut(Out):
    id: int
    client_id: str | None
    engagement_id: int
    employee_id: int
    spent_on: date
    kind: str
    description: str
    amount_cents: int
    vat_cents: int
    receipt_name: str
    receipt_media_type: str
    receipt_sha256: str
    status: str
    rejection_reason: str | None
    reviewed_at: datetime | None
    invoice_id: int | None
    created_at: datetime


class ExpenseLineOut(ExpenseOut):
    """An expense in a list, with the loan's names."""

    employee_name: str
    lender_name: str
    host_name: str

    @classmethod
    def of_view(cls, view: ExpenseView) -> ExpenseLineOut:
        return cls(
            **ExpenseOut.of(view.expense).model_dump(),
            employee_name=view.names.employee,
            lender_name=view.names.lender,
            host_name=view.names.host,
        )


class CompanyExpensesOut(BaseModel):
    company_id: int
    lent: list[ExpenseLineOut]
    hosted: list[ExpenseLineOut]

    @classmethod
    def of(cls, found: CompanyExpenses) -> CompanyExpensesOut:
        return cls(
            company_id=found.company_id,
            lent=[ExpenseLineOut.of_view(view) for view in found.lent],
            hosted=[ExpenseLineOut.of_view(view) for view in found.hosted],
        )


def _decoded(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise refusals.RECEIPT_ENCODING.error() from None


class ExpenseController(Controller):
    path = "/api/v1"
    tags = ["Frais"]

    @post(
        "/engagements/{engagement_id:int}/expenses",
        status_code=HTTP_201_CREATED,
        request_max_body_size=EXPENSE_BODY_BYTES_MAX,
    )
    async def record(
        self,
        engagement_id: FromPath[int],
        data: JSONBody[ExpenseIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Response[ExpenseOut]:
        """The lent employee records an expense with its receipt (PDF, JPEG or PNG, 5 MB at
        most, base64); idempotent by `client_id`: 200 when repeated with the same content."""
        expense, created = await use_cases.record_expense(
            uow,
            actor,
            engagement_id,
            client_id=data.client_id,
            spent_on=data.spent_on,
            kind=data.kind,
            description=data.description,
            amount_cents=data.amount_cents,
            vat_cents=data.vat_cents,
            receipt_name=data.receipt_name,
            receipt=_decoded(data.receipt_base64),
            now=now,
        )
        return Response(
            ExpenseOut.of(expense), status_code=HTTP_201_CREATED if created else HTTP_200_OK
        )

    @get("/engagements/{engagement_id:int}/expenses")
    async def of_loan(
        self, engagement_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> list[ExpenseLineOut]:
        """The loan's expenses, the newest first: its employee, both admins and accountants."""
        found = await use_cases.loan_expenses(uow, actor, engagement_id)
        return [ExpenseLineOut.of_view(view) for view in found.expenses]

    @get("/expenses")
    async def mine(self, uow: Uow, actor: CurrentActor) -> list[ExpenseLineOut]:
        """The expenses the caller recorded, on every loan."""
        return [ExpenseLineOut.of_view(view) for view in await use_cases.my_expenses(uow, actor)]

    @get("/companies/{company_id:int}/expenses")
    async def of_company(
        self, company_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> CompanyExpensesOut:
        """The expenses of the loans the company lends and hosts: its admins and accountants."""
        return CompanyExpensesOut.of(await use_cases.company_expenses(uow, actor, company_id))

    @get("/expenses/{expense_id:int}")
    async def one(self, expense_id: FromPath[int], uow: Uow, actor: CurrentActor) -> ExpenseLineOut:
        return ExpenseLineOut.of_view(await use_cases.get_expense(uow, actor, expense_id))

    @get("/expenses/{expense_id:int}/receipt")
    async def receipt(
        self, expense_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> Response[bytes]:
        """The receipt file as recorded (its SHA-256 in the `X-Content-SHA256` header)."""
        found = await use_cases.expense_receipt(uow, actor, expense_id)
        return Response(
            found.content,
            media_type=found.media_type,
            headers={
                **disposition(f"justificatif-{expense_id}{_EXTENSIONS[found.media_type]}"),
                "X-Content-SHA256": found.sha256,
                "X-Content-Type-Options": "nosniff",
            },
        )

    @post("/expenses/{expense_id:int}/withdraw", status_code=HTTP_200_OK)
    async def withdraw(
        self, expense_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> ExpenseOut:
        """The employee withdraws an expense still submitted."""
        return ExpenseOut.of(await use_cases.withdraw_expense(uow, actor, expense_id, now=now))

    @post("/expenses/{expense_id:int}/approve", status_code=HTTP_200_OK)
    async def approve(
        self, expense_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> ExpenseOut:
        """The lender's admin approves: final, billed on the next invoice to the host."""
        return ExpenseOut.of(
            await use_cases.review_expense(uow, actor, expense_id, approve=True, now=now)
        )

    @post("/expenses/{expense_id:int}/reject", status_code=HTTP_200_OK)
    async def reject(
        self,
        expense_id: FromPath[int],
        data: JSONBody[RejectionIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> ExpenseOut:
        """The lender's admin rejects, with the reason: final."""
        return ExpenseOut.of(
            await use_cases.review_expense(
                uow, actor, expense_id, approve=False, reason=data.reason, now=now
            )
        )
