"""Sign-up and password reset give the same answer whether the e-mail has an account or not;
the e-mail sent to the address says what happened."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import PASSWORD, company_json, door_token, new_email, new_siren, sign_up
from timebank.db.tables import CompanyTable, OutboxTable, UserTable
from timebank.notifications.model import Kind

pytestmark = pytest.mark.anyio
HTML = {"accept": "text/html"}


async def outbox_kinds(email: str) -> list[str]:
    user = await UserTable.select(UserTable.id).where(UserTable.email == email).first()
    assert user is not None
    rows = await OutboxTable.select(OutboxTable.kind).where(OutboxTable.user == user["id"])
    return [str(row["kind"]) for row in rows]


def without_email(body: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in body.items() if key != "email"}


async def test_api_sign_up_answers_alike_for_a_known_address_and_tells_its_owner(
    client: httpx.AsyncClient,
) -> None:
    owner = await sign_up(name="Atelier Déjà Là")
    fresh_email = new_email("nouvelle")
    answers = []
    for email in (fresh_email, owner.email):
        siren = new_siren()
        answers.append(
            await client.post(
                "/api/v1/auth/signup",
                json={
                    "email": email,
                    "password": PASSWORD,
                    "full_name": "Qui Que Ce Soit",
                    "company": company_json(siren=siren, name="Entreprise Essai"),
                },
            )
        )
    new, known = answers
    assert (new.status_code, known.status_code) == (202, 202)
    assert without_email(new.json()) == without_email(known.json())
    assert known.json()["email"] == owner.email
    # Nothing was created for the known address: its SIREN stays unknown.
    assert await CompanyTable.count().where(CompanyTable.siren == siren) == 0
    assert Kind.SIGNUP_EXISTING_ACCOUNT.value in await outbox_kinds(owner.email)
    assert Kind.SIGNUP_WELCOME.value in await outbox_kinds(fresh_email)
    logged_in = await client.post(
        "/api/v1/auth/login", json={"email": fresh_email, "password": PASSWORD}
    )
    assert logged_in.status_code == 200
    client.cookies.clear()


async def test_sign_up_page_answers_alike_for_a_known_address(client: httpx.AsyncClient) -> None:
    owner = await sign_up(name="Atelier Page Connue")
    answers = []
    for email in (new_email("page-nouvelle"), owner.email):
        form = {
            "full_name": "Qui Que Ce Soit",
            "email": email,
            "password": PASSWORD,
            **{key: str(value) for key, value in company_json(siren=new_siren()).items()},
            "_csrf": await door_token(client, "/inscription"),
        }
        answers.append(
            await client.post("/inscription", data=form, headers=HTML, follow_redirects=False)
        )
    new, known = answers
    assert (new.status_code, known.status_code) == (303, 303)
    assert (
        new.headers["location"]
        == known.headers["location"]
        == ("/connexion?fait=inscription_recue")
    )
    assert "tb_session" not in new.cookies and "tb_session" not in known.cookies
    assert Kind.SIGNUP_EXISTING_ACCOUNT.value in await outbox_kinds(owner.email)


async def test_sign_up_page_needs_its_door_token(client: httpx.AsyncClient) -> None:
    email = new_email("sans-jeton")
    form = {"full_name": "Sans Jeton", "email": email, "password": PASSWORD}
    form |= {key: str(value) for key, value in company_json().items()}
    refused = await client.post("/inscription", data=form, headers=HTML)
    assert refused.status_code == 403
    assert await UserTable.count().where(UserTable.email == email) == 0


async def test_password_reset_answers_alike_for_known_and_unknown_addresses(
    client: httpx.AsyncClient,
) -> None:
    owner = await sign_up(name="Atelier Oublieux")
    unknown_email = new_email("personne")
    api = [
        await client.post("/api/v1/auth/password-reset", json={"email": email})
        for email in (unknown_email, owner.email)
    ]
    assert [r.status_code for r in api] == [202, 202]
    assert api[0].content == api[1].content
    pages = []
    for email in (unknown_email, owner.email):
        token = await door_token(client, "/mot-de-passe-oublie")
        pages.append(
            await client.post(
                "/mot-de-passe-oublie",
                data={"email": email, "_csrf": token},
                headers=HTML,
                follow_redirects=False,
            )
        )
    assert [r.status_code for r in pages] == [303, 303]
    assert pages[0].headers["location"] == pages[1].headers["location"]
    assert pages[0].content == pages[1].content
    assert Kind.PASSWORD_RESET.value in await outbox_kinds(owner.email)
