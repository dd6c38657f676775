"""The slots as calendars: a download, private feeds a member or CDO subscribes to and
revokes, and a CDO's own days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.groups.model import EmployerGroup
from timebank.groups.use_cases import load_group
from timebank.people.model import Actor, Role, require_acting_for, require_company_role
from timebank.people.passwords import new_token, token_digest
from timebank.rotations import model as m
from timebank.rotations import refusals
from timebank.rotations.model import (
    PlannedSlot,
)
from timebank.rotations.use_cases.common import (
    _cdo_names,
    _coordinates,
    _own_cdo_ids,
    _period,
    _require_coordinator,
    _viewer,
)


async def create_feed(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    *,
    employee_id: int | None,
    company_id: int | None,
    now: datetime,
) -> str:
    """A secret subscription token for one CDO's or one member's calendar (any earlier token of
    the same calendar stops working)."""
    if (employee_id is None) == (company_id is None):
        raise refusals.ONE_CALENDAR.error()
    async with uow() as repos:
        group = await load_group(repos, group_id)
        if employee_id is not None:
            employee = await repos.employees.get(employee_id)
            if employee is None or employee.company_id != group.company_id:
                raise refusals.NOT_A_CDO_OF_THE_GROUP.error()
            if not _coordinates(actor, group) and employee.user_id != actor.user_id:
                raise refusals.CALENDAR_NOT_FOUND.error(id=employee_id, field="employee_id")
        else:
            assert company_id is not None
            if company_id not in {mm.company_id for mm in group.members}:
                raise refusals.NOT_A_MEMBER_OF_THE_GROUP.error()
            if not _coordinates(actor, group):
                require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
        token, digest = new_token()
        await repos.rotations.add_feed(
            token_hash=digest,
            group_id=group_id,
            employee_id=employee_id,
            company_id=company_id,
            user_id=actor.user_id,
            now=now,
        )
        return token


async def _feed_owner(
    repos: Repositories,
    actor: Actor,
    group: EmployerGroup,
    *,
    employee_id: int | None,
    company_id: int | None,
) -> None:
    """Refuse unless the actor may manage this CDO's or member's calendar feed."""
    if (employee_id is None) == (company_id is None):
        raise refusals.ONE_CALENDAR.error()
    if _coordinates(actor, group):
        return
    if employee_id is not None:
        employee = await repos.employees.get(employee_id)
        if employee is None or employee.user_id != actor.user_id:
            raise refusals.CALENDAR_NOT_FOUND.error(id=employee_id, field="employee_id")
    else:
        assert company_id is not None
        require_acting_for(actor, company_id, Role.COMPANY_ADMIN)


async def revoke_feed(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    *,
    employee_id: int | None,
    company_id: int | None,
    now: datetime,
) -> int:
    """Stop a CDO's or a member's subscription URL (who may create it may revoke it)."""
    async with uow() as repos:
        group = await load_group(repos, group_id)
        await _feed_owner(repos, actor, group, employee_id=employee_id, company_id=company_id)
        return await repos.rotations.revoke_feeds(
            group_id, employee_id=employee_id, company_id=company_id, now=now
        )


async def live_feeds(
    uow: UnitOfWork, actor: Actor, group_id: int
) -> list[tuple[int | None, int | None, datetime]]:
    """The group's live subscription URLs (whose calendar, since when), for its coordinators."""
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
        _require_coordinator(actor, group)
        return await repos.rotations.live_feeds(group_id)


async def cdo_names(uow: UnitOfWork, actor: Actor, period_id: int) -> dict[int, str]:
    """The names of the period's CDOs, for whoever has a part in the period."""
    async with uow(write=False) as repos:
        period, group = await _period(repos, period_id)
        cdos = await repos.rotations.cdos(period_id)
        await _viewer(repos, actor, period, group, cdos=cdos)
        return await _cdo_names(repos, {c.employee_id for c in cdos})


