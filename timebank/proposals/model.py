"""Proposals and the rules that turn the database into a matching problem.

Priority from reciprocity (1–10): `5 + clamp(balance_hours // 10, -3, 3) + min(age_weeks // 2,
2)`, clamped to 1–10 — a host that gave more hours than it received is served first, and a need
gains a point every two weeks it waits (at most two).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from timebank.engagements.model import EngagementStatus
from timebank.proposals import refusals

PRIORITY_BASE: Final = 5
MINUTES_PER_HOUR: Final = 60


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"  # Waiting for the companies (and the employee may decline).
    ACCEPTED = "accepted"  # The lender accepted: a loan was proposed to the host.
    DECLINED = "declined"  # By either company or the employee; never proposed again.
    SUPERSEDED = "superseded"  # Undecided when a newer matching run replaced it.


class Side(StrEnum):
    """Which side of a proposal a company admin looks from."""

    HOST = "host"  # The proposal is for one of the company's needs.
    LENDER = "lender"  # The proposal is for one of the company's staff.


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    run_id: str
    need_id: int
    employee_id: int
    hours: int
    score_per_hour: int
    explanation: str  # JSON, as the solver explained it.
    status: str
    decline_reason: str | None
    engagement_id: int | None
    created_at: datetime


def reciprocity_priority(*, balance_minutes: int, age_days: int) -> int:
    """Priority of a need from its host's balance (given − received) and its age."""
    balance_points = max(-3, min(3, balance_minutes // (10 * MINUTES_PER_HOUR)))
    age_points = min(2, max(0, age_days // 14))
    return max(1, min(10, PRIORITY_BASE + balance_points + age_points))


@dataclass(frozen=True, slots=True)
class SkillReason:
    """One required skill the volunteer meets, as the solver explained it."""

    skill_code: str
    label_fr: str
    level: int
    min_level: int
    weight: int


@dataclass(frozen=True, slots=True)
class Reasons:
    skills: tuple[SkillReason, ...]
    remote: bool
    distance_km: float
    language: str
    hours: int


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal as a party reads it: who, for what, why, and what this actor may do now."""

    proposal: Proposal
    need_title: str
    need_window_start: date
    need_window_end: date
    need_place_city: str
    host_company_id: int
    host_name: str
    employee_name: str
    lender_company_id: int
    lender_name: str
    reasons: Reasons
    engagement_status: EngagementStatus | None
    may_accept_as_lender: bool
    may_accept_as_host: bool
    may_decline: bool


def proposal_status(value: str, *, field: str = "status") -> ProposalStatus:
    try:
        return ProposalStatus(value)
    except ValueError as exc:
        allowed = ", ".join(status.value for status in ProposalStatus)
        raise refusals.UNKNOWN_STATUS.error(value=value[:20], allowed=allowed, field=field) from exc


def proposal_side(value: str, *, field: str = "side") -> Side:
    try:
        return Side(value)
    except ValueError as exc:
        raise refusals.INVALID_SIDE.error(value=value[:20], field=field) from exc


def reasons_of(explanation: str, skill_labels: dict[str, str]) -> Reasons:
    """The solver's JSON explanation, with each skill's French label."""
    data: dict[str, Any] = json.loads(explanation)
    return Reasons(
        skills=tuple(
            SkillReason(
                skill_code=str(item["skill"]),
                label_fr=skill_labels.get(str(item["skill"]), str(item["skill"])),
                level=int(item["level"]),
                min_level=int(item["min_level"]),
                weight=int(item["weight"]),
            )
            for item in data.get("skills", [])
        ),
        remote=bool(data.get("remote", False)),
        distance_km=float(data.get("distance_km", 0.0)),
        language=str(data.get("language", "")),
        hours=int(data.get("hours", 0)),
    )


def skill_codes_of(explanation: str) -> set[str]:
    data: dict[str, Any] = json.loads(explanation)
    return {str(item["skill"]) for item in data.get("skills", [])}
