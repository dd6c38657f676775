"""Monthly statements, the company's position and its ledger history, for company admins
(and their accountants, who read without answering)."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from ledger.model import TransferCode
from timebank import formatting
from timebank.book import use_cases as book
from timebank.book.model import Movement
from timebank.engagements import use_cases as engagements
from timebank.errors import InvalidInput, TimebankError
from timebank.invoicing import use_cases as invoicing
from timebank.pagination import Page
from timebank.settlements import use_cases as settlements
from timebank.settlements.model import StatementStatus
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    PAGE_SIZE,
    day_of,
    page_number,
    paginate,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
)

NOTICES.update(
    {
        "releve_accepte": "Votre accord est enregistré.",
        "releve_conteste": "Contestation enregistrée : le relevé attend une correction.",
    }
)
LEDGER_PAGE_SIZE: Final = 25
PERIOD_FIELDS: Final = ("start", "end")
MOVEMENT_LABELS: Final = {
    TransferCode.WELCOME_CREDIT: "Crédit de bienvenue",
    TransferCode.CORRECTION: "Correction",
    TransferCode.SETTLEMENT: "Règlement du relevé mensuel (compensation)",
    TransferCode.CDO_ALLOCATION: "Imputation du CDO mutualisé",
    TransferCode.EXPIRY: "Fin d'une réservation",
}


def movement_label(movement: Movement) -> str:
    """What the movement was, in French words, with the timesheet entry it comes from."""
    if movement.code is TransferCode.EXCHANGE:
        given = movement.minutes_delta > 0 or (
            movement.minutes_delta == 0 and movement.cents_delta > 0
        )
        words = "Heures prêtées" if given else "Heures reçues"
    else:
        words = MOVEMENT_LABELS[movement.code]
    kind, _, number = (movement.external_ref or "").partition(":")
    if kind == "timesheet" and number.isdigit():
        words += f", saisie n° {number}"
    elif kind == "statement" and number.isdigit():
        words += f", relevé n° {number}"
    return words


def _base(company_id: int) -> str:
    return f"/entreprises/{company_id}/releves"


class StatementPages(Controller):
    include_in_schema = False

    @get("/entreprises/{company_id:int}/releves")
    async def statements(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """The company's position in the time bank, then its monthly statements."""
        position = await engagements.company_position(uow, actor, company_id, now=now)
        result = await settlements.company_statements(
            uow, actor, company_id, page=page_number(page), size=PAGE_SIZE
        )
        pagination = paginate(result.offset // PAGE_SIZE + 1, result.total, PAGE_SIZE)
        return render(
            request,
            "statements/list.html",
            company_id=company_id,
            company_name=actor.company_name(company_id),
            position=position,
            result=result,
            pagination=pagination,
            month_label=formatting.month_label,
        )

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: int,
        statement_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        detail = await settlements.statement_detail(uow, actor, company_id, statement_id)
        values: dict[str, Any] = {
            "company_id": company_id,
            "company_name": actor.company_name(company_id),
            "side": detail.side,
            "statement": detail.side.statement,
            "lines": detail.lines,
            "month_label": formatting.month_label,
            "invoices": await invoicing.statement_invoices(uow, actor, company_id, statement_id),
            "expenses": (
                []
                if detail.side.statement.status is StatementStatus.AGREED
                else await invoicing.statement_expenses(
                    uow, actor, company_id, detail.side.statement
                )
            ),
        }
        if refusal is not None:
            return refused(request, "statements/detail.html", refusal, form or {}, **values)
        return render(request, "statements/detail.html", **values)

    @get("/entreprises/{company_id:int}/releves/{statement_id:int}")
    async def statement(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        statement_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template:
        """One statement: figures each way, the set-off, who owes what, its lines."""
        return await self._detail(request, uow, actor, company_id, statement_id)

    @post("/entreprises/{company_id:int}/releves/{statement_id:int}/accord")
    async def agree(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        statement_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        try:
            await settlements.agree(uow, actor, statement_id, now=now)
        except TimebankError as refusal:
            return await self._detail(
                request, uow, actor, company_id, statement_id, refusal=refusal
            )
        return see_other(f"{_base(company_id)}/{statement_id}", "releve_accepte")

    @post("/entreprises/{company_id:int}/releves/{statement_id:int}/contestation")
    async def dispute(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        statement_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            await settlements.dispute(
                uow, actor, statement_id, reason=text(form, "reason", length_max=600), now=now
            )
        except TimebankError as refusal:
            return await self._detail(
                request,
                uow,
                actor,
                company_id,
                statement_id,
                refusal=refusal,
                form=values_of(form),
            )
        return see_other(f"{_base(company_id)}/{statement_id}", "releve_conteste")

    @get("/entreprises/{company_id:int}/grand-livre")
    async def ledger(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """The company's movements, newest first, with hours and euros and running balances."""
        query: Any = request.query_params
        form = {"start": start or "", "end": end or ""}
        refusal: InvalidInput | None = None

        async def one_page(first_day: date | None, last_day: date | None) -> Page[Movement]:
            return await book.company_ledger(
                uow,
                actor,
                company_id,
                start=first_day,
                end=last_day,
                page=page_number(page),
                size=LEDGER_PAGE_SIZE,
            )

        try:
            result = await one_page(
                day_of(query, "start", label_fr="Du", label_en="From", required=False),
                day_of(query, "end", label_fr="Au", label_en="To", required=False),
            )
        except InvalidInput as exc:
            if exc.field not in PERIOD_FIELDS:
                raise
            # The period is refused beside its field; the whole ledger shows meanwhile.
            refusal, result = exc, await one_page(None, None)
        pagination = paginate(result.offset // LEDGER_PAGE_SIZE + 1, result.total, LEDGER_PAGE_SIZE)
        values: dict[str, Any] = {
            "company_id": company_id,
            "company_name": actor.company_name(company_id),
            "result": result,
            "pagination": pagination,
            "movement_label": movement_label,
        }
        if refusal is not None:
            return refused(request, "statements/ledger.html", refusal, form, **values)
        return render(request, "statements/ledger.html", form=form, **values)
