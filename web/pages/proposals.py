"""Matching proposals: the host's and lender's inbox, the employee's own proposals.

Each proposal shows why the solver made it (skills met, distance or remote, hours) and only the
actions the use cases allow this person now: the lender's admin accepts (a loan is proposed to
the host), then the host's admin accepts that loan; either company or the employee declines
with a reason.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from timebank.errors import TimebankError
from timebank.proposals import use_cases
from timebank.proposals.model import ProposalStatus, Side
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    PAGE_SIZE,
    clamped_page,
    read_form,
    refused,
    render,
    see_other,
    text,
)

NOTICES.update(
    {
        "proposition_acceptee": (
            "Proposition acceptée : la mise à disposition est proposée à l'entreprise d'accueil."
        ),
        "proposition_accueil": (
            "Mise à disposition acceptée : l'employeur du salarié doit maintenant l'approuver."
        ),
        "proposition_declinee": (
            "Proposition déclinée : ce salarié ne sera plus proposé pour ce besoin."
        ),
    }
)

SIDES: Final = {"accueil": Side.HOST, "pret": Side.LENDER}
REASON_LENGTH_MAX: Final = 500


def _status(raw: str | None) -> str | None:
    return raw if raw in {s.value for s in ProposalStatus} else None


class ProposalPages(Controller):
    include_in_schema = False

    async def _inbox(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        *,
        company_id: int,
        side: str | None,
        status: str | None,
        page: str | None,
        refusal: TimebankError | None = None,
        refused_id: int | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        checked_side = SIDES.get(side or "")

        async def one_page(offset: int) -> Any:
            return await use_cases.company_inbox(
                uow,
                actor,
                company_id,
                side=None if checked_side is None else checked_side.value,
                status=status,
                limit=PAGE_SIZE,
                offset=offset,
            )

        result, pagination = await clamped_page(page, PAGE_SIZE, one_page)
        values: dict[str, Any] = {
            "company_id": company_id,
            "result": result,
            "pagination": pagination,
            "side": side if checked_side is not None else None,
            "status": status,
            "statuses": list(ProposalStatus),
            "base_path": f"/entreprises/{company_id}/propositions",
            "refused_id": refused_id,
        }
        if refusal is not None:
            return refused(request, "proposals/inbox.html", refusal, form or {}, **values)
        return render(request, "proposals/inbox.html", **values)

    @get("/entreprises/{company_id:int}/propositions")
    async def inbox(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        cote: FromQuery[str | None] = None,
        statut: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """Proposals for the company's needs (host) and for its staff (lender)."""
        return await self._inbox(
            request,
            uow,
            actor,
            company_id=company_id,
            side=cote,
            status=_status(statut),
            page=page,
        )

    @post("/entreprises/{company_id:int}/propositions/{proposal_id:int}/accepter")
    async def accept_as_lender(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        proposal_id: FromPath[int],
    ) -> Response[Any]:
        try:
            await use_cases.accept(uow, actor, proposal_id, now=now)
        except TimebankError as refusal:
            return await self._refused_inbox(request, uow, actor, company_id, proposal_id, refusal)
        return see_other(f"/entreprises/{company_id}/propositions", "proposition_acceptee")

    @post("/entreprises/{company_id:int}/propositions/{proposal_id:int}/accepter-accueil")
    async def accept_as_host(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        proposal_id: FromPath[int],
    ) -> Response[Any]:
        try:
            await use_cases.accept_as_host(uow, actor, proposal_id, now=now)
        except TimebankError as refusal:
            return await self._refused_inbox(request, uow, actor, company_id, proposal_id, refusal)
        return see_other(f"/entreprises/{company_id}/propositions", "proposition_accueil")

    @post("/entreprises/{company_id:int}/propositions/{proposal_id:int}/decliner")
    async def decline_for_company(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        proposal_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        reason = text(form, "reason", length_max=REASON_LENGTH_MAX + 1)
        try:
            await use_cases.decline(uow, actor, proposal_id, reason=reason, now=now)
        except TimebankError as refusal:
            return await self._refused_inbox(
                request, uow, actor, company_id, proposal_id, refusal, {"reason": reason}
            )
        return see_other(f"/entreprises/{company_id}/propositions", "proposition_declinee")

    async def _refused_inbox(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: int,
        proposal_id: int,
        refusal: TimebankError,
        form: dict[str, Any] | None = None,
    ) -> Template:
        return await self._inbox(
            request,
            uow,
            actor,
            company_id=company_id,
            side=None,
            status=None,
            page=None,
            refusal=refusal,
            refused_id=proposal_id,
            form=form,
        )

    async def _mine(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        *,
        status: str | None,
        page: str | None,
        refusal: TimebankError | None = None,
        refused_id: int | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        async def one_page(offset: int) -> Any:
            return await use_cases.my_proposals(
                uow, actor, status=status, limit=PAGE_SIZE, offset=offset
            )

        result, pagination = await clamped_page(page, PAGE_SIZE, one_page)
        values: dict[str, Any] = {
            "result": result,
            "pagination": pagination,
            "status": status,
            "statuses": list(ProposalStatus),
            "base_path": "/mes-propositions",
            "refused_id": refused_id,
        }
        if refusal is not None:
            return refused(request, "proposals/mine.html", refusal, form or {}, **values)
        return render(request, "proposals/mine.html", **values)

    @get("/mes-propositions")
    async def mine(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        statut: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """The missions the matching proposed to me, and why."""
        return await self._mine(request, uow, actor, status=_status(statut), page=page)

    @post("/mes-propositions/{proposal_id:int}/decliner")
    async def decline_mine(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        proposal_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        reason = text(form, "reason", length_max=REASON_LENGTH_MAX + 1)
        try:
            await use_cases.decline_mine(uow, actor, proposal_id, reason=reason, now=now)
        except TimebankError as refusal:
            return await self._mine(
                request,
                uow,
                actor,
                status=None,
                page=None,
                refusal=refusal,
                refused_id=proposal_id,
                form={"reason": reason},
            )
        return see_other("/mes-propositions", "proposition_declinee")
