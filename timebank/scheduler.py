"""The APScheduler that runs the jobs, in exactly one process at a time.

Every serving process (each `timebank serve` and each of its workers) runs a `SchedulerLeader`:
it tries for the leader lease every `leadership_retry_seconds`, and the process that holds it
runs the scheduler. The leader checks its lease on every tick and again before each job; once
the lease is gone, its jobs stop at once and it goes back to trying. The lease is a PostgreSQL
session-level advisory lock on a connection of its own, or an exclusive `flock` on a file
beside the SQLite database: both end with the process that holds them, so a killed leader is
replaced within one retry interval, without an expiry to wait for or clocks to trust.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Final

import asyncpg
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.cron import CronTrigger

from timebank.config import DatabaseKind, DatabaseSettings, get_settings
from timebank.jobs import scheduled as jobs

LOGGER = logging.getLogger("timebank.scheduler")
LEADER_LOCK_KEY: Final = 727_023_2017  # Arbitrary, fixed: "the time bank's scheduler".
MISFIRE_GRACE_SECONDS: Final = 3600
LEASE_CONNECT_TIMEOUT_SECONDS: Final = 5.0
LEASE_CHECK_TIMEOUT_SECONDS: Final = 5.0
# A leader whose host vanishes (no FIN reaches PostgreSQL) loses its lock after about
# idle + interval × count seconds of TCP keepalive probes: 30 + 10 × 3.
LEASE_KEEPALIVE_SETTINGS: Final = {
    "application_name": "timebank scheduler",
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
LOCK_FILE_SUFFIX: Final = ".scheduler.lock"

# Is our advisory lock (a bigint key: high half in classid, low half in objid) held by this
# very session? Run on the lock's own connection: it also fails when the session is gone.
_LOCK_HELD_SQL: Final = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1
)
"""

Check = Callable[[], Awaitable[bool]]


def _guarded(job: Callable[[], Awaitable[None]], still_leading: Check) -> Callable[[], Any]:
    """The job, run only after the lease is confirmed: a leader that lost it starts nothing."""

    @functools.wraps(job)
    async def run() -> None:
        if not await still_leading():
            LOGGER.warning("job %s not started: scheduler leadership lost", job.__name__)
            return
        await job()

    return run


def build_scheduler(still_leading: Check | None = None) -> AsyncIOScheduler:
    """Jobs with explicit ids; one instance of each at a time, late runs coalesced.

    With `still_leading`, each job first checks that this process still holds the lease.
    """
    scheduler = AsyncIOScheduler(timezone="Europe/Paris")
    defaults: dict[str, Any] = {
        "replace_existing": True,
        "max_instances": 1,
        "coalesce": True,
        "misfire_grace_time": MISFIRE_GRACE_SECONDS,
    }

    def add(job: Callable[[], Awaitable[None]], trigger: CronTrigger, job_id: str) -> None:
        function = job if still_leading is None else _guarded(job, still_leading)
        scheduler.add_job(function, trigger, id=job_id, **defaults)

    add(
        jobs.prepare_last_month_statements,
        CronTrigger(day=1, hour=2, minute=0),
        "prepare_statements",
    )
    add(jobs.expire_reservations, CronTrigger(hour=3, minute=0), "expire_reservations")
    add(jobs.send_notifications, CronTrigger(minute="*"), "send_notifications")
    add(jobs.run_matching, CronTrigger(hour=1, minute=0), "run_matching")
    add(
        jobs.plan_next_month_rotations,
        CronTrigger(day=get_settings().rotation_plan_day, hour=4, minute=0),
        "plan_rotations",
    )
    add(
        jobs.remind_next_week_rotations,
        CronTrigger(day_of_week="fri", hour=10, minute=0),
        "remind_rotations",
    )
    add(
        jobs.allocate_last_month_rotations,
        CronTrigger(day=5, hour=2, minute=30),  # Four days to record slots not worked.
        "allocate_rotations",
    )
    add(jobs.prepare_year_end_exports, CronTrigger(hour=5, minute=0), "prepare_year_end_exports")
    return scheduler


