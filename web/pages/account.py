"""Pages of the door: company sign-up, invitations, password reset, notifications.

The door's forms carry this browser's pre-session CSRF token (`web/auth.py`) and are throttled
(`web/throttle.py`); sign-up answers the same whether the address has an account or not.
"""

from __future__ import annotations

import re
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank import rules
from timebank.companies.model import HeadcountBand
from timebank.companies.use_cases import CompanyInput
from timebank.errors import TimebankError
from timebank.notifications import use_cases as notification_use_cases
from timebank.notifications.model import Notification
from timebank.people import use_cases as people_use_cases
from timebank.people.use_cases import SirenLookup, SirenStatus
from web import vocabulary
from web.auth import SESSION_COOKIE, check_door_csrf, door_csrf_token, with_door_csrf_cookie
from web.controllers.auth import session_response
from web.dependencies import AppSettings, CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    PAGE_SIZE,
    PUBLIC,
    checked,
    clamped_page,
    is_htmx,
    page_number,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
)
from web.throttle import Action, client_address, throttle_of

NOTICES.update(
    {
        "invitation_acceptee": "Mot de passe enregistré : bienvenue dans la bourse de temps.",
        "inscription_recue": (
            "Inscription reçue : un e-mail est envoyé à l'adresse indiquée. Si elle n'avait pas "
            "encore de compte, le compte est créé : connectez-vous avec le mot de passe choisi."
        ),
    }
)

TOKEN_TEXT_LENGTH_MAX: Final = 200
PASSWORD_TEXT_LENGTH_MAX: Final = 1000
COMPANY_FIELDS: Final = (
    "siren",
    "name",
    "address",
    "postal_code",
    "city",
    "headcount_band",
    "naf_code",
    "has_cse",
)
SIGNUP_FIELDS: Final = ("full_name", "email", "password", *COMPANY_FIELDS)
PASSWORD_FIELDS: Final = ("password", "password_confirmation")
PASSWORD_HELP: Final = (
    f"Entre {rules.PASSWORD_LENGTH_MIN} et {rules.PASSWORD_LENGTH_MAX} caractères ; "
    "une phrase de plusieurs mots est facile à retenir et difficile à deviner."
)


def headcount_options() -> list[tuple[str, str]]:
    return [(band.value, vocabulary.label("headcount", band)) for band in HeadcountBand]


def account_page(
    request: Request[Any, Any, Any],
    template_name: str,
    *,
    refusal: TimebankError | None = None,
    form: dict[str, Any] | None = None,
    **values: Any,
) -> Template:
    """An account page: the form's choices and password rule, the refusal if any, and this
    browser's door token in its form (and cookie)."""
    token = door_csrf_token(request)
    extras = {
        "password_help": PASSWORD_HELP,
        "headcounts": headcount_options(),
        "door_csrf": token,
        **values,
    }
    if refusal is not None:
        page = refused(request, template_name, refusal, form or {}, **extras)
    else:
        page = render(request, template_name, form=form or {}, **extras)
    with_door_csrf_cookie(page, token)
    return page


def company_input_of(form: FormMultiDict) -> CompanyInput:
    return CompanyInput(
        siren=text(form, "siren", length_max=30),
        name=text(form, "name"),
        address=text(form, "address"),
        postal_code=text(form, "postal_code", length_max=20),
        city=text(form, "city"),
        headcount_band=text(form, "headcount_band", length_max=20),
        naf_code=text(form, "naf_code", length_max=20) or None,
        has_cse=checked(form, "has_cse"),
    )


def without_passwords(values: dict[str, Any]) -> dict[str, Any]:
    """A refused form is refilled, but never with a password."""
    return {key: value for key, value in values.items() if key not in PASSWORD_FIELDS}


def prefilled(values: dict[str, Any], lookup: SirenLookup) -> dict[str, Any]:
    """The form with a pre-registered company's details in place of what was typed."""
    if lookup.status is not SirenStatus.PRE_REGISTERED or lookup.company is None:
        return {**values, "siren": lookup.siren}
    company = lookup.company
    return {
        **values,
        "siren": company.siren,
        "name": company.name,
        "address": company.address,
        "postal_code": company.postal_code,
        "city": company.city,
        "headcount_band": company.headcount_band.value,
        "naf_code": company.naf_code or "",
        "has_cse": "on" if company.has_cse else "",
    }


# Notifications point at the API resource they are about; a person follows the page showing it.
API_TO_PAGE: Final = (
    (re.compile(r"/api/v1/engagements/(\d+)(/timesheets)?"), "/mises-a-disposition/{0}"),
    (re.compile(r"/api/v1/matching/proposals\?company_id=(\d+)"), "/entreprises/{0}/propositions"),
    (re.compile(r"/api/v1/companies/(\d+)/exports/prepared"), "/entreprises/{0}/exports"),
    (re.compile(r"/api/v1/companies/(\d+)/cdo-allocations"), "/entreprises/{0}/cdo-mutualise"),
    (re.compile(r"/api/v1/companies/(\d+)"), "/entreprises/{0}"),
)


