"""Start long work in the background and follow it.

`start` stores the job and runs its `work` as a task of this process's event loop; the work
reads and writes through the unit of work as usual and hands its CPU-bound part to `off_loop`,
which runs a pure function in a separate process, so the server keeps answering every other
request while a plan or a matching run is solving. Progress and the result are stored, so any
page (or any worker process) can follow the job.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

from timebank.db.unit_of_work import UnitOfWork
from timebank.errors import TimebankError
from timebank.jobs import refusals
from timebank.jobs.model import (
    JOB_RESULT_BYTES_MAX,
    JOBS_LISTED_MAX,
    Job,
    JobKind,
)
from timebank.people.model import Actor, Role, require_operator

LOGGER = logging.getLogger("timebank.jobs")
JOBS_RUNNING_MAX: Final = 2  # Jobs of one process solving at once; the next ones wait queued.
SOLVER_PROCESSES_MAX: Final = 2

T = TypeVar("T")
Report = Callable[[int, str], Awaitable[None]]
Work = Callable[[Report], Awaitable[dict[str, Any]]]

_running: set[asyncio.Task[None]] = set()  # Strong references: a task is never collected early.
_slots: asyncio.Semaphore | None = None
_pool: ProcessPoolExecutor | None = None


def _clock() -> datetime:
    return datetime.now(UTC)


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """Run a pure, picklable function in a solver process; the event loop stays free."""
    global _pool
    if _pool is None:
        # Spawned, not forked: the server's threads and open connections stay behind.
        _pool = ProcessPoolExecutor(
            max_workers=SOLVER_PROCESSES_MAX, mp_context=multiprocessing.get_context("spawn")
        )
    return await asyncio.get_running_loop().run_in_executor(_pool, function, *args)


def shut_down() -> None:
    """Stop the solver processes (at the service's shutdown)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


async def start(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kind: JobKind,
    company_id: int | None,
    subject_id: int | None,
    work: Work,
    now: datetime,
) -> Job:
    """Store the job and start its work in the background; returns at once."""
    async with uow() as repos:
        job = await repos.jobs.add(
            kind=kind,
            company_id=company_id,
            subject_id=subject_id,
            created_by=actor.user_id,
            now=now,
        )
    task = asyncio.get_running_loop().create_task(_run(uow, job.id, work))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return job


async def _run(uow: UnitOfWork, job_id: int, work: Work) -> None:
    global _slots
    if _slots is None:
        _slots = asyncio.Semaphore(JOBS_RUNNING_MAX)
    async with _slots:
        async with uow() as repos:
            await repos.jobs.start(job_id, now=_clock())

        async def report(percent: int, step_fr: str) -> None:
            async with uow() as repos:
                await repos.jobs.progress(job_id, percent=percent, step_fr=step_fr)

        try:
            result = await work(report)
            result_json = json.dumps(result, ensure_ascii=False, default=str)
            assert len(result_json.encode()) <= JOB_RESULT_BYTES_MAX, "job result too large"
        except TimebankError as refusal:
            async with uow() as repos:
                await repos.jobs.fail(
                    job_id, error_fr=refusal.message_fr, error_en=refusal.message_en, now=_clock()
                )
            return
        except Exception:
            LOGGER.exception("background job %s failed", job_id)
            async with uow() as repos:
                await repos.jobs.fail(
                    job_id,
                    error_fr="Erreur interne pendant le calcul : elle a été journalisée.",
                    error_en="Internal error during the computation: it has been logged.",
                    now=_clock(),
                )
            return
        async with uow() as repos:
            await repos.jobs.finish(
                job_id, result_json=result_json, step_fr="Terminé", now=_clock()
            )


def _may_follow(actor: Actor, job: Job) -> bool:
    if actor.is_operator or actor.user_id == job.created_by:
        return True
    return job.company_id is not None and actor.has_role(
        job.company_id, Role.GROUP_COORDINATOR, Role.COMPANY_ADMIN
    )


async def get_job(uow: UnitOfWork, actor: Actor, job_id: int) -> Job:
    async with uow(write=False) as repos:
        job = await repos.jobs.get(job_id)
    if job is None or not _may_follow(actor, job):
        raise refusals.JOB_NOT_FOUND.error(id=job_id)
    return job


async def recent_jobs(uow: UnitOfWork, actor: Actor, kind: JobKind) -> list[Job]:
    """The last jobs of a kind, newest first (the operator's view of matching runs)."""
    require_operator(actor)
    async with uow(write=False) as repos:
        return await repos.jobs.recent(kind, limit=JOBS_LISTED_MAX)


async def fail_stale_jobs(uow: UnitOfWork, *, now: datetime) -> int:
    """At start-up: jobs a stopped process left running are marked failed."""
    async with uow() as repos:
        return await repos.jobs.fail_stale(now)
