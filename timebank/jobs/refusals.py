"""The refusals of jobs: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank.errors import NotFound, Refusal

JOB_NOT_FOUND = Refusal(
    "job_not_found",
    NotFound,
    fr="Tâche introuvable : {id}.",
    en="Job not found: {id}.",
)
