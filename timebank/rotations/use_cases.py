"""What coordinators, members and CDOs do with a group's shared-CDO time-share.

The coordinator opens a period, says which CDOs work in it; each member's admin states its
request; the coordinator generates a plan (CP-SAT, `matching.cdo_rotation`), adjusts slots by
hand, re-plans the rest with stability, and publishes. Members and CDOs see their own slots
and subscribe to a calendar feed. Each finished month, the CDOs' cost is allocated to the
members at cost, pro rata of the slots worked, and posted to the ledger.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ledger.model import (
    Account,
    AccountKind,
    TransferCode,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from ledger.model import Unit as LedgerUnit
from ledger.state_machine import BATCH_EVENTS_MAX
from matching import cdo_rotation
from matching.cdo_rotation import Cdo, Member, RotationParams, RotationPlan, RotationProblem, Slot
from timebank import formatting
from timebank.book.use_cases import ensure_company_accounts, retrying, submit_in
from timebank.companies.model import Company
from timebank.config import get_settings
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.errors import Conflict, InvalidInput, NotFound
from timebank.geography import ALSACE_MOSELLE_DEPARTEMENTS, public_holidays
from timebank.groups.model import EmployerGroup
from timebank.groups.use_cases import load_group
from timebank.invoicing.use_cases import issue_cdo_invoices
from timebank.jobs import use_cases as jobs
from timebank.jobs.model import Job, JobKind
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.people.model import Actor, Role, require_company_role
from timebank.people.passwords import new_token, token_digest
from timebank.people.salary_figures import reads_salary_figures
from timebank.rotations import model as m
from timebank.rotations import refusals
from timebank.rotations.model import (
    Allocation,
    MemberOutcomeRecord,
    PlannedSlot,
    PlanStatus,
    PlanVersion,
    RotationPeriod,
)
from timebank.settlements.use_cases import first_of_month, month_label, next_month

ALLOCATION_NAMESPACE = uuid.UUID("8a7d1f0e-3c2b-4e59-9d61-2f4b7a9c5e13")
# Where a CDO starts from when the group's entity has no coordinates: the centre of France.
FRANCE_CENTRE = (46.6, 2.4)


@dataclass(frozen=True, slots=True)
class PeriodView:
    period: RotationPeriod
    group: EmployerGroup
    cdos: tuple[m.CdoAvailability, ...]
    requests: tuple[m.MemberRequest, ...]
    plans: tuple[PlanVersion, ...]


# -- Who may do what ---------------------------------------------------------------------------


async def _period(
    repos: Repositories, period_id: int, *, lock: bool = False
) -> tuple[RotationPeriod, EmployerGroup]:
    period = await repos.rotations.get_period(period_id, lock=lock)
    if period is None:
        raise refusals.PERIOD_NOT_FOUND.error(id=period_id)
    return period, await load_group(repos, period.group_id)


def _coordinates(actor: Actor, group: EmployerGroup) -> bool:
    return actor.is_operator or actor.has_role(group.company_id, Role.GROUP_COORDINATOR)


def _require_coordinator(actor: Actor, group: EmployerGroup) -> None:
    require_company_role(actor, group.company_id, Role.GROUP_COORDINATOR)


def _member_ids(group: EmployerGroup, period: RotationPeriod) -> set[int]:
    """Members at some point of the period."""
    return {
        member.company_id
        for member in group.members
        if member.joined_on <= period.ends_on
        and (member.left_on is None or member.left_on > period.starts_on)
    }


async def _own_cdo_ids(repos: Repositories, actor: Actor, group: EmployerGroup) -> set[int]:
    """The actor's employee records in the group's entity (as a CDO)."""
    return {
        e.id
        for e in await repos.employees.of_user(actor.user_id)
        if e.company_id == group.company_id
    }


async def _viewer(
    repos: Repositories,
    actor: Actor,
    period: RotationPeriod,
    group: EmployerGroup,
    *,
    cdos: Sequence[m.CdoAvailability] | None = None,
) -> tuple[bool, set[int], set[int]]:
    """(coordinates the group, member companies the actor admins, CDO records of the actor);
    refuses (not found) someone with no part in the period. `cdos`: the period's CDOs when
    the caller has read them already."""
    if _coordinates(actor, group):
        return True, set(), set()
    companies = {c for c in _member_ids(group, period) if actor.has_role(c, Role.COMPANY_ADMIN)}
    if cdos is None:
        cdos = await repos.rotations.cdos(period.id)
    cdo_ids = {c.employee_id for c in cdos}
    mine = await _own_cdo_ids(repos, actor, group) & cdo_ids
    if not companies and not mine:
        raise refusals.PERIOD_NOT_FOUND.error(id=period.id)
    return False, companies, mine


def _visible(
    slots: list[PlannedSlot], viewer: tuple[bool, set[int], set[int]]
) -> list[PlannedSlot]:
    everything, companies, cdo_ids = viewer
    if everything:
        return slots
    return [s for s in slots if s.company_id in companies or s.employee_id in cdo_ids]


# -- Periods, CDOs and requests ---------------------------------------------------------------


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


async def _view(repos: Repositories, period_id: int) -> PeriodView:
    period, group = await _period(repos, period_id)
    return PeriodView(
        period,
        group,
        tuple(await repos.rotations.cdos(period_id)),
        tuple(await repos.rotations.requests(period_id)),
        tuple(await repos.rotations.plans(period_id)),
    )


async def get_period(uow: UnitOfWork, actor: Actor, period_id: int) -> PeriodView:
    """The coordinator sees everything; a member's admin its own request and the published
    plan; a CDO its availability and the published plan."""
    async with uow(write=False) as repos:
        view = await _view(repos, period_id)
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
            require_company_role(actor, company_id, Role.COMPANY_ADMIN)
        units = m.half_days_of(days, half_days=period.half_days)
        days_off = m.dates_within(unavailable, period.starts_on, period.ends_on)
        company = await repos.companies.get(company_id)
        assert company is not None
        possible = _possible_units(period, company, days_off)
        wanted = units if period.half_days else units // 2  # In the period's slots.
        if wanted > possible:
            raise refusals.DAYS_BEYOND_CALENDAR.error(
                days=days, possible=possible / period.units_per_day
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
        return await _view(repos, period_id)


def _holidays(period: RotationPeriod, company: Company) -> frozenset[date]:
    alsace_moselle = company.departement in ALSACE_MOSELLE_DEPARTEMENTS
    years = range(period.starts_on.year, period.ends_on.year + 1)
    return frozenset(d for year in years for d in public_holidays(year, alsace_moselle))


def _possible_units(period: RotationPeriod, company: Company, days_off: frozenset[date]) -> int:
    """Slots of the period the member could be served in: working days, not a public holiday
    of its place, not one of its days off."""
    holidays = _holidays(period, company)
    count, day = 0, period.starts_on
    while day <= period.ends_on:
        if day.weekday() < 5 and day not in holidays and day not in days_off:
            count += period.units_per_day
        day += timedelta(days=1)
    return count


# -- Plans -------------------------------------------------------------------------------------


def _slot_of(slot: PlannedSlot) -> Slot:
    return Slot(str(slot.employee_id), str(slot.company_id), slot.day, slot.half)


@dataclass(frozen=True, slots=True)
class PlanInput:
    """What a plan is solved from, read and checked before the solver runs."""

    period: RotationPeriod
    group: EmployerGroup
    problem: RotationProblem
    params: RotationParams
    latest: PlanVersion | None
    latest_slots: tuple[PlannedSlot, ...]
    today: date


async def prepare_plan(
    uow: UnitOfWork,
    actor: Actor | None,
    period_id: int,
    *,
    now: datetime,
    time_limit_s: float | None = None,
) -> PlanInput:
    """Read the period and check it can be planned (a CDO, a request, the slots kept still
    fit): the first step of `generate_plan`, before any solving."""
    async with uow(write=False) as repos:
        period, group = await _period(repos, period_id)
        if actor is not None:
            _require_coordinator(actor, group)
        base = await _period_problem(repos, period, group)
        plans = await repos.rotations.plans(period_id)
        latest = plans[-1] if plans else None
        latest_slots = await repos.rotations.slots(latest.id) if latest else []
    if not base.cdos:
        raise refusals.NO_CDO.error()
    if not base.members:
        raise refusals.NO_REQUEST_REQUESTS.error()
    today = now.date()
    problem = replace(
        base,
        previous_plan=tuple(_slot_of(s) for s in latest_slots),
        fixed=tuple(_slot_of(s) for s in latest_slots if s.by_hand or s.day < today),
    )
    params = RotationParams(
        travel_km_max=float(period.travel_km_max),
        time_limit_s=float(
            time_limit_s if time_limit_s is not None else get_settings().rotation_time_limit_seconds
        ),
        seed=0,
    )
    wrong = cdo_rotation.fixed_slot_problems(problem, params)
    if wrong:
        raise refusals.FIXED_SLOTS_CONFLICT.error(wrong=wrong[0])
    return PlanInput(period, group, problem, params, latest, tuple(latest_slots), today)


def solve_plan(problem: RotationProblem, params: RotationParams) -> RotationPlan:
    """The CPU-bound step: pure and picklable, so it may run in a thread or another process."""
    return cdo_rotation.solve(problem, params)


async def store_plan(
    uow: UnitOfWork,
    actor: Actor | None,
    prepared: PlanInput,
    plan: RotationPlan,
    *,
    now: datetime,
) -> PlanVersion:
    """Store the solved plan as a new draft (the last step of `generate_plan`); refused when
    another version was stored while it was solved."""
    period, group, latest = prepared.period, prepared.group, prepared.latest
    period_id, today = period.id, prepared.today
    kept = {(s.employee_id, s.company_id, s.day, s.half): s for s in prepared.latest_slots}
    rows = []
    for slot in plan.slots:
        key = (int(slot.cdo), int(slot.member), slot.date, slot.half)
        before = kept.get(key)
        by_hand = before is not None and (before.by_hand or before.day < today)
        rows.append((*key, by_hand, before.worked if before is not None else True))
    outcomes = tuple(
        MemberOutcomeRecord(
            company_id=int(o.id),
            requested_days=o.requested,
            served_days=o.served,
            shortfall_days=o.shortfall,
            off_preferred_days=o.off_preferred_days,
            cdos=o.cdos,
            previous_slots_moved=o.previous_slots_moved,
            uneven_weeks=o.uneven_weeks,
        )
        for o in plan.members
    )

    async def store() -> PlanVersion:
        async with uow() as repos:
            await repos.rotations.get_period(period_id, lock=True)
            now_plans = await repos.rotations.plans(period_id)
            if (now_plans[-1].id if now_plans else None) != (latest.id if latest else None):
                raise refusals.PLAN_CHANGED.error()
            for older in now_plans:
                if older.status is PlanStatus.DRAFT:
                    await repos.rotations.set_plan_status(older.id, PlanStatus.SUPERSEDED)
            plan_id = await repos.rotations.add_plan(
                period_id=period_id,
                version=(latest.version if latest else 0) + 1,
                solver_status=plan.status,
                objective=plan.objective,
                bound=plan.bound,
                outcomes=outcomes,
                slots=rows,
                user_id=actor.user_id if actor is not None else None,
                now=now,
            )
            stored = await repos.rotations.get_plan(plan_id)
            assert stored is not None
            if actor is None:  # Prepared by the scheduler: the coordinators are told.
                await notify(
                    repos,
                    [
                        u.id
                        for u in await repos.people.members_of(
                            group.company_id, Role.GROUP_COORDINATOR
                        )
                    ],
                    Kind.ROTATION_DRAFT_READY,
                    {
                        "period": _period_label(period),
                        "version": str(stored.version),
                        "summary": _summary(outcomes),
                    },
                    link=f"/api/v1/rotation-periods/{period_id}",
                    now=now,
                )
            return stored

    return await retrying(store)


async def generate_plan(
    uow: UnitOfWork,
    actor: Actor | None,
    period_id: int,
    *,
    now: datetime,
    time_limit_s: float | None = None,
) -> PlanVersion:
    """A new draft version: the last version is the previous plan (stability), its slots set by
    hand and every slot already in the past are kept as they are. `actor` None: the scheduler.
    CP-SAT's time limit is the setting unless `time_limit_s` says otherwise."""
    prepared = await prepare_plan(uow, actor, period_id, now=now, time_limit_s=time_limit_s)
    # CP-SAT runs in a worker thread: the event loop keeps serving other requests meanwhile.
    plan = await asyncio.to_thread(solve_plan, prepared.problem, prepared.params)
    return await store_plan(uow, actor, prepared, plan, now=now)


