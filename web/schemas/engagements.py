"""Loans, their steps, papers and history; hours logged and reviewed; extensions; a
company's position."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from timebank.engagements.model import Engagement, missing_terms
from timebank.engagements.use_cases import EngagementView
from web.schemas.common import In, Int32, Out


class EngagementIn(In):
    need_id: Int32
    employee_id: Int32
    planned_minutes: Int32
    period_start: date
    period_end: date
    place: str = ""
    remote: bool = False
    tasks: str
    # The loan's own terms (L8241-2); may also be filled later (PATCH), before the loan starts.
    probation_days: Int32 | None = None  # Working days, 0: none.
    working_hours: str = ""  # The hours and their spread over the week.
    post_characteristics: str = ""


class EngagementTermsIn(In):
    """The loan's terms the admins agree before it starts; a field left out is unchanged."""

    place: str | None = None
    probation_days: Int32 | None = None
    working_hours: str | None = None
    post_characteristics: str | None = None


class StepIn(In):
    note: str = ""


class SignatureIn(In):
    document: str  # loan_agreement or employee_amendment
    document_hash: str  # SHA-256 of the text the signer read (GET …/documents).


class CseIn(In):
    company_id: Int32
    consulted_on: date


class PaperOut(Out):
    paper: str
    signed_by: int
    signed_at: datetime
    document_id: str | None
    document_hash: str | None
    effective_on: date | None


class EngagementEventOut(Out):
    step: str
    from_status: str
    to_status: str
    actor_id: int
    note: str
    created_at: datetime


class EngagementOut(BaseModel):
    id: int
    need_id: int
    host_company_id: int
    lender_company_id: int
    employee_id: int
    planned_minutes: int
    period_start: date
    period_end: date
    place: str
    remote: bool
    tasks: str
    probation_days: int | None
    working_hours: str
    post_characteristics: str
    missing_terms: list[str]
    status: str
    reserved_minutes: int
    papers: list[PaperOut]
    missing_papers: list[str] | None = None
    events: list[EngagementEventOut] | None = None

    @classmethod
    def of(cls, engagement: Engagement, *, view: EngagementView | None = None) -> EngagementOut:
        return cls(
            id=engagement.id,
            need_id=engagement.need_id,
            host_company_id=engagement.host_company_id,
            lender_company_id=engagement.lender_company_id,
            employee_id=engagement.employee_id,
            planned_minutes=engagement.planned_minutes,
            period_start=engagement.period_start,
            period_end=engagement.period_end,
            place=engagement.place,
            remote=engagement.remote,
            tasks=engagement.tasks,
            probation_days=engagement.probation_days,
            working_hours=engagement.working_hours,
            post_characteristics=engagement.post_characteristics,
            missing_terms=list(missing_terms(engagement)),
            status=engagement.status.value,
            reserved_minutes=engagement.reserved_minutes,
            papers=[PaperOut.of(p) for p in engagement.papers],
            missing_papers=None if view is None else [p.value for p in view.missing_papers],
            events=None if view is None else [EngagementEventOut.of(e) for e in view.events],
        )


class TimesheetIn(In):
    client_id: str
    work_date: date
    minutes: Int32
    description: str


class TimesheetOut(Out):
    id: int
    client_id: str
    engagement_id: int
    work_date: date
    minutes: int
    description: str
    status: str
    cost_cents: int | None
    rejection_reason: str | None
    statement_id: int | None


class ApproveIn(In):
    entry_ids: list[Int32]


class ReasonIn(In):
    reason: str


class PositionOut(BaseModel):
    company_id: int
    minutes_given: int
    minutes_received: int
    minutes_balance: int
    minutes_reserved: int
    minutes_available: int
    credit_line_minutes: int | None
    cents_balance: int | None  # None for the operator.


class ExtensionIn(In):
    extra_minutes: Int32
    reason: str


class ExtensionOut(BaseModel):
    id: int
    engagement_id: int
    extra_minutes: int
    reason: str
    status: str
