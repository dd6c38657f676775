"""Public pages and the door: home, login and logout, the open needs, the template catalogue."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from contracts.catalogue import TEMPLATES
from timebank.demo.load import demo_logins
from timebank.errors import NotAuthenticated, TooManyAttempts
from timebank.figures import network_figures
from timebank.geography import REGIONS
from timebank.indicators.use_cases import public_summary
from timebank.needs import use_cases as need_use_cases
from timebank.people import use_cases as people_use_cases
from timebank.people.model import Role
from timebank.skills import use_cases as skill_use_cases
from web import refusals
from web.auth import (
    SESSION_COOKIE,
    auth_info,
    check_door_csrf,
    door_csrf_token,
    optional_actor,
    with_door_csrf_cookie,
)
from web.controllers.auth import session_response
from web.dependencies import AppSettings, CurrentActor, Now, Uow
from web.pages.common import (
    NEXT_PARAMETER,
    PUBLIC,
    clamped_page,
    read_form,
    render,
    safe_next,
    text,
)
from web.throttle import Action, client_address, throttle_of

NEEDS_PAGE_SIZE = 30


def login_form(
    request: Request[Any, Any, Any],
    *,
    status_code: int = 200,
    error: str | None = None,
    next: str,
    email: str,
) -> Response[Any]:
    """The login page, its form carrying this browser's door token."""
    token = door_csrf_token(request)
    page = render(
        request,
        "login.html",
        status_code=status_code,
        error=error,
        next=next,
        email=email,
        door_csrf=token,
    )
    return with_door_csrf_cookie(page, token)


class PublicPages(Controller):
    include_in_schema = False

    @get("/", opt=PUBLIC)
    async def home(self, request: Request[Any, Any, Any], uow: Uow, now: Now) -> Template:
        figures = await network_figures(uow)
        summary = await public_summary(uow)
        logins = await demo_logins(uow, today=now.date())
        return render(request, "home.html", figures=figures, summary=summary, logins=logins)

    @get("/connexion", opt=PUBLIC)
    async def login_page(self, request: Request[Any, Any, Any]) -> Response[Any]:
        target = request.query_params.get(NEXT_PARAMETER)
        if optional_actor(request) is not None:
            return Redirect(safe_next(target), status_code=303)
        return login_form(request, next=safe_next(target), email="")

    @post("/connexion", opt=PUBLIC)
    async def login_submit(
        self, request: Request[Any, Any, Any], uow: Uow, now: Now, settings: AppSettings
    ) -> Response[Any]:
        """Log in; refused without this browser's door token (login CSRF), throttled."""
        form = await read_form(request)
        check_door_csrf(request, form)
        email = text(form, "email", length_max=320)
        target = safe_next(text(form, NEXT_PARAMETER, length_max=2000))
        throttle = throttle_of(request)
        address = client_address(request)
        try:
            async with throttle.login_attempt(email, address):
                try:
                    result = await people_use_cases.log_in(
                        uow,
                        email=email,
                        password=text(form, "password", length_max=1000),
                        now=now,
                        session_hours=settings.session_hours,
                    )
                except NotAuthenticated:
                    throttle.count(Action.LOGIN, email=email, address=address)
                    raise
        except NotAuthenticated as exc:
            return login_form(
                request, status_code=401, error=exc.message_fr, next=target, email=email
            )
        except TooManyAttempts as exc:
            response = login_form(
                request, status_code=429, error=exc.message_fr, next=target, email=email
            )
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
            return response
        session = session_response(result, settings)
        redirect = Redirect(target, status_code=303)
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

    @get("/{rest:path}", opt=PUBLIC)
    async def not_found(self, rest: FromPath[str]) -> None:
        """Any other address: the 404 page, with the menu of whoever is logged in."""
        raise refusals.PAGE_NOT_FOUND.error()

    @get("/templates", opt=PUBLIC)
    async def templates(self, request: Request[Any, Any, Any]) -> Template:
        """The open-source contract templates: sources and sample PDFs, without login."""
        return render(
            request, "templates.html", templates=[TEMPLATES[t] for t in sorted(TEMPLATES)]
        )

    @get("/besoins")
    async def needs(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        region: FromQuery[str | None] = None,
        competence: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        region = region or None
        competence = competence or None

        async def one_page(offset: int) -> Any:
            return await need_use_cases.list_needs(
                uow,
                actor,
                skill_code=competence,
                region=region,
                status="open",
                company_id=None,
                limit=NEEDS_PAGE_SIZE,
                offset=offset,
            )

        result, pagination = await clamped_page(page, NEEDS_PAGE_SIZE, one_page)
        skills = await skill_use_cases.list_skills(uow, domain_code=None)
        return render(
            request,
            "needs.html",
            result=result,
            regions=REGIONS,
            skills=skills,
            region=region,
            competence=competence,
            pagination=pagination,
            skill_labels={s.code: s.label_fr for s in skills},
            # The companies whose staff the person may put forward for a need of another.
            lends=actor.companies_with(Role.COMPANY_ADMIN),
        )