async def start_plan_job(
    uow: UnitOfWork,
    actor: Actor,
    period_id: int,
    *,
    now: datetime,
    path_of: Callable[[PlanVersion], str],
) -> Job:
    """The coordinator generates a plan in the background: the period is read and checked now
    (a refusal comes at once), CP-SAT solves in a solver process, the draft is stored when it
    is done; the job's result names the plan and `path_of(plan)`, where to see it."""
    prepared = await prepare_plan(uow, actor, period_id, now=now)

    async def work(report: jobs.Report) -> dict[str, Any]:
        await report(10, "Calcul du planning (CP-SAT)")
        plan = await jobs.off_loop(solve_plan, prepared.problem, prepared.params)
        await report(90, "Enregistrement du projet de planning")
        stored = await store_plan(uow, actor, prepared, plan, now=now)
        return {
            "path": path_of(stored),
            "link_fr": f"Voir le projet de planning (version {stored.version})",
            "summary_fr": _summary(stored.outcomes).capitalize() + ".",
            "plan_id": stored.id,
        }

    return await jobs.start(
        uow,
        actor,
        kind=JobKind.ROTATION_PLAN,
        company_id=prepared.group.company_id,
        subject_id=period_id,
        work=work,
        now=now,
    )


def _period_label(period: RotationPeriod) -> str:
    return f"{formatting.day(period.starts_on)} au {formatting.day(period.ends_on)}"


