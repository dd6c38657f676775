"""Use cases on employer groups: creation, members joining and leaving, shared staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from timebank import rules
from timebank.companies.model import Company
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.employees.model import Employee, hourly_cost_cents
from timebank.employees.use_cases import list_employees
from timebank.geography import distance_km
from timebank.groups import model as gm
from timebank.groups import refusals
from timebank.groups.model import EmployerGroup, JoinRequest, JoinStatus, legal_form
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, require_acting_for, require_company_role


async def load_group(repos: Repositories, group_id: int) -> EmployerGroup:
    """The group, or not found (`group_id`)."""
    group = await repos.groups.get(group_id)
    if group is None:
        raise refusals.EMPLOYER_GROUP_NOT_FOUND.error(id=group_id)
    return group


async def create_group(
    uow: UnitOfWork,
    actor: Actor,
    *,
    company_id: int,
    name: str,
    legal_form_value: str,
    now: datetime,
) -> EmployerGroup:
    """The admin of the group's own legal entity declares it; they become its coordinator."""
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    checked_name = rules.text(name, field="name", length_max=rules.NAME_LENGTH_MAX)
    form = legal_form(legal_form_value)
    async with uow() as repos:
        if await repos.companies.get(company_id) is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id, field="company_id")
        group_id = await repos.groups.add(
            company_id=company_id, name=checked_name, legal_form=form, now=now
        )
        await repos.people.add_membership(
            user_id=actor.user_id,
            company_id=company_id,
            role=Role.GROUP_COORDINATOR,
            granted_by=None,
            now=now,
        )
        return await load_group(repos, group_id)


async def get_group(uow: UnitOfWork, actor: Actor, group_id: int) -> EmployerGroup:
    del actor  # Groups and their member lists are public inside the network.
    async with uow(write=False) as repos:
        return await load_group(repos, group_id)


async def list_groups(
    uow: UnitOfWork, actor: Actor, *, limit: int, offset: int
) -> Page[EmployerGroup]:
    del actor
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.groups.list(page=page)
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def _add_member(
    repos: Repositories, group: EmployerGroup, *, company_id: int, joined_on: date
) -> None:
    if company_id == group.company_id:
        raise refusals.GROUP_SELF_MEMBER.error()
    if await repos.companies.get(company_id) is None:
        raise refusals.COMPANY_NOT_FOUND.error(id=company_id, field="company_id")
    if any(m.company_id == company_id and m.left_on is None for m in group.members):
        raise refusals.ALREADY_A_MEMBER.error()
    await repos.groups.add_member(group.id, company_id, joined_on)


async def add_member(
    uow: UnitOfWork, actor: Actor, group_id: int, *, company_id: int, joined_on: date
) -> EmployerGroup:
    """The coordinator records a member it also administers (for instance one that joined on
    paper before, `joined_on` in the past). Any other company joins by its own request
    (`request_to_join`, then `decide_join_request`): membership binds the member (C. trav.
    L1253-8, joint liability for the group's wage debts), so only its admin asks for it."""
    async with uow() as repos:
        group = await load_group(repos, group_id)
        require_acting_for(actor, group.company_id, Role.GROUP_COORDINATOR)
        if not actor.has_role(company_id, Role.COMPANY_ADMIN):
            raise refusals.JOINS_BY_ITS_OWN_REQUEST.error()
        await _add_member(repos, group, company_id=company_id, joined_on=joined_on)
        return await load_group(repos, group_id)


async def end_membership(
    uow: UnitOfWork, actor: Actor, group_id: int, *, company_id: int, left_on: date
) -> EmployerGroup:
    async with uow() as repos:
        group = await load_group(repos, group_id)
        require_acting_for(actor, group.company_id, Role.GROUP_COORDINATOR)
        member = next(
            (m for m in group.members if m.company_id == company_id and m.left_on is None), None
        )
        if member is None:
            raise refusals.MEMBER_NOT_FOUND.error(id=company_id)
        rules.date_order(member.joined_on, left_on, field="left_on")
        await repos.groups.end_member(group_id, company_id, left_on)
        return await load_group(repos, group_id)


async def list_shared_staff(
    uow: UnitOfWork, actor: Actor, group_id: int, *, limit: int, offset: int
) -> Page[Employee]:
    """The group's own employees (the shared CDOs), for its coordinators and admins."""
    page_request(limit, offset)
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
    require_company_role(actor, group.company_id, Role.GROUP_COORDINATOR, Role.COMPANY_ADMIN)
    return await list_employees(
        uow, actor, group.company_id, skill_code=None, level_min=1, limit=limit, offset=offset
    )


# -- Companies finding a group and asking to join --------------------------------------------

# A CDO not yet in any period is offered full time (5 days a week).
FULL_TIME_HALF_DAYS_PER_WEEK = 10
DAYS_PER_MONTH_AVERAGE = 30.44


@dataclass(frozen=True, slots=True)
class CdoOffer:
    """A shared CDO as a company looking for one sees them: never a salary, only a day's cost."""

    employee_id: int
    full_name: str
    job_title: str
    skills: tuple[str, ...]
    days_per_week: float
    day_cents: int | None


