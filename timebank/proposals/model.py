"""Proposals and the rules that turn the database into a matching problem.

Priority from reciprocity (1–10): `5 + clamp(balance_hours // 10, -3, 3) + min(age_weeks // 2,
2)`, clamped to 1–10 — a host that gave more hours than it received is served first, and a need
gains a point every two weeks it waits (at most two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

PRIORITY_BASE: Final = 5
MINUTES_PER_HOUR: Final = 60


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