def _summary(outcomes: tuple[MemberOutcomeRecord, ...]) -> str:
    served = sum(o.served_days for o in outcomes)
    requested = sum(o.requested_days for o in outcomes)
    short = [o for o in outcomes if o.shortfall_days > 0]
    text = f"{m.days_label(served)} servis sur {m.days_label(requested)} demandés"
    return text + (f", {len(short)} membre(s) non servi(s) en totalité" if short else "")


async def _draft(
    repos: Repositories, actor: Actor, plan_id: int
) -> tuple[PlanVersion, RotationPeriod, EmployerGroup]:
    plan = await repos.rotations.get_plan(plan_id)
    if plan is None:
        raise refusals.PLAN_NOT_FOUND.error(id=plan_id, field="plan_id")
    period, group = await _period(repos, plan.period_id, lock=True)
    _require_coordinator(actor, group)
    if plan.status is not PlanStatus.DRAFT:
        raise refusals.PLAN_NOT_DRAFT.error()
    return plan, period, group


def _home(entity: Company) -> tuple[float, float]:
    """Where the group's CDOs start from: the group's entity, else the centre of France."""
    if entity.latitude is not None and entity.longitude is not None:
        return entity.latitude, entity.longitude
    return FRANCE_CENTRE


def _problem(
    period: RotationPeriod,
    cdos: list[m.CdoAvailability],
    requests: list[m.MemberRequest],
    companies: dict[int, Company],
    home_at: tuple[float, float],
) -> RotationProblem:
    """The planner's problem for the period (members placed at their company, else at the
    group's home)."""
    return RotationProblem(
        period.starts_on,
        period.ends_on,
        period.half_days,
        tuple(
            Cdo(str(c.employee_id), c.unavailable, c.max_half_days_per_week / 2, *home_at)
            for c in cdos
        ),
        tuple(
            Member(
                str(r.company_id),
                r.half_days_requested / 2,
                r.preferred_weekdays,
                r.unavailable,
                companies[r.company_id].latitude or home_at[0],
                companies[r.company_id].longitude or home_at[1],
                _holidays(period, companies[r.company_id]),
                r.same_cdo_as_before,
            )
            for r in requests
        ),
    )