async def _calendar(
    repos: Repositories, group: EmployerGroup, *, employee_id: int | None, company_id: int | None
) -> bytes:
    """The published slots of every period of the group for one CDO or one member."""
    stamp: datetime | None = None
    picked: list[tuple[int, PlannedSlot]] = []  # (period, slot), in period order.
    for period in await repos.rotations.periods_of_group(group.id):
        if period.published_plan_id is None:
            continue
        plan = await repos.rotations.get_plan(period.published_plan_id)
        assert plan is not None
        assert plan.published_at is not None
        stamp = max(stamp, plan.published_at) if stamp is not None else plan.published_at
        picked += [
            (period.id, slot)
            for slot in await repos.rotations.slots(plan.id)
            if slot.employee_id == employee_id or slot.company_id == company_id
        ]
    if employee_id is not None:
        companies = await repos.companies.get_many(sorted({s.company_id for _, s in picked}))
    else:
        names = await _cdo_names(repos, {s.employee_id for _, s in picked})
    events = []
    for period_id, slot in picked:
        if employee_id is not None:
            company = companies[slot.company_id]
            summary = f"CDO mutualisé chez {company.name}"
            location = ", ".join(p for p in (company.address, company.city) if p)
        else:
            summary = f"CDO mutualisé : {names[slot.employee_id]}"
            location = ""
        uid = (
            f"rotation-{period_id}-{slot.employee_id}-{slot.company_id}-"
            f"{slot.day.isoformat()}-{slot.half or 'day'}@bourse-de-temps"
        )
        events.append(m.CalendarEvent(uid, slot.day, slot.half, summary, location))
    if employee_id is not None:
        employee = await repos.employees.get(employee_id)
        title = f"{group.name} — {employee.full_name if employee else 'CDO'}"
    else:
        assert company_id is not None
        member = await repos.companies.get(company_id)
        title = f"{group.name} — {member.name if member else ''}"
    return m.calendar_ics(title, events, stamp=stamp or group.created_at)


async def feed_calendar(uow: UnitOfWork, token: str) -> bytes:
    """The calendar behind a subscription token (no login: the token is the secret)."""
    async with uow(write=False) as repos:
        found = await repos.rotations.feed(token_digest(token))
        if found is None:
            raise refusals.CALENDAR_NOT_FOUND.error(id="?", field="employee_id")
        group_id, employee_id, company_id = found
        group = await load_group(repos, group_id)
        return await _calendar(repos, group, employee_id=employee_id, company_id=company_id)


async def download_calendar(
    uow: UnitOfWork, actor: Actor, group_id: int, *, employee_id: int | None, company_id: int | None
) -> bytes:
    if (employee_id is None) == (company_id is None):
        raise refusals.ONE_CALENDAR.error()
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
        if not _coordinates(actor, group):
            if employee_id is not None and employee_id not in await _own_cdo_ids(
                repos, actor, group
            ):
                raise refusals.CALENDAR_NOT_FOUND.error(id=employee_id, field="employee_id")
            if company_id is not None:
                require_company_role(actor, company_id, Role.COMPANY_ADMIN)
        return await _calendar(repos, group, employee_id=employee_id, company_id=company_id)


# The most published slots a CDO's page lists per group (a year of full days is about 230).
CDO_SLOTS_LISTED_MAX: Final = 400


@dataclass(frozen=True, slots=True)
class CdoSchedule:
    """A shared CDO's days in one group: the published slots (by day), the members' names,
    and the months already allocated (their days can no longer be noted (not) worked)."""

    group: EmployerGroup
    employee_id: int
    slots: tuple[PlannedSlot, ...]
    member_names: dict[int, str]
    allocated_months: frozenset[date]


async def cdo_schedules(uow: UnitOfWork, actor: Actor) -> list[CdoSchedule]:
    """The groups whose entity employs the actor as shared staff, each with its days in the
    published plans: what its CDO page shows."""
    async with uow(write=False) as repos:
        records = {e.company_id: e.id for e in await repos.employees.of_user(actor.user_id)}
        schedules = []
        for group in await repos.groups.all():
            employee_id = records.get(group.company_id)
            if employee_id is None:
                continue
            slots: list[PlannedSlot] = []
            for period in await repos.rotations.periods_of_group(group.id):
                if period.published_plan_id is not None:
                    published = await repos.rotations.slots(period.published_plan_id)
                    slots += [s for s in published if s.employee_id == employee_id]
            slots.sort(key=lambda s: (s.day, s.half or ""))
            companies = await repos.companies.get_many(sorted({s.company_id for s in slots}))
            schedules.append(
                CdoSchedule(
                    group=group,
                    employee_id=employee_id,
                    slots=tuple(slots[-CDO_SLOTS_LISTED_MAX:]),
                    member_names={c: company.name for c, company in companies.items()},
                    allocated_months=frozenset(await repos.rotations.allocated_months(group.id)),
                )
            )
    return schedules
