"""Loads and stores rotation periods, CDOs, requests, plan versions, slots, feeds and the
monthly allocations of a CDO's cost."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from piccolo.columns import Column

from timebank.db.sql import row_locks
from timebank.db.tables import (
    CdoAllocationTable,
    RotationCdoTable,
    RotationFeedTable,
    RotationPeriodTable,
    RotationPlanTable,
    RotationRequestTable,
    RotationSlotTable,
)
from timebank.rotations.model import (
    Allocation,
    AllocationLine,
    CdoAvailability,
    MemberOutcomeRecord,
    MemberRequest,
    PlannedSlot,
    PlanStatus,
    PlanVersion,
    RotationPeriod,
    dates_from_json,
    dates_to_json,
    outcomes_from_json,
    outcomes_to_json,
    weekdays_from_text,
    weekdays_to_text,
)

RP, RC, RR = RotationPeriodTable, RotationCdoTable, RotationRequestTable
PL, SL, FE, AL = RotationPlanTable, RotationSlotTable, RotationFeedTable, CdoAllocationTable


def _period(row: dict[str, Any]) -> RotationPeriod:
    return RotationPeriod(
        id=row["id"],
        group_id=row["group"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        half_days=bool(row["half_days"]),
        travel_km_max=row["travel_km_max"],
        monthly_management_costs_cents=row["monthly_management_costs_cents"],
        published_plan_id=row["published_plan"],
        created_at=row["created_at"],
    )


def _plan(row: dict[str, Any]) -> PlanVersion:
    return PlanVersion(
        id=row["id"],
        period_id=row["period"],
        version=row["version"],
        status=PlanStatus(row["status"]),
        solver_status=row["solver_status"],
        objective=row["objective"],
        bound=row["bound"],
        outcomes=outcomes_from_json(row["outcomes"]),
        created_at=row["created_at"],
        published_at=row["published_at"],
    )


def _slot(row: dict[str, Any]) -> PlannedSlot:
    return PlannedSlot(
        id=row["id"],
        plan_id=row["plan"],
        employee_id=row["employee"],
        company_id=row["company"],
        day=row["day"],
        half=row["half"],
        by_hand=bool(row["by_hand"]),
        worked=bool(row["worked"]),
    )


def _allocation(row: dict[str, Any]) -> Allocation:
    return Allocation(
        id=row["id"],
        group_id=row["group"],
        month=row["month"],
        line=AllocationLine(
            employee_id=row["employee"],
            company_id=row["company"],
            slots_worked=row["slots_worked"],
            slots_total=row["slots_total"],
            minutes=row["minutes"],
            salary_cents=row["salary_cents"],
            management_cents=row["management_cents"],
        ),
        minutes_transfer_id=row["minutes_transfer_id"],
        cents_transfer_id=row["cents_transfer_id"],
        created_at=row["created_at"],
    )


class RotationRepository:
    # -- Periods ---------------------------------------------------------------------------

    async def add_period(
        self,
        *,
        group_id: int,
        starts_on: date,
        ends_on: date,
        half_days: bool,
        travel_km_max: int,
        monthly_management_costs_cents: int,
        user_id: int,
        now: datetime,
    ) -> int:
        rows = await RP.insert(
            RP(
                group=group_id,
                starts_on=starts_on,
                ends_on=ends_on,
                half_days=half_days,
                travel_km_max=travel_km_max,
                monthly_management_costs_cents=monthly_management_costs_cents,
                created_by=user_id,
                created_at=now,
            )
        ).returning(RP.id)
        period_id: int = rows[0]["id"]
        return period_id

    async def get_period(self, period_id: int, *, lock: bool = False) -> RotationPeriod | None:
        query = RP.select().where(RP.id == period_id)
        if lock and row_locks():
            query = query.lock_rows("UPDATE")
        row = await query.first()
        return None if row is None else _period(row)

    async def periods_of_group(self, group_id: int) -> list[RotationPeriod]:
        rows = await RP.select().where(RP.group == group_id).order_by(RP.starts_on).order_by(RP.id)
        return [_period(row) for row in rows]

    async def periods_overlapping(self, first: date, last: date) -> list[RotationPeriod]:
        rows = await (
            RP.select()
            .where((RP.starts_on <= last) & (RP.ends_on >= first))
            .order_by(RP.group)
            .order_by(RP.id)
        )
        return [_period(row) for row in rows]

    async def set_published(self, period_id: int, plan_id: int) -> None:
        await RP.update({RP.published_plan: plan_id}).where(RP.id == period_id)

    # -- CDOs and requests ----------------------------------------------------------------

    async def put_cdo(
        self,
        period_id: int,
        employee_id: int,
        *,
        max_half_days_per_week: int,
        unavailable: frozenset[date],
        now: datetime,
    ) -> None:
        values: dict[Column | str, Any] = {
            RC.max_half_days_per_week: max_half_days_per_week,
            RC.unavailable: dates_to_json(unavailable),
            RC.updated_at: now,
        }
        condition = (RC.period == period_id) & (RC.employee == employee_id)
        if await RC.exists().where(condition):
            await RC.update(values).where(condition)
        else:
            await RC.insert(
                RC(
                    period=period_id,
                    employee=employee_id,
                    max_half_days_per_week=max_half_days_per_week,
                    unavailable=dates_to_json(unavailable),
                    updated_at=now,
                )
            )

    async def cdos(self, period_id: int) -> list[CdoAvailability]:
        rows = await RC.select().where(RC.period == period_id).order_by(RC.employee)
        return [
            CdoAvailability(
                employee_id=row["employee"],
                max_half_days_per_week=row["max_half_days_per_week"],
                unavailable=dates_from_json(row["unavailable"]),
            )
            for row in rows
        ]

    async def periods_of_cdo(self, employee_id: int) -> list[int]:
        rows = await RC.select(RC.period).where(RC.employee == employee_id)
        return sorted(row["period"] for row in rows)

    async def put_request(
        self,
        period_id: int,
        company_id: int,
        *,
        half_days_requested: int,
        preferred_weekdays: frozenset[int],
        unavailable: frozenset[date],
        same_cdo_as_before: bool,
        user_id: int,
        now: datetime,
    ) -> None:
        values: dict[Column | str, Any] = {
            RR.half_days_requested: half_days_requested,
            RR.preferred_weekdays: weekdays_to_text(preferred_weekdays),
            RR.unavailable: dates_to_json(unavailable),
            RR.same_cdo_as_before: same_cdo_as_before,
            RR.updated_by: user_id,
            RR.updated_at: now,
        }
        condition = (RR.period == period_id) & (RR.company == company_id)
        if await RR.exists().where(condition):
            await RR.update(values).where(condition)
        else:
            await RR.insert(
                RR(
                    period=period_id,
                    company=company_id,
                    half_days_requested=half_days_requested,
                    preferred_weekdays=weekdays_to_text(preferred_weekdays),
                    unavailable=dates_to_json(unavailable),
                    same_cdo_as_before=same_cdo_as_before,
                    updated_by=user_id,
                    updated_at=now,
                )
            )

    async def requests(self, period_id: int) -> list[MemberRequest]:
        rows = await RR.select().where(RR.period == period_id).order_by(RR.company)
        return [
            MemberRequest(
                company_id=row["company"],
                half_days_requested=row["half_days_requested"],
                preferred_weekdays=weekdays_from_text(row["preferred_weekdays"]),
                unavailable=dates_from_json(row["unavailable"]),
                same_cdo_as_before=bool(row["same_cdo_as_before"]),
                updated_at=row["updated_at"],
            )
            for row in rows
        ]

    # -- Plans and slots --------------------------------------------------------------------

    async def plans(self, period_id: int) -> list[PlanVersion]:
        rows = await PL.select().where(PL.period == period_id).order_by(PL.version)
        return [_plan(row) for row in rows]

    async def get_plan(self, plan_id: int) -> PlanVersion | None:
        row = await PL.select().where(PL.id == plan_id).first()
        return None if row is None else _plan(row)

    async def add_plan(
        self,
        *,
        period_id: int,
        version: int,
        solver_status: str,
        objective: int,
        bound: int,
        outcomes: tuple[MemberOutcomeRecord, ...],
        slots: list[tuple[int, int, date, str | None, bool, bool]],
        user_id: int | None,
        now: datetime,
    ) -> int:
        """A new draft version with its slots: (employee, company, day, half, by hand, worked)."""
        rows = await PL.insert(
            PL(
                period=period_id,
                version=version,
                status=PlanStatus.DRAFT.value,
                solver_status=solver_status,
                objective=objective,
                bound=bound,
                outcomes=outcomes_to_json(outcomes),
                created_by=user_id,
                created_at=now,
            )
        ).returning(PL.id)
        plan_id: int = rows[0]["id"]
        if slots:
            await SL.insert(
                *[
                    SL(
                        plan=plan_id,
                        employee=e,
                        company=c,
                        day=d,
                        half=h,
                        by_hand=by_hand,
                        worked=worked,
                    )
                    for e, c, d, h, by_hand, worked in slots
                ]
            )
        return plan_id

    async def set_plan_status(
        self, plan_id: int, status: PlanStatus, *, now: datetime | None = None
    ) -> None:
        values: dict[Any, Any] = {PL.status: status.value}
        if status is PlanStatus.PUBLISHED:
            values[PL.published_at] = now
        await PL.update(values).where(PL.id == plan_id)

    async def slots(self, plan_id: int) -> list[PlannedSlot]:
        rows = await (
            SL.select().where(SL.plan == plan_id).order_by(SL.day).order_by(SL.half).order_by(SL.id)
        )
        return [_slot(row) for row in rows]

    async def get_slot(self, slot_id: int) -> PlannedSlot | None:
        row = await SL.select().where(SL.id == slot_id).first()
        return None if row is None else _slot(row)

    async def add_slot(
        self, plan_id: int, employee_id: int, company_id: int, day: date, half: str | None
    ) -> int:
        rows = await SL.insert(
            SL(
                plan=plan_id,
                employee=employee_id,
                company=company_id,
                day=day,
                half=half,
                by_hand=True,
                worked=True,
            )
        ).returning(SL.id)
        slot_id: int = rows[0]["id"]
        return slot_id

    async def remove_slots(self, slot_ids: list[int]) -> None:
        if slot_ids:
            await SL.delete().where(SL.id.is_in(slot_ids))

    async def set_worked(self, slot_id: int, worked: bool) -> None:
        await SL.update({SL.worked: worked}).where(SL.id == slot_id)

    async def published_slots_between(
        self, plan_ids: list[int], first: date, last: date
    ) -> list[PlannedSlot]:
        if not plan_ids:
            return []
        rows = await (
            SL.select()
            .where(SL.plan.is_in(plan_ids) & (SL.day >= first) & (SL.day <= last))
            .order_by(SL.day)
            .order_by(SL.half)
            .order_by(SL.id)
        )
        return [_slot(row) for row in rows]

    # -- Calendar feeds ---------------------------------------------------------------------

    async def add_feed(
        self,
        *,
        token_hash: str,
        group_id: int,
        employee_id: int | None,
        company_id: int | None,
        user_id: int,
        now: datetime,
    ) -> None:
        """A new feed; the earlier one of the same CDO or member (in this group) is revoked."""
        owner = (
            (FE.employee == employee_id) if employee_id is not None else FE.company == company_id
        )
        condition = (FE.group == group_id) & FE.revoked_at.is_null() & owner
        await FE.update({FE.revoked_at: now}).where(condition)
        await FE.insert(
            FE(
                token_hash=token_hash,
                group=group_id,
                employee=employee_id,
                company=company_id,
                created_by=user_id,
                created_at=now,
            )
        )

    async def feed(self, token_hash: str) -> tuple[int, int | None, int | None] | None:
        """(group, employee, company) of a live feed."""
        row = await (
            FE.select(FE.group, FE.employee, FE.company)
            .where((FE.token_hash == token_hash) & FE.revoked_at.is_null())
            .first()
        )
        return None if row is None else (row["group"], row["employee"], row["company"])

    async def revoke_feeds(
        self, group_id: int, *, employee_id: int | None, company_id: int | None, now: datetime
    ) -> int:
        """Stop the live feeds of one CDO's or one member's calendar; how many stopped."""
        owner = (
            (FE.employee == employee_id) if employee_id is not None else FE.company == company_id
        )
        condition = (FE.group == group_id) & FE.revoked_at.is_null() & owner
        count = int(await FE.count().where(condition))
        await FE.update({FE.revoked_at: now}).where(condition)
        return count

    async def live_feeds(self, group_id: int) -> list[tuple[int | None, int | None, datetime]]:
        """(employee, company, created at) of the group's live feeds."""
        rows = await (
            FE.select(FE.employee, FE.company, FE.created_at)
            .where((FE.group == group_id) & FE.revoked_at.is_null())
            .order_by(FE.id)
        )
        return [(row["employee"], row["company"], row["created_at"]) for row in rows]

    # -- Allocations ------------------------------------------------------------------------

    async def allocations(self, group_id: int, month: date | None) -> list[Allocation]:
        condition: Any = AL.group == group_id
        if month is not None:
            condition &= AL.month == month
        rows = await (
            AL.select()
            .where(condition)
            .order_by(AL.month)
            .order_by(AL.employee)
            .order_by(AL.company)
        )
        return [_allocation(row) for row in rows]

    async def allocations_of_company(self, company_id: int) -> list[Allocation]:
        rows = await AL.select().where(AL.company == company_id).order_by(AL.month).order_by(AL.id)
        return [_allocation(row) for row in rows]

    async def add_allocation(
        self,
        *,
        group_id: int,
        month: date,
        line: AllocationLine,
        minutes_transfer_id: str,
        cents_transfer_id: str,
        now: datetime,
    ) -> None:
        await AL.insert(
            AL(
                group=group_id,
                month=month,
                employee=line.employee_id,
                company=line.company_id,
                slots_worked=line.slots_worked,
                slots_total=line.slots_total,
                minutes=line.minutes,
                salary_cents=line.salary_cents,
                management_cents=line.management_cents,
                cents=line.cents,
                minutes_transfer_id=minutes_transfer_id,
                cents_transfer_id=cents_transfer_id,
                created_at=now,
            )
        )

    async def allocated_months(self, group_id: int) -> set[date]:
        rows = await AL.select(AL.month).where(AL.group == group_id)
        return {row["month"] for row in rows}
