"""Expenses of a loan as pages: the employee records them with the receipt's file and withdraws
one still submitted; the lender's admin approves or rejects with a reason; the host's admin and
both accountants read them and download the receipts.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from timebank.errors import TimebankError
from timebank.expenses import use_cases as expenses
from timebank.expenses.model import ExpenseKind
from web import refusals
from web.auth import MULTIPART_BYTES_MAX
from web.dependencies import CurrentActor, Now, Uow
from web.downloads import disposition
from web.pages.common import (
    NOTICES,
    day_of,
    euros_to_cents,
    local_path,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
)
from web.vocabulary import label

NOTICES.update(
    {
        "frais": "Frais enregistrés : ils attendent la validation de votre employeur.",
        "frais_retires": "Frais retirés.",
        "frais_valides": "Frais validés : ils seront facturés à l'entreprise d'accueil.",
        "frais_refuses": "Frais refusés : le salarié voit la raison sur sa page.",
    }
)
LOAN_PAGE: Final = "expenses/loan.html"
MINE_PAGE: Final = "expenses/mine.html"
COMPANY_PAGE: Final = "expenses/company.html"
EXPENSE_FIELDS: Final = (
    "spent_on",
    "kind",
    "description",
    "amount_cents",
    "vat_cents",
    "receipt",
)
KINDS: Final = tuple((kind.value, label("expense_kind", kind)) for kind in ExpenseKind)
_EXTENSIONS: Final = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def loan_expenses_path(engagement_id: int) -> str:
    return f"/mises-a-disposition/{engagement_id}/frais"


def _back(form: Any, fallback: str) -> str:
    """Where a review or withdrawal returns: the page it was made from (this site's only)."""
    return local_path(text(form, "retour", length_max=200), fallback)


class ExpensePages(Controller):
    include_in_schema = False

    async def _loan(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        engagement_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
        reviewed: int | None = None,
    ) -> Template:
        found = await expenses.loan_expenses(uow, actor, engagement_id)
        values: dict[str, Any] = {
            "loan": found,
            "kinds": KINDS,
            "fields": EXPENSE_FIELDS,
            "reviewed": reviewed,
            "client_id": str(uuid.uuid4()),
        }
        if refusal is not None:
            return refused(request, LOAN_PAGE, refusal, form or {}, **values)
        return render(request, LOAN_PAGE, **values)

    @get("/mises-a-disposition/{engagement_id:int}/frais")
    async def of_loan(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        engagement_id: FromPath[int],
    ) -> Template:
        """The loan's expenses; its employee records them here."""
        return await self._loan(request, uow, actor, engagement_id)

    @post(
        "/mises-a-disposition/{engagement_id:int}/frais",
        request_max_body_size=MULTIPART_BYTES_MAX,
    )
    async def record(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        upload = form.get("receipt")
        try:
            spent_on = day_of(form, "spent_on", label_fr="Date de la dépense", label_en="Date")
            assert spent_on is not None
            amount = euros_to_cents(
                form, "amount_cents", label_fr="Montant payé", label_en="Amount paid"
            )
            vat = (
                euros_to_cents(form, "vat_cents", label_fr="TVA", label_en="VAT")
                if text(form, "vat_cents")
                else 0
            )
            if not isinstance(upload, UploadFile):
                raise refusals.RECEIPT_MISSING.error()
            content = await upload.read()
            await expenses.record_expense(
                uow,
                actor,
                engagement_id,
                client_id=text(form, "client_id", length_max=40) or None,
                spent_on=spent_on,
                kind=text(form, "kind", length_max=20),
                description=text(form, "description", length_max=600),
                amount_cents=amount,
                vat_cents=vat,
                receipt_name=upload.filename or "justificatif",
                receipt=content,
                now=now,
            )
        except TimebankError as refusal:
            values = values_of(form)
            values.pop("receipt", None)
            if refusal.code == "duplicate_submission":
                values.pop("client_id", None)
            return await self._loan(
                request, uow, actor, engagement_id, refusal=refusal, form=values
            )
        return see_other(loan_expenses_path(engagement_id), "frais")

    @get("/mes-frais")
    async def mine(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor
    ) -> Template:
        """Every expense the person recorded, with the loans they were made for."""
        return render(request, MINE_PAGE, views=await expenses.my_expenses(uow, actor))

    @get("/entreprises/{company_id:int}/frais")
    async def of_company(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
    ) -> Template:
        """The expenses of the loans the company lends (to review) and hosts (to read)."""
        found = await expenses.company_expenses(uow, actor, company_id)
        return render(request, COMPANY_PAGE, found=found)

    @get("/frais/{expense_id:int}/justificatif")
    async def receipt(
        self, uow: Uow, actor: CurrentActor, expense_id: FromPath[int]
    ) -> Response[bytes]:
        found = await expenses.expense_receipt(uow, actor, expense_id)
        return Response(
            found.content,
            media_type=found.media_type,
            headers={
                **disposition(f"justificatif-{expense_id}{_EXTENSIONS[found.media_type]}"),
                "X-Content-Type-Options": "nosniff",
            },
        )

    @post("/frais/{expense_id:int}/retirer")
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        expense_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        view = await expenses.get_expense(uow, actor, expense_id)
        back = _back(form, loan_expenses_path(view.expense.engagement_id))
        try:
            await expenses.withdraw_expense(uow, actor, expense_id, now=now)
        except TimebankError as refusal:
            return await self._loan(
                request, uow, actor, view.expense.engagement_id, refusal=refusal
            )
        return see_other(back, "frais_retires")

    @post("/frais/{expense_id:int}/valider")
    async def approve(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        expense_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        view = await expenses.get_expense(uow, actor, expense_id)
        back = _back(form, loan_expenses_path(view.expense.engagement_id))
        try:
            await expenses.review_expense(uow, actor, expense_id, approve=True, now=now)
        except TimebankError as refusal:
            return await self._loan(
                request, uow, actor, view.expense.engagement_id, refusal=refusal
            )
        return see_other(back, "frais_valides")

    @post("/frais/{expense_id:int}/refuser")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        expense_id: FromPath[int],
    ) -> Template | Redirect:
        form = await read_form(request)
        view = await expenses.get_expense(uow, actor, expense_id)
        back = _back(form, loan_expenses_path(view.expense.engagement_id))
        try:
            await expenses.review_expense(
                uow,
                actor,
                expense_id,
                approve=False,
                reason=text(form, "reason", length_max=600),
                now=now,
            )
        except TimebankError as refusal:
            return await self._loan(
                request,
                uow,
                actor,
                view.expense.engagement_id,
                refusal=refusal,
                form={f"reason-{expense_id}": text(form, "reason", length_max=600)},
                reviewed=expense_id,
            )
        return see_other(back, "frais_refuses")
