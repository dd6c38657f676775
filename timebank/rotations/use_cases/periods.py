"""A period of the time-share: the coordinator opens it and names its CDOs, each member's
admin states its request."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.errors import NotFound
from timebank.groups.use_cases import load_group
from timebank.people.model import Actor, Role, require_acting_for
from timebank.rotations import model as m
from timebank.rotations import refusals
from timebank.rotations.model import (
    PlanStatus,
    RotationPeriod,
)
from timebank.rotations.use_cases.common import (
    PeriodView,
    _coordinates,
    _member_ids,
    _period,
    _require_coordinator,
    _view,
    _viewer,
)
from timebank.rotations.use_cases.planning import _possible_units


async def create_period(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    *,
    starts_on: date,
    ends_on: date,
    half_days: bool,
    travel_km_max: int,
    monthly_management_costs_cents: int,
    now: datetime,
) -> PeriodView:
    m.period_dates(starts_on, ends_on)
    travel = m.travel_km(travel_km_max)
    costs = m.management_costs(monthly_management_costs_cents)
    async with uow() as repos:
        group = await load_group(repos, group_id)
        _require_coordinator(actor, group)
        period_id = await repos.rotations.add_period(
            group_id=group_id,
            starts_on=starts_on,
            ends_on=ends_on,
            half_days=half_days,
            travel_km_max=travel,
            monthly_management_costs_cents=costs,
            user_id=actor.user_id,
            now=now,
        )
        return await _view(repos, period_id)


async def get_period(uow: UnitOfWork, actor: Actor, period_id: int) -> PeriodView:
    """The coordinator sees everything; a member's admin its own request and the published
    plan; a CDO its availability and the published plan."""
    async with uow(write=False) as repos:
        return await _seen_by(repos, actor, await _view(repos, period_id))


async def _seen_by(repos: Repositories, actor: Actor, view: PeriodView) -> PeriodView:
    """What of the period `actor` may see (see `get_period`)."""
    everything, companies, cdo_ids = await _viewer(
        repos, actor, view.period, view.group, cdos=view.cdos
    )
    if everything:
        return view
    return replace(
        view,
        cdos=tuple(c for c in view.cdos if c.employee_id in cdo_ids),
        requests=tuple(r for r in view.requests if r.company_id in companies),
        plans=tuple(p for p in view.plans if p.status is PlanStatus.PUBLISHED),
    )


async def list_periods(uow: UnitOfWork, actor: Actor, group_id: int) -> list[RotationPeriod]:
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
        periods = await repos.rotations.periods_of_group(group_id)
        visible = []
        for period in periods:
            try:
                await _viewer(repos, actor, period, group)
            except NotFound:  # The actor has no part in this period.
                continue
            visible.append(period)
    return visible


async def set_cdo(
    uow: UnitOfWork,
    actor: Actor,
    period_id: int,
    *,
    employee_id: int,
    max_days_per_week: float,
    unavailable: list[date],
    now: datetime,
) -> PeriodView:
    """The coordinator says which of the group's employees works as CDO in the period."""
    async with uow() as repos:
        period, group = await _period(repos, period_id)
        _require_coordinator(actor, group)
        employee = await repos.employees.get(employee_id)
        if employee is None or employee.company_id != group.company_id:
            raise refusals.CDO_NOT_GROUP_EMPLOYEE.error()
        await repos.rotations.put_cdo(
            period_id,
            employee_id,
            max_half_days_per_week=m.max_half_days_per_week(
                max_days_per_week, half_days=period.half_days
            ),
            unavailable=m.dates_within(unavailable, period.starts_on, period.ends_on),
            now=now,
        )
        return await _view(repos, period_id)


async def set_request(
    uow: UnitOfWork,
    actor: Actor,
    period_id: int,
    *,
    company_id: int,
    days: float,
    preferred_weekdays: list[int],
    unavailable: list[date],
    same_cdo_as_before: bool,
    now: datetime,
) -> PeriodView:
    """A member's admin (or the coordinator) states the days it wants in the period."""
    async with uow() as repos:
        period, group = await _period(repos, period_id)
        if company_id not in _member_ids(group, period):
            raise refusals.NOT_A_MEMBER_IN_PERIOD.error()
        if not _coordinates(actor, group):
            require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
        units = m.half_days_of(days, half_days=period.half_days)
        days_off = m.dates_within(unavailable, period.starts_on, period.ends_on)
        company = await repos.companies.get(company_id)
        assert company is not None
        possible = _possible_units(period, company, days_off)
        wanted = units if period.half_days else units // 2  # In the period's slots.
        if wanted > possible:
            allowed = possible / period.units_per_day
            raise refusals.DAYS_BEYOND_CALENDAR.error(
                days=days,
                possible=allowed,
                days_fr=m.days_label(days),
                possible_fr=m.days_label(allowed),
            )
        await repos.rotations.put_request(
            period_id,
            company_id,
            half_days_requested=units,
            preferred_weekdays=m.weekdays(preferred_weekdays),
            unavailable=days_off,
            same_cdo_as_before=same_cdo_as_before,
            user_id=actor.user_id,
            now=now,
        )
        return await _seen_by(repos, actor, await _view(repos, period_id))
