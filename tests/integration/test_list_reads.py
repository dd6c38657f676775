"""The needs and staff lists, and needs or employees read by id, read each row's skills in the
statement that reads the rows."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import new_email, now, sign_up
from tests.sql_counter import count_statements
from timebank.db.tables import NeedSkillTable, NeedTable
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.employees import use_cases as employees
from timebank.needs import use_cases as needs
from timebank.needs.use_cases import NeedInput
from timebank.pagination import PageRequest

pytestmark = pytest.mark.anyio

NO_SUCH_ID = 2_000_000_000


def _need_input(skills: list[tuple[str, int, int]]) -> NeedInput:
    return NeedInput(
        title="Boutique en ligne",
        description="Ouvrir la vente en ligne de nos produits.",
        estimated_minutes=30 * 60,
        window_start=date(2026, 12, 1),
        window_end=date(2027, 2, 28),
        remote_allowed=False,
        place_city="Rennes",
        place_postal_code="35000",
        language="fr",
        skills=skills,
        status="open",
    )


def _skills_of(need: object) -> list[tuple[str, int, int]]:
    return [(s.skill_code, s.min_level, s.weight) for s in need.skills]  # type: ignore[attr-defined]


async def test_a_page_of_needs_reads_their_skills_sorted_in_one_statement() -> None:
    signed = await sign_up()
    first = await needs.create_need(
        uow,
        signed.actor,
        signed.company_id,
        _need_input([("seo", 2, 3), ("ecommerce-site", 1, 4)]),
        now=now(),
    )
    second = await needs.create_need(
        uow, signed.actor, signed.company_id, _need_input([("web-dev", 3, 1)]), now=now()
    )
    # No rule lets a need lose its skills, but a row without any reads as a need without any.
    bare = await needs.create_need(
        uow, signed.actor, signed.company_id, _need_input([("seo", 1, 1)]), now=now()
    )
    async with uow():
        await NeedSkillTable.delete().where(NeedSkillTable.need == bare.id)

    with count_statements() as statements:
        async with uow(write=False) as repos:
            found, total = await repos.needs.search(
                skill_id=None,
                region=None,
                status=None,
                company_id=signed.company_id,
                visible_draft_companies=frozenset(),
                page=PageRequest(limit=10, offset=0),
            )

    assert len(statements.queries) == 1, statements.describe()
    assert total == 3
    assert [(n.id, _skills_of(n)) for n in found] == [
        (bare.id, []),
        (second.id, [("web-dev", 3, 1)]),
        (first.id, [("ecommerce-site", 1, 4), ("seo", 2, 3)]),
    ]
    async with uow(write=False) as repos:
        read = [await repos.needs.get(n.id) for n in found]
        open_needs = {n.id: n for n in await repos.needs.open_needs(100_000)}
        with count_statements() as statements:
            by_id = await repos.needs.get_many([n.id for n in found] + [NO_SUCH_ID])
    assert read == found
    assert by_id == {n.id: n for n in found}
    assert len(statements.queries) == 1, statements.describe()
    assert [open_needs[n.id] for n in found] == found
    assert first == found[2] and second == found[1]


async def test_a_page_of_staff_reads_their_skills_sorted_in_one_statement() -> None:
    signed = await sign_up()
    ids = []
    for skills in ([("web-dev", 2), ("seo", 3)], None):
        invited = await employees.invite_employee(
            uow,
            signed.actor,
            signed.company_id,
            email=new_email("employee"),
            full_name="Hugo Leroy",
            job_title="Développeur web",
            annual_gross_salary_cents=4_200_000,
            employer_charge_rate_basis_points=4300,
            annual_work_hours=1607,
            now=now(),
        )
        ids.append(invited.employee.id)
        if skills is not None:
            await employees.update_profile(
                uow,
                signed.actor,
                invited.employee.id,
                offered_minutes_per_month=600,
                remote_ok=True,
                travel_radius_km=30,
                languages=["fr"],
                skills=skills,
            )

    with count_statements() as statements:
        async with uow(write=False) as repos:
            found, total = await repos.employees.list_for_company(
                signed.company_id, skill_id=None, level_min=1, page=PageRequest(limit=10)
            )

    assert len(statements.queries) == 1, statements.describe()
    assert total == 2
    assert [(e.id, [(s.skill_code, s.level) for s in e.skills]) for e in found] == [
        (ids[0], [("seo", 3), ("web-dev", 2)]),
        (ids[1], []),
    ]
    async with uow(write=False) as repos:
        read = [await repos.employees.get(employee_id) for employee_id in ids]
        of_user = [(await repos.employees.of_user(e.user_id)) for e in found]
        with count_statements() as statements:
            by_id = await repos.employees.get_many([*ids, NO_SUCH_ID])
    assert read == found
    assert by_id == {e.id: e for e in found}
    assert len(statements.queries) == 1, statements.describe()
    assert of_user == [[e] for e in found]


async def test_needs_are_indexed_newest_first() -> None:
    if NeedTable._meta.db.engine_type == "postgres":
        rows = await NeedTable.raw(
            "SELECT indexdef AS definition FROM pg_indexes "
            "WHERE tablename = 'need' AND indexname = 'need_created_at_id'"
        )
    else:
        rows = await NeedTable.raw(
            "SELECT sql AS definition FROM sqlite_master "
            "WHERE type = 'index' AND name = 'need_created_at_id'"
        )
    assert [" ".join(row["definition"].split()[-2:]) for row in rows] == ["(created_at, id)"]