class _AdvisoryLock:
    """A session-level advisory lock on a connection kept for this purpose alone."""

    def __init__(self, database: DatabaseSettings, key: int) -> None:
        self.database = database
        self.key = key
        self.connection: asyncpg.Connection | None = None

    async def acquire(self) -> bool:
        if self.connection is None or self.connection.is_closed():
            self.connection = await asyncpg.connect(
                host=self.database.pg_host,
                port=self.database.pg_port,
                user=self.database.pg_user,
                password=self.database.pg_password,
                database=self.database.pg_database,
                timeout=LEASE_CONNECT_TIMEOUT_SECONDS,
                server_settings=LEASE_KEEPALIVE_SETTINGS,
            )
        return bool(
            await self.connection.fetchval(
                "SELECT pg_try_advisory_lock($1)", self.key, timeout=LEASE_CHECK_TIMEOUT_SECONDS
            )
        )

    async def held(self) -> bool:
        if self.connection is None or self.connection.is_closed():
            return False
        return bool(
            await self.connection.fetchval(
                _LOCK_HELD_SQL, self.key, timeout=LEASE_CHECK_TIMEOUT_SECONDS
            )
        )

    async def release(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            await connection.close(timeout=LEASE_CHECK_TIMEOUT_SECONDS)  # Ends the session.
        except Exception:  # Already broken: dropping the socket ends the session too.
            connection.terminate()


class _FileLock:
    """An exclusive `flock` on a file beside the SQLite database (which is on this host: WAL
    needs shared memory), released by the kernel when the holder exits, however it exits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.descriptor: int | None = None

    def _same_file(self, descriptor: int) -> bool:
        """The locked file is still the one at the path (not deleted nor replaced)."""
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(descriptor)
        return (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino)

    async def acquire(self) -> bool:
        if self.descriptor is not None:
            return self._same_file(self.descriptor)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False
        if not self._same_file(descriptor):  # Replaced between open and lock.
            os.close(descriptor)
            return False
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())  # For an operator's eyes only.
        self.descriptor = descriptor
        return True

    async def held(self) -> bool:
        return self.descriptor is not None and self._same_file(self.descriptor)

    async def release(self) -> None:
        descriptor, self.descriptor = self.descriptor, None
        if descriptor is not None:
            os.close(descriptor)  # Closing the last descriptor releases the lock.


def lock_file_path(database: DatabaseSettings) -> Path:
    assert database.sqlite_path is not None
    return database.sqlite_path.with_name(database.sqlite_path.name + LOCK_FILE_SUFFIX)


class Leadership:
    """The scheduler's leader lease for this process: taken, checked and given back."""

    def __init__(self, key: int = LEADER_LOCK_KEY) -> None:
        self.key = key
        self.lock: _AdvisoryLock | _FileLock | None = None
        self._guard = asyncio.Lock()  # One statement at a time on the lock's connection.

    async def acquire(self, database: DatabaseSettings) -> bool:
        """Try once, without waiting; True when this process holds the lease."""
        async with self._guard:
            if self.lock is None:
                if database.kind is DatabaseKind.SQLITE:
                    self.lock = _FileLock(lock_file_path(database))
                else:
                    self.lock = _AdvisoryLock(database, self.key)
            try:
                if await self.lock.acquire():
                    return True
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                LOGGER.warning("scheduler leadership: lease unavailable", exc_info=True)
                await self.lock.release()
            return False

    async def held(self) -> bool:
        """The lease is still ours: checked against the database or the file, never assumed."""
        async with self._guard:
            if self.lock is None:
                return False
            try:
                return await self.lock.held()
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                return False  # A session we cannot reach may be gone: lead no more.

    async def release(self) -> None:
        async with self._guard:
            if self.lock is not None:
                await self.lock.release()


class SchedulerLeader:
    """Runs the scheduler while this process holds the lease, and only then.

    Every `retry_seconds` a follower tries for the lease and the leader checks it; the leader
    also checks it before each job. A failed check pauses the jobs at once and wakes the loop,
    which shuts the scheduler down and gives the lease back. State changes are logged
    ("scheduler: this process leads" / "stands by"), with the process id.
    """

    def __init__(
        self,
        database: DatabaseSettings,
        *,
        retry_seconds: float,
        build: Callable[[Check], AsyncIOScheduler] = build_scheduler,
    ) -> None:
        assert retry_seconds > 0
        self.database = database
        self.retry_seconds = retry_seconds
        self.build = build
        self.leadership = Leadership()
        self.scheduler: AsyncIOScheduler | None = None
        self.state: str | None = None  # "leads" or "stands by", once known.
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def leads(self) -> bool:
        """This process runs the jobs now (a paused scheduler runs none)."""
        return self.scheduler is not None and self.scheduler.state == STATE_RUNNING

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            LOGGER.info("scheduler: this process %s (pid %d)", state, os.getpid())

    async def confirm(self) -> bool:
        """Before a job: True while the lease is ours; otherwise the jobs pause at once."""
        if self.leads and await self.leadership.held():
            return True
        if self.leads:
            assert self.scheduler is not None
            self.scheduler.pause()
        self._wake.set()
        return False

    async def _step_down(self) -> None:
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)  # Also cancels a job still running.
        await self.leadership.release()

    async def tick(self) -> None:
        """One round: check the lease if leading, otherwise try for it."""
        if self.scheduler is not None:
            if self.leads and await self.leadership.held():
                return
            await self._step_down()
            LOGGER.warning("scheduler: this process lost the lead (pid %d)", os.getpid())
            self.state = None
        if await self.leadership.acquire(self.database):
            self.scheduler = self.build(self.confirm)
            self.scheduler.start()
            self._set_state("leads")
        else:
            self._set_state("stands by")

    async def _run(self) -> None:
        while True:
            self._wake.clear()  # Before the round: a job's failed check during it wakes the next.
            try:
                await self.tick()
            except Exception:  # Never leave a half-leader: step down and try again later.
                LOGGER.exception("scheduler leadership check failed")
                await self._step_down()
                self._set_state("stands by")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.retry_seconds)

    def start(self) -> None:
        """Start the rounds in the background; the first one runs at once."""
        assert self._task is None
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._step_down()
