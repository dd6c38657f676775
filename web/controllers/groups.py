"""Employer groups: declare, list, members joining and leaving, shared staff, companies asking
to join and the coordinator's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from pydantic import BeforeValidator

from timebank.groups import use_cases
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import (
    EmployeeOut,
    GroupIn,
    GroupMemberEndIn,
    GroupMemberIn,
    GroupOut,
    In,
    Int32,
    Out,
    PageOut,
    employee_page_out,
    page_out,
)


class JoinRequestIn(In):
    company_id: Int32
    days_per_month: float
    preferred_weekdays: list[Int32] = []
    message: str = ""


class JoinRefusalIn(In):
    reason: str


class JoinRequestOut(Out):
    id: int
    group_id: int
    company_id: int
    days_per_month: float
    preferred_weekdays: Annotated[list[int], BeforeValidator(sorted)]
    message: str
    status: str
    reason: str
    created_at: datetime
    decided_at: datetime | None


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
        return employee_page_out(page)

    @post("/{group_id:int}/join-requests", status_code=HTTP_201_CREATED)
    async def request_to_join(
        self,
        group_id: FromPath[int],
        data: JSONBody[JoinRequestIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> JoinRequestOut:
        """A company's admin asks to join the group (days a month, weekdays 0 = Monday)."""
        return JoinRequestOut.of(
            await use_cases.request_to_join(
                uow,
                actor,
                group_id,
                company_id=data.company_id,
                days_per_month=data.days_per_month,
                preferred_weekdays=data.preferred_weekdays,
                message=data.message,
                now=now,
            )
        )

    @get("/{group_id:int}/join-requests")
    async def join_requests(
        self, group_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> list[JoinRequestOut]:
        """Every request to join the group (its coordinators)."""
        return [
            JoinRequestOut.of(r)
            for r in await use_cases.join_requests_of_group(uow, actor, group_id)
        ]
