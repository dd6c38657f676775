"""More hours on a running loan: the host asks, the lender decides, an approval grows the
reservation in one linked chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ledger.model import (
    TransferResult,
    Unit,
)
from timebank import formatting, rules
from timebank.book.use_cases import ensure_company_accounts, retrying, submit_in
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.engagements import refusals
from timebank.engagements.model import (
    Engagement,
    EngagementStatus,
    Extension,
    ExtensionStatus,
    check_hours_window,
)
from timebank.engagements.use_cases.common import _load, _texts
from timebank.engagements.use_cases.ledger_moves import (
    _check_budget,
    _release_request,
    _require_ledger_ok,
    _reservation_request,
)
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.people.model import Actor, Role, require_acting_for


async def request_extension(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    *,
    extra_minutes: int,
    reason: str,
    now: datetime,
) -> Extension:
    """The host's admin asks for more hours on a running loan (a change request)."""
    rules.minutes(extra_minutes, field="extra_minutes", high=rules.YEAR_WORK_MINUTES_MAX)
    if extra_minutes == 0:
        raise refusals.EXTRA_HOURS_REQUIRED.error()
    checked = rules.text(reason, field="reason", length_max=500)

    async def work() -> Extension:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            require_acting_for(actor, engagement.host_company_id, Role.COMPANY_ADMIN)
            if engagement.status is not EngagementStatus.ACTIVE:
                raise refusals.EXTENSION_OF_INACTIVE_LOAN.error()
            # One request waits at a time: a request sent again (a retry, a double click)
            # must not become a second one the lender could approve too.
            if any(
                e.status is ExtensionStatus.REQUESTED
                for e in await repos.engagements.extensions_of(engagement_id)
            ):
                raise refusals.EXTENSION_PENDING.error()
            extension_id = await repos.engagements.add_extension(
                engagement_id,
                extra_minutes=extra_minutes,
                reason=checked,
                requested_by=actor.user_id,
                now=now,
            )
            await notify(
                repos,
                await repos.notifications.admins_of(engagement.lender_company_id),
                Kind.EXTENSION_REQUESTED,
                {**await _texts(repos, engagement), "hours": formatting.hours(extra_minutes)},
                link=f"/api/v1/engagements/{engagement_id}",
                now=now,
            )
            extension = await repos.engagements.extension(extension_id)
            assert extension is not None
            return extension

    return await retrying(work)


async def decide_extension(
    uow: UnitOfWork,
    actor: Actor,
    engagement_id: int,
    extension_id: int,
    *,
    approve: bool,
    now: datetime,
) -> Engagement:
    """The lender's admin approves (within the budget and the host's credit line) or refuses.

    Approval swaps the reservation for a bigger one in one linked chain: void the current one,
    reserve what it held plus the extra hours.
    """

    async def work() -> Engagement:
        async with uow() as repos:
            engagement = await _load(repos, engagement_id, lock=True)
            extension = await repos.engagements.extension(extension_id)
            if extension is None or extension.engagement_id != engagement_id:
                raise refusals.EXTENSION_REQUEST_NOT_FOUND.error(id=extension_id)
            require_acting_for(actor, engagement.lender_company_id, Role.COMPANY_ADMIN)
            if extension.status is not ExtensionStatus.REQUESTED:
                raise refusals.ALREADY_DECIDED.error()
            if approve:
                if (
                    engagement.status is not EngagementStatus.ACTIVE
                    or engagement.reservation_id is None
                ):
                    raise refusals.LOAN_NO_LONGER_ACTIVE.error(field="status")
                # More hours are only of use while hours are logged and approved (and the
                # reservation they grow has not lapsed).
                check_hours_window(engagement, today=now.date(), field="extension_id")
                grown = replace(
                    engagement, planned_minutes=engagement.planned_minutes + extension.extra_minutes
                )
                employee = await repos.employees.get(engagement.employee_id)
                assert employee is not None
                await _check_budget(repos, grown, employee)
                await _grow_reservation(repos, engagement, extension.extra_minutes, now)
                await repos.engagements.extend(engagement_id, extension.extra_minutes, now)
            await repos.engagements.decide_extension(
                extension_id, approved=approve, decided_by=actor.user_id, now=now
            )
            return await _load(repos, engagement_id)

    return await retrying(work)


async def _grow_reservation(
    repos: Repositories, engagement: Engagement, extra_minutes: int, now: datetime
) -> None:
    host = (await ensure_company_accounts(repos, engagement.host_company_id, now=now))[Unit.MINUTES]
    lender = (await ensure_company_accounts(repos, engagement.lender_company_id, now=now))[
        Unit.MINUTES
    ]
    number = engagement.reservation_number + 1
    total = engagement.reserved_minutes + extra_minutes
    reservation = _reservation_request(
        engagement, number, total, host_id=host.id, lender_id=lender.id, now=now
    )
    outcomes = await submit_in(
        repos, [_release_request(engagement, linked=True), reservation], now=now
    )
    if TransferResult.EXCEEDS_DEBIT_LIMIT in {o.result for o in outcomes}:
        raise refusals.BEYOND_HOST_CREDIT_LINE.error()
    _require_ledger_ok(outcomes)
    await repos.engagements.set_reservation(
        engagement.id, reservation_id=reservation.id, reserved_minutes=total, number=number
    )
