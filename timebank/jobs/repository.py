"""Stores background jobs: the only queries of this area."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from timebank.db.tables import BackgroundJobTable as JobTable
from timebank.jobs.model import (
    JOB_ERROR_LENGTH_MAX,
    JOB_STALE_MINUTES,
    JOB_STEP_LENGTH_MAX,
    Job,
    JobKind,
    JobStatus,
    clamp_progress,
)


def _job(row: dict[str, Any]) -> Job:
    return Job(
        id=row["id"],
        kind=JobKind(row["kind"]),
        status=JobStatus(row["status"]),
        company_id=row["company"],
        subject_id=row["subject_id"],
        progress_percent=row["progress_percent"],
        step_fr=row["step_fr"],
        error_fr=row["error_fr"] or None,
        error_en=row["error_en"] or None,
        result=json.loads(row["result"] or "{}"),
        created_by=row["created_by"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


class JobRepository:
    async def add(
        self,
        *,
        kind: JobKind,
        company_id: int | None,
        subject_id: int | None,
        created_by: int,
        now: datetime,
    ) -> Job:
        rows = await JobTable.insert(
            JobTable(
                kind=kind.value,
                status=JobStatus.QUEUED.value,
                company=company_id,
                subject_id=subject_id,
                progress_percent=0,
                step_fr="En file d'attente",
                error_fr="",
                error_en="",
                result="{}",
                created_by=created_by,
                created_at=now,
            )
        ).returning(JobTable.id)
        job = await self.get(int(rows[0]["id"]))
        assert job is not None
        return job

    async def get(self, job_id: int) -> Job | None:
        row = await JobTable.select().where(JobTable.id == job_id).first()
        return None if row is None else _job(row)

    async def start(self, job_id: int, *, now: datetime) -> None:
        await JobTable.update(
            {JobTable.status: JobStatus.RUNNING.value, JobTable.started_at: now}
        ).where((JobTable.id == job_id) & (JobTable.status == JobStatus.QUEUED.value))

    async def progress(self, job_id: int, *, percent: int, step_fr: str) -> None:
        await JobTable.update(
            {
                JobTable.progress_percent: clamp_progress(percent),
                JobTable.step_fr: step_fr[:JOB_STEP_LENGTH_MAX],
            }
        ).where((JobTable.id == job_id) & (JobTable.status == JobStatus.RUNNING.value))

    async def finish(self, job_id: int, *, result_json: str, step_fr: str, now: datetime) -> None:
        await JobTable.update(
            {
                JobTable.status: JobStatus.DONE.value,
                JobTable.progress_percent: 100,
                JobTable.step_fr: step_fr[:JOB_STEP_LENGTH_MAX],
                JobTable.result: result_json,
                JobTable.finished_at: now,
            }
        ).where(JobTable.id == job_id)

    async def fail(self, job_id: int, *, error_fr: str, error_en: str, now: datetime) -> None:
        await JobTable.update(
            {
                JobTable.status: JobStatus.FAILED.value,
                JobTable.step_fr: "Échec",
                JobTable.error_fr: error_fr[:JOB_ERROR_LENGTH_MAX],
                JobTable.error_en: error_en[:JOB_ERROR_LENGTH_MAX],
                JobTable.finished_at: now,
            }
        ).where(JobTable.id == job_id)

    async def recent(self, kind: JobKind, *, limit: int) -> list[Job]:
        rows = (
            await JobTable.select()
            .where(JobTable.kind == kind.value)
            .order_by(JobTable.id, ascending=False)
            .limit(limit)
        )
        return [_job(row) for row in rows]

    async def fail_stale(self, now: datetime) -> int:
        """Jobs left running by a process that stopped: marked failed, never left spinning."""
        cutoff = now - timedelta(minutes=JOB_STALE_MINUTES)
        stale = await JobTable.select(JobTable.id).where(
            JobTable.status.is_in(["queued", "running"]) & (JobTable.created_at < cutoff)
        )
        for row in stale:
            await self.fail(
                int(row["id"]),
                error_fr="Tâche interrompue (le service a redémarré) : relancez-la.",
                error_en="Job interrupted (the service restarted): start it again.",
                now=now,
            )
        return len(stale)
