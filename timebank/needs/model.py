"""A need and its life: draft → open → matched → closed, or cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from timebank import rules
from timebank.errors import Conflict, InvalidInput


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
        raise InvalidInput(
            f"Statut inconnu : « {value[:20]} » (valeurs : {allowed}).",
            f"Unknown status: '{value[:20]}' (values: {allowed}).",
            field=field,
            code="invalid_status",
        ) from exc


def check_status_change(current: NeedStatus, wanted: NeedStatus) -> None:
    if wanted != current and wanted not in NEXT_STATUSES[current]:
        raise Conflict(
            f"Un besoin « {current.value} » ne peut pas passer à « {wanted.value} ».",
            f"A need in status '{current.value}' cannot move to '{wanted.value}'.",
            field="status",
            code="illegal_status_change",
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
        raise InvalidInput(
            f"La fenêtre d'un besoin ne peut dépasser {rules.NEED_WINDOW_DAYS_MAX} jours.",
            f"A need's window cannot exceed {rules.NEED_WINDOW_DAYS_MAX} days.",
            field="window_end",
            code="window_too_long",
        )
    # Whole months in the window, rounded to the nearest (a 31-day window is one month).
    months = max(1, (window_days * 12 + 182) // 365)
    minutes_max = min(rules.YEAR_WORK_MINUTES_MAX, months * rules.MONTH_WORK_MINUTES_MAX)
    rules.minutes(estimated_minutes, field="estimated_minutes", high=minutes_max)
    if estimated_minutes == 0:
        raise InvalidInput(
            "Indiquez le nombre d'heures estimé.",
            "Give the estimated number of hours.",
            field="estimated_minutes",
            code="required",
        )
    if not skills:
        raise InvalidInput(
            "Un besoin demande au moins une compétence.",
            "A need requires at least one skill.",
            field="skills",
            code="required",
        )
    if len(skills) > rules.SKILLS_PER_NEED_MAX:
        raise InvalidInput(
            f"Au plus {rules.SKILLS_PER_NEED_MAX} compétences par besoin.",
            f"At most {rules.SKILLS_PER_NEED_MAX} skills per need.",
            field="skills",
            code="too_many_items",
        )
    required: list[RequiredSkill] = []
    for index, (code, min_level, weight) in enumerate(skills):
        rules.skill_level(min_level, field=f"skills[{index}].min_level")
        rules.integer_range(
            weight, field=f"skills[{index}].weight", low=1, high=rules.SKILL_WEIGHT_MAX
        )
        if any(item.skill_code == code for item in required):
            raise InvalidInput(
                f"La compétence « {code[:60]} » apparaît deux fois.",
                f"Skill '{code[:60]}' appears twice.",
                field=f"skills[{index}].skill",
                code="duplicate_skill",
            )
        required.append(RequiredSkill(skill_code=code, min_level=min_level, weight=weight))
    postal = place_postal_code.strip()
    return NeedDraft(
        title=rules.text(title, field="title", length_max=rules.TITLE_LENGTH_MAX),
        description=rules.text(
            description, field="description", length_max=rules.DESCRIPTION_LENGTH_MAX
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