async def _period_problem(
    repos: Repositories, period: RotationPeriod, group: EmployerGroup
) -> RotationProblem:
    """The planner's problem of the period as its CDOs and members' requests read now (no
    previous plan, no slot fixed)."""
    members = _member_ids(group, period)
    requests = [r for r in await repos.rotations.requests(period.id) if r.company_id in members]
    companies = await repos.companies.get_many(
        [r.company_id for r in requests] + [group.company_id]
    )
    return _problem(
        period,
        await repos.rotations.cdos(period.id),
        requests,
        companies,
        _home(companies[group.company_id]),
    )


async def add_slot_by_hand(
    uow: UnitOfWork,
    actor: Actor,
    plan_id: int,
    *,
    employee_id: int,
    company_id: int,
    day: date,
    half: str | None,
    now: datetime,
) -> list[PlannedSlot]:
    """The coordinator puts a CDO at a member in a slot of a draft; whatever held that CDO or
    that member in the slot gives way. The next generation keeps this slot."""
    async with uow() as repos:
        _, period, group = await _draft(repos, actor, plan_id)
        if (half is None) == period.half_days or half not in (None, "am", "pm"):
            raise (
                refusals.HALF_DAY_EXPECTED if period.half_days else refusals.WHOLE_DAY_EXPECTED
            ).error()
        if not period.covers(day) or day.weekday() >= 5:
            raise refusals.DAY_OUTSIDE_PERIOD.error()
        if day < now.date():
            raise refusals.SLOT_IN_PAST.error()
        problem = await _period_problem(repos, period, group)
        if str(employee_id) not in {c.id for c in problem.cdos}:
            raise refusals.NOT_A_CDO_IN_PERIOD.error()
        if str(company_id) not in {x.id for x in problem.members}:
            raise refusals.NO_REQUEST_OF_MEMBER.error()
        slots = await repos.rotations.slots(plan_id)
        displaced = [
            s
            for s in slots
            if s.day == day
            and s.half == half
            and (s.employee_id == employee_id or s.company_id == company_id)
        ]
        kept = [s for s in slots if s not in displaced]
        candidate = (
            *(_slot_of(s) for s in kept),
            Slot(str(employee_id), str(company_id), day, half),
        )
        params = RotationParams(travel_km_max=float(period.travel_km_max))
        wrong = cdo_rotation.check_plan(problem, params, candidate)
        if wrong:
            raise refusals.SLOT_BREAKS_RULE.error(wrong=wrong[0])
        await repos.rotations.remove_slots([s.id for s in displaced])
        await repos.rotations.add_slot(plan_id, employee_id, company_id, day, half)
        return await repos.rotations.slots(plan_id)


