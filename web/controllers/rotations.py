"""Shared-CDO rotations: periods, CDOs and requests, plans (generate, adjust, publish), slots,
calendar feeds and downloads, and the monthly cost allocation."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from timebank import formatting
from timebank.groups import use_cases as group_use_cases
from timebank.people.model import Actor, reads_salary_figures
from timebank.rotations import use_cases
from timebank.rotations.model import Allocation, PlannedSlot, PlanVersion, RotationPeriod
from timebank.rotations.use_cases import PeriodView
from web import refusals
from web.controllers.groups import JoinRefusalIn, JoinRequestOut
from web.dependencies import CurrentActor, Now, Uow
from web.downloads import disposition
from web.schemas import (
    CdoAllocationOut,
    FeedIn,
    FeedOut,
    MemberOutcomeOut,
    MonthIn,
    RotationCdoIn,
    RotationCdoOut,
    RotationPeriodIn,
    RotationPeriodOut,
    RotationPlanOut,
    RotationRequestIn,
    RotationRequestOut,
    RotationSlotIn,
    RotationSlotOut,
    RotationSlotsOut,
    WorkedIn,
)

CALENDAR_TYPE = "text/calendar"
SLOT_KINDS = {"day": False, "half_day": True}


def _plan_out(plan: PlanVersion) -> RotationPlanOut:
    return RotationPlanOut(
        id=plan.id,
        period_id=plan.period_id,
        version=plan.version,
        status=plan.status.value,
        solver_status=plan.solver_status,
        objective=plan.objective,
        bound=plan.bound,
        members=[
            MemberOutcomeOut(
                company_id=o.company_id,
                requested_days=o.requested_days,
                served_days=o.served_days,
                shortfall_days=o.shortfall_days,
                off_preferred_days=o.off_preferred_days,
                cdos=o.cdos,
                previous_slots_moved=o.previous_slots_moved,
                uneven_weeks=o.uneven_weeks,
            )
            for o in plan.outcomes
        ],
        created_at=plan.created_at,
        published_at=plan.published_at,
    )


def _period_out(period: RotationPeriod, view: PeriodView | None = None) -> RotationPeriodOut:
    out = RotationPeriodOut(
        id=period.id,
        group_id=period.group_id,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        slot="half_day" if period.half_days else "day",
        travel_km_max=period.travel_km_max,
        monthly_management_costs_cents=period.monthly_management_costs_cents,
        published_plan_id=period.published_plan_id,
        created_at=period.created_at,
    )
    if view is not None:
        out.cdos = [
            RotationCdoOut(
                employee_id=c.employee_id,
                max_days_per_week=c.max_half_days_per_week / 2,
                unavailable=sorted(c.unavailable),
            )
            for c in view.cdos
        ]
        out.requests = [
            RotationRequestOut(
                company_id=r.company_id,
                days=r.days_requested,
                preferred_weekdays=sorted(r.preferred_weekdays),
                unavailable=sorted(r.unavailable),
                same_cdo_as_before=r.same_cdo_as_before,
                updated_at=r.updated_at,
            )
            for r in view.requests
        ]
        out.plans = [_plan_out(p) for p in view.plans]
    return out


def _slot_out(slot: PlannedSlot) -> RotationSlotOut:
    return RotationSlotOut(
        id=slot.id,
        plan_id=slot.plan_id,
        employee_id=slot.employee_id,
        company_id=slot.company_id,
        day=slot.day,
        half=slot.half,
        by_hand=slot.by_hand,
        worked=slot.worked,
    )


def _allocation_out(
    allocation: Allocation, *, detailed: bool, cents: bool = True
) -> CdoAllocationOut:
    line = allocation.line
    return CdoAllocationOut(
        id=allocation.id,
        group_id=allocation.group_id,
        month=allocation.month,
        employee_id=line.employee_id,
        company_id=line.company_id,
        slots_worked=line.slots_worked,
        minutes=line.minutes,
        cents=line.cents if cents else None,
        amount=formatting.euros(line.cents) if cents else None,
        minutes_transfer_id=allocation.minutes_transfer_id,
        cents_transfer_id=allocation.cents_transfer_id,
        slots_total=line.slots_total if detailed else None,
        salary_cents=line.salary_cents if detailed else None,
        management_cents=line.management_cents if detailed else None,
    )


def _reads(actor: Actor, allocation: Allocation) -> bool:
    return reads_salary_figures(actor, allocation.line.company_id)


def _slot_kind(value: str) -> bool:
    if value not in SLOT_KINDS:
        raise refusals.INVALID_SLOT_KIND.error()
    return SLOT_KINDS[value]


def _calendar(body: bytes, filename: str) -> Response[bytes]:
    return Response(
        body,
        media_type=CALENDAR_TYPE,
        headers=disposition(filename),
    )


class RotationGroupController(Controller):
    path = "/api/v1/groups/{group_id:int}"
    tags = ["CDO mutualisé"]

    @post("/rotation-periods", status_code=HTTP_201_CREATED)
    async def create_period(
        self,
        group_id: FromPath[int],
        data: JSONBody[RotationPeriodIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> RotationPeriodOut:
        """The coordinator opens a period (whole days or half-days) for members' requests."""
        view = await use_cases.create_period(
            uow,
            actor,
            group_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            half_days=_slot_kind(data.slot),
            travel_km_max=data.travel_km_max,
            monthly_management_costs_cents=data.monthly_management_costs_cents,
            now=now,
        )
        return _period_out(view.period, view)

    @get("/rotation-periods")
    async def list_periods(
        self, group_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> list[RotationPeriodOut]:
        """The periods the caller has a part in (coordinator, member's admin, CDO)."""
        return [_period_out(p) for p in await use_cases.list_periods(uow, actor, group_id)]

    @post("/feeds", status_code=HTTP_201_CREATED)
    async def create_feed(
        self,
        group_id: FromPath[int],
        data: JSONBody[FeedIn],
        request: Request,  # type: ignore[type-arg]
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> FeedOut:
        """A secret iCalendar subscription URL for a CDO (the CDO or the coordinator) or a
        member (its admin or the coordinator); any earlier URL of that calendar stops."""
        token = await use_cases.create_feed(
            uow, actor, group_id, employee_id=data.employee_id, company_id=data.company_id, now=now
        )
        base = str(request.base_url).rstrip("/")
        return FeedOut(url=f"{base}/feeds/rotations/{token}.ics", token=token)

    @post("/feeds/revoke", status_code=HTTP_204_NO_CONTENT)
    async def revoke_feed(
        self,
        group_id: FromPath[int],
        data: JSONBody[FeedIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> None:
        """Stop a CDO's or a member's subscription URL (whoever may create it)."""
        await use_cases.revoke_feed(
            uow, actor, group_id, employee_id=data.employee_id, company_id=data.company_id, now=now
        )

    @get("/calendar.ics", media_type=CALENDAR_TYPE)
    async def download_calendar(
        self,
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        employee_id: FromQuery[int | None] = None,
        company_id: FromQuery[int | None] = None,
    ) -> Response[bytes]:
        """The published slots of one CDO or one member as an .ics file."""
        body = await use_cases.download_calendar(
            uow, actor, group_id, employee_id=employee_id, company_id=company_id
        )
        who = f"cdo-{employee_id}" if employee_id is not None else f"membre-{company_id}"
        return _calendar(body, f"cdo-mutualise-{group_id}-{who}.ics")

    @post("/allocations", status_code=HTTP_201_CREATED)
    async def allocate(
        self,
        group_id: FromPath[int],
        data: JSONBody[MonthIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> list[CdoAllocationOut]:
        """The coordinator allocates a finished month's CDO cost to the members (the job does
        it on the 5th of each month)."""
        found = await use_cases.allocate_month(uow, actor, group_id, month=data.month, now=now)
        detailed, _ = await use_cases.list_allocations(uow, actor, group_id, month=data.month)
        return [
            _allocation_out(a, detailed=detailed, cents=detailed or _reads(actor, a)) for a in found
        ]

    @get("/allocations")
    async def list_allocations(
        self,
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        month: FromQuery[date | None] = None,
    ) -> list[CdoAllocationOut]:
        """Coordinators see every share in detail; a member's admin or accountant its own total."""
        detailed, found = await use_cases.list_allocations(uow, actor, group_id, month=month)
        return [_allocation_out(a, detailed=detailed) for a in found]


class RotationController(Controller):
    path = "/api/v1"
    tags = ["CDO mutualisé"]

    @get("/rotation-periods/{period_id:int}")
    async def get_period(
        self, period_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> RotationPeriodOut:
        view = await use_cases.get_period(uow, actor, period_id)
        return _period_out(view.period, view)

    @put("/rotation-periods/{period_id:int}/cdos/{employee_id:int}")
    async def set_cdo(
        self,
        period_id: FromPath[int],
        employee_id: FromPath[int],
        data: JSONBody[RotationCdoIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> RotationPeriodOut:
        """The coordinator: this employee of the group works as CDO in the period."""
        view = await use_cases.set_cdo(
            uow,
            actor,
            period_id,
            employee_id=employee_id,
            max_days_per_week=data.max_days_per_week,
            unavailable=data.unavailable,
            now=now,
        )
        return _period_out(view.period, view)

    @put("/rotation-periods/{period_id:int}/requests/{company_id:int}")
    async def set_request(
        self,
        period_id: FromPath[int],
        company_id: FromPath[int],
        data: JSONBody[RotationRequestIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> RotationPeriodOut:
        """A member's admin: the days it wants in the period (weekdays 0 = Monday)."""
        view = await use_cases.set_request(
            uow,
            actor,
            period_id,
            company_id=company_id,
            days=data.days,
            preferred_weekdays=data.preferred_weekdays,
            unavailable=data.unavailable,
            same_cdo_as_before=data.same_cdo_as_before,
            now=now,
        )
        return _period_out(view.period, view)

    @post("/rotation-periods/{period_id:int}/plans", status_code=HTTP_201_CREATED)
    async def generate(
        self, period_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> RotationPlanOut:
        """The coordinator generates a new draft: the last version re-planned with stability,
        slots set by hand and past slots kept."""
        return _plan_out(await use_cases.generate_plan(uow, actor, period_id, now=now))

    @get("/rotation-periods/{period_id:int}/slots")
    async def list_slots(
        self,
        period_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        plan_id: FromQuery[int | None] = None,
    ) -> RotationSlotsOut:
        """The published plan's slots the caller may see (the coordinator may name a draft)."""
        plan, slots = await use_cases.list_slots(uow, actor, period_id, plan_id=plan_id)
        return RotationSlotsOut(
            plan=None if plan is None else _plan_out(plan), slots=[_slot_out(s) for s in slots]
        )

    @post("/rotation-plans/{plan_id:int}/slots", status_code=HTTP_201_CREATED)
    async def add_slot(
        self,
        plan_id: FromPath[int],
        data: JSONBody[RotationSlotIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> list[RotationSlotOut]:
        """The coordinator sets a slot by hand in a draft (what held it gives way)."""
        slots = await use_cases.add_slot_by_hand(
            uow,
            actor,
            plan_id,
            employee_id=data.employee_id,
            company_id=data.company_id,
            day=data.day,
            half=data.half,
            now=now,
        )
        return [_slot_out(s) for s in slots]

    @post("/rotation-plans/{plan_id:int}/publish", status_code=HTTP_200_OK)
    async def publish(
        self, plan_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> RotationPlanOut:
        """The coordinator publishes a draft: members and CDOs are told and see it."""
        return _plan_out(await use_cases.publish(uow, actor, plan_id, now=now))

    @post("/rotation-slots/{slot_id:int}/remove", status_code=HTTP_204_NO_CONTENT)
    async def remove_slot(
        self, slot_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> None:
        await use_cases.remove_slot(uow, actor, slot_id, now=now)

    @post("/rotation-slots/{slot_id:int}/worked", status_code=HTTP_200_OK)
    async def set_worked(
        self,
        slot_id: FromPath[int],
        data: JSONBody[WorkedIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> RotationSlotOut:
        """The coordinator or the CDO: this published slot was (not) worked."""
        return _slot_out(
            await use_cases.set_worked(uow, actor, slot_id, worked=data.worked, now=now)
        )

    @get("/companies/{company_id:int}/cdo-allocations")
    async def company_allocations(
        self, company_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> list[CdoAllocationOut]:
        """A member's monthly shares of its groups' CDOs (its admins and accountants)."""
        found = await use_cases.allocations_of_company(uow, actor, company_id)
        return [_allocation_out(a, detailed=False) for a in found]

    @post("/join-requests/{request_id:int}/accept", status_code=HTTP_200_OK)
    async def accept_join_request(
        self, request_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> JoinRequestOut:
        """The coordinator accepts: the company is a member from today."""
        return JoinRequestOut.of(
            await group_use_cases.decide_join_request(
                uow, actor, request_id, accept=True, reason="", now=now
            )
        )

    @post("/join-requests/{request_id:int}/refuse", status_code=HTTP_200_OK)
    async def refuse_join_request(
        self,
        request_id: FromPath[int],
        data: JSONBody[JoinRefusalIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> JoinRequestOut:
        """The coordinator refuses, with a reason the company reads."""
        return JoinRequestOut.of(
            await group_use_cases.decide_join_request(
                uow, actor, request_id, accept=False, reason=data.reason, now=now
            )
        )


@get("/feeds/rotations/{token:str}", opt={"public": True}, tags=["CDO mutualisé"])
async def rotation_feed(token: FromPath[str], uow: Uow) -> Response[bytes]:
    """iCalendar subscription (no login: the secret token in the URL is the credential)."""
    body = await use_cases.feed_calendar(uow, token.removesuffix(".ics"))
    return Response(body, media_type=CALENDAR_TYPE)