@dataclass(frozen=True, slots=True)
class GroupOffer:
    group: EmployerGroup
    entity: Company
    distance_km: float | None
    same_region: bool
    cdos: tuple[CdoOffer, ...]
    days_available_per_month: float
    management_cents_per_month: int
    is_member: bool
    requests: tuple[JoinRequest, ...]  # This company's requests to this group, latest last.

    def estimate_cents(self, half_days_per_month: int) -> int | None:
        return gm.monthly_estimate_cents(
            [c.day_cents for c in self.cdos if c.day_cents is not None], half_days_per_month
        )

    @property
    def pending(self) -> JoinRequest | None:
        return next((r for r in self.requests if r.status is JoinStatus.PENDING), None)


async def _offer(
    repos: Repositories,
    group: EmployerGroup,
    entity: Company,
    company: Company,
    today: date,
    skills: dict[str, str],
    asked: list[JoinRequest],
) -> GroupOffer:
    periods = await repos.rotations.periods_of_group(group.id)
    current = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
    current = current or (periods[-1] if periods else None)
    weekly = (
        {c.employee_id: c.max_half_days_per_week for c in await repos.rotations.cdos(current.id)}
        if current
        else {}
    )
    staff, _ = await repos.employees.list_for_company(
        group.company_id, skill_id=None, level_min=1, page=page_request(100, 0)
    )
    cdos = []
    for employee in staff:
        if not employee.active or (weekly and employee.id not in weekly):
            continue
        halves = weekly.get(employee.id, FULL_TIME_HALF_DAYS_PER_WEEK)
        cdos.append(
            CdoOffer(
                employee_id=employee.id,
                full_name=employee.full_name,
                job_title=employee.job_title,
                skills=tuple(skills.get(s.skill_code, s.skill_code) for s in employee.skills),
                days_per_week=halves / 2,
                day_cents=None
                if employee.cost is None or employee.cost.annual_work_hours <= 0
                else gm.cdo_day_cents(hourly_cost_cents(employee.cost)),
            )
        )
    capacity = sum(gm.days_per_month_of(round(c.days_per_week * 2)) for c in cdos)
    requested = 0.0
    if current is not None:
        months = ((current.ends_on - current.starts_on).days + 1) / DAYS_PER_MONTH_AVERAGE
        requested = sum(r.days_requested for r in await repos.rotations.requests(current.id)) / max(
            months, 1.0
        )
    distance = None
    if (
        company.latitude is not None
        and company.longitude is not None
        and entity.latitude is not None
        and entity.longitude is not None
    ):
        distance = distance_km(
            company.latitude, company.longitude, entity.latitude, entity.longitude
        )
    return GroupOffer(
        group=group,
        entity=entity,
        distance_km=distance,
        same_region=entity.region == company.region,
        cdos=tuple(cdos),
        days_available_per_month=max(0.0, round((capacity - requested) * 2) / 2),
        management_cents_per_month=current.monthly_management_costs_cents if current else 0,
        is_member=any(m.company_id == company.id and m.left_on is None for m in group.members),
        requests=tuple(r for r in asked if r.group_id == group.id),
    )


async def groups_near(
    uow: UnitOfWork, actor: Actor, company_id: int, *, now: datetime
) -> tuple[Company, list[GroupOffer]]:
    """The employer groups a company's admin may join, nearest first (same region, then by
    distance): what their CDOs offer, their days still free and a day's cost at exact cost.
    Its admins only: a CDO's day cost is seven hours at their hourly cost, which the operator
    does not read (`reads_salary_figures`), and choosing a group is the company's own act."""
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        company = await repos.companies.get(company_id)
        if company is None:
            raise refusals.COMPANY_NOT_FOUND.error(id=company_id, field="company_id")
        skills = {s.code: s.label_fr for s in await repos.skills.all()}
        others = [g for g in await repos.groups.all() if g.company_id != company_id]
        entities = await repos.companies.get_many([g.company_id for g in others])
        asked = await repos.groups.join_requests_of_company(company_id)
        offers = [
            await _offer(repos, g, entities[g.company_id], company, now.date(), skills, asked)
            for g in others
        ]
    far = float("inf")
    offers.sort(
        key=lambda o: (
            not o.is_member,
            not o.same_region,
            o.distance_km if o.distance_km is not None else far,
            o.group.name,
        )
    )
    return company, offers