def page_link(link: str) -> str | None:
    """The page a notification leads to, or None when no page shows it (the API answers JSON)."""
    for pattern, page in API_TO_PAGE:
        found = pattern.fullmatch(link)
        if found:
            return page.format(*found.groups())
    local = link.startswith("/") and not link.startswith(("//", "/api/"))
    return link if local else None


def logged_in_redirect(target: str, response: Response[Any]) -> Redirect:
    """A 303 to `target` carrying the new session's cookie."""
    redirect = Redirect(target, status_code=303)
    redirect.cookies = response.cookies
    return redirect


class AccountPages(Controller):
    include_in_schema = False

    # Sign-up -------------------------------------------------------------------------------

    @get("/inscription", opt=PUBLIC)
    async def signup_page(self, request: Request[Any, Any, Any]) -> Template:
        return account_page(request, "account/signup.html", lookup=None)

    @get("/inscription/siren", opt=PUBLIC)
    async def signup_siren(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        siren: FromQuery[str | None] = None,
    ) -> Template:
        """What the programme knows of a SIREN, and a pre-registered company's details.

        htmx replaces the status under the SIREN (and, for a pre-registered company, the
        details out of band) without touching what the person is typing elsewhere; without
        JavaScript the whole page comes back.
        """
        values = {key: value for key, value in request.query_params.items() if key != "password"}
        if not is_htmx(request):
            try:
                lookup = await people_use_cases.look_up_siren(uow, siren=(siren or "")[:30])
            except TimebankError as refusal:
                return account_page(
                    request, "account/signup.html", refusal=refusal, form=values, lookup=None
                )
            return account_page(
                request, "account/signup.html", form=prefilled(values, lookup), lookup=lookup
            )
        try:
            lookup = await people_use_cases.look_up_siren(uow, siren=(siren or "")[:30])
        except TimebankError as refusal:
            # 200 even so: htmx swaps only successful answers, and the refusal is the answer.
            return render(
                request,
                "account/_siren_answer.html",
                refusal=refusal,
                form=values,
                lookup=None,
                htmx_answer=True,
            )
        return account_page(
            request,
            "account/_siren_answer.html",
            form=prefilled(values, lookup),
            lookup=lookup,
            htmx_answer=True,
        )

    @post("/inscription", opt=PUBLIC)
    async def signup_submit(
        self, request: Request[Any, Any, Any], uow: Uow, now: Now, settings: AppSettings
    ) -> Response[Any]:
        form = await read_form(request)
        check_door_csrf(request, form)
        values = without_passwords(values_of(form))
        template = "account/signup.html"
        if text(form, "verifier", length_max=10):
            # « Vérifier le SIREN » without JavaScript: the same form, prefilled if known.
            try:
                lookup = await people_use_cases.look_up_siren(
                    uow, siren=text(form, "siren", length_max=30)
                )
            except TimebankError as refusal:
                return account_page(request, template, refusal=refusal, form=values, lookup=None)
            return account_page(request, template, form=prefilled(values, lookup), lookup=lookup)
        email = text(form, "email", length_max=320)
        throttle_of(request).admit(Action.SIGNUP, email=email, address=client_address(request))
        try:
            # Nobody is logged in here: an address that already has an account gets the same
            # answer, and the e-mail tells its owner.
            await people_use_cases.sign_up_company_admin(
                uow,
                email=email,
                password=text(form, "password", length_max=PASSWORD_TEXT_LENGTH_MAX),
                full_name=text(form, "full_name"),
                company=company_input_of(form),
                now=now,
            )
        except TimebankError as refusal:
            return account_page(request, template, refusal=refusal, form=values, lookup=None)
        return see_other("/connexion", "inscription_recue")

    # Invitation ----------------------------------------------------------------------------

    @get("/invitation", opt=PUBLIC)
    async def invitation_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        now: Now,
        jeton: FromQuery[str | None] = None,
    ) -> Template:
        token = (jeton or "")[:TOKEN_TEXT_LENGTH_MAX]
        try:
            view = await people_use_cases.invitation_for(uow, token=token, now=now)
        except TimebankError as refusal:
            return account_page(
                request, "account/invitation.html", refusal=refusal, view=None, token=""
            )
        return account_page(request, "account/invitation.html", view=view, token=token)

    @post("/invitation", opt=PUBLIC)
    async def invitation_submit(
        self, request: Request[Any, Any, Any], uow: Uow, now: Now, settings: AppSettings
    ) -> Response[Any]:
        form = await read_form(request)
        check_door_csrf(request, form)
        throttle = throttle_of(request)
        address = client_address(request)
        throttle.refuse_if_over(Action.INVITATION, email=None, address=address)
        token = text(form, "token", length_max=TOKEN_TEXT_LENGTH_MAX)
        try:
            result = await people_use_cases.accept_invitation(
                uow,
                token=token,
                password=text(form, "password", length_max=PASSWORD_TEXT_LENGTH_MAX),
                confirmation=text(
                    form, "password_confirmation", length_max=PASSWORD_TEXT_LENGTH_MAX
                ),
                now=now,
                session_hours=settings.session_hours,
            )
        except TimebankError as refusal:
            if refusal.field == "token":
                throttle.count(Action.INVITATION, email=None, address=address)
            view = None
            if refusal.field != "token":
                # The page again with who is invited where, as it was before the refusal.
                try:
                    view = await people_use_cases.invitation_for(uow, token=token, now=now)
                except TimebankError as gone:
                    refusal = gone
            return account_page(
                request,
                "account/invitation.html",
                refusal=refusal,
                view=view,
                token=token if view else "",
            )
        return logged_in_redirect(
            "/tableau-de-bord?fait=invitation_acceptee", session_response(result, settings)
        )

    # Forgotten password --------------------------------------------------------------------

    @get("/mot-de-passe-oublie", opt=PUBLIC)
    async def forgotten_page(self, request: Request[Any, Any, Any]) -> Template:
        return account_page(request, "account/forgotten.html")

    @post("/mot-de-passe-oublie", opt=PUBLIC)
    async def forgotten_submit(
        self, request: Request[Any, Any, Any], uow: Uow, now: Now
    ) -> Response[Any]:
        form = await read_form(request)
        check_door_csrf(request, form)
        email = text(form, "email", length_max=320)
        throttle_of(request).admit(
            Action.PASSWORD_RESET, email=email, address=client_address(request)
        )
        try:
            await people_use_cases.request_password_reset(uow, email=email, now=now)
        except TimebankError as refusal:
            return account_page(
                request, "account/forgotten.html", refusal=refusal, form=values_of(form)
            )
        return see_other("/mot-de-passe-oublie", "lien_envoye")

    @get("/reinitialiser", opt=PUBLIC)
    async def reset_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        now: Now,
        jeton: FromQuery[str | None] = None,
    ) -> Template:
        token = (jeton or "")[:TOKEN_TEXT_LENGTH_MAX]
        try:
            email = await people_use_cases.password_reset_for(uow, token=token, now=now)
        except TimebankError as refusal:
            return account_page(
                request, "account/reset.html", refusal=refusal, email=None, token=""
            )
        return account_page(request, "account/reset.html", email=email, token=token)

    @post("/reinitialiser", opt=PUBLIC)
    async def reset_submit(
        self, request: Request[Any, Any, Any], uow: Uow, now: Now
    ) -> Response[Any]:
        form = await read_form(request)
        check_door_csrf(request, form)
        token = text(form, "token", length_max=TOKEN_TEXT_LENGTH_MAX)
        try:
            await people_use_cases.reset_password(
                uow,
                token=token,
                password=text(form, "password", length_max=PASSWORD_TEXT_LENGTH_MAX),
                confirmation=text(
                    form, "password_confirmation", length_max=PASSWORD_TEXT_LENGTH_MAX
                ),
                now=now,
            )
        except TimebankError as refusal:
            email = None
            if refusal.field != "token":
                try:
                    email = await people_use_cases.password_reset_for(uow, token=token, now=now)
                except TimebankError as gone:
                    refusal = gone
            return account_page(
                request,
                "account/reset.html",
                refusal=refusal,
                email=email,
                token=token if email else "",
            )
        # Every session of the person has ended, this browser's too.
        redirect = see_other("/connexion", "mot_de_passe")
        redirect.delete_cookie(SESSION_COOKIE, path="/")
        return redirect

    # Notifications -------------------------------------------------------------------------

    @get("/notifications")
    async def notifications(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        page: FromQuery[str | None] = None,
    ) -> Template:

        async def one_page(offset: int) -> Any:
            return await notification_use_cases.list_notifications(
                uow, actor, unread_only=False, limit=PAGE_SIZE, offset=offset
            )

        result, pagination = await clamped_page(page, PAGE_SIZE, one_page)
        return render(
            request,
            "account/notifications.html",
            result=result,
            pagination=pagination,
            page_link=page_link,
        )

    @post("/notifications/{notification_id:int}/lue")
    async def notification_read(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        notification_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        notification: Notification = await notification_use_cases.mark_read(
            uow, actor, notification_id, now=now
        )
        asked = page_number(text(form, "page", length_max=10))
        if is_htmx(request):
            return render(
                request,
                "account/_notification.html",
                n=notification,
                page=asked,
                page_link=page_link,
            )
        return see_other(f"/notifications?page={asked}", "notification")

    @post("/notifications/tout-lu")
    async def notifications_all_read(self, uow: Uow, actor: CurrentActor, now: Now) -> Redirect:
        await notification_use_cases.mark_all_read(uow, actor, now=now)
        return see_other("/notifications", "notifications")
