"""Bring the demo network to life through the real use cases: loans in every state, hours
logged and approved, last month's statements prepared, one agreed and one disputed.

Deterministic: the same database (from the same plan) gives the same exchanges.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from timebank.accounting import use_cases as accounting
from timebank.accounting.model import first_of_month, next_month
from timebank.db.unit_of_work import UnitOfWork
from timebank.demo.expenses import record_demo_expenses
from timebank.demo.plan import DEMO_EMPLOYEE_APPROVAL_MINUTES_MIN
from timebank.documents import use_cases as documents
from timebank.employees.model import Employee
from timebank.engagements import use_cases as engagements
from timebank.engagements.model import Document, Step
from timebank.needs.model import Need, NeedStatus
from timebank.pagination import PageRequest
from timebank.people.model import Actor, Role
from timebank.settlements import use_cases as settlements

DEMO_NAMESPACE: Final = uuid.UUID("9a7c1e2f-3b4d-4c5e-8f60-718293a4b5c6")
# Target status of each demo loan, in order; the first ones involve the demo's first company.
TARGETS: Final = (
    "active",
    "active",
    "completed",
    "active",
    "proposed",
    "accepted_by_host",
    "approved_by_lender",
    "consented",
    "completed",
    "active",
    "cancelled",
    "proposed",
)
PATH: Final = (Step.ACCEPT, Step.APPROVE, Step.CONSENT, Step.ACTIVATE)
STATUS_AFTER: Final = ("accepted_by_host", "approved_by_lender", "consented", "active")


@dataclass(frozen=True, slots=True)
class ExchangeSummary:
    engagements: dict[str, int]
    approved_entries: int
    submitted_entries: int
    statements: dict[str, int]
    # Shared-CDO time-share: plans published, their slots, last month's allocation lines.
    rotation_plans: int = 0
    rotation_slots: int = 0
    rotation_allocations: int = 0
    group_documents_signed: int = 0


def _admin(user_id: int, company_id: int) -> Actor:
    return Actor(
        user_id=user_id,
        email="",
        full_name="",
        memberships=frozenset({(company_id, Role.COMPANY_ADMIN)}),
    )


def _employee_actor(employee: Employee) -> Actor:
    return Actor(
        user_id=employee.user_id,
        email=employee.email,
        full_name=employee.full_name,
        memberships=frozenset({(employee.company_id, Role.EMPLOYEE)}),
    )


async def _candidates(
    uow: UnitOfWork, first_company_id: int
) -> list[tuple[Employee, Need, int, int]]:
    """(employee, need, lender admin, host admin) pairs sharing a skill, one per employee and
    host; the demo's first company lends first."""
    async with uow(write=False) as repos:
        needs, _ = await repos.needs.search(
            skill_id=None,
            region=None,
            status=NeedStatus.OPEN,
            company_id=None,
            visible_draft_companies=None,
            page=PageRequest(200, 0),
        )
        companies = sorted({n.company_id for n in needs} | {first_company_id})
        admins = {
            c: (await repos.people.members_of(c, Role.COMPANY_ADMIN))[0].id for c in companies
        }
        staff: list[Employee] = []
        for company_id in companies:
            found, _ = await repos.employees.list_for_company(
                company_id, skill_id=None, level_min=1, page=PageRequest(20, 0)
            )
            staff += [
                e
                for e in found
                if e.approval is not None
                and e.approval.approved_minutes_per_month >= DEMO_EMPLOYEE_APPROVAL_MINUTES_MIN
            ]
    staff.sort(key=lambda e: (e.company_id != first_company_id, e.id))
    # The demo's employee log-in is the first company's first employee: lend them first,
    # whatever their skills, so that a newcomer logging in sees a running loan.
    demo_employee = min(
        (e for e in staff if e.company_id == first_company_id), key=lambda e: e.id, default=None
    )
    used_hosts: set[int] = set()
    used_employees: set[int] = set()
    pairs = []
    for employee in staff:
        skills = {s.skill_code for s in employee.skills}
        for need in sorted(needs, key=lambda n: n.id):
            if (
                need.company_id == employee.company_id
                or need.company_id in used_hosts
                or employee.id in used_employees
                or not (skills & {s.skill_code for s in need.skills} or employee is demo_employee)
            ):
                continue
            pairs.append(
                (employee, need, admins.setdefault(employee.company_id, 0), admins[need.company_id])
            )
            used_hosts.add(need.company_id)
            used_employees.add(employee.id)
            break
        if len(pairs) == len(TARGETS):
            break
    return pairs


