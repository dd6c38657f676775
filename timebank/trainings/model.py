"""A training an employee took: title, provider, dates, time; approved by the employer, valued at
exact cost, and rated 1–5 by the employee (the programme publishes each training's average)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from urllib.parse import urlsplit

from timebank import rules
from timebank.trainings import refusals

TRAINING_MINUTES_MAX: Final = 400 * 60  # A long certification course.
TRAINING_DAYS_MAX: Final = 366
COMMENT_LENGTH_MAX: Final = 1000
RATING_MIN: Final = 1
RATING_MAX: Final = 5
COMMENTS_SHOWN_MAX: Final = 20  # Comments published per training, the newest first.
SEARCH_LENGTH_MAX: Final = 100
PLAN_LINK_LENGTH_MAX: Final = 300
# What reads as an address rather than a reference to a plan's section: a scheme ("https:",
# "javascript:", "mailto:"…) glued to what follows, "://" anywhere, or "www." at the start.
_LOOKS_LIKE_URL = re.compile(r"^[a-z][a-z0-9+.-]*:\S|://|^www\.", re.IGNORECASE)


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
    domain_code: str | None = None  # The skills taxonomy's domain the training serves.
    plan_link: str | None = None  # The employer's transformation plan: never published.


@dataclass(frozen=True, slots=True)
class TrainingScore:
    """The public evaluation of a training: by those who took it."""

    title: str
    provider: str
    average: float
    count: int
    domain_code: str | None = None


@dataclass(frozen=True, slots=True)
class Rating:
    """One rating as the public page uses it: no name, no company."""

    title: str
    provider: str
    stars: int
    comment: str | None
    domain_code: str | None = None


@dataclass(frozen=True, slots=True)
class PublicTraining:
    """A training's public evaluation with its comments (anonymous)."""

    score: TrainingScore
    comments: tuple[str, ...]


def _plain(value: str) -> str:
    return " ".join(value.split())


def _matches(value: str, wanted: str) -> bool:
    return not wanted or _plain(wanted).casefold() in value.casefold()


def public_trainings(
    ratings: Iterable[Rating], *, provider: str = "", title: str = "", domain: str = ""
) -> list[PublicTraining]:
    """Ratings grouped by training (title and provider, spaces normalised), those whose
    provider and title contain the words searched and, when a domain is asked, only the
    ratings of trainings logged in that domain; most rated first. `ratings` come newest
    first: so do the comments, and a training shows the domain of its newest rating."""
    grouped: dict[tuple[str, str], tuple[list[int], list[str], list[str]]] = {}
    for rating in ratings:
        key = (_plain(rating.title), _plain(rating.provider))
        if not (_matches(key[1], provider) and _matches(key[0], title)):
            continue
        if domain and rating.domain_code != domain:
            continue
        stars, comments, domains = grouped.setdefault(key, ([], [], []))
        stars.append(rating.stars)
        if rating.domain_code:
            domains.append(rating.domain_code)
        if rating.comment and len(comments) < COMMENTS_SHOWN_MAX:
            comments.append(rating.comment)
    found = [
        PublicTraining(
            TrainingScore(
                title,
                provider,
                round(sum(stars) / len(stars), 2),
                len(stars),
                domains[0] if domains else None,
            ),
            tuple(comments),
        )
        for (title, provider), (stars, comments, domains) in grouped.items()
    ]
    found.sort(key=lambda t: (-t.score.count, t.score.provider.lower(), t.score.title.lower()))
    return found


def search_text(value: str | None, *, field: str) -> str:
    """A search word typed on the public page (at most SEARCH_LENGTH_MAX characters)."""
    cleaned = _plain(value or "")
    if len(cleaned) > SEARCH_LENGTH_MAX:
        raise refusals.SEARCH_TOO_LONG.error(search_length_max=SEARCH_LENGTH_MAX, field=field)
    return cleaned


def plan_link_input(value: str | None) -> str | None:
    """The link to the employer's digital-transformation plan: an http(s) address or a short
    reference to the plan's section (« Plan 2026, axe 2 »); none when left empty."""
    cleaned = _plain(value or "")
    if not cleaned:
        return None
    if len(cleaned) > PLAN_LINK_LENGTH_MAX:
        raise refusals.PLAN_LINK_TOO_LONG.error(plan_link_length_max=PLAN_LINK_LENGTH_MAX)
    if _LOOKS_LIKE_URL.search(cleaned):
        parts = urlsplit(cleaned)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in cleaned:
            raise refusals.INVALID_PLAN_LINK.error()
    return cleaned


def domain_input(value: str | None, known: Sequence[str], *, field: str) -> str | None:
    """A skill domain's code among the taxonomy's (`known`); none when left empty."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    if cleaned not in known:
        raise refusals.UNKNOWN_DOMAIN.error(cleaned=cleaned[:40], field=field)
    return cleaned


def training_input(
    *,
    title: str,
    provider: str,
    starts_on: date,
    ends_on: date,
    minutes: int,
    today: date,
    plan_link: str | None = None,
) -> tuple[str, str, int, str | None]:
    """The training as logged: title, provider, minutes and the plan's link, checked."""
    checked_title = rules.text(title, field="title", length_max=rules.TITLE_LENGTH_MAX)
    checked_provider = rules.text(provider, field="provider", length_max=rules.NAME_LENGTH_MAX)
    rules.date_order(starts_on, ends_on, field="ends_on")
    if (ends_on - starts_on).days + 1 > TRAINING_DAYS_MAX:
        raise refusals.TRAINING_TOO_LONG.error()
    if ends_on > today:
        raise refusals.TRAINING_IN_FUTURE.error()
    checked_minutes = rules.minutes(minutes, field="minutes", high=TRAINING_MINUTES_MAX)
    return checked_title, checked_provider, checked_minutes, plan_link_input(plan_link)


def rating_input(stars: int, comment: str) -> tuple[int, str]:
    rules.integer_range(stars, field="rating", low=RATING_MIN, high=RATING_MAX)
    checked = rules.text(comment, field="comment", length_max=COMMENT_LENGTH_MAX, required=False)
    return stars, checked
