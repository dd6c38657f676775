"""A background job and its life: queued → running → done or failed. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

JOB_STEP_LENGTH_MAX: Final = 200
JOB_ERROR_LENGTH_MAX: Final = 500
JOB_RESULT_BYTES_MAX: Final = 64 * 1024
# A job still "running" after this long belongs to a process that died: it is marked failed.
JOB_STALE_MINUTES: Final = 60
JOBS_LISTED_MAX: Final = 50


class JobKind(StrEnum):
    MATCHING_RUN = "matching_run"
    ROTATION_PLAN = "rotation_plan"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED: Final = frozenset({JobStatus.DONE, JobStatus.FAILED})


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: JobKind
    status: JobStatus
    company_id: int | None  # Whose coordinators or admins may follow it (None: operator only).
    subject_id: int | None  # What it works on (a rotation period, …).
    progress_percent: int
    step_fr: str
    error_fr: str | None
    error_en: str | None
    result: dict[str, Any] = field(default_factory=dict)
    created_by: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def clamp_progress(percent: int) -> int:
    return max(0, min(100, percent))
