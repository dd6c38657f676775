"""Scheduled jobs: each is a module-level function that runs one use case on the system clock,
in the one process that holds the scheduler's leader lease (`timebank/scheduler.py`).

- statements: on the 1st of each month, prepare the previous month's settlement statements;
- reservations: daily, expire ledger reservations whose time has passed;
- notifications: every minute, claim queued notifications and send them by e-mail (when SMTP is
  configured): a notification claimed by one process is never sent by another;
- rotations: on TIMEBANK_ROTATION_PLAN_DAY, draft next month's shared-CDO plans; on Fridays,
  remind CDOs and members of next week's slots; on the 5th, allocate last month's CDO cost;
- accounting: daily, in the week after a fiscal year's end, prepare each active company's FEC
  file, hours and amortisation statement for its accountants (once each).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from timebank.accounting.model import first_of_month
from timebank.book.use_cases import expire_pending
from timebank.config import get_settings
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.notifications.use_cases import send_pending
from timebank.settlements.use_cases import prepare_statements

LOGGER = logging.getLogger("timebank.jobs")


def _now() -> datetime:
    return datetime.now(UTC)


async def prepare_last_month_statements() -> None:
    now = _now()
    last_month = first_of_month(first_of_month(now.date()) - timedelta(days=1))
    prepared = await prepare_statements(piccolo_unit_of_work, month=last_month, now=now)
    LOGGER.info("statements prepared for %s: %d", last_month.isoformat(), len(prepared))


async def run_matching() -> None:
    from timebank.proposals.use_cases import run_matching as run

    summary = await run(piccolo_unit_of_work, now=_now())
    LOGGER.info("matching %s: %d proposals", summary.status, summary.proposals)


async def expire_reservations() -> None:
    expired = await expire_pending(piccolo_unit_of_work, clock=_now)
    LOGGER.info("reservations expired: %d", expired)


async def send_notifications() -> None:
    sent = await send_pending(piccolo_unit_of_work, get_settings(), now=_now())
    if sent:
        LOGGER.info("notifications sent: %d", sent)


async def plan_next_month_rotations() -> None:
    from timebank.rotations.use_cases import plan_next_month

    made = await plan_next_month(piccolo_unit_of_work, now=_now())
    LOGGER.info("rotation drafts prepared: %d", len(made))


async def remind_next_week_rotations() -> None:
    from timebank.rotations.use_cases import remind_next_week

    sent = await remind_next_week(piccolo_unit_of_work, now=_now())
    LOGGER.info("rotation reminders queued: %d", sent)


async def allocate_last_month_rotations() -> None:
    from timebank.rotations.use_cases import allocate_last_month

    posted = await allocate_last_month(piccolo_unit_of_work, now=_now())
    LOGGER.info("CDO allocation lines posted: %d", posted)


async def prepare_year_end_exports() -> None:
    from timebank.accounting.use_cases import accounting_settings, prepare_year_end

    prepared = await prepare_year_end(
        piccolo_unit_of_work, now=_now(), settings=accounting_settings()
    )
    LOGGER.info("year-end accounting files prepared: %d", prepared)
