"""A loan's movements in the ledger: the reservation of its hours (within the lender's
budget and the host's credit line), its release, and the ids that make each retry post once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Final

from ledger.model import (
    EventOutcome,
    TransferCode,
    TransferKind,
    TransferRequest,
    TransferResult,
    Unit,
)
from timebank import formatting
from timebank.book.use_cases import ensure_company_accounts, submit_in
from timebank.db.unit_of_work import Repositories
from timebank.employees.model import Employee
from timebank.engagements import refusals
from timebank.engagements.model import (
    Engagement,
    minutes_per_month,
    reservation_expiry,
)
from timebank.refusals import ledger_failure

LEDGER_NAMESPACE: Final = uuid.UUID("2d0e3c1a-8b5f-4c7e-9f3a-6a1b2c3d4e5f")


def _expires_at(engagement: Engagement, now: datetime) -> datetime:
    """When a reservation of this loan lapses: after the period and its grace, never sooner
    than tomorrow (a loan extended on its last day still gets a day to log)."""
    end = datetime.combine(reservation_expiry(engagement.period_end), time.min, tzinfo=UTC)
    return max(end, now + timedelta(days=1))


def _ledger_id(*parts: object) -> str:
    return str(uuid.uuid5(LEDGER_NAMESPACE, ":".join(str(part) for part in parts)))


async def _check_budget(repos: Repositories, engagement: Engagement, employee: Employee) -> None:
    """The employer's approval must cover the period and each month's hours."""
    approval = employee.approval
    if approval is None or not (
        approval.valid_from <= engagement.period_start
        and engagement.period_end <= approval.valid_until
    ):
        raise refusals.APPROVAL_DOES_NOT_COVER_PERIOD.error()
    load = minutes_per_month(
        engagement.planned_minutes, engagement.period_start, engagement.period_end
    )
    for other in await repos.engagements.committed_of_employee(
        engagement.employee_id, engagement.id
    ):
        for month, minutes in minutes_per_month(
            other.planned_minutes, other.period_start, other.period_end
        ).items():
            if month in load:
                load[month] += minutes
    for month, minutes in sorted(load.items()):
        if minutes > approval.approved_minutes_per_month:
            raise refusals.OVER_BUDGET.error(
                month=month,
                minutes=formatting.hours(minutes),
                approved_minutes_per_month=formatting.hours(approval.approved_minutes_per_month),
                minutes_in_month=minutes,
                approved_minutes=approval.approved_minutes_per_month,
            )


async def _check_credit_line(repos: Repositories, engagement: Engagement, now: datetime) -> None:
    """The host must be able to receive these hours within its credit line, reservations counted."""
    account = (await ensure_company_accounts(repos, engagement.host_company_id, now=now))[
        Unit.MINUTES
    ]
    if account.balance_min is not None and (
        account.available - engagement.planned_minutes < account.balance_min
    ):
        raise refusals.BEYOND_HOST_CREDIT_LINE.error(field="planned_minutes")


async def _reserve(repos: Repositories, engagement: Engagement, now: datetime) -> None:
    """Reserve the planned minutes: a pending transfer host → lender, expiring after the period."""
    host = (await ensure_company_accounts(repos, engagement.host_company_id, now=now))[Unit.MINUTES]
    lender = (await ensure_company_accounts(repos, engagement.lender_company_id, now=now))[
        Unit.MINUTES
    ]
    number = engagement.reservation_number + 1
    reservation = _reservation_request(
        engagement,
        number,
        engagement.planned_minutes,
        host_id=host.id,
        lender_id=lender.id,
        now=now,
    )
    outcome = (await submit_in(repos, [reservation], now=now))[0]
    if outcome.result is TransferResult.EXCEEDS_DEBIT_LIMIT:
        raise refusals.BEYOND_HOST_CREDIT_LINE.error(field="planned_minutes")
    _require_ledger_ok([outcome])
    await repos.engagements.set_reservation(
        engagement.id,
        reservation_id=reservation.id,
        reserved_minutes=engagement.planned_minutes,
        number=number,
    )


def _reservation_request(
    engagement: Engagement,
    number: int,
    minutes: int,
    *,
    host_id: int,
    lender_id: int,
    now: datetime,
) -> TransferRequest:
    """The `number`th reservation of a loan: a pending transfer host → lender that expires
    after the period."""
    return TransferRequest(
        id=_ledger_id("engagement", engagement.id, "reservation", number),
        kind=TransferKind.PENDING,
        unit=Unit.MINUTES,
        code=TransferCode.EXCHANGE,
        debit_account_id=host_id,
        credit_account_id=lender_id,
        amount=minutes,
        expires_at=_expires_at(engagement, now),
        external_ref=f"engagement:{engagement.id}",
    )


def _release_request(engagement: Engagement, *, linked: bool = False) -> TransferRequest:
    """Void the loan's current reservation."""
    assert engagement.reservation_id is not None
    return TransferRequest(
        id=_ledger_id("engagement", engagement.id, "release", engagement.reservation_number),
        kind=TransferKind.VOID_PENDING,
        unit=Unit.MINUTES,
        code=TransferCode.EXCHANGE,
        pending_id=engagement.reservation_id,
        external_ref=f"engagement:{engagement.id}",
        linked=linked,
    )


async def _release(repos: Repositories, engagement: Engagement, now: datetime) -> None:
    """Void what the reservation still holds (completion or cancellation)."""
    if engagement.reservation_id is None:
        return
    outcome = (await submit_in(repos, [_release_request(engagement)], now=now))[0]
    if outcome.result is not TransferResult.PENDING_TRANSFER_ALREADY_RESOLVED:
        _require_ledger_ok([outcome])  # An expired reservation has nothing left to release.
    await repos.engagements.set_reservation(
        engagement.id, reservation_id=None, reserved_minutes=0, number=engagement.reservation_number
    )


def _require_ledger_ok(outcomes: list[EventOutcome]) -> None:
    """Refuse with the ledger's reason (`ledger_failure`)."""
    cause = ledger_failure(outcome.result for outcome in outcomes)
    if cause is not None:
        raise refusals.LEDGER_REFUSED[cause].error()
