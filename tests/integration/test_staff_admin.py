"""The staff pages' use cases: one member of staff for its employer's admin only, and the
refusals of cost inputs and approvals in business words."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import new_email, now, row_counts, sign_up
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.employees import use_cases as employees
from timebank.errors import Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.anyio


async def _invite(signed: object, salary_cents: int = 4_000_000) -> int:
    invited = await employees.invite_employee(
        uow,
        signed.actor,  # type: ignore[attr-defined]
        signed.company_id,  # type: ignore[attr-defined]
        email=new_email("staff"),
        full_name="Jeanne Roux",
        job_title="Graphiste",
        annual_gross_salary_cents=salary_cents,
        employer_charge_rate_basis_points=4200,
        annual_work_hours=1607,
        now=now(),
    )
    return invited.employee.id


async def test_staff_member_is_for_its_employers_admin_only() -> None:
    first = await sign_up(name="Atelier Un")
    second = await sign_up(name="Atelier Deux")
    employee_id = await _invite(first)
    found = await employees.get_staff_member(uow, first.actor, first.company_id, employee_id)
    assert found.cost is not None and found.cost.annual_gross_salary_cents == 4_000_000
    with pytest.raises(Forbidden):
        await employees.get_staff_member(uow, second.actor, first.company_id, employee_id)
    # Through another company's address, the employee does not exist.
    with pytest.raises(NotFound):
        await employees.get_staff_member(uow, second.actor, second.company_id, employee_id)
    company = await employees.company_for_staff_admin(uow, first.actor, first.company_id)
    assert company.name == "Atelier Un"
    with pytest.raises(Forbidden):
        await employees.company_for_staff_admin(uow, second.actor, first.company_id)


@pytest.mark.parametrize(
    ("salary", "rate", "hours", "field", "words"),
    [
        (0, 4200, 1607, "annual_gross_salary_cents", "salaire brut annuel"),
        (4_000_000, 10_001, 1607, "employer_charge_rate_basis_points", "100 %"),
        (4_000_000, 4200, 0, "annual_work_hours", "durée annuelle"),
    ],
)
async def test_cost_refusals_speak_business_words_and_store_nothing(
    salary: int, rate: int, hours: int, field: str, words: str
) -> None:
    signed = await sign_up()
    employee_id = await _invite(signed)
    before = await row_counts()
    with pytest.raises(InvalidInput) as caught:
        await employees.update_employment(
            uow,
            signed.actor,
            employee_id,
            job_title="Graphiste",
            annual_gross_salary_cents=salary,
            employer_charge_rate_basis_points=rate,
            annual_work_hours=hours,
            active=True,
        )
    assert (caught.value.code, caught.value.field) == ("out_of_range", field)
    assert words in caught.value.message_fr and field not in caught.value.message_fr
    assert await row_counts() == before
    unchanged = await employees.get_employee(uow, signed.actor, employee_id)
    assert unchanged.cost is not None and unchanged.cost.employer_charge_rate_basis_points == 4200


async def test_approval_beyond_a_month_of_work_is_refused_in_hours() -> None:
    signed = await sign_up()
    employee_id = await _invite(signed)
    with pytest.raises(InvalidInput) as caught:
        await employees.approve_lending(
            uow,
            signed.actor,
            employee_id,
            approved_minutes_per_month=200 * 60,
            valid_from=date(2027, 1, 1),
            valid_until=date(2027, 6, 30),
        )
    assert (caught.value.code, caught.value.field) == ("absurd_hours", "approved_minutes_per_month")
    assert "151\u00a0h\u00a040" in caught.value.message_fr
    assert (await employees.get_employee(uow, signed.actor, employee_id)).approval is None
