"""Needs: post, browse (by skill, region, status), read, edit."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from timebank.needs import use_cases
from timebank.needs.use_cases import NeedInput
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import NeedIn, NeedOut, PageOut, need_page_out


def need_input(data: JSONBody[NeedIn]) -> NeedInput:
    return NeedInput(
        title=data.title,
        description=data.description,
        estimated_minutes=data.estimated_minutes,
        window_start=data.window_start,
        window_end=data.window_end,
        remote_allowed=data.remote_allowed,
        place_city=data.place_city,
        place_postal_code=data.place_postal_code,
        language=data.language,
        skills=[(s.skill, s.min_level, s.weight) for s in data.skills],
        status=data.status,
    )


class NeedController(Controller):
    path = "/api/v1"
    tags = ["Besoins"]

    @get("/needs")
    async def list_needs(
        self,
        uow: Uow,
        actor: CurrentActor,
        skill: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        company_id: FromQuery[int | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[NeedOut]:
        """Needs of the network; drafts only for their own company."""
        page = await use_cases.list_needs(
            uow,
            actor,
            skill_code=skill,
            region=region,
            status=status,
            company_id=company_id,
            limit=limit,
            offset=offset,
        )
        return need_page_out(page)

    @post("/companies/{company_id:int}/needs", status_code=HTTP_201_CREATED)
    async def create_need(
        self,
        company_id: FromPath[int],
        data: JSONBody[NeedIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> NeedOut:
        """A company's admin posts a need (draft or open)."""
        return NeedOut.of(
            await use_cases.create_need(uow, actor, company_id, need_input(data), now=now)
        )

    @get("/needs/{need_id:int}")
    async def get_need(self, need_id: FromPath[int], uow: Uow, actor: CurrentActor) -> NeedOut:
        return NeedOut.of(await use_cases.get_need(uow, actor, need_id))

    @put("/needs/{need_id:int}")
    async def update_need(
        self,
        need_id: FromPath[int],
        data: JSONBody[NeedIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> NeedOut:
        """Edit a need and move its status (draft → open → matched → closed, or cancelled)."""
        return NeedOut.of(
            await use_cases.update_need(uow, actor, need_id, need_input(data), now=now)
        )
