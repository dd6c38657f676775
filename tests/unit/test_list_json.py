"""The needs and staff lists answer in plain values: the same JSON as their pydantic models."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from litestar.plugins.pydantic import PydanticInitPlugin
from litestar.serialization import encode_json, get_serializer

from timebank.employees.model import CostInputs, Employee, LendingApproval, SkillLevel
from timebank.needs.model import Need, NeedStatus, RequiredSkill
from timebank.pagination import Page
from web.schemas import (
    EmployeeOut,
    NeedOut,
    employee_page_out,
    need_page_out,
    page_out,
)

# How Litestar encodes an answer: pydantic models through their JSON dump, the rest by msgspec.
SERIALIZER = get_serializer(PydanticInitPlugin.encoders())
# Timestamps as a database may give them back: UTC, other offsets, whole seconds.
TIMESTAMPS = (
    datetime(2026, 12, 5, 1, 2, 3, 450000, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 59, 59, tzinfo=timezone(timedelta(hours=2))),
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
)


def _need(index: int, skills: tuple[RequiredSkill, ...]) -> Need:
    return Need(
        id=index + 1,
        company_id=7,
        title=f"Refonte du site « vitrine » n° {index}",
        description='Un site plus rapide\net mieux référencé: "SEO" \\ 100 %',
        estimated_minutes=20 * 60 + index,
        window_start=date(2026, 12, 1),
        window_end=date(2027, 2, 28),
        remote_allowed=index % 2 == 0,
        place_city="Saint-Étienne",
        place_postal_code="42000",
        language="fr",
        status=list(NeedStatus)[index % len(NeedStatus)],
        skills=skills,
        created_by=3,
        created_at=TIMESTAMPS[index % len(TIMESTAMPS)],
        updated_at=TIMESTAMPS[(index + 1) % len(TIMESTAMPS)],
    )


def _employee(index: int, *, cost: bool, approval: bool, skills: bool) -> Employee:
    return Employee(
        id=index + 1,
        user_id=100 + index,
        company_id=7,
        full_name="Chloé N'Diaye",
        email=f"chloe{index}@exemple.fr",
        job_title="Développeuse web",
        cost=CostInputs(4_200_000, 4300, 1607) if cost else None,
        offered_minutes_per_month=600,
        remote_ok=index % 2 == 1,
        travel_radius_km=30,
        languages=("fr", "en") if skills else (),
        approval=LendingApproval(900, date(2026, 1, 1), date(2026, 12, 31), 4)
        if approval
        else None,
        skills=(SkillLevel("seo", 3), SkillLevel("web-dev", 2)) if skills else (),
        active=index % 3 != 0,
        created_at=TIMESTAMPS[index % len(TIMESTAMPS)],
    )


def test_a_page_of_needs_encodes_as_its_models_do() -> None:
    skills = (RequiredSkill("ecommerce-site", 1, 1), RequiredSkill("seo", 4, 3))
    items = tuple(_need(index, skills[: index % 3]) for index in range(8))
    page = Page(items=items, total=31, limit=8, offset=16)

    plain = encode_json(need_page_out(page), SERIALIZER)

    assert plain == encode_json(page_out(page, [NeedOut.of(n) for n in items]), SERIALIZER)
    assert b'"skills":[]' in plain


def test_a_page_of_employees_encodes_as_its_models_do() -> None:
    items = tuple(
        _employee(index, cost=cost, approval=approval, skills=skills)
        for index, (cost, approval, skills) in enumerate(
            [(True, True, True), (False, True, False), (True, False, True), (False, False, False)]
        )
    )
    page = Page(items=items, total=4, limit=20, offset=0)

    plain = encode_json(employee_page_out(page), SERIALIZER)

    assert plain == encode_json(page_out(page, [EmployeeOut.of(e) for e in items]), SERIALIZER)
    assert b'"cost":null' in plain and b'"approval":null' in plain


def test_an_empty_page_encodes_as_its_models_do() -> None:
    empty: Page[Need] = Page(items=(), total=0, limit=20, offset=0)
    assert encode_json(need_page_out(empty), SERIALIZER) == encode_json(
        page_out(empty, list[NeedOut]()), SERIALIZER
    )