async def remove_slot(uow: UnitOfWork, actor: Actor, slot_id: int, *, now: datetime) -> None:
    async with uow() as repos:
        slot = await repos.rotations.get_slot(slot_id)
        if slot is None:
            raise refusals.SLOT_NOT_FOUND.error(id=slot_id)
        await _draft(repos, actor, slot.plan_id)
        if slot.day < now.date():
            raise refusals.SLOT_IN_PAST.error(field="slot_id")
        await repos.rotations.remove_slots([slot_id])


def _key(slot: PlannedSlot) -> tuple[int, int, date, str | None]:
    return slot.employee_id, slot.company_id, slot.day, slot.half


async def publish(uow: UnitOfWork, actor: Actor, plan_id: int, *, now: datetime) -> PlanVersion:
    """The draft becomes the plan in force; the one before is superseded. Days already past
    must be as the plan in force had them."""

    async def work() -> PlanVersion:
        async with uow() as repos:
            plan, period, group = await _draft(repos, actor, plan_id)
            today = now.date()
            new_slots = await repos.rotations.slots(plan_id)
            if period.published_plan_id is not None:
                old = await repos.rotations.slots(period.published_plan_id)
                past_old = {_key(s) for s in old if s.day < today}
                past_new = {_key(s) for s in new_slots if s.day < today}
                if past_old != past_new:
                    raise refusals.PLAN_OUTDATED.error()
                await repos.rotations.set_plan_status(
                    period.published_plan_id, PlanStatus.SUPERSEDED
                )
            await repos.rotations.set_plan_status(plan_id, PlanStatus.PUBLISHED, now=now)
            await repos.rotations.set_published(period.id, plan_id)
            users = set()
            for company_id in {s.company_id for s in new_slots}:
                users |= set(await repos.notifications.admins_of(company_id))
            cdos = await repos.employees.get_many([s.employee_id for s in new_slots])
            users |= {employee.user_id for employee in cdos.values()}
            await notify(
                repos,
                sorted(users),
                Kind.ROTATION_PUBLISHED,
                {
                    "group": group.name,
                    "period": _period_label(period),
                    "summary": _summary(plan.outcomes),
                },
                link=f"/api/v1/rotation-periods/{period.id}",
                now=now,
            )
            stored = await repos.rotations.get_plan(plan_id)
            assert stored is not None
            return stored

    return await retrying(work)