async def _bring_to(
    uow: UnitOfWork,
    target: str,
    employee: Employee,
    need: Need,
    lender_admin: int,
    host_admin: int,
    *,
    now: datetime,
) -> int:
    lender = _admin(lender_admin, employee.company_id)
    host = _admin(host_admin, need.company_id)
    worker = _employee_actor(employee)
    today = now.date()
    this_month = first_of_month(today)
    start = (this_month - timedelta(days=1)).replace(day=1)
    # Four calendar months (last month to the one after next), whatever today's date: the
    # planned hours spread over them stay within the demo employees' approved 4 h a month.
    end = next_month(next_month(next_month(this_month)))
    end -= timedelta(days=1)
    # A loan that runs (or ran) was prepared in the order the law sets (L8241-2): proposed,
    # accepted, consented, its CSE consulted and its documents signed the week before its first
    # day, activated that day, then hours logged. The others are where they are today.
    runs = target in ("active", "completed")
    prepared = datetime.combine(start - timedelta(days=7), time(9), UTC) if runs else now
    engagement = await engagements.propose(
        uow,
        lender,
        need_id=need.id,
        employee_id=employee.id,
        planned_minutes=16 * 60,
        period_start=start,
        period_end=end,
        place=need.place_city,
        remote=need.remote_allowed,
        tasks=need.description[:500],
        now=prepared,
        # The loan's own terms (L8241-2): a half-day a month; a loan on site changes the place
        # of work, an essential element, so it starts with a probation period.
        probation_days=0 if need.remote_allowed else 2,
        working_hours="4 heures par mois, le premier mardi du mois de 9 h à 13 h",
        post_characteristics=(
            f"{employee.job_title} : travail sur écran, sans risque particulier, "
            "sous l'autorité du dirigeant de l'entreprise d'accueil"
        ),
    )
    if target in ("proposed", "cancelled"):
        if target == "cancelled":
            await engagements.take_step(
                uow,
                lender,
                engagement.id,
                Step.CANCEL,
                note="Le salarié n'est plus disponible.",
                now=now,
            )
        return engagement.id
    actors = {Step.ACCEPT: host, Step.APPROVE: lender, Step.CONSENT: worker, Step.ACTIVATE: host}
    for step, reached in zip(PATH, STATUS_AFTER, strict=True):
        when = prepared
        if step is Step.ACTIVATE:
            await _paperwork(uow, engagement.id, lender, host, worker, start=start, now=prepared)
            when = datetime.combine(start, time(8), UTC) if runs else now
        await engagements.take_step(uow, actors[step], engagement.id, step, now=when)
        if reached == target and target != "active":
            return engagement.id
    await _timesheets(
        uow, engagement.id, worker, host, start, completed=target == "completed", now=now
    )
    # Last month's expenses approved now, before the statements are agreed (and invoiced).
    await record_demo_expenses(
        uow,
        engagement.id,
        worker=worker,
        lender=lender,
        start=start,
        running=target == "active",
        now=now,
    )
    if target == "completed":
        await engagements.take_step(uow, host, engagement.id, Step.COMPLETE, now=now)
    return engagement.id


async def _paperwork(
    uow: UnitOfWork,
    engagement_id: int,
    lender: Actor,
    host: Actor,
    worker: Actor,
    *,
    start: date,
    now: datetime,
) -> None:
    """Each party signs the loan's documents as generated from its data (their SHA-256); each
    CSE is consulted ten days before the loan's first day."""
    generated = await documents.engagement_documents(uow, lender, engagement_id, now=now)
    digest = {d.subject.kind.value: d.sha256 for d in generated}
    for actor, document in (
        (lender, Document.LOAN_AGREEMENT),
        (host, Document.LOAN_AGREEMENT),
        (worker, Document.EMPLOYEE_AMENDMENT),
        (lender, Document.EMPLOYEE_AMENDMENT),
    ):
        await engagements.sign(
            uow,
            actor,
            engagement_id,
            document=document.value,
            document_hash=digest[document.value],
            now=now,
        )
    view = await engagements.get_engagement(uow, lender, engagement_id)
    for paper, actor, company_id in (
        ("cse_lender", lender, view.engagement.lender_company_id),
        ("cse_host", host, view.engagement.host_company_id),
    ):
        if paper in {p.value for p in view.missing_papers}:
            await engagements.record_cse(
                uow,
                actor,
                engagement_id,
                company_id=company_id,
                consulted_on=min(start, now.date()) - timedelta(days=10),
                now=now,
            )


