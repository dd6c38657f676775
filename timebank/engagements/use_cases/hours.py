"""The lent employee's hours: log, change or withdraw them; the host approves or rejects
them, each approval posting minutes and at-cost cents in the ledger."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Final

from ledger.model import (
    Account,
    TransferCode,
    TransferKind,
    TransferRequest,
    Unit,
)
from timebank import formatting, rules
from timebank.book.use_cases import ensure_company_accounts, retrying, submit_in
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.engagements import refusals
from timebank.engagements.model import (
    CostRate,
    DeclaredTime,
    Engagement,
    EngagementStatus,
    EntryStatus,
    EntryToReview,
    TimesheetEntry,
    check_hours_window,
    check_timesheet_entry,
    cost_cents_after,
    cost_rate,
)
from timebank.engagements.use_cases.common import _load, _may_read, _texts
from timebank.engagements.use_cases.ledger_moves import (
    _ledger_id,
    _require_ledger_ok,
    _reservation_request,
)
from timebank.errors import Conflict
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.pagination import Page, page_request
from timebank.people.model import Actor, Role, reads_salary_figures, require_acting_for

REVIEW_BATCH_MAX: Final = 200


def _entry_fingerprint(engagement_id: int, work_date: date, minutes: int, description: str) -> str:
    return hashlib.sha256(
        repr((engagement_id, work_date.isoformat(), minutes, description)).encode()
    ).hexdigest()


async def log_time(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    client_id: str,
    work_date: date,
    minutes: int,
    description: str,
    now: datetime,
) -> tuple[TimesheetEntry, bool]:
    """The employee logs a day's hours; returns the entry and whether it was created now.

    `client_id` (a UUID) makes the submission idempotent: the same body again returns the
    existing entry, another body under the same id is refused.
    """
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", client_id):
        raise refusals.ID_INVALID.error()

    async def work() -> tuple[TimesheetEntry, bool]:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            if actor.user_id != engagement.employee_user_id:
                raise refusals.ONLY_THE_EMPLOYEE_LOGS_HOURS.error()
            await repos.engagements.lock_employee_hours(engagement.employee_id)
            digest = _entry_fingerprint(engagement_id, work_date, minutes, description.strip())
            existing = await repos.engagements.entry_by_client_id(client_id)
            if existing is not None:
                if existing.request_hash != digest:
                    raise refusals.DUPLICATE_SUBMISSION.error()
                return existing, False
            declared = await _declared_time(repos, engagement, work_date)
            text = check_timesheet_entry(
                engagement,
                work_date=work_date,
                duration_minutes=minutes,
                description=description,
                today=now.date(),
                declared=declared,
            )
            entry = await repos.engagements.add_entry(
                client_id=client_id,
                request_hash=digest,
                engagement_id=engagement_id,
                employee_id=engagement.employee_id,
                work_date=work_date,
                minutes=minutes,
                description=text,
                now=now,
            )
            await _ask_host_to_review(repos, engagement, entry, now=now)
            return entry, True

    return await retrying(work)


async def _declared_time(
    repos: Repositories, engagement: Engagement, work_date: date
) -> DeclaredTime:
    """What the employee has declared already: that day, that week (on every loan), and on
    this loan."""
    monday = work_date - timedelta(days=work_date.weekday())
    return DeclaredTime(
        day_minutes=await repos.engagements.declared_minutes(
            engagement.employee_id, work_date, work_date
        ),
        week_minutes=await repos.engagements.declared_minutes(
            engagement.employee_id, monday, monday + timedelta(days=6)
        ),
        engagement_minutes=await repos.engagements.engagement_minutes(engagement.id),
    )


async def _ask_host_to_review(
    repos: Repositories, engagement: Engagement, entry: TimesheetEntry, *, now: datetime
) -> None:
    """The host's admins are told there are hours to approve."""
    values = {
        **await _texts(repos, engagement),
        "hours": formatting.hours(entry.minutes),
        "day": formatting.day(entry.work_date),
    }
    await notify(
        repos,
        await repos.notifications.admins_of(engagement.host_company_id),
        Kind.TIMESHEET_TO_APPROVE,
        values,
        link=f"/api/v1/engagements/{engagement.id}/timesheets",
        now=now,
    )


