"""Matching proposals and runs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ProposalOut(BaseModel):
    id: int
    run_id: str
    need_id: int
    employee_id: int
    hours: int
    score_per_hour: int
    explanation: dict[str, Any]
    status: str
    decline_reason: str | None
    engagement_id: int | None


class RunOut(BaseModel):
    run_id: str
    status: str
    objective: int
    proposals: int
    bound: int = 0