async def _timesheets(
    uow: UnitOfWork,
    engagement_id: int,
    worker: Actor,
    host: Actor,
    start: date,
    *,
    completed: bool,
    now: datetime,
) -> None:
    """Hours on three days of last month (approved) and one this month (left to approve
    unless the loan is completed): 10 hours in all, the loan's planned hours."""
    days = [
        (start + timedelta(days=offset), minutes)
        for offset, minutes in ((2, 180), (8, 210), (15, 120))
    ]
    this_month = now.date().replace(day=1)
    if this_month < now.date():
        days.append((this_month, 90))
    entries = []
    for day, minutes in days:
        entry, _ = await engagements.log_time(
            uow,
            worker,
            engagement_id,
            client_id=str(uuid.uuid5(DEMO_NAMESPACE, f"{engagement_id}:{day.isoformat()}")),
            work_date=day,
            minutes=minutes,
            description="Atelier de travail et livrables de la semaine.",
            now=now,
        )
        entries.append(entry)
    to_approve = entries if completed else entries[:3]
    await engagements.approve_entries(uow, host, [e.id for e in to_approve], now=now)


async def load_demo_exchanges(
    uow: UnitOfWork, *, first_company_id: int, now: datetime
) -> ExchangeSummary:
    pairs = await _candidates(uow, first_company_id)
    statuses: Counter[str] = Counter()
    marked = False
    for target, (employee, need, lender_admin, host_admin) in zip(TARGETS, pairs, strict=False):
        await _bring_to(uow, target, employee, need, lender_admin, host_admin, now=now)
        statuses[target] += 1
        if target == "completed" and not marked:
            # The host builds its new website with this loan: an asset project in service this
            # month (software, 205), so its accountant sees capitalisation and amortisation.
            await accounting.mark_asset_project(
                uow,
                _admin(host_admin, need.company_id),
                need.id,
                account="205",
                in_service_on=now.date().replace(day=1),
                now=now,
            )
            marked = True
    last_month = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    statement_ids = await settlements.prepare_statements(uow, month=last_month, now=now)
    outcomes: Counter[str] = Counter()
    for index, statement_id in enumerate(statement_ids):
        async with uow(write=False) as repos:
            statement = await repos.settlements.get(statement_id)
            assert statement is not None
            admin_a = (await repos.people.members_of(statement.company_a, Role.COMPANY_ADMIN))[0]
            admin_b = (await repos.people.members_of(statement.company_b, Role.COMPANY_ADMIN))[0]
        if index % 3 == 0:
            await settlements.agree(
                uow, _admin(admin_a.id, statement.company_a), statement_id, now=now
            )
            await settlements.agree(
                uow, _admin(admin_b.id, statement.company_b), statement_id, now=now
            )
        elif index % 3 == 1:
            await settlements.dispute(
                uow,
                _admin(admin_b.id, statement.company_b),
                statement_id,
                reason="Une journée nous semble comptée deux fois.",
                now=now,
            )
    async with uow(write=False) as repos:
        for statement_id in statement_ids:
            found = await repos.settlements.get(statement_id)
            assert found is not None
            outcomes[found.status.value] += 1
        entries = Counter[str]()
        page, _ = await repos.engagements.search(
            company_ids=None, employee_user_id=None, status=None, limit=200, offset=0
        )
        for engagement in page:
            listed, _ = await repos.engagements.entries_of(engagement.id, limit=200, offset=0)
            entries.update(e.status for e in listed)
    return ExchangeSummary(
        engagements=dict(statuses),
        approved_entries=entries["approved"],
        submitted_entries=entries["submitted"],
        statements=dict(outcomes),
    )
