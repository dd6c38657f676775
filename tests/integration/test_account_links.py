"""One-time links on the real database: password reset, invitations by e-mail, and the first
admin of a company the operator pre-registered."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import timedelta

import httpx
import pytest

from tests.helpers import PASSWORD, company_input, new_email, new_siren, now, sign_up
from tests.integration.test_jobs_and_mail import SmtpServer
from timebank.companies.use_cases import create_company
from timebank.config import get_settings
from timebank.db.tables import OutboxTable, PasswordResetTable
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.errors import Conflict, InvalidInput
from timebank.notifications.model import TEXTS, Kind
from timebank.notifications.use_cases import list_notifications, send_pending
from timebank.people import use_cases as people
from timebank.people.model import Role

pytestmark = pytest.mark.anyio
NEW_PASSWORD = "un-nouveau-mot-de-passe"


async def links_of(user_id: int, kind: Kind) -> list[str]:
    rows = (
        await OutboxTable.select(OutboxTable.link)
        .where((OutboxTable.user == user_id) & (OutboxTable.kind == kind.value))
        .order_by(OutboxTable.id)
    )
    return [str(row["link"]) for row in rows]


def token_of(link: str) -> str:
    return link.split("jeton=", 1)[1]


async def test_a_reset_link_serves_once_closes_the_others_and_ends_every_session() -> None:
    admin = await sign_up()
    for _ in range(2):
        await people.request_password_reset(uow, email=admin.email.upper(), now=now())
    first, second = await links_of(admin.actor.user_id, Kind.PASSWORD_RESET)
    stored = await PasswordResetTable.select(PasswordResetTable.token_hash).where(
        PasswordResetTable.user == admin.actor.user_id
    )
    assert token_of(first) not in {row["token_hash"] for row in stored}  # Hashed at rest.
    assert await people.password_reset_for(uow, token=token_of(first), now=now()) == admin.email
    with pytest.raises(InvalidInput) as mismatch:
        await people.reset_password(
            uow, token=token_of(first), password=NEW_PASSWORD, confirmation="autre", now=now()
        )
    assert (mismatch.value.code, mismatch.value.field) == (
        "password_mismatch",
        "password_confirmation",
    )
    await people.reset_password(uow, token=token_of(first), password=NEW_PASSWORD, now=now())
    assert await people.actor_for_token(uow, admin.token, now=now()) is None
    for used in (first, second):
        with pytest.raises(InvalidInput) as caught:
            await people.reset_password(uow, token=token_of(used), password=PASSWORD, now=now())
        assert (caught.value.code, caught.value.field) == ("invalid_reset_token", "token")
    login = await people.log_in(
        uow, email=admin.email, password=NEW_PASSWORD, now=now(), session_hours=1
    )
    assert login.actor.user_id == admin.actor.user_id


async def test_reset_links_expire_after_an_hour_and_are_limited_per_hour() -> None:
    admin = await sign_up()
    asked_at = now()
    for _ in range(people.PASSWORD_RESETS_PER_HOUR_MAX + 2):
        await people.request_password_reset(uow, email=admin.email, now=asked_at)
    links = await links_of(admin.actor.user_id, Kind.PASSWORD_RESET)
    assert len(links) == people.PASSWORD_RESETS_PER_HOUR_MAX
    later = asked_at + timedelta(minutes=people.PASSWORD_RESET_MINUTES, seconds=1)
    with pytest.raises(InvalidInput):
        await people.password_reset_for(uow, token=token_of(links[0]), now=later)


async def test_unknown_address_and_api_answer_the_same() -> None:
    from web.app import create_app

    admin = await sign_up()
    transport = httpx.ASGITransport(app=create_app(manage_database=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://t.local") as client:
        known = await client.post("/api/v1/auth/password-reset", json={"email": admin.email})
        unknown = await client.post(
            "/api/v1/auth/password-reset", json={"email": new_email("personne")}
        )
        assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
        assert known.status_code == 202
        (link,) = await links_of(admin.actor.user_id, Kind.PASSWORD_RESET)
        bad = await client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": "faux", "password": NEW_PASSWORD},
        )
        assert (bad.status_code, bad.json()["code"]) == (422, "invalid_reset_token")
        good = await client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": token_of(link), "password": NEW_PASSWORD},
        )
        assert good.status_code == 204
        login = await client.post(
            "/api/v1/auth/login", json={"email": admin.email, "password": NEW_PASSWORD}
        )
        assert login.status_code == 200


async def test_one_time_links_are_e_mailed_then_cut_from_the_outbox_and_never_listed() -> None:
    admin = await sign_up()
    await people.request_password_reset(uow, email=admin.email, now=now())
    (link,) = await links_of(admin.actor.user_id, Kind.PASSWORD_RESET)
    page = await list_notifications(uow, admin.actor, unread_only=False, limit=50, offset=0)
    assert Kind.PASSWORD_RESET.value not in {n.kind for n in page.items}
    settings = get_settings()
    async with SmtpServer() as smtp:
        configured = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port)
        for _ in range(1000):  # The shared test database holds other tests' messages.
            if await send_pending(uow, configured, now=now()) == 0:
                break
    received = [email.message_from_string(m, policy=email.policy.default) for m in smtp.messages]
    # The sign-up's welcome message went out too.
    mine = [
        m
        for m in received
        if str(m["To"]) == admin.email and str(m["Subject"]) != TEXTS[Kind.SIGNUP_WELCOME][0]
    ]
    assert mine
    assert str(mine[0]["Subject"]) == "Réinitialisation de votre mot de passe"
    assert link in mine[0].get_content()  # type: ignore[attr-defined]
    assert await links_of(admin.actor.user_id, Kind.PASSWORD_RESET) == ["/reinitialiser"]


async def test_accountant_invitation_is_queued_with_its_link() -> None:
    admin = await sign_up(name="Cabinet Test Client")
    user, token = await people.grant_accountant(
        uow,
        admin.actor,
        admin.company_id,
        email=new_email("comptable"),
        full_name="Expert Comptable",
        now=now(),
    )
    assert token is not None
    assert await links_of(user.id, Kind.INVITATION) == [f"/invitation?jeton={token}"]
    view = await people.invitation_for(uow, token=token, now=now())
    assert (view.company_name, view.inviter_name) == ("Cabinet Test Client", "Camille Admin")


async def test_a_pre_registered_company_gets_one_first_admin_only() -> None:
    operator_email = new_email("operateur")
    await people.create_operator(
        uow, email=operator_email, password=PASSWORD, full_name="Opératrice", now=now()
    )
    operator = await people.log_in(
        uow, email=operator_email, password=PASSWORD, now=now(), session_hours=1
    )
    siren = new_siren()
    company = await create_company(
        uow, operator.actor, company_input(siren=siren, name="Pré-Inscrite"), now=now()
    )
    lookup = await people.look_up_siren(uow, siren=siren)
    assert lookup.status is people.SirenStatus.PRE_REGISTERED
    assert lookup.company is not None and lookup.company.name == "Pré-Inscrite"
    first = await people.sign_up_company_admin(
        uow,
        email=new_email("premier"),
        password=PASSWORD,
        full_name="Premier Admin",
        company=company_input(siren=siren, name="Pré-Inscrite SARL"),
        now=now(),
        session_hours=1,
    )
    assert first is not None
    assert first.claimed and first.company.id == company.id
    assert first.company.name == "Pré-Inscrite SARL"
    assert first.login is not None and first.login.actor.has_role(company.id, Role.COMPANY_ADMIN)
    assert (await people.look_up_siren(uow, siren=siren)).status is people.SirenStatus.TAKEN
    with pytest.raises(Conflict) as caught:
        await people.sign_up_company_admin(
            uow,
            email=new_email("second"),
            password=PASSWORD,
            full_name="Second Venu",
            company=company_input(siren=siren, name="Autre"),
            now=now(),
        )
    assert (caught.value.code, caught.value.field) == ("duplicate_siren", "siren")
    claims = await list_notifications(uow, operator.actor, unread_only=True, limit=50, offset=0)
    assert any(
        n.kind == Kind.COMPANY_CLAIMED.value and "Premier Admin" in n.body for n in claims.items
    )