async def list_slots(
    uow: UnitOfWork, actor: Actor, period_id: int, *, plan_id: int | None
) -> tuple[PlanVersion | None, list[PlannedSlot]]:
    """A plan's slots as the actor may see them: the published plan unless the coordinator asks
    for another version."""
    async with uow(write=False) as repos:
        period, group = await _period(repos, period_id)
        viewer = await _viewer(repos, actor, period, group)
        chosen = plan_id if plan_id is not None else period.published_plan_id
        if chosen is None:
            return None, []
        plan = await repos.rotations.get_plan(chosen)
        if (
            plan is None
            or plan.period_id != period_id
            or (not viewer[0] and plan.status is not PlanStatus.PUBLISHED)
        ):
            raise refusals.PLAN_NOT_FOUND.error(id=chosen, field="plan_id")
        return plan, _visible(await repos.rotations.slots(chosen), viewer)


async def set_worked(
    uow: UnitOfWork, actor: Actor, slot_id: int, *, worked: bool, now: datetime
) -> PlannedSlot:
    """The coordinator or the CDO records that a published slot was (or was not) worked,
    until its month is allocated."""
    async with uow() as repos:
        slot = await repos.rotations.get_slot(slot_id)
        if slot is None:
            raise refusals.SLOT_NOT_FOUND.error(id=slot_id)
        plan = await repos.rotations.get_plan(slot.plan_id)
        assert plan is not None
        _, group = await _period(repos, plan.period_id, lock=True)  # See `allocate_month`.
        if not _coordinates(actor, group) and slot.employee_id not in await _own_cdo_ids(
            repos, actor, group
        ):
            raise refusals.SLOT_NOT_FOUND.error(id=slot_id)
        if plan.status is not PlanStatus.PUBLISHED:
            raise refusals.PLAN_NOT_PUBLISHED.error()
        if slot.day > now.date():
            raise refusals.SLOT_IN_FUTURE.error()
        if first_of_month(slot.day) in await repos.rotations.allocated_months(group.id):
            raise refusals.MONTH_ALLOCATED.error()
        await repos.rotations.set_worked(slot_id, worked)
        updated = await repos.rotations.get_slot(slot_id)
        assert updated is not None
        return updated


# -- Calendars ---------------------------------------------------------------------------------


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
                require_company_role(actor, company_id, Role.COMPANY_ADMIN)
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
        require_company_role(actor, company_id, Role.COMPANY_ADMIN)


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


async def _cdo_names(repos: Repositories, employee_ids: set[int]) -> dict[int, str]:
    """The CDOs' names, as members see them in calendars and reminders."""
    found = await repos.employees.get_many(sorted(employee_ids))
    return {e: found[e].full_name if e in found else "CDO" for e in sorted(employee_ids)}


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