async def request_to_join(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    *,
    company_id: int,
    days_per_month: float,
    preferred_weekdays: list[int],
    message: str,
    now: datetime,
) -> JoinRequest:
    """A company's admin asks the group's coordinator to take the company in as a member."""
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    halves = gm.half_days_per_month(days_per_month)
    weekdays = gm.join_weekdays(preferred_weekdays)
    note = rules.text(message, field="message", length_max=gm.MESSAGE_LENGTH_MAX, required=False)
    async with uow() as repos:
        group = await load_group(repos, group_id)
        if company_id == group.company_id:
            raise refusals.GROUP_SELF_MEMBER.error()
        if any(m.company_id == company_id and m.left_on is None for m in group.members):
            raise refusals.YOUR_COMPANY_ALREADY_A_MEMBER.error()
        if any(
            r.group_id == group_id and r.status is JoinStatus.PENDING
            for r in await repos.groups.join_requests_of_company(company_id)
        ):
            raise refusals.JOIN_REQUEST_PENDING.error()
        request_id = await repos.groups.add_join_request(
            group_id=group_id,
            company_id=company_id,
            half_days_per_month=halves,
            preferred_weekdays=weekdays,
            message=note,
            user_id=actor.user_id,
            now=now,
        )
        found = await repos.groups.get_join_request(request_id)
        assert found is not None
        company = await repos.companies.get(company_id)
        assert company is not None
        coordinators = await repos.people.members_of(group.company_id, Role.GROUP_COORDINATOR)
        await notify(
            repos,
            [user.id for user in coordinators],
            Kind.JOIN_REQUESTED,
            {"company": company.name, "group": group.name, "days": _days_text(halves)},
            link=f"/groupements/{group_id}",
            now=now,
        )
        return found


async def join_requests_of_company(
    uow: UnitOfWork, actor: Actor, company_id: int
) -> list[JoinRequest]:
    require_company_role(actor, company_id, Role.COMPANY_ADMIN)
    async with uow(write=False) as repos:
        return await repos.groups.join_requests_of_company(company_id)


async def join_requests_of_group(uow: UnitOfWork, actor: Actor, group_id: int) -> list[JoinRequest]:
    """Every request to join the group, for its coordinators."""
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
        require_acting_for(actor, group.company_id, Role.GROUP_COORDINATOR)
        return await repos.groups.join_requests_of_group(group_id)


async def decide_join_request(
    uow: UnitOfWork,
    actor: Actor,
    request_id: int,
    *,
    accept: bool,
    reason: str,
    now: datetime,
) -> JoinRequest:
    """The coordinator accepts (the company becomes a member today) or refuses with a reason."""
    async with uow() as repos:
        request = await repos.groups.get_join_request(request_id)
        if request is None:
            raise refusals.JOIN_REQUEST_NOT_FOUND.error(id=request_id)
        group = await load_group(repos, request.group_id)
        require_acting_for(actor, group.company_id, Role.GROUP_COORDINATOR)
        if request.status is not JoinStatus.PENDING:
            raise refusals.JOIN_REQUEST_ANSWERED.error()
        if accept:
            cause = ""
            await _add_member(repos, group, company_id=request.company_id, joined_on=now.date())
        else:
            cause = reason.strip()
            if not cause:
                raise refusals.REASON_REQUIRED.error()
            cause = rules.text(cause, field="reason", length_max=gm.REASON_LENGTH_MAX)
        answered = await repos.groups.decide_join_request(
            request_id,
            status=JoinStatus.ACCEPTED if accept else JoinStatus.REFUSED,
            reason=cause,
            user_id=actor.user_id,
            now=now,
        )
        if not answered:
            raise refusals.JOIN_REQUEST_ANSWERED.error()
        found = await repos.groups.get_join_request(request_id)
        assert found is not None
        company = await repos.companies.get(request.company_id)
        assert company is not None
        await notify(
            repos,
            await repos.notifications.admins_of(request.company_id),
            Kind.JOIN_DECIDED,
            {
                "group": group.name,
                "company": company.name,
                "decision": "accepté" if accept else "refusé",
                "reason": f" Motif : {cause}" if cause else "",
            },
            link=f"/entreprises/{request.company_id}/cdo-mutualise",
            now=now,
        )
        return found


def _days_text(half_days: int) -> str:
    whole, half = divmod(half_days, 2)
    return f"{whole},5 jour(s)" if half else f"{whole} jour(s)"


async def coordinated_groups(uow: UnitOfWork, actor: Actor) -> list[EmployerGroup]:
    """The groups whose entity the actor coordinates."""
    mine = actor.companies_with(Role.GROUP_COORDINATOR)
    async with uow(write=False) as repos:
        return [g for g in await repos.groups.all() if g.company_id in mine]


async def member_groups(uow: UnitOfWork, actor: Actor, company_id: int) -> list[EmployerGroup]:
    """The groups a company is a member of today (its admins)."""
    require_company_role(actor, company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    async with uow(write=False) as repos:
        return [
            g
            for g in await repos.groups.all()
            if any(m.company_id == company_id and m.left_on is None for m in g.members)
        ]


async def group_companies(uow: UnitOfWork, actor: Actor, group_id: int) -> dict[int, Company]:
    """The group's entity, every company that was ever a member and every company that asked
    to join (names are public inside the network)."""
    del actor
    async with uow(write=False) as repos:
        group = await load_group(repos, group_id)
        asked = [r.company_id for r in await repos.groups.join_requests_of_group(group_id)]
        return await repos.companies.get_many(
            [group.company_id, *(m.company_id for m in group.members), *asked]
        )
