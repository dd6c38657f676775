"""Sign-up, login (bearer token and session cookie), logout, invitations, password reset, the
current user.

The door's calls are throttled (`web/throttle.py`). Those that open a session take only
`application/json`: a cross-site HTML form cannot send that type without a CORS preflight, which
this service never grants, so no other site can log a browser in (login CSRF) through the API.
Sign-up answers the same whether the address has an account or not: the e-mail says which.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import JSONBody
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_202_ACCEPTED,
    HTTP_204_NO_CONTENT,
)

from timebank.companies.use_cases import CompanyInput
from timebank.errors import NotAuthenticated, TimebankError
from timebank.people import use_cases
from timebank.people.model import LoginResult
from web import refusals
from web.auth import SESSION_COOKIE, auth_info
from web.dependencies import AppSettings, CurrentActor, Now, Uow
from web.schemas import (
    CompanyIn,
    In,
    InvitationAcceptIn,
    LoginIn,
    MeOut,
    SessionOut,
    SignupIn,
)
from web.throttle import Action, client_address, throttle_of

PUBLIC = {"public": True}
SIGNUP_ANSWER_FR: Final = (
    "Inscription reçue : un e-mail est envoyé à cette adresse. Si elle n'avait pas encore de "
    "compte, le compte est créé : connectez-vous avec le mot de passe choisi."
)
SIGNUP_ANSWER_EN: Final = (
    "Sign-up received: an e-mail is on its way to this address. If it had no account yet, the "
    "account is created: log in with the password you chose."
)


class SignupAcceptedOut(In):
    """The same answer for a new address and for one that already has an account."""

    email: str
    message: str
    message_en: str


def require_json(request: Request[Any, Any, Any]) -> None:
    """Refuse a body that a cross-site HTML form could have sent."""
    if request.content_type[0] != RequestEncodingType.JSON:
        raise refusals.JSON_REQUIRED.error()


class PasswordResetIn(In):
    email: str


class PasswordResetConfirmIn(In):
    token: str
    password: str


def company_input(data: JSONBody[CompanyIn]) -> CompanyInput:
    return CompanyInput(
        siren=data.siren,
        name=data.name,
        address=data.address,
        postal_code=data.postal_code,
        city=data.city,
        headcount_band=data.headcount_band,
        naf_code=data.naf_code,
        has_cse=data.has_cse,
        latitude=data.latitude,
        longitude=data.longitude,
        vat_regime=data.vat_regime,
        vat_on_debits=data.vat_on_debits,
        vat_number=data.vat_number,
    )


def session_response(result: LoginResult, settings: AppSettings) -> Response[SessionOut]:
    """The token in the body (API clients) and in an HttpOnly cookie (pages)."""
    body = SessionOut(
        token=result.token,
        csrf_token=result.csrf_token,
        expires_at=result.expires_at,
        user=MeOut.of(result.actor),
    )
    return Response(
        body,
        cookies=[
            Cookie(
                key=SESSION_COOKIE,
                value=result.token,
                httponly=True,
                samesite="lax",
                secure=settings.cookie_secure,
                path="/",
                max_age=settings.session_hours * 3600,
            )
        ],
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["Authentification"]

    @post("/signup", opt=PUBLIC, status_code=HTTP_202_ACCEPTED)
    async def sign_up(
        self, request: Request[Any, Any, Any], data: JSONBody[SignupIn], uow: Uow, now: Now
    ) -> SignupAcceptedOut:
        """Register a company and its first admin, who then logs in.

        The answer is the same when the address already has an account: nothing is created
        then, and the address's owner is told by e-mail.
        """
        throttle_of(request).admit(Action.SIGNUP, email=data.email, address=client_address(request))
        await use_cases.sign_up_company_admin(
            uow,
            email=data.email,
            password=data.password,
            full_name=data.full_name,
            company=company_input(data.company),
            now=now,
        )
        return SignupAcceptedOut(
            email=data.email.strip().lower(),
            message=SIGNUP_ANSWER_FR,
            message_en=SIGNUP_ANSWER_EN,
        )

    @post("/login", opt=PUBLIC, status_code=HTTP_200_OK)
    async def log_in(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        uow: Uow,
        now: Now,
        settings: AppSettings,
    ) -> Response[SessionOut]:
        """Open a session: returns a bearer token and sets the session cookie.

        JSON only; after too many failures for the account or from the address, 429 with
        `Retry-After` until the window has moved on.
        """
        require_json(request)
        throttle = throttle_of(request)
        address = client_address(request)
        async with throttle.login_attempt(data.email, address):
            try:
                result = await use_cases.log_in(
                    uow,
                    email=data.email,
                    password=data.password,
                    now=now,
                    session_hours=settings.session_hours,
                )
            except NotAuthenticated:
                throttle.count(Action.LOGIN, email=data.email, address=address)
                raise
        return session_response(result, settings)

    @post("/invitations/accept", opt=PUBLIC, status_code=HTTP_200_OK)
    async def accept_invitation(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[InvitationAcceptIn],
        uow: Uow,
        now: Now,
        settings: AppSettings,
    ) -> Response[SessionOut]:
        """An invited person chooses a password and is logged in (JSON only).

        Refused tokens are counted per address (a colleague's acceptance from the same office
        is not): past the limit, 429 until the window has moved on.
        """
        require_json(request)
        throttle = throttle_of(request)
        address = client_address(request)
        throttle.refuse_if_over(Action.INVITATION, email=None, address=address)
        try:
            result = await use_cases.accept_invitation(
                uow,
                token=data.token,
                password=data.password,
                now=now,
                session_hours=settings.session_hours,
            )
        except TimebankError as refusal:
            if refusal.field == "token":
                throttle.count(Action.INVITATION, email=None, address=address)
            raise
        return session_response(result, settings)

    @post("/password-reset", opt=PUBLIC, status_code=HTTP_202_ACCEPTED)
    async def request_password_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[PasswordResetIn], uow: Uow, now: Now
    ) -> None:
        """E-mail a one-time link (valid one hour) if an account has this address.

        The answer is the same whether the address is known or not (throttled alike).
        """
        throttle_of(request).admit(
            Action.PASSWORD_RESET, email=data.email, address=client_address(request)
        )
        await use_cases.request_password_reset(uow, email=data.email, now=now)

    @post("/password-reset/confirm", opt=PUBLIC, status_code=HTTP_204_NO_CONTENT)
    async def confirm_password_reset(
        self, data: JSONBody[PasswordResetConfirmIn], uow: Uow, now: Now
    ) -> None:
        """Set the new password with the link's token; every session of the person ends."""
        await use_cases.reset_password(uow, token=data.token, password=data.password, now=now)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def log_out(
        self, request: Request[Any, Any, Any], uow: Uow, now: Now, actor: CurrentActor
    ) -> Response[None]:
        """Revoke the current session."""
        del actor
        token = auth_info(request).token
        if token:
            await use_cases.log_out(uow, token, now=now)
        response: Response[None] = Response(None, status_code=HTTP_204_NO_CONTENT)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/me")
    async def me(self, actor: CurrentActor) -> MeOut:
        """Who am I, and for which companies do I act."""
        return MeOut.of(actor)
