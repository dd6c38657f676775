"""Accountant pages: client companies, the export page per fiscal year (the FEC file summed up
before it is downloaded, hours, amortisation statement), asset projects.

The same export page opens for a company's admins under `/entreprises/{id}/exports`; the use
cases decide who may read it and who may mark a need as an asset project.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank.accounting import use_cases as accounting
from timebank.accounting.use_cases import accounting_settings
from timebank.errors import Forbidden, NotFound, TimebankError
from timebank.people import use_cases as people
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    day_of,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
    whole_number,
)

NOTICES.update(
    {
        "projet_immobilise": "Le besoin est désormais un projet immobilisé.",
        "projet_retire": (
            "Le besoin n'est plus un projet immobilisé : son temps redevient une charge."
        ),
    }
)
CLIENTS_PAGE: Final = "accounting/clients.html"
EXPORT_PAGE: Final = "accounting/export.html"
PROJECT_FIELDS: Final = ("need_id", "account", "in_service_on")
PREPARED_KINDS: Final = {
    "fec": "Fichier des écritures (FEC)",
    "hours": "Heures échangées",
    "amortisation": "État des amortissements",
}
ACCOUNTS: Final = (
    ("203", "203 — Frais de développement"),
    ("205", "205 — Concessions, brevets, logiciels et droits similaires"),
)


def accountant_base(company_id: int) -> str:
    return f"/comptable/entreprises/{company_id}"


def admin_base(company_id: int) -> str:
    return f"/entreprises/{company_id}/exports"


def year_asked(raw: str | None) -> int | None:
    """The fiscal year in `?exercice=`; unreadable or absent: the use case's default."""
    if raw is None or not raw.isdigit() or len(raw) != 4:
        return None
    return int(raw)


class AccountingPages(Controller):
    include_in_schema = False

    @get("/comptable")
    async def clients(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor
    ) -> Template:
        companies = await people.accountant_clients(uow, actor)
        return render(request, CLIENTS_PAGE, companies=companies)

    async def _export(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Any,
        *,
        company_id: int,
        base_path: str,
        year: int | None,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        shown = await accounting.export_page(
            uow,
            actor,
            company_id,
            year=year,
            settings=accounting_settings(),
            today=now.date(),
        )
        api = f"/api/v1/companies/{company_id}/exports"
        values: dict[str, Any] = {
            "page": shown,
            "base_path": base_path,
            "downloads": f"?year={shown.year}",
            "api": api,
            "accounts": ACCOUNTS,
            "prepared_kinds": PREPARED_KINDS,
        }
        if refusal is not None:
            return refused(request, EXPORT_PAGE, refusal, form or {}, **values)
        return render(request, EXPORT_PAGE, form=form or {"account": "205"}, **values)

    @get("/comptable/entreprises/{company_id:int}")
    async def export(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        exercice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._export(
            request,
            uow,
            actor,
            now,
            company_id=company_id,
            base_path=accountant_base(company_id),
            year=year_asked(exercice),
        )

    @get("/entreprises/{company_id:int}/exports")
    async def admin_export(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        exercice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._export(
            request,
            uow,
            actor,
            now,
            company_id=company_id,
            base_path=admin_base(company_id),
            year=year_asked(exercice),
        )

    async def _mark(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Any,
        company_id: int,
        base_path: str,
    ) -> Template | Redirect:
        form = await read_form(request)
        year = year_asked(text(form, "exercice", length_max=10))
        try:
            need_id = whole_number(form, "need_id", label_fr="Besoin", label_en="Need")
            await accounting.mark_asset_project(
                uow,
                actor,
                need_id,
                account=text(form, "account", length_max=10),
                in_service_on=day_of(
                    form,
                    "in_service_on",
                    label_fr="Date de mise en service",
                    label_en="Date put into service",
                    required=False,
                ),
                now=now,
            )
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            return await self._export(
                request,
                uow,
                actor,
                now,
                company_id=company_id,
                base_path=base_path,
                year=year,
                refusal=refusal,
                form=values_of(form),
            )
        suffix = f"?exercice={year}" if year else ""
        return see_other(f"{base_path}{suffix}", "projet_immobilise")

    @post("/comptable/entreprises/{company_id:int}/projets-immobilises")
    async def mark(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._mark(request, uow, actor, now, company_id, accountant_base(company_id))

    @post("/entreprises/{company_id:int}/exports/projets-immobilises")
    async def admin_mark(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._mark(request, uow, actor, now, company_id, admin_base(company_id))

    async def _unmark(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor, need_id: int
    ) -> int | None:
        form = await read_form(request)
        await accounting.unmark_asset_project(uow, actor, need_id)
        return year_asked(text(form, "exercice", length_max=10))

    @post("/comptable/entreprises/{company_id:int}/projets-immobilises/{need_id:int}/retirer")
    async def unmark(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        need_id: FromPath[int],
    ) -> Redirect:
        year = await self._unmark(request, uow, actor, need_id)
        suffix = f"?exercice={year}" if year else ""
        return see_other(f"{accountant_base(company_id)}{suffix}", "projet_retire")

    @post("/entreprises/{company_id:int}/exports/projets-immobilises/{need_id:int}/retirer")
    async def admin_unmark(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        need_id: FromPath[int],
    ) -> Redirect:
        year = await self._unmark(request, uow, actor, need_id)
        suffix = f"?exercice={year}" if year else ""
        return see_other(f"{admin_base(company_id)}{suffix}", "projet_retire")
