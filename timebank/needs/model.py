"""A need and its life: draft → open → matched → closed, or cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from timebank import rules
from timebank.needs import refusals


class NeedStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    MATCHED = "matched"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# Which status may follow which; anything else is refused with `illegal_status_change`.
NEXT_STATUSES: Final[dict[NeedStatus, frozenset[NeedStatus]]] = {
    NeedStatus.DRAFT: frozenset({NeedStatus.OPEN, NeedStatus.CANCELLED}),
    NeedStatus.OPEN: frozenset({NeedStatus.MATCHED, NeedStatus.CLOSED, NeedStatus.CANCELLED}),
    NeedStatus.MATCHED: frozenset({NeedStatus.OPEN, NeedStatus.CLOSED, NeedStatus.CANCELLED}),
    NeedStatus.CLOSED: frozenset(),
    NeedStatus.CANCELLED: frozenset(),
}


# The words a refusal uses for each status (the pages take theirs from web/vocabulary.py).
STATUS_WORDS_FR: Final[dict[NeedStatus, str]] = {
    NeedStatus.DRAFT: "en brouillon",
    NeedStatus.OPEN: "publié",
    NeedStatus.MATCHED: "pourvu",
    NeedStatus.CLOSED: "clos",
    NeedStatus.CANCELLED: "annulé",
}


@dataclass(frozen=True, slots=True)
class RequiredSkill:
    skill_code: str
    min_level: int
    weight: int


@dataclass(frozen=True, slots=True)
class Need:
    id: int
    company_id: int
    title: str
    description: str
    estimated_minutes: int
    window_start: date
    window_end: date
    remote_allowed: bool
    place_city: str
    place_postal_code: str
    language: str
    status: NeedStatus
    skills: tuple[RequiredSkill, ...]
    created_by: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NeedDraft:
    title: str
    description: str
    estimated_minutes: int
    window_start: date
    window_end: date
    remote_allowed: bool
    place_city: str
    place_postal_code: str
    language: str
    skills: tuple[RequiredSkill, ...]


def need_status(value: str, *, field: str = "status") -> NeedStatus:
    try:
        return NeedStatus(value)
    except ValueError as exc:
        allowed = ", ".join(status.value for status in NeedStatus)
        raise refusals.UNKNOWN_STATUS.error(value=value[:20], allowed=allowed, field=field) from exc


def check_status_change(current: NeedStatus, wanted: NeedStatus) -> None:
    if wanted != current and wanted not in NEXT_STATUSES[current]:
        raise refusals.STATUS_CHANGE_NOT_ALLOWED.error(
            status_words_fr=STATUS_WORDS_FR[current],
            wanted_words_fr=STATUS_WORDS_FR[wanted],
            current=current.value,
            wanted=wanted.value,
        )


def draft_need(
    *,
    title: str,
    description: str,
    estimated_minutes: int,
    window_start: date,
    window_end: date,
    remote_allowed: bool,
    place_city: str,
    place_postal_code: str,
    language: str,
    skills: list[tuple[str, int, int]],
) -> NeedDraft:
    """Validate a need; hours are bounded by the window (a month of work per month at most)."""
    rules.date_order(window_start, window_end, field="window_end")
    window_days = (window_end - window_start).days + 1
    if window_days > rules.NEED_WINDOW_DAYS_MAX:
        raise refusals.WINDOW_TOO_LONG.error(need_window_days_max=rules.NEED_WINDOW_DAYS_MAX)
    # Whole months in the window, rounded to the nearest (a 31-day window is one month).
    months = max(1, (window_days * 12 + 182) // 365)
    minutes_max = min(rules.YEAR_WORK_MINUTES_MAX, months * rules.MONTH_WORK_MINUTES_MAX)
    if estimated_minutes < 0:
        raise refusals.NEGATIVE_HOURS.error()
    if estimated_minutes > minutes_max:
        raise refusals.ABSURD_HOURS.error(minutes_max=minutes_max // 60)
    if estimated_minutes == 0:
        raise refusals.ESTIMATED_HOURS_REQUIRED.error()
    if not skills:
        raise refusals.REQUIRED_SKILLS.error()
    if len(skills) > rules.SKILLS_PER_NEED_MAX:
        raise refusals.TOO_MANY_ITEMS.error(skills_per_need_max=rules.SKILLS_PER_NEED_MAX)
    required: list[RequiredSkill] = []
    for index, (code, min_level, weight) in enumerate(skills):
        _check_level(min_level, field=f"skills[{index}].min_level")
        _check_weight(weight, field=f"skills[{index}].weight")
        if any(item.skill_code == code for item in required):
            raise refusals.DUPLICATE_SKILL.error(code=code[:60], field=f"skills[{index}].skill")
        required.append(RequiredSkill(skill_code=code, min_level=min_level, weight=weight))
    postal = place_postal_code.strip()
    return NeedDraft(
        title=_named_text(
            title,
            field="title",
            name_fr="Titre",
            name_en="Title",
            length_max=rules.TITLE_LENGTH_MAX,
        ),
        description=_named_text(
            description,
            field="description",
            name_fr="Description",
            name_en="Description",
            length_max=rules.DESCRIPTION_LENGTH_MAX,
        ),
        estimated_minutes=estimated_minutes,
        window_start=window_start,
        window_end=window_end,
        remote_allowed=remote_allowed,
        place_city=rules.text(place_city, field="place_city", length_max=100, required=False),
        place_postal_code=rules.postal_code(postal, field="place_postal_code") if postal else "",
        language=rules.language(language),
        skills=tuple(required),
    )


def _check_level(min_level: int, *, field: str) -> None:
    """Same code as `rules.skill_level`, with words a company admin reads beside the field."""
    if isinstance(min_level, bool) or not (
        rules.SKILL_LEVEL_MIN <= min_level <= rules.SKILL_LEVEL_MAX
    ):
        raise refusals.INVALID_SKILL_LEVEL.error(
            skill_level_min=rules.SKILL_LEVEL_MIN,
            skill_level_max=rules.SKILL_LEVEL_MAX,
            min_level=min_level,
            field=field,
        )


def _check_weight(weight: int, *, field: str) -> None:
    if isinstance(weight, bool) or not 1 <= weight <= rules.SKILL_WEIGHT_MAX:
        raise refusals.OUT_OF_RANGE.error(
            skill_weight_max=rules.SKILL_WEIGHT_MAX, weight=weight, field=field
        )


def _named_text(value: str, *, field: str, name_fr: str, name_en: str, length_max: int) -> str:
    """A required text, refused with the field's French name rather than its code."""
    stripped = value.strip()
    if not stripped:
        raise refusals.FIELD_REQUIRED.error(name_fr=name_fr, name_en=name_en, field=field)
    if len(stripped) > length_max:
        raise refusals.TEXT_TOO_LONG.error(
            name_fr=name_fr, length_max=length_max, name_en=name_en, field=field
        )
    return stripped
