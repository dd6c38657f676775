"""What every sub-flow of a loan needs: read it (refused when unknown), who may read it, the
words its notifications use."""

from __future__ import annotations

from timebank import formatting
from timebank.db.unit_of_work import Repositories
from timebank.engagements import refusals
from timebank.engagements.model import (
    Engagement,
)
from timebank.people.model import Actor, Role


async def _load(repos: Repositories, engagement_id: int, *, lock: bool = False) -> Engagement:
    engagement = await repos.engagements.get(engagement_id, lock=lock)
    if engagement is None:
        raise refusals.ENGAGEMENT_NOT_FOUND.error(id=engagement_id)
    return engagement


def _may_read(actor: Actor, engagement: Engagement) -> bool:
    return (
        actor.is_operator
        or actor.user_id == engagement.employee_user_id
        or actor.has_role(engagement.host_company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
        or actor.has_role(engagement.lender_company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)
    )


async def _texts(repos: Repositories, engagement: Engagement) -> dict[str, str]:
    companies = await repos.companies.get_many([engagement.host_company_id])
    employee = await repos.employees.get(engagement.employee_id)
    need = await repos.needs.get(engagement.need_id)
    assert employee is not None
    assert need is not None
    return {
        "employee": employee.full_name,
        "host": companies[engagement.host_company_id].name,
        "need": need.title,
        "hours": formatting.hours(engagement.planned_minutes),
    }
