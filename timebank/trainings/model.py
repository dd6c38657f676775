"""A training an employee took: title, provider, dates, time; approved by the employer, valued at
exact cost, and rated 1–5 by the employee (the programme publishes each training's average)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from timebank import rules
from timebank.errors import InvalidInput

TRAINING_MINUTES_MAX: Final = 400 * 60  # A long certification course.
TRAINING_DAYS_MAX: Final = 366
COMMENT_LENGTH_MAX: Final = 1000
RATING_MIN: Final = 1
RATING_MAX: Final = 5


@dataclass(frozen=True, slots=True)
class Training:
    id: int
    employee_id: int
    company_id: int
    title: str
    provider: str
    starts_on: date
    ends_on: date
    minutes: int
    status: str  # submitted, approved, rejected
    cost_cents: int | None
    rating: int | None
    rating_comment: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TrainingScore:
    """The public evaluation of a training: by those who took it."""

    title: str
    provider: str
    average: float
    count: int


def training_input(
    *, title: str, provider: str, starts_on: date, ends_on: date, minutes: int, today: date
) -> tuple[str, str, int]:
    checked_title = rules.text(title, field="title", length_max=rules.TITLE_LENGTH_MAX)
    checked_provider = rules.text(provider, field="provider", length_max=rules.NAME_LENGTH_MAX)
    rules.date_order(starts_on, ends_on, field="ends_on")
    if (ends_on - starts_on).days + 1 > TRAINING_DAYS_MAX:
        raise InvalidInput(
            "Une formation dure au plus un an.",
            "A training lasts at most a year.",
            field="ends_on",
            code="training_too_long",
        )
    if ends_on > today:
        raise InvalidInput(
            "On déclare une formation une fois suivie.",
            "A training is logged once taken.",
            field="ends_on",
            code="training_in_future",
        )
    checked_minutes = rules.minutes(minutes, field="minutes", high=TRAINING_MINUTES_MAX)
    return checked_title, checked_provider, checked_minutes


def rating_input(stars: int, comment: str) -> tuple[int, str]:
    rules.integer_range(stars, field="rating", low=RATING_MIN, high=RATING_MAX)
    checked = rules.text(comment, field="comment", length_max=COMMENT_LENGTH_MAX, required=False)
    return stars, checked
