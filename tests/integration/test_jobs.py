"""Background jobs: stored, run off the event loop, followed by their creator, never lost."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest

from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.errors import InvalidInput, NotFound
from timebank.jobs import use_cases as jobs
from timebank.jobs.model import Job, JobKind, JobStatus
from timebank.people.model import Actor

pytestmark = pytest.mark.anyio
JOB_WAIT_SECONDS_MAX = 60.0


def busy_sum(count: int) -> int:
    """CPU work in the solver process (a pure, picklable function)."""
    return sum(i * i for i in range(count))


def sleep_then(seconds: float, value: int) -> int:
    time.sleep(seconds)
    return value


async def wait_for(job_id: int, actor: Actor) -> Job:
    deadline = asyncio.get_running_loop().time() + JOB_WAIT_SECONDS_MAX
    while True:
        job = await jobs.get_job(uow, actor, job_id)
        if job.finished or asyncio.get_running_loop().time() > deadline:
            return job
        await asyncio.sleep(0.05)


async def test_a_job_reports_progress_and_stores_its_result(database: None) -> None:
    del database
    from tests.helpers import now, sign_up

    owner = await sign_up(name="Atelier Tâches")
    seen: list[str] = []

    async def work(report: jobs.Report) -> dict[str, Any]:
        await report(10, "Lecture des données")
        total = await jobs.off_loop(busy_sum, 1000)
        seen.append("solved")
        await report(90, "Enregistrement")
        return {"total": total, "path": "/tableau-de-bord"}

    job = await jobs.start(
        uow,
        owner.actor,
        kind=JobKind.ROTATION_PLAN,
        company_id=owner.company_id,
        subject_id=None,
        work=work,
        now=now(),
    )
    assert job.status is JobStatus.QUEUED
    done = await wait_for(job.id, owner.actor)
    assert done.status is JobStatus.DONE and done.progress_percent == 100
    assert done.result == {"total": busy_sum(1000), "path": "/tableau-de-bord"}
    assert seen == ["solved"] and done.started_at is not None and done.finished_at is not None


async def test_the_event_loop_keeps_answering_while_a_job_solves(database: None) -> None:
    del database
    from tests.helpers import now, sign_up

    owner = await sign_up(name="Atelier Boucle Libre")

    async def work(report: jobs.Report) -> dict[str, Any]:
        return {"value": await jobs.off_loop(sleep_then, 1.5, 7)}

    job = await jobs.start(
        uow,
        owner.actor,
        kind=JobKind.MATCHING_RUN,
        company_id=owner.company_id,
        subject_id=None,
        work=work,
        now=now(),
    )
    ticks = 0
    while not (await jobs.get_job(uow, owner.actor, job.id)).finished:
        ticks += 1  # The loop runs other work meanwhile: the solver is in another process.
        await asyncio.sleep(0.05)
    assert ticks >= 5
    assert (await jobs.get_job(uow, owner.actor, job.id)).result == {"value": 7}


async def test_a_refusal_or_a_crash_fails_the_job_with_a_french_message(database: None) -> None:
    del database
    from tests.helpers import now, sign_up

    owner = await sign_up(name="Atelier Échecs")

    async def refused(report: jobs.Report) -> dict[str, Any]:
        raise InvalidInput("Aucun CDO dans cette période.", "No CDO in this period.")

    async def crashed(report: jobs.Report) -> dict[str, Any]:
        raise RuntimeError("bug")

    for work, message in ((refused, "Aucun CDO"), (crashed, "Erreur interne")):
        job = await jobs.start(
            uow,
            owner.actor,
            kind=JobKind.ROTATION_PLAN,
            company_id=owner.company_id,
            subject_id=None,
            work=work,
            now=now(),
        )
        failed = await wait_for(job.id, owner.actor)
        assert failed.status is JobStatus.FAILED
        assert failed.error_fr is not None and message in failed.error_fr


async def test_only_its_creator_its_company_and_the_operator_follow_a_job(database: None) -> None:
    del database
    from tests.helpers import now, sign_up

    owner = await sign_up(name="Atelier Propriétaire")
    stranger = await sign_up(name="Atelier Étranger")

    async def work(report: jobs.Report) -> dict[str, Any]:
        return {}

    job = await jobs.start(
        uow,
        owner.actor,
        kind=JobKind.ROTATION_PLAN,
        company_id=owner.company_id,
        subject_id=None,
        work=work,
        now=now(),
    )
    with pytest.raises(NotFound):
        await jobs.get_job(uow, stranger.actor, job.id)
    await wait_for(job.id, owner.actor)


async def test_jobs_left_running_by_a_stopped_process_are_failed_at_start_up(
    database: None,
) -> None:
    del database
    from tests.helpers import now, sign_up

    owner = await sign_up(name="Atelier Redémarrage")
    async with uow() as repos:
        orphan = await repos.jobs.add(
            kind=JobKind.MATCHING_RUN,
            company_id=owner.company_id,
            subject_id=None,
            created_by=owner.actor.user_id,
            now=now() - timedelta(hours=3),
        )
        await repos.jobs.start(orphan.id, now=now() - timedelta(hours=3))
    assert await jobs.fail_stale_jobs(uow, now=now()) >= 1
    failed = await jobs.get_job(uow, owner.actor, orphan.id)
    assert failed.status is JobStatus.FAILED and "redémarré" in (failed.error_fr or "")
