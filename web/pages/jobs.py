"""A background job's page: its progress while it runs, then its result or its error."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from timebank.jobs import use_cases as job_use_cases
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import is_htmx, render


class JobPages(Controller):
    include_in_schema = False

    @get("/taches/{job_id:int}")
    async def job(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        job_id: FromPath[int],
    ) -> Template:
        job = await job_use_cases.get_job(uow, actor, job_id)
        started = job.started_at or job.created_at or now
        elapsed_seconds = int(((job.finished_at or now) - started).total_seconds())
        template = "jobs/_progress.html" if is_htmx(request) else "jobs/job.html"
        return render(request, template, job=job, elapsed_seconds=max(0, elapsed_seconds))