# -- Cost allocation at cost -------------------------------------------------------------------


def _transfer_id(group_id: int, month: date, employee_id: int, company_id: int, unit: str) -> str:
    key = f"cdo:{group_id}:{month.isoformat()}:{employee_id}:{company_id}:{unit}"
    return str(uuid.uuid5(ALLOCATION_NAMESPACE, key))


async def allocate_month(
    uow: UnitOfWork, actor: Actor | None, group_id: int, *, month: date, now: datetime
) -> list[Allocation]:
    """Share each CDO's month (gross salary with employer charges, a twelfth of the year, plus
    the group's declared management costs) among the members pro rata of the slots worked,
    and post it: cents owed by the member to the group, days in minutes on the members'
    shared-CDO accounts. Once per month; `actor` None: the scheduler."""
    month = first_of_month(month)
    if month >= first_of_month(now.date()):
        raise refusals.MONTH_NOT_FINISHED.error()
    last = next_month(month) - timedelta(days=1)

    async def work() -> list[Allocation]:
        async with uow() as repos:
            group = await load_group(repos, group_id)
            if actor is not None:
                _require_coordinator(actor, group)
            # The periods' rows are locked first: recording a slot as (not) worked waits
            # until the month is allocated, and then is refused.
            locked = []
            for period in await repos.rotations.periods_of_group(group_id):
                found = await repos.rotations.get_period(period.id, lock=True)
                assert found is not None
                locked.append(found)
            if month in await repos.rotations.allocated_months(group_id):
                raise refusals.ALREADY_ALLOCATED.error(
                    month=month_label(month).capitalize(), value=month.strftime("%Y-%m")
                )
            periods = [
                p
                for p in locked
                if p.starts_on <= last and p.ends_on >= month and p.published_plan_id is not None
            ]
            slots = await repos.rotations.published_slots_between(
                [p.published_plan_id for p in periods if p.published_plan_id is not None],
                month,
                last,
            )
            counts: dict[tuple[int, int], int] = defaultdict(int)
            minutes: dict[tuple[int, int], int] = defaultdict(int)
            for slot in slots:
                if slot.worked:
                    counts[slot.employee_id, slot.company_id] += 1
                    minutes[slot.employee_id, slot.company_id] += slot.minutes
            if not counts:
                return []
            cdo_cents = {}
            cdos = await repos.employees.get_many([e for e, _ in counts])
            for employee_id in sorted({e for e, _ in counts}):
                employee = cdos.get(employee_id)
                if employee is None or employee.cost is None:
                    raise refusals.CDO_COST_MISSING.error()
                cdo_cents[employee_id] = m.monthly_cost_cents(employee.cost)
            management = sum(p.monthly_management_costs_cents for p in periods)
            lines = m.allocate_month(cdo_cents, management, dict(counts), dict(minutes))
            assert 2 * len(lines) <= BATCH_EVENTS_MAX, "a group has far fewer members"
            group_cents = (await ensure_company_accounts(repos, group.company_id, now=now))[
                LedgerUnit.CENTS
            ]
            group_days = await _shared_cdo_account(repos, group.company_id, now)
            members = {}  # Each member's cents and shared-CDO accounts, looked up once.
            for company_id in dict.fromkeys(line.company_id for line in lines):
                cents_accounts = await ensure_company_accounts(repos, company_id, now=now)
                members[company_id] = (
                    cents_accounts[LedgerUnit.CENTS],
                    await _shared_cdo_account(repos, company_id, now),
                )
            requests = []
            ids = {}
            for line in lines:
                member_cents, member_days = members[line.company_id]
                ref = f"cdo_allocation:{group_id}:{month.isoformat()}"
                minutes_id = _transfer_id(
                    group_id, month, line.employee_id, line.company_id, "minutes"
                )
                cents_id = _transfer_id(group_id, month, line.employee_id, line.company_id, "cents")
                ids[line.employee_id, line.company_id] = (minutes_id, cents_id)
                requests.append(
                    TransferRequest(
                        id=minutes_id,
                        kind=TransferKind.SINGLE,
                        unit=LedgerUnit.MINUTES,
                        code=TransferCode.CDO_ALLOCATION,
                        debit_account_id=member_days.id,
                        credit_account_id=group_days.id,
                        amount=line.minutes,
                        external_ref=ref,
                    )
                )
                if line.cents > 0:
                    requests.append(
                        TransferRequest(
                            id=cents_id,
                            kind=TransferKind.SINGLE,
                            unit=LedgerUnit.CENTS,
                            code=TransferCode.CDO_ALLOCATION,
                            debit_account_id=member_cents.id,
                            credit_account_id=group_cents.id,
                            amount=line.cents,
                            external_ref=ref,
                        )
                    )
            outcomes = await submit_in(repos, requests, now=now)
            refused = [
                o
                for o in outcomes
                if o.result not in (TransferResult.CREATED, TransferResult.EXISTS)
            ]
            if refused:
                raise refusals.ALLOCATION_REFUSED.error(result=refused[0].result.value)
            for line in lines:
                minutes_id, cents_id = ids[line.employee_id, line.company_id]
                await repos.rotations.add_allocation(
                    group_id=group_id,
                    month=month,
                    line=line,
                    minutes_transfer_id=minutes_id,
                    cents_transfer_id=cents_id,
                    now=now,
                )
            await issue_cdo_invoices(
                repos,
                group,
                month,
                [(line.company_id, line.employee_id, line.minutes, line.cents) for line in lines],
                now=now,
                user_id=None if actor is None else actor.user_id,
            )
            per_company: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
            for line in lines:
                cents, mins = per_company[line.company_id]
                per_company[line.company_id] = (cents + line.cents, mins + line.minutes)
            for company_id, (cents, mins) in sorted(per_company.items()):
                await notify(
                    repos,
                    await repos.notifications.admins_of(company_id),
                    Kind.CDO_ALLOCATION,
                    {
                        "group": group.name,
                        "amount": formatting.euros(cents),
                        "month": month_label(month),
                        "days": m.days_label(mins / m.DAY_MINUTES),
                    },
                    link=f"/api/v1/companies/{company_id}/cdo-allocations",
                    now=now,
                )
            return await repos.rotations.allocations(group_id, month)

    return await retrying(work)


