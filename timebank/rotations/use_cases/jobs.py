"""The scheduled jobs of the time-share: next month's drafts, next week's reminders, last
month's allocation."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from timebank import formatting
from timebank.accounting.model import first_of_month, next_month
from timebank.db.unit_of_work import UnitOfWork
from timebank.errors import Conflict, InvalidInput
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.rotations import model as m
from timebank.rotations.model import (
    PlannedSlot,
)
from timebank.rotations.use_cases.allocation import allocate_month
from timebank.rotations.use_cases.common import _cdo_names
from timebank.rotations.use_cases.planning import generate_plan


async def plan_next_month(uow: UnitOfWork, *, now: datetime) -> list[int]:
    """Draft plans for the periods that reach into next month and have no plan yet; returns the
    new plans' ids. Periods without CDO or request are left for the coordinator."""
    first = next_month(first_of_month(now.date()))
    last = next_month(first) - timedelta(days=1)
    async with uow(write=False) as repos:
        periods = await repos.rotations.periods_overlapping(first, last)
        waiting = [p.id for p in periods if not await repos.rotations.plans(p.id)]
    made = []
    for period_id in waiting:
        try:
            plan = await generate_plan(uow, None, period_id, now=now)
        except (Conflict, InvalidInput):
            continue  # Left for the coordinator (a slot set by hand that no longer fits).
        made.append(plan.id)
    return made


async def remind_next_week(uow: UnitOfWork, *, now: datetime) -> int:
    """Tell each CDO and each member's admins their published slots of next week."""
    monday, friday = m.week_after(now.date())
    sent = 0
    async with uow() as repos:
        periods = await repos.rotations.periods_overlapping(monday, friday)
        plans = [p.published_plan_id for p in periods if p.published_plan_id is not None]
        slots = await repos.rotations.published_slots_between(plans, monday, friday)
        by_cdo: dict[int, list[PlannedSlot]] = defaultdict(list)
        by_member: dict[int, list[PlannedSlot]] = defaultdict(list)
        for slot in slots:
            by_cdo[slot.employee_id].append(slot)
            by_member[slot.company_id].append(slot)
        companies = await repos.companies.get_many(sorted(by_member))
        cdos = await repos.employees.get_many(list(by_cdo))
        for employee_id, mine in sorted(by_cdo.items()):
            employee = cdos.get(employee_id)
            if employee is None:
                continue
            text = "; ".join(
                f"{m.slot_label(s.day, s.half)} chez {companies[s.company_id].name}" for s in mine
            )
            await notify(
                repos,
                [employee.user_id],
                Kind.ROTATION_NEXT_WEEK,
                {"monday": formatting.day(monday), "slots": text},
                link=m.CDO_DAYS_PAGE,
                now=now,
            )
            sent += 1
        names = await _cdo_names(repos, set(by_cdo))
        for company_id, theirs in sorted(by_member.items()):
            text = "; ".join(
                f"{m.slot_label(s.day, s.half)} avec {names[s.employee_id]}" for s in theirs
            )
            await notify(
                repos,
                await repos.notifications.admins_of(company_id),
                Kind.ROTATION_NEXT_WEEK,
                {"monday": formatting.day(monday), "slots": text},
                link="/api/v1/rotation-periods",
                now=now,
            )
            sent += 1
    return sent


async def allocate_last_month(uow: UnitOfWork, *, now: datetime) -> int:
    """Allocate last month for every group that has not done it yet; returns lines posted."""
    month = first_of_month(first_of_month(now.date()) - timedelta(days=1))
    async with uow(write=False) as repos:
        group_ids = sorted(
            {
                p.group_id
                for p in await repos.rotations.periods_overlapping(
                    month, next_month(month) - timedelta(days=1)
                )
            }
        )
        done = {g for g in group_ids if month in await repos.rotations.allocated_months(g)}
    posted = 0
    for group_id in group_ids:
        if group_id in done:
            continue
        try:
            posted += len(await allocate_month(uow, None, group_id, month=month, now=now))
        except (Conflict, InvalidInput):
            continue  # This group's coordinator has something to fix (a CDO's cost, say).
    return posted