async def list_entries(
    uow: UnitOfWork, actor: Actor, engagement_id: int, *, limit: int, offset: int
) -> Page[TimesheetEntry]:
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        engagement = await _load(repos, engagement_id)
        if not _may_read(actor, engagement):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        items, total = await repos.engagements.entries_of(
            engagement_id, limit=page.limit, offset=page.offset
        )
    if not reads_salary_figures(actor, engagement.host_company_id, engagement.lender_company_id):
        items = [replace(item, cost_cents=None) for item in items]
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def approve_entries(
    uow: UnitOfWork, actor: Actor, entry_ids: list[int], *, now: datetime
) -> list[TimesheetEntry]:
    """The host approves entries (one or many): each posts its minutes from the reservation
    and its at-cost value in cents, in the same transaction as the approval."""
    if not entry_ids:
        raise refusals.NO_ENTRY_TO_APPROVE.error()
    if len(entry_ids) > REVIEW_BATCH_MAX:
        raise refusals.TOO_MANY_ITEMS.error(review_batch_max=REVIEW_BATCH_MAX)

    async def work() -> list[TimesheetEntry]:
        async with uow() as repos:
            entries = await repos.engagements.entries(entry_ids)
            for entry_id in entry_ids:
                if entry_id not in entries:
                    raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_ids")
            engagements = await repos.engagements.get_many(
                [e.engagement_id for e in entries.values()], lock=True
            )
            # Read again under the loans' locks: an edit (which holds its loan's lock) may have
            # changed an entry's minutes since the first read, which only found the loans.
            entries = await repos.engagements.entries(entry_ids)
            requests, costs = await _approval_requests(repos, actor, entries, engagements, now)
            _require_ledger_ok(await submit_in(repos, requests, now=now))
            for entry in sorted(entries.values(), key=lambda e: e.id):
                cents, rate = costs[entry.id]
                await repos.engagements.approve_entry(
                    entry.id, cost_cents=cents, rate=rate, reviewer=actor.user_id, now=now
                )
            for engagement in engagements.values():
                await repos.engagements.set_reservation(
                    engagement.id,
                    reservation_id=engagement.reservation_id,
                    reserved_minutes=engagement.reserved_minutes,
                    number=engagement.reservation_number,
                )
            updated = await repos.engagements.entries(entry_ids)
            return [updated[entry_id] for entry_id in sorted(updated)]

    return await retrying(work)


async def _approval_requests(
    repos: Repositories,
    actor: Actor,
    entries: dict[int, TimesheetEntry],
    engagements: dict[int, Engagement],
    now: datetime,
) -> tuple[list[TransferRequest], dict[int, tuple[int, CostRate]]]:
    """Per entry, a linked chain (`_approval_chain`). `engagements` is updated with the new
    reservations; each entry's cost in cents and the rate it was valued at are returned.

    An entry is valued with the loan's minutes already approved at the same rate
    (`cost_cents_after`): the loan's entries add up to its minutes valued and rounded once.
    The loans are locked, so no other approval moves those minutes meanwhile."""
    requests: list[TransferRequest] = []
    costs: dict[int, tuple[int, CostRate]] = {}
    approved_before: dict[tuple[int, CostRate], int] = {}
    for entry in sorted(entries.values(), key=lambda e: e.id):
        engagement = engagements[entry.engagement_id]
        _check_reviewable(actor, entry, engagement, today=now.date())
        employee = await repos.employees.get(engagement.employee_id)
        assert employee is not None
        assert employee.cost is not None
        rate = cost_rate(
            annual_gross_salary_cents=employee.cost.annual_gross_salary_cents,
            employer_charge_rate_basis_points=employee.cost.employer_charge_rate_basis_points,
            annual_work_hours=employee.cost.annual_work_hours,
        )
        key = (engagement.id, rate)
        if key not in approved_before:
            approved_before[key] = await repos.engagements.approved_minutes_at(engagement.id, rate)
        cents = cost_cents_after(rate, minutes=entry.minutes, before_minutes=approved_before[key])
        approved_before[key] += entry.minutes
        costs[entry.id] = (cents, rate)
        host = await ensure_company_accounts(repos, engagement.host_company_id, now=now)
        lender = await ensure_company_accounts(repos, engagement.lender_company_id, now=now)
        chain, engagements[engagement.id] = _approval_chain(
            entry, engagement, cents, (host, lender), now=now
        )
        requests += chain
    return requests, costs


def _check_reviewable(
    actor: Actor, entry: TimesheetEntry, engagement: Engagement, *, today: date
) -> None:
    """The host's admin approves submitted hours of an active loan, never their own, within
    the loan's time for hours (`check_hours_window`)."""
    require_acting_for(actor, engagement.host_company_id, Role.COMPANY_ADMIN)
    if actor.user_id == engagement.employee_user_id:
        raise refusals.SELF_APPROVAL.error()
    if entry.status is not EntryStatus.SUBMITTED:
        raise refusals.ENTRY_ALREADY_REVIEWED.error(field="entry_ids")
    if engagement.status is not EngagementStatus.ACTIVE or engagement.reservation_id is None:
        raise refusals.LOAN_NO_LONGER_ACTIVE.error()
    check_hours_window(engagement, today=today, field="entry_ids")


