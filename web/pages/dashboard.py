"""The dashboard: « À faire » first, then the person's companies and figures."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from timebank.companies import use_cases as company_use_cases
from timebank.employees import use_cases as employee_use_cases
from timebank.people.model import Role
from timebank.todo.use_cases import todo_of
from web.dependencies import CurrentActor, Uow
from web.pages.common import render


class DashboardPages(Controller):
    include_in_schema = False

    @get("/tableau-de-bord")
    async def dashboard(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor
    ) -> Template:
        todo = await todo_of(uow, actor)
        roles_of: dict[int, list[Role]] = {}
        for company_id, role in sorted(actor.memberships):
            roles_of.setdefault(company_id, []).append(role)
        companies = [
            {
                "company": await company_use_cases.get_company(uow, actor, company_id),
                "roles": roles,
            }
            for company_id, roles in sorted(roles_of.items())
        ]
        mine = await employee_use_cases.my_employee_records(uow, actor)
        return render(
            request,
            "dashboard.html",
            todo=todo,
            companies=companies,
            mine=mine,
            Role=Role,
        )
