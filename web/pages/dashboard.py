"""The dashboard: « À faire » first, then the person's companies and figures."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from timebank.people.model import Role
from timebank.todo.use_cases import dashboard_of
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import render


class DashboardPages(Controller):
    include_in_schema = False

    @get("/tableau-de-bord")
    async def dashboard(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor, now: Now
    ) -> Template:
        found = await dashboard_of(uow, actor, today=now.date())
        return render(
            request,
            "dashboard.html",
            todo=found.todo,
            companies=[{"company": c, "roles": roles} for c, roles in found.companies],
            mine=found.mine,
            shared_cdo=found.shared_cdo,
            Role=Role,
        )
