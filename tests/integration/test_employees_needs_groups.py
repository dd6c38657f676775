"""Employees, needs and employer groups on the real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.helpers import new_email, now, row_counts, sign_up
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.employees import use_cases as employees
from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound
from timebank.groups import use_cases as groups
from timebank.needs import use_cases as needs
from timebank.needs.use_cases import NeedInput
from timebank.people import use_cases as people
from timebank.people.model import Role

pytestmark = pytest.mark.anyio


async def _employee(signed: object, **overrides: object) -> tuple[int, object]:
    values: dict[str, object] = {
        "email": new_email("employee"),
        "full_name": "Hugo Leroy",
        "job_title": "Développeur web",
        "annual_gross_salary_cents": 4_200_000,
        "employer_charge_rate_basis_points": 4300,
        "annual_work_hours": 1607,
    }
    values.update(overrides)
    invited = await employees.invite_employee(
        uow,
        signed.actor,
        signed.company_id,  # type: ignore[attr-defined]
        now=now(),
        **values,
    )  # type: ignore[arg-type]
    assert invited.invitation_token is not None
    login = await people.accept_invitation(
        uow,
        token=invited.invitation_token,
        password="employee-password",
        now=now(),
        session_hours=1,
    )
    return invited.employee.id, login.actor


async def test_employee_profile_skills_and_filter_by_level() -> None:
    signed = await sign_up()
    employee_id, employee_actor = await _employee(signed)
    await employees.update_profile(
        uow,
        employee_actor,
        employee_id,
        offered_minutes_per_month=600,
        remote_ok=True,
        travel_radius_km=30,
        languages=["fr", "en"],
        skills=[("seo", 3), ("web-dev", 2)],
    )
    found = await employees.list_employees(
        uow, signed.actor, signed.company_id, skill_code="seo", level_min=3, limit=10, offset=0
    )
    assert [e.id for e in found.items] == [employee_id]
    none = await employees.list_employees(
        uow, signed.actor, signed.company_id, skill_code="seo", level_min=4, limit=10, offset=0
    )
    assert none.total == 0


async def test_unknown_skill_in_profile_is_refused_and_writes_nothing() -> None:
    signed = await sign_up()
    employee_id, employee_actor = await _employee(signed)
    before = await row_counts()
    with pytest.raises(InvalidInput) as caught:
        await employees.update_profile(
            uow,
            employee_actor,
            employee_id,
            offered_minutes_per_month=600,
            remote_ok=True,
            travel_radius_km=30,
            languages=["fr"],
            skills=[("seo", 2), ("basket-weaving", 2)],
        )
    assert (caught.value.code, caught.value.field) == ("unknown_skill", "skills[1].skill")
    assert await row_counts() == before
    employee = await employees.get_employee(uow, employee_actor, employee_id)
    assert employee.offered_minutes_per_month == 0


async def test_salary_is_visible_to_admin_and_self_but_not_to_a_colleague_or_operator() -> None:
    signed = await sign_up()
    first_id, first_actor = await _employee(signed)
    second_id, second_actor = await _employee(signed)
    assert (await employees.get_employee(uow, signed.actor, first_id)).cost is not None
    assert (await employees.get_employee(uow, first_actor, first_id)).cost is not None
    with pytest.raises(Forbidden):
        await employees.get_employee(uow, second_actor, first_id)
    with pytest.raises(Forbidden):
        await employees.list_employees(
            uow, second_actor, signed.company_id, skill_code=None, level_min=1, limit=10, offset=0
        )
    operator = replace(signed.actor, user_id=-1, memberships=frozenset(), is_operator=True)
    assert (await employees.get_employee(uow, operator, second_id)).cost is None


async def test_lending_approval_by_admin_only() -> None:
    signed = await sign_up()
    employee_id, employee_actor = await _employee(signed)
    approved = await employees.approve_lending(
        uow,
        signed.actor,
        employee_id,
        approved_minutes_per_month=8 * 60,
        valid_from=date(2026, 12, 1),
        valid_until=date(2027, 5, 31),
    )
    assert approved.approval is not None and approved.approval.approved_minutes_per_month == 480
    with pytest.raises(Forbidden):
        await employees.approve_lending(
            uow,
            employee_actor,
            employee_id,
            approved_minutes_per_month=60,
            valid_from=date(2026, 12, 1),
            valid_until=date(2027, 5, 31),
        )
    with pytest.raises(InvalidInput) as caught:
        await employees.approve_lending(
            uow,
            signed.actor,
            employee_id,
            approved_minutes_per_month=60,
            valid_from=date(2027, 1, 1),
            valid_until=date(2026, 1, 1),
        )
    assert caught.value.code == "end_before_start"


async def test_inviting_the_same_person_twice_is_refused() -> None:
    signed = await sign_up()
    email = new_email()
    await _employee(signed, email=email)
    with pytest.raises(Conflict) as caught:
        await _employee(signed, email=email)
    assert caught.value.code == "duplicate_employee"


def _need_input(**overrides: object) -> NeedInput:
    values: dict[str, object] = {
        "title": "Boutique en ligne",
        "description": "Ouvrir la vente en ligne de nos produits.",
        "estimated_minutes": 30 * 60,
        "window_start": date(2026, 12, 1),
        "window_end": date(2027, 2, 28),
        "remote_allowed": False,
        "place_city": "Rennes",
        "place_postal_code": "35000",
        "language": "fr",
        "skills": [("ecommerce-site", 3, 4), ("seo", 2, 1)],
        "status": "open",
    }
    values.update(overrides)
    return NeedInput(**values)  # type: ignore[arg-type]


async def test_needs_are_posted_filtered_and_moved_along_their_life() -> None:
    signed = await sign_up(postal_code="13001", city="Marseille")
    other = await sign_up()
    need = await needs.create_need(uow, signed.actor, signed.company_id, _need_input(), now=now())
    assert [s.skill_code for s in need.skills] == ["ecommerce-site", "seo"]
    page = await needs.list_needs(
        uow,
        other.actor,
        skill_code="ecommerce-site",
        region="Provence-Alpes-Côte d'Azur",
        status="open",
        company_id=signed.company_id,
        limit=10,
        offset=0,
    )
    assert [n.id for n in page.items] == [need.id]
    closed = await needs.update_need(
        uow, signed.actor, need.id, _need_input(status="closed"), now=now()
    )
    assert closed.status.value == "closed"
    with pytest.raises(Conflict):
        await needs.update_need(uow, signed.actor, need.id, _need_input(status="open"), now=now())
    with pytest.raises(Forbidden):
        await needs.create_need(uow, other.actor, signed.company_id, _need_input(), now=now())


async def test_draft_needs_are_hidden_from_other_companies() -> None:
    signed = await sign_up()
    other = await sign_up()
    draft = await needs.create_need(
        uow, signed.actor, signed.company_id, _need_input(status="draft"), now=now()
    )
    assert (await needs.get_need(uow, signed.actor, draft.id)).id == draft.id
    with pytest.raises(NotFound):
        await needs.get_need(uow, other.actor, draft.id)
    listed = await needs.list_needs(
        uow,
        other.actor,
        skill_code=None,
        region=None,
        status=None,
        company_id=signed.company_id,
        limit=50,
        offset=0,
    )
    assert draft.id not in [n.id for n in listed.items]


async def test_need_with_unknown_skill_writes_nothing() -> None:
    signed = await sign_up()
    before = await row_counts()
    with pytest.raises(InvalidInput) as caught:
        await needs.create_need(
            uow,
            signed.actor,
            signed.company_id,
            _need_input(skills=[("seo", 2, 1), ("juggling", 1, 1)]),
            now=now(),
        )
    assert caught.value.field == "skills[1].skill"
    assert await row_counts() == before


async def test_employer_group_members_join_and_leave() -> None:
    entity = await sign_up(name="Groupement Numérique Test", naf_code="78.30Z")
    member = await sign_up()
    group = await groups.create_group(
        uow,
        entity.actor,
        company_id=entity.company_id,
        name="GE Numérique Test",
        legal_form_value="association",
        now=now(),
    )
    coordinator = replace(
        entity.actor,
        memberships=entity.actor.memberships | {(entity.company_id, Role.GROUP_COORDINATOR)},
    )
    with pytest.raises(Forbidden) as not_its_admin:
        await groups.add_member(
            uow, coordinator, group.id, company_id=member.company_id, joined_on=date(2026, 1, 1)
        )
    assert not_its_admin.value.code == "joins_by_its_own_request"
    assert (await groups.get_group(uow, coordinator, group.id)).members == ()
    # A coordinator who also runs the member records its membership, dated as on paper.
    coordinator = replace(
        coordinator,
        memberships=coordinator.memberships | {(member.company_id, Role.COMPANY_ADMIN)},
    )
    group = await groups.add_member(
        uow, coordinator, group.id, company_id=member.company_id, joined_on=date(2026, 1, 1)
    )
    assert [m.company_id for m in group.members] == [member.company_id]
    with pytest.raises(Conflict):
        await groups.add_member(
            uow, coordinator, group.id, company_id=member.company_id, joined_on=date(2026, 2, 1)
        )
    with pytest.raises(Forbidden):
        await groups.add_member(
            uow, member.actor, group.id, company_id=member.company_id, joined_on=date(2026, 2, 1)
        )
    group = await groups.end_membership(
        uow, coordinator, group.id, company_id=member.company_id, left_on=date(2026, 6, 30)
    )
    assert group.members[0].left_on == date(2026, 6, 30)
    with pytest.raises(InvalidInput):
        await groups.create_group(
            uow,
            member.actor,
            company_id=member.company_id,
            name="X",
            legal_form_value="sarl",
            now=now(),
        )
