"""The demo's shared-CDO time-share, driven through the real use cases: for each employer group
a three-month period (last month to next month), its CDO, every member's request, a plan
generated and published, and last month's cost allocated to the members."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from timebank.accounting.model import first_of_month, next_month
from timebank.db.unit_of_work import UnitOfWork
from timebank.documents import use_cases as documents
from timebank.documents.model import CdoTerms
from timebank.employees.model import Employee
from timebank.groups.model import EmployerGroup
from timebank.pagination import page_request
from timebank.people.model import Actor, Role
from timebank.rotations import use_cases as rotations

DEMO_SEED = 2017
# The demo loads in seconds: a short CP-SAT budget (deterministic time, so the same plan each
# time); the plan is checked against every hard rule whatever the budget.
DEMO_PLAN_SECONDS = 0.5
MANAGEMENT_COSTS_CENTS = 25_000  # 250 € a month of the group's own costs.
DEMO_COLLECTIVE_AGREEMENT = (
    "Convention collective nationale des bureaux d'études techniques, cabinets "
    "d'ingénieurs-conseils et sociétés de conseils (Syntec), IDCC 1486"
)


@dataclass(frozen=True, slots=True)
class RotationSummary:
    published_plans: int
    slots: int
    allocation_lines: int
    signed_documents: int


async def load_demo_rotations(uow: UnitOfWork, *, now: datetime) -> RotationSummary:
    rng = random.Random(DEMO_SEED)
    this_month = first_of_month(now.date())
    starts_on = first_of_month(this_month - timedelta(days=1))
    ends_on = next_month(next_month(this_month)) - timedelta(days=1)
    async with uow(write=False) as repos:
        groups, _ = await repos.groups.list(page=page_request(50, 0))
        plans = []
        for group in groups:
            coordinators = await repos.people.members_of(group.company_id, Role.GROUP_COORDINATOR)
            staff, _ = await repos.employees.list_for_company(
                group.company_id, skill_id=None, level_min=1, page=page_request(10, 0)
            )
            plans.append((group, coordinators[0], staff[0]))
    published, slots, lines, signed = 0, 0, 0, 0
    for index, (group, coordinator, cdo) in enumerate(plans):
        actor = Actor(
            user_id=coordinator.id,
            email=coordinator.email,
            full_name=coordinator.full_name,
            memberships=frozenset({(group.company_id, Role.GROUP_COORDINATOR)}),
        )
        view = await rotations.create_period(
            uow,
            actor,
            group.id,
            starts_on=starts_on,
            ends_on=ends_on,
            half_days=index % 2 == 1,  # One group plans whole days, the other half-days.
            travel_km_max=60,
            monthly_management_costs_cents=MANAGEMENT_COSTS_CENTS,
            now=now,
        )
        period_id = view.period.id
        await rotations.set_cdo(
            uow,
            actor,
            period_id,
            employee_id=cdo.id,
            max_days_per_week=4,
            unavailable=[starts_on + timedelta(days=rng.randrange(20))],
            now=now,
        )
        for member in group.members:
            await rotations.set_request(
                uow,
                actor,
                period_id,
                company_id=member.company_id,
                days=rng.choice([4, 5, 6, 7.5]) if index % 2 else rng.choice([4, 5, 6, 7]),
                preferred_weekdays=sorted(rng.sample(range(5), rng.choice([1, 2]))),
                unavailable=[],
                same_cdo_as_before=False,
                now=now,
            )
        signed += await _sign_group_papers(uow, actor, group, cdo, period_id, now=now)
        draft = await rotations.generate_plan(
            uow, actor, period_id, now=now, time_limit_s=DEMO_PLAN_SECONDS
        )
        await rotations.publish(uow, actor, draft.id, now=now)
        published += 1
        _, planned = await rotations.list_slots(uow, actor, period_id, plan_id=None)
        slots += len(planned)
        lines += len(await rotations.allocate_month(uow, actor, group.id, month=starts_on, now=now))
    return RotationSummary(
        published_plans=published, slots=slots, allocation_lines=lines, signed_documents=signed
    )


async def _sign_group_papers(
    uow: UnitOfWork,
    coordinator: Actor,
    group: EmployerGroup,
    cdo: Employee,
    period_id: int,
    *,
    now: datetime,
) -> int:
    """The CDO's time-share contract and each member's agreement, signed by every party."""
    async with uow(write=False) as repos:
        period = await repos.rotations.get_period(period_id)
    assert period is not None
    hired_on = period.starts_on  # The demo's CDO starts with the group's first period.
    papers = [
        (
            await documents.make_group_document(
                uow,
                coordinator,
                group.id,
                kind="cdo_contract",
                employee_id=cdo.id,
                company_id=None,
                period_id=None,
                now=now,
                cdo_terms=CdoTerms(
                    hired_on=hired_on,
                    weekly_minutes=28 * 60,
                    hours_spread="du lundi au jeudi, 7 h par jour (9 h – 12 h 30, 13 h 30 – 17 h)",
                    permanent=True,
                    fixed_term="",
                    collective_agreement=DEMO_COLLECTIVE_AGREEMENT,
                ),
            ),
            Actor(user_id=cdo.user_id, email=cdo.email, full_name=cdo.full_name),
        )
    ]
    async with uow(write=False) as repos:
        admins = {
            m.company_id: (await repos.people.members_of(m.company_id, Role.COMPANY_ADMIN))[0]
            for m in group.members
        }
    for member in group.members:
        admin = admins[member.company_id]
        agreement = await documents.make_group_document(
            uow,
            coordinator,
            group.id,
            kind="member_agreement",
            employee_id=None,
            company_id=member.company_id,
            period_id=period_id,
            now=now,
        )
        papers.append(
            (
                agreement,
                Actor(
                    user_id=admin.id,
                    email=admin.email,
                    full_name=admin.full_name,
                    memberships=frozenset({(member.company_id, Role.COMPANY_ADMIN)}),
                ),
            )
        )
    for document, other in papers:
        for signer in (coordinator, other):
            await documents.sign_group_document(
                uow, signer, document.id, sha256=document.sha256, now=now
            )
    return len(papers)