def _approval_chain(
    entry: TimesheetEntry,
    engagement: Engagement,
    cost_cents: int,
    accounts: tuple[dict[Unit, Account], dict[Unit, Account]],
    *,
    now: datetime,
) -> tuple[list[TransferRequest], Engagement]:
    """The linked transfers approving one entry: post its minutes from the loan's reservation,
    reserve what remains (a new reservation), book its at-cost value from the host to the
    lender (`accounts`: the host's, the lender's). Also the loan with its new reservation."""
    host, lender = accounts
    remaining = engagement.reserved_minutes - entry.minutes
    assert remaining >= 0, "guardrails keep logged time within the reservation"
    ref = f"timesheet:{entry.id}"
    chain = [
        TransferRequest(
            id=_ledger_id("timesheet", entry.id, "post"),
            kind=TransferKind.POST_PENDING,
            unit=Unit.MINUTES,
            code=TransferCode.EXCHANGE,
            pending_id=engagement.reservation_id,
            amount=entry.minutes,
            external_ref=ref,
        )
    ]
    number = engagement.reservation_number
    new_reservation = None
    if remaining > 0:
        number += 1
        reservation = _reservation_request(
            engagement,
            number,
            remaining,
            host_id=host[Unit.MINUTES].id,
            lender_id=lender[Unit.MINUTES].id,
            now=now,
        )
        new_reservation = reservation.id
        chain.append(reservation)
    if cost_cents > 0:
        chain.append(
            TransferRequest(
                id=_ledger_id("timesheet", entry.id, "cents"),
                kind=TransferKind.SINGLE,
                unit=Unit.CENTS,
                code=TransferCode.EXCHANGE,
                debit_account_id=host[Unit.CENTS].id,
                credit_account_id=lender[Unit.CENTS].id,
                amount=cost_cents,
                external_ref=ref,
            )
        )
    linked = [replace(r, linked=index < len(chain) - 1) for index, r in enumerate(chain)]
    updated = replace(
        engagement,
        reservation_id=new_reservation,
        reserved_minutes=remaining,
        reservation_number=number,
    )
    return linked, updated


async def reject_entry(
    uow: UnitOfWork, actor: Actor, entry_id: int, *, reason: str, now: datetime
) -> TimesheetEntry:
    if not reason.strip():
        raise refusals.REQUIRED_REASON.error()
    checked = rules.text(reason, field="reason", length_max=500)

    async def work() -> TimesheetEntry:
        async with uow() as repos:
            entry = (await repos.engagements.entries([entry_id])).get(entry_id)
            if entry is None:
                raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
            engagement = await _load(repos, entry.engagement_id, lock=True)
            require_acting_for(actor, engagement.host_company_id, Role.COMPANY_ADMIN)
            if actor.user_id == engagement.employee_user_id:
                raise refusals.SELF_REVIEW.error()
            await repos.engagements.reject_entry(
                entry_id, reason=checked, reviewer=actor.user_id, now=now
            )
            await notify(
                repos,
                [engagement.employee_user_id],
                Kind.TIMESHEET_REJECTED,
                {
                    "hours": formatting.hours(entry.minutes),
                    "day": formatting.day(entry.work_date),
                    "reason": checked,
                },
                link=f"/api/v1/engagements/{engagement.id}/timesheets",
                now=now,
            )
            return (await repos.engagements.entries([entry_id]))[entry_id]

    return await retrying(work)


RUNNING_LOANS_MAX: Final = 200


@dataclass(frozen=True, slots=True)
class RunningLoan:
    """An active loan as its employee sees it: where, for which need."""

    engagement: Engagement
    host_name: str
    need_title: str


async def my_running_loans(uow: UnitOfWork, actor: Actor) -> list[RunningLoan]:
    """The caller's own active loans (as the lent employee), oldest first."""
    async with uow(write=False) as repos:
        items, _ = await repos.engagements.search(
            company_ids=[],
            employee_user_id=actor.user_id,
            status=EngagementStatus.ACTIVE,
            limit=RUNNING_LOANS_MAX,
            offset=0,
        )
        companies = await repos.companies.get_many([e.host_company_id for e in items])
        needs = await repos.needs.get_many([e.need_id for e in items])
    return [
        RunningLoan(e, companies[e.host_company_id].name, needs[e.need_id].title)
        for e in sorted(items, key=lambda e: e.id)
    ]


