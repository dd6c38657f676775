"""Plans of a period: prepared from the requests, solved (CP-SAT, `matching.cdo_rotation`)
in a job, adjusted by hand within the rules, published as a version; the CDOs mark days
worked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from matching import cdo_rotation
from matching.cdo_rotation import Cdo, Member, RotationParams, RotationPlan, RotationProblem, Slot
from timebank.accounting.model import first_of_month
from timebank.book.use_cases import retrying
from timebank.companies.model import Company
from timebank.config import get_settings
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.geography import ALSACE_MOSELLE_DEPARTEMENTS, public_holidays
from timebank.groups.model import EmployerGroup
from timebank.jobs import use_cases as jobs
from timebank.jobs.model import Job, JobKind
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.people.model import Actor, Role
from timebank.rotations import model as m
from timebank.rotations import refusals
from timebank.rotations.model import (
    MemberOutcomeRecord,
    PlannedSlot,
    PlanStatus,
    PlanVersion,
    RotationPeriod,
)
from timebank.rotations.use_cases.common import (
    _breach_words,
    _coordinates,
    _draft,
    _home,
    _member_ids,
    _own_cdo_ids,
    _period,
    _period_label,
    _require_coordinator,
    _viewer,
    _visible,
)


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
        async with uow(write=False) as repos:
            words = await _breach_words(repos, wrong[0])
        raise refusals.FIXED_SLOTS_CONFLICT.error(**words)
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
    period, latest = prepared.period, prepared.latest
    period_id, today = period.id, prepared.today
    rows = _slot_rows(plan, prepared.latest_slots, today)
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
                await _draft_ready(repos, prepared, stored, outcomes, now=now)
            return stored

    return await retrying(store)


def _slot_rows(
    plan: RotationPlan, latest_slots: Sequence[PlannedSlot], today: date
) -> list[tuple[int, int, date, str | None, bool, bool]]:
    """The plan's slots as rows (CDO, member, day, half, by hand, worked): a slot the latest
    version had keeps whether it was placed by hand (a past day counts as such) and worked."""
    kept = {(s.employee_id, s.company_id, s.day, s.half): s for s in latest_slots}
    rows = []
    for slot in plan.slots:
        key = (int(slot.cdo), int(slot.member), slot.date, slot.half)
        before = kept.get(key)
        by_hand = before is not None and (before.by_hand or before.day < today)
        rows.append((*key, by_hand, before.worked if before is not None else True))
    return rows


async def _draft_ready(
    repos: Repositories,
    prepared: PlanInput,
    stored: PlanVersion,
    outcomes: tuple[MemberOutcomeRecord, ...],
    *,
    now: datetime,
) -> None:
    """The group's coordinators are told a draft awaits them, with what it gives each member."""
    coordinators = await repos.people.members_of(prepared.group.company_id, Role.GROUP_COORDINATOR)
    await notify(
        repos,
        [u.id for u in coordinators],
        Kind.ROTATION_DRAFT_READY,
        {
            "period": _period_label(prepared.period),
            "version": str(stored.version),
            "summary": _summary(outcomes),
        },
        link=f"/api/v1/rotation-periods/{prepared.period.id}",
        now=now,
    )


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


def _summary(outcomes: tuple[MemberOutcomeRecord, ...]) -> str:
    served = sum(o.served_days for o in outcomes)
    requested = sum(o.requested_days for o in outcomes)
    short = [o for o in outcomes if o.shortfall_days > 0]
    text = f"jours servis : {m.days_label(served)} (demande : {m.days_label(requested)})"
    return text + (f", {len(short)} membre(s) non servi(s) en totalité" if short else "")


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
            raise refusals.SLOT_BREAKS_RULE.error(**await _breach_words(repos, wrong[0]))
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
            words = {
                "group": group.name,
                "period": _period_label(period),
                "summary": _summary(plan.outcomes),
            }
            # Each reader to the page that shows them their days: a member's admins to the
            # member's page of the group, the CDOs to their own days.
            for company_id in sorted({s.company_id for s in new_slots}):
                await notify(
                    repos,
                    await repos.notifications.admins_of(company_id),
                    Kind.ROTATION_PUBLISHED,
                    words,
                    link=(
                        f"/entreprises/{company_id}/cdo-mutualise/groupes/{group.id}"
                        f"?periode={period.id}"
                    ),
                    now=now,
                )
            cdos = await repos.employees.get_many([s.employee_id for s in new_slots])
            await notify(
                repos,
                sorted({employee.user_id for employee in cdos.values()}),
                Kind.ROTATION_PUBLISHED,
                words,
                link=m.CDO_DAYS_PAGE,
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
