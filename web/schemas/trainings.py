"""Trainings, their ratings and scores."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from web.schemas.common import In, Int32


class TrainingIn(In):
    title: str
    provider: str
    starts_on: date
    ends_on: date
    minutes: Int32
    domain_code: str | None = None  # A skill domain (GET /api/v1/skills/domains).
    plan_link: str | None = None  # The employer's transformation plan: https:// or a reference.


class TrainingRatingIn(In):
    rating: Int32
    comment: str = ""


class TrainingOut(BaseModel):
    id: int
    employee_id: int
    company_id: int
    title: str
    provider: str
    starts_on: date
    ends_on: date
    minutes: int
    status: str
    cost_cents: int | None
    rating: int | None
    rating_comment: str | None
    domain_code: str | None = None
    plan_link: str | None = None  # Shown to the employee and their employer only.


class TrainingScoreOut(BaseModel):
    title: str
    provider: str
    average: float
    count: int