async def get_entry(uow: UnitOfWork, actor: Actor, entry_id: int) -> TimesheetEntry:
    async with uow(write=False) as repos:
        entry = (await repos.engagements.entries([entry_id])).get(entry_id)
        if entry is None or not _may_read(actor, await _load(repos, entry.engagement_id)):
            raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
    return entry


async def week_entries(
    uow: UnitOfWork, actor: Actor, engagement_id: int, *, day: date
) -> list[TimesheetEntry]:
    """The loan's entries of the ISO week holding `day` (withdrawn ones left out)."""
    monday = day - timedelta(days=day.weekday())
    async with uow(write=False) as repos:
        engagement = await _load(repos, engagement_id)
        if not _may_read(actor, engagement):
            raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
        return await repos.engagements.entries_between(
            engagement_id, monday, monday + timedelta(days=6)
        )


async def entries_to_review(
    uow: UnitOfWork, actor: Actor, company_id: int, *, limit: int, offset: int
) -> Page[EntryToReview]:
    """The host's queue: submitted entries of the loans it hosts."""
    require_acting_for(actor, company_id, Role.COMPANY_ADMIN)
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.engagements.awaiting_review_of_host(
            company_id, limit=page.limit, offset=page.offset
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def _own_entry_awaiting_review(
    repos: Repositories, actor: Actor, entry_id: int
) -> tuple[TimesheetEntry, Engagement]:
    """The entry, if the caller logged it and nobody reviewed it yet (its loan locked)."""
    entry = (await repos.engagements.entries([entry_id])).get(entry_id)
    if entry is None:
        raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
    engagement = await _load(repos, entry.engagement_id, lock=True)
    # Read again under the loan's lock, which a review or another edit of it holds too.
    entry = (await repos.engagements.entries([entry_id]))[entry_id]
    if actor.user_id != engagement.employee_user_id:
        if not _may_read(actor, engagement):
            raise refusals.ENTRY_NOT_FOUND.error(id=entry_id, field="entry_id")
        raise refusals.ONLY_THE_AUTHOR_CHANGES_HOURS.error()
    await repos.engagements.lock_employee_hours(engagement.employee_id)
    if entry.status is not EntryStatus.SUBMITTED:
        raise _entry_settled(entry.status)
    return entry, engagement


def _entry_settled(status: EntryStatus) -> Conflict:
    if status is EntryStatus.WITHDRAWN:
        return refusals.ENTRY_WITHDRAWN.error()
    return refusals.ENTRY_SETTLED.error()


async def edit_entry(
    uow: UnitOfWork,
    actor: Actor,
    entry_id: int,
    *,
    work_date: date,
    minutes: int,
    description: str,
    now: datetime,
) -> TimesheetEntry:
    """The employee corrects an entry still awaiting review, under the guardrails of a new
    one (its own minutes left out of what was already declared). Nothing is in the ledger yet."""

    async def work() -> TimesheetEntry:
        async with uow() as repos:
            entry, engagement = await _own_entry_awaiting_review(repos, actor, entry_id)
            monday = work_date - timedelta(days=work_date.weekday())
            sunday = monday + timedelta(days=6)
            employee_id = engagement.employee_id
            day = await repos.engagements.declared_minutes(employee_id, work_date, work_date)
            week = await repos.engagements.declared_minutes(employee_id, monday, sunday)
            declared = DeclaredTime(
                day_minutes=day - (entry.minutes if entry.work_date == work_date else 0),
                week_minutes=week - (entry.minutes if monday <= entry.work_date <= sunday else 0),
                engagement_minutes=(
                    await repos.engagements.engagement_minutes(engagement.id) - entry.minutes
                ),
            )
            text = check_timesheet_entry(
                engagement,
                work_date=work_date,
                duration_minutes=minutes,
                description=description,
                today=now.date(),
                declared=declared,
            )
            if not await repos.engagements.change_entry(
                entry_id, work_date=work_date, minutes=minutes, description=text
            ):
                raise _entry_settled(EntryStatus.APPROVED)
            return (await repos.engagements.entries([entry_id]))[entry_id]

    return await retrying(work)


async def withdraw_entry(uow: UnitOfWork, actor: Actor, entry_id: int) -> TimesheetEntry:
    """The employee withdraws an entry still awaiting review: it stays as a trace, counts in no
    limit, statement or export, and can never be approved."""

    async def work() -> TimesheetEntry:
        async with uow() as repos:
            await _own_entry_awaiting_review(repos, actor, entry_id)
            if not await repos.engagements.withdraw_entry(entry_id):
                raise _entry_settled(EntryStatus.APPROVED)
            return (await repos.engagements.entries([entry_id]))[entry_id]

    return await retrying(work)
