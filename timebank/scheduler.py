"""The APScheduler that runs the jobs, in exactly one process.

On PostgreSQL several workers may serve the app: the one holding a session-level advisory lock
(on a connection kept for the process's life) runs the scheduler, the others do not. SQLite is
a single-process setup: the serving process runs it.
"""

from __future__ import annotations

from typing import Any, Final

import asyncpg
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from timebank.config import DatabaseKind, DatabaseSettings, get_settings
from timebank.jobs import scheduled as jobs

LEADER_LOCK_KEY: Final = 727_023_2017  # Arbitrary, fixed: "the time bank's scheduler".
MISFIRE_GRACE_SECONDS: Final = 3600


def build_scheduler() -> AsyncIOScheduler:
    """Jobs with explicit ids; one instance of each at a time, late runs coalesced."""
    scheduler = AsyncIOScheduler(timezone="Europe/Paris")
    defaults: dict[str, Any] = {
        "replace_existing": True,
        "max_instances": 1,
        "coalesce": True,
        "misfire_grace_time": MISFIRE_GRACE_SECONDS,
    }
    scheduler.add_job(
        jobs.prepare_last_month_statements,
        CronTrigger(day=1, hour=2, minute=0),
        id="prepare_statements",
        **defaults,
    )
    scheduler.add_job(
        jobs.expire_reservations,
        CronTrigger(hour=3, minute=0),
        id="expire_reservations",
        **defaults,
    )
    scheduler.add_job(
        jobs.send_notifications, CronTrigger(minute="*"), id="send_notifications", **defaults
    )
    scheduler.add_job(
        jobs.run_matching, CronTrigger(hour=1, minute=0), id="run_matching", **defaults
    )
    scheduler.add_job(
        jobs.plan_next_month_rotations,
        CronTrigger(day=get_settings().rotation_plan_day, hour=4, minute=0),
        id="plan_rotations",
        **defaults,
    )
    scheduler.add_job(
        jobs.remind_next_week_rotations,
        CronTrigger(day_of_week="fri", hour=10, minute=0),
        id="remind_rotations",
        **defaults,
    )
    scheduler.add_job(
        jobs.allocate_last_month_rotations,
        CronTrigger(day=5, hour=2, minute=30),  # Four days to record slots not worked.
        id="allocate_rotations",
        **defaults,
    )
    scheduler.add_job(
        jobs.prepare_year_end_exports,
        CronTrigger(hour=5, minute=0),
        id="prepare_year_end_exports",
        **defaults,
    )
    return scheduler


class Leadership:
    """Holds (or not) the scheduler's leader lock for this process."""

    def __init__(self) -> None:
        self.connection: asyncpg.Connection | None = None

    async def acquire(self, database: DatabaseSettings) -> bool:
        if database.kind is DatabaseKind.SQLITE:
            return True
        self.connection = await asyncpg.connect(
            host=database.pg_host,
            port=database.pg_port,
            user=database.pg_user,
            password=database.pg_password,
            database=database.pg_database,
        )
        leader = bool(
            await self.connection.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK_KEY)
        )
        if not leader:
            await self.release()
        return leader

    async def release(self) -> None:
        if self.connection is not None:
            await self.connection.close()  # Closing the session releases the lock.
            self.connection = None
