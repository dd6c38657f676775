"""Employer groups: declare, list, members joining and leaving, shared staff."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from timebank.groups import use_cases
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import (
    EmployeeOut,
    GroupIn,
    GroupMemberEndIn,
    GroupMemberIn,
    GroupOut,
    PageOut,
    page_out,
)


class GroupController(Controller):
    path = "/api/v1/groups"
    tags = ["Groupements d'employeurs"]

    @get("/")
    async def list_groups(
        self, uow: Uow, actor: CurrentActor, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0
    ) -> PageOut[GroupOut]:
        page = await use_cases.list_groups(uow, actor, limit=limit, offset=offset)
        return page_out(page, [GroupOut.of(g) for g in page.items])

    @post("/", status_code=HTTP_201_CREATED)
    async def create_group(
        self, data: JSONBody[GroupIn], uow: Uow, actor: CurrentActor, now: Now
    ) -> GroupOut:
        """The admin of the group's legal entity declares the group and coordinates it."""
        return GroupOut.of(
            await use_cases.create_group(
                uow,
                actor,
                company_id=data.company_id,
                name=data.name,
                legal_form_value=data.legal_form,
                now=now,
            )
        )

    @get("/{group_id:int}")
    async def get_group(self, group_id: FromPath[int], uow: Uow, actor: CurrentActor) -> GroupOut:
        return GroupOut.of(await use_cases.get_group(uow, actor, group_id))

    @post("/{group_id:int}/members", status_code=HTTP_201_CREATED)
    async def add_member(
        self, group_id: FromPath[int], data: JSONBody[GroupMemberIn], uow: Uow, actor: CurrentActor
    ) -> GroupOut:
        return GroupOut.of(
            await use_cases.add_member(
                uow, actor, group_id, company_id=data.company_id, joined_on=data.joined_on
            )
        )

    @post("/{group_id:int}/members/{company_id:int}/end")
    async def end_membership(
        self,
        group_id: FromPath[int],
        company_id: FromPath[int],
        data: JSONBody[GroupMemberEndIn],
        uow: Uow,
        actor: CurrentActor,
    ) -> GroupOut:
        """A member leaves on a date; the history is kept."""
        return GroupOut.of(
            await use_cases.end_membership(
                uow, actor, group_id, company_id=company_id, left_on=data.left_on
            )
        )

    @get("/{group_id:int}/staff")
    async def shared_staff(
        self,
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[EmployeeOut]:
        """The group's own employees (shared CDOs)."""
        page = await use_cases.list_shared_staff(uow, actor, group_id, limit=limit, offset=offset)
        return page_out(page, [EmployeeOut.of(e) for e in page.items])
