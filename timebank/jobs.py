"""Scheduled jobs: each is a module-level function that runs one use case on the system clock.

- statements: on the 1st of each month, prepare the previous month's settlement statements;
- reservations: daily, expire ledger reservations whose time has passed;
- notifications: every minute, send queued notifications by e-mail (when SMTP is configured).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from timebank.book.use_cases import expire_pending
from timebank.config import get_settings
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.notifications.use_cases import send_pending
from timebank.settlements.use_cases import first_of_month, prepare_statements

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
