"""Each finished month, the CDOs' cost allocated to the members at cost, pro rata of the
slots worked, and posted to the ledger once (ids derived from the month and the parties)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta

from ledger.model import (
    Account,
    AccountKind,
    TransferCode,
    TransferKind,
    TransferRequest,
)
from ledger.model import Unit as LedgerUnit
from ledger.state_machine import BATCH_EVENTS_MAX
from timebank import formatting
from timebank.accounting.model import first_of_month, next_month
from timebank.book.use_cases import ensure_company_accounts, retrying, submit_in
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.formatting import month_label
from timebank.groups.model import EmployerGroup
from timebank.groups.use_cases import load_group
from timebank.invoicing.use_cases import issue_cdo_invoices
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.people.model import Actor, Role, reads_salary_figures, require_company_role
from timebank.refusals import ledger_failure, ledger_words
from timebank.rotations import model as m
from timebank.rotations import refusals
from timebank.rotations.model import (
    Allocation,
    RotationPeriod,
)
from timebank.rotations.use_cases.common import _require_coordinator

ALLOCATION_NAMESPACE = uuid.UUID("8a7d1f0e-3c2b-4e59-9d61-2f4b7a9c5e13")


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

    async def work() -> list[Allocation]:
        async with uow() as repos:
            group = await load_group(repos, group_id)
            if actor is not None:
                _require_coordinator(actor, group)
            periods = await _periods_to_allocate(repos, group_id, month)
            counts, minutes = await _worked(repos, periods, month)
            if not counts:
                return []
            cdo_cents = await _cdo_monthly_costs(repos, {e for e, _ in counts})
            management = sum(p.monthly_management_costs_cents for p in periods)
            lines = m.allocate_month(cdo_cents, management, counts, minutes)
            assert 2 * len(lines) <= BATCH_EVENTS_MAX, "a group has far fewer members"
            ids = await _post_allocation(repos, group, month, lines, now)
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
            await _notify_members(repos, group, month, lines, now)
            return await repos.rotations.allocations(group_id, month)

    return await retrying(work)


async def _periods_to_allocate(
    repos: Repositories, group_id: int, month: date
) -> list[RotationPeriod]:
    """The group's published periods that overlap the month, their rows locked first: recording
    a slot as (not) worked waits until the month is allocated, and then is refused. Refused
    when the month is already allocated."""
    locked = []
    for period in await repos.rotations.periods_of_group(group_id):
        found = await repos.rotations.get_period(period.id, lock=True)
        assert found is not None
        locked.append(found)
    if month in await repos.rotations.allocated_months(group_id):
        raise refusals.ALREADY_ALLOCATED.error(
            month=month_label(month).capitalize(), value=month.strftime("%Y-%m")
        )
    last = next_month(month) - timedelta(days=1)
    return [
        p
        for p in locked
        if p.starts_on <= last and p.ends_on >= month and p.published_plan_id is not None
    ]


async def _worked(
    repos: Repositories, periods: list[RotationPeriod], month: date
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Slots worked in the month and their minutes, per (CDO, member)."""
    slots = await repos.rotations.published_slots_between(
        [p.published_plan_id for p in periods if p.published_plan_id is not None],
        month,
        next_month(month) - timedelta(days=1),
    )
    counts: dict[tuple[int, int], int] = defaultdict(int)
    minutes: dict[tuple[int, int], int] = defaultdict(int)
    for slot in slots:
        if slot.worked:
            counts[slot.employee_id, slot.company_id] += 1
            minutes[slot.employee_id, slot.company_id] += slot.minutes
    return dict(counts), dict(minutes)


async def _cdo_monthly_costs(repos: Repositories, employee_ids: set[int]) -> dict[int, int]:
    """Each CDO's cost of a month, in cents; refused when one's pay is not filled in."""
    cdos = await repos.employees.get_many(sorted(employee_ids))
    costs = {}
    for employee_id in sorted(employee_ids):
        employee = cdos.get(employee_id)
        if employee is None or employee.cost is None:
            raise refusals.CDO_COST_MISSING.error()
        costs[employee_id] = m.monthly_cost_cents(employee.cost)
    return costs


async def _post_allocation(
    repos: Repositories,
    group: EmployerGroup,
    month: date,
    lines: list[m.AllocationLine],
    now: datetime,
) -> dict[tuple[int, int], tuple[str, str]]:
    """Post the month's lines to the ledger in one batch (days from each member's shared-CDO
    account to the group's, cents owed to the group); the transfer ids per (CDO, member)."""
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
    ref = f"cdo_allocation:{group.id}:{month.isoformat()}"
    requests = []
    ids = {}
    for line in lines:
        member_cents, member_days = members[line.company_id]
        minutes_id = _transfer_id(group.id, month, line.employee_id, line.company_id, "minutes")
        cents_id = _transfer_id(group.id, month, line.employee_id, line.company_id, "cents")
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
    cause = ledger_failure(outcome.result for outcome in outcomes)
    if cause is not None:
        raise refusals.ALLOCATION_REFUSED.error(**ledger_words(cause))
    return ids


async def _notify_members(
    repos: Repositories,
    group: EmployerGroup,
    month: date,
    lines: list[m.AllocationLine],
    now: datetime,
) -> None:
    """Each member's admins: what the month cost it, in euros and days."""
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
