"""Needs and the skills they require."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from pydantic import Field

from timebank.needs.model import Need
from timebank.pagination import Page
from web.schemas.common import In, Int32, Out, PageOut


class RequiredSkillIn(In):
    skill: str
    min_level: Int32
    weight: Int32 = 1


class NeedIn(In):
    title: str
    description: str
    estimated_minutes: Int32
    window_start: date
    window_end: date
    remote_allowed: bool = True
    place_city: str = ""
    place_postal_code: str = ""
    language: str = "fr"
    skills: list[RequiredSkillIn]
    status: str = "open"


class RequiredSkillOut(Out):
    skill: str = Field(validation_alias="skill_code")
    min_level: int
    weight: int


class NeedOut(Out):
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
    status: str
    skills: list[RequiredSkillOut]
    created_at: datetime
    updated_at: datetime


def need_json(need: Need) -> dict[str, Any]:
    """`NeedOut.of(need)` as plain values: the same JSON once encoded (a test compares them),
    without building and then serialising two pydantic models per need and skill."""
    return {
        "id": need.id,
        "company_id": need.company_id,
        "title": need.title,
        "description": need.description,
        "estimated_minutes": need.estimated_minutes,
        "window_start": need.window_start,
        "window_end": need.window_end,
        "remote_allowed": need.remote_allowed,
        "place_city": need.place_city,
        "place_postal_code": need.place_postal_code,
        "language": need.language,
        "status": need.status.value,
        "skills": [
            {"skill": s.skill_code, "min_level": s.min_level, "weight": s.weight}
            for s in need.skills
        ],
        "created_at": need.created_at,
        "updated_at": need.updated_at,
    }


def need_page_out(page: Page[Need]) -> PageOut[NeedOut]:
    """A page of needs as the JSON of `PageOut[NeedOut]`, in plain values (`need_json`).

    The browsed list is the busiest read: the handler still answers `PageOut[NeedOut]` (its
    OpenAPI schema), and the encoder writes these dicts as it would write the models' dump.
    """
    return cast(
        "PageOut[NeedOut]",
        {
            "items": [need_json(need) for need in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        },
    )
