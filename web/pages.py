"""Server-rendered pages, in French: home, login, dashboard, needs."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel

from timebank import formatting
from timebank.companies import use_cases as company_use_cases
from timebank.demo.load import demo_logins
from timebank.employees import use_cases as employee_use_cases
from timebank.employees.model import hourly_cost_cents
from timebank.errors import NotAuthenticated
from timebank.figures import network_figures
from timebank.geography import REGIONS
from timebank.needs import use_cases as need_use_cases
from timebank.people import use_cases as people_use_cases
from timebank.people.model import Role
from timebank.skills import use_cases as skill_use_cases
from web.auth import SESSION_COOKIE, auth_info, optional_actor
from web.controllers.auth import session_response
from web.dependencies import AppSettings, CurrentActor, Now, Uow

PUBLIC = {"public": True}
ROLE_LABELS = {
    Role.EMPLOYEE: "Salarié·e",
    Role.COMPANY_ADMIN: "Administrateur·rice",
    Role.GROUP_COORDINATOR: "Coordinateur·rice de groupement",
    Role.ACCOUNTANT: "Expert-comptable",
    Role.OPERATOR: "Opérateur",
}


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""


def _context(request: Request[Any, Any, Any], **values: Any) -> dict[str, Any]:
    actor = optional_actor(request)
    return {
        "actor": actor,
        "csrf_token": auth_info(request).csrf_token,
        "fmt": formatting,
        "hourly_cost_cents": hourly_cost_cents,
        **values,
    }


class PageController(Controller):
    include_in_schema = False

    @get("/", opt=PUBLIC)
    async def home(self, request: Request[Any, Any, Any], uow: Uow, now: Now) -> Template:
        figures = await network_figures(uow)
        logins = await demo_logins(uow, today=now.date())
        return Template(
            template_name="home.html", context=_context(request, figures=figures, logins=logins)
        )

    @get("/connexion", opt=PUBLIC)
    async def login_page(self, request: Request[Any, Any, Any]) -> Template:
        return Template(template_name="login.html", context=_context(request, error=None))

    @post("/connexion", opt=PUBLIC)
    async def login_submit(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        now: Now,
        settings: AppSettings,
        data: URLEncodedBody[LoginForm],
    ) -> Response[Any]:
        try:
            result = await people_use_cases.log_in(
                uow,
                email=data.email,
                password=data.password,
                now=now,
                session_hours=settings.session_hours,
            )
        except NotAuthenticated as exc:
            return Template(
                template_name="login.html",
                status_code=401,
                context=_context(request, error=exc.message_fr),
            )
        session = session_response(result, settings)
        redirect = Redirect("/tableau-de-bord", status_code=303)
        redirect.cookies = session.cookies
        return redirect

    @post("/deconnexion")
    async def logout(self, request: Request[Any, Any, Any], uow: Uow, now: Now) -> Redirect:
        token = auth_info(request).token
        if token:
            await people_use_cases.log_out(uow, token, now=now)
        redirect = Redirect("/", status_code=303)
        redirect.delete_cookie(SESSION_COOKIE, path="/")
        return redirect

    @get("/tableau-de-bord")
    async def dashboard(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor
    ) -> Template:
        companies = []
        for company_id, role in sorted(actor.memberships):
            company = await company_use_cases.get_company(uow, actor, company_id)
            staff = None
            if role in (Role.COMPANY_ADMIN, Role.ACCOUNTANT):
                staff = await employee_use_cases.list_employees(
                    uow, actor, company_id, skill_code=None, level_min=1, limit=20, offset=0
                )
            needs = (
                await need_use_cases.list_needs(
                    uow,
                    actor,
                    skill_code=None,
                    region=None,
                    status=None,
                    company_id=company_id,
                    limit=20,
                    offset=0,
                )
                if role is Role.COMPANY_ADMIN
                else None
            )
            companies.append(
                {"company": company, "role": ROLE_LABELS[role], "staff": staff, "needs": needs}
            )
        mine = await employee_use_cases.my_employee_records(uow, actor)
        return Template(
            template_name="dashboard.html",
            context=_context(request, companies=companies, mine=mine, role_labels=ROLE_LABELS),
        )

    @get("/templates", opt=PUBLIC)
    async def templates(self, request: Request[Any, Any, Any]) -> Template:
        """The open-source contract templates: sources and sample PDFs, without login."""
        from contracts.catalogue import TEMPLATES

        return Template(
            template_name="templates.html",
            context=_context(request, templates=[TEMPLATES[t] for t in sorted(TEMPLATES)]),
        )

    @get("/besoins")
    async def needs(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        region: FromQuery[str | None] = None,
        competence: FromQuery[str | None] = None,
        page: FromQuery[int] = 1,
    ) -> Template:
        region = region or None
        competence = competence or None
        limit = 30
        page = max(1, min(page, 1000))
        result = await need_use_cases.list_needs(
            uow,
            actor,
            skill_code=competence,
            region=region,
            status="open",
            company_id=None,
            limit=limit,
            offset=(page - 1) * limit,
        )
        skills = await skill_use_cases.list_skills(uow, domain_code=None)
        return Template(
            template_name="needs.html",
            context=_context(
                request,
                result=result,
                regions=REGIONS,
                skills=skills,
                region=region,
                competence=competence,
                page=page,
                pages=max(1, -(-result.total // limit)),
                skill_labels={s.code: s.label_fr for s in skills},
            ),
        )