async def _shared_cdo_account(repos: Repositories, company_id: int, now: datetime) -> Account:
    return await repos.book.ensure_account(
        kind=AccountKind.SHARED_CDO,
        unit=LedgerUnit.MINUTES,
        company_id=company_id,
        balance_min=None,
        balance_max=None,
        now=now,
    )


async def list_allocations(
    uow: UnitOfWork, actor: Actor, group_id: int, *, month: date | None
) -> tuple[bool, list[Allocation]]:
    """(whether the actor coordinates the group, the shares it may see): the coordinator sees
    every member's share in detail; a member's admin or accountant its own (the split between
    the CDO's pay and the group's costs would reveal a salary: coordinators only)."""
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
        found = await repos.rotations.allocations(
            group_id, None if month is None else first_of_month(month)
        )
    if actor.has_role(group.company_id, Role.GROUP_COORDINATOR):
        return True, found
    mine = actor.companies_with(Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    if actor.is_operator and not any(mm.company_id in mine for mm in group.members):
        return False, []  # A share is the CDO's salary at cost: never the operator's to read.
    if not any(mm.company_id in mine for mm in group.members):
        raise refusals.EMPLOYER_GROUP_NOT_FOUND.error(id=group_id)
    return False, [a for a in found if a.line.company_id in mine]


async def allocations_of_company(
    uow: UnitOfWork, actor: Actor, company_id: int
) -> list[Allocation]:
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    if not reads_salary_figures(actor, company_id):
        return []  # A share is the CDO's salary at cost: never the operator's to read.
    async with uow(write=False) as repos:
        return await repos.rotations.allocations_of_company(company_id)


# -- Scheduled work ----------------------------------------------------------------------------


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
                link="/api/v1/rotation-periods",
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
