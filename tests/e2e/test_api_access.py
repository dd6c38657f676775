"""Who may call what: anonymous callers, other companies, colleagues, CSRF on cookie writes."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from tests.helpers import PASSWORD, company_json, emailed_invitation_token, new_email, sign_up

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient

PUBLIC_ROUTES = {
    ("POST", "/api/v1/auth/signup"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/invitations/accept"),
    # The door's pages and the password reset: no session yet, by nature.
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    ("GET", "/inscription"),
    ("POST", "/inscription"),
    ("GET", "/inscription/siren"),
    ("GET", "/invitation"),
    ("POST", "/invitation"),
    ("GET", "/mot-de-passe-oublie"),
    ("POST", "/mot-de-passe-oublie"),
    ("GET", "/reinitialiser"),
    ("POST", "/reinitialiser"),
    ("GET", "/healthz"),
    ("GET", "/"),
    ("GET", "/connexion"),
    ("POST", "/connexion"),
    ("GET", "/feeds/rotations/{token:str}"),  # The secret token in the URL is the credential.
    # The open-source contract templates the programme publishes.
    ("GET", "/api/v1/templates"),
    ("GET", "/api/v1/templates/{template_id:str}"),
    ("GET", "/api/v1/templates/{template_id:str}/source"),
    ("GET", "/api/v1/templates/{template_id:str}/sample.pdf"),
    ("GET", "/templates"),
    ("GET", "/api/v1/trainings/ratings"),  # The programme publishes trainings' ratings.
    ("GET", "/formations/avis"),  # The same ratings as a page, with anonymous comments.
    # Any other address answers the French 404 page (with the menu when logged in).
    ("GET", "/{rest:path}"),
}


def _routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        path = route.path
        if path.startswith(("/schema", "/static")):
            continue
        for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


async def test_anonymous_calls_are_refused_everywhere_except_the_public_routes(
    app: Litestar, client: Client
) -> None:
    routes = _routes(app)
    assert len(routes) >= 30
    for method, path in routes:
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        response = await client.request(
            method, concrete, json={}, headers={"accept": "application/json"}
        )
        if (method, path) in PUBLIC_ROUTES:
            # A public route may refuse bad credentials, never for want of a session.
            is_json = response.headers.get("content-type", "").startswith("application/json")
            body = response.json() if is_json else None
            assert not (isinstance(body, dict) and body.get("code") == "not_authenticated"), path
        else:
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["code"] == "not_authenticated"


async def _bearer(client: Client, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_admin_cannot_read_or_change_another_companys_private_data(client: Client) -> None:
    mine = await sign_up()
    theirs = await sign_up()
    headers = await _bearer(client, mine.email)
    other = theirs.company_id
    assert (
        await client.get(f"/api/v1/companies/{other}/employees", headers=headers)
    ).status_code == 403
    assert (
        await client.get(f"/api/v1/companies/{other}/expenses", headers=headers)
    ).status_code == 403
    response = await client.patch(
        f"/api/v1/companies/{other}", headers=headers, json=company_json(name="Piraté")
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_for_company"
    invite = {
        "email": new_email(),
        "full_name": "X",
        "job_title": "Y",
        "annual_gross_salary_cents": 100,
        "employer_charge_rate_basis_points": 0,
    }
    assert (
        await client.post(f"/api/v1/companies/{other}/employees", headers=headers, json=invite)
    ).status_code == 403
    assert (
        await client.post(
            f"/api/v1/companies/{other}/accountants",
            headers=headers,
            json={"email": new_email(), "full_name": "X"},
        )
    ).status_code == 403
    # The public directory record stays readable, as in any professional network.
    assert (await client.get(f"/api/v1/companies/{other}", headers=headers)).status_code == 200


async def test_employee_sees_own_salary_but_never_a_colleagues(client: Client) -> None:
    admin = await sign_up()
    admin_headers = await _bearer(client, admin.email)
    people = []
    for name in ("Léa", "Noé"):
        email = new_email(name.lower())
        response = await client.post(
            f"/api/v1/companies/{admin.company_id}/employees",
            headers=admin_headers,
            json={
                "email": email,
                "full_name": name,
                "job_title": "Chargée web",
                "annual_gross_salary_cents": 3_300_000,
                "employer_charge_rate_basis_points": 4200,
            },
        )
        assert response.status_code == 201, response.text
        body = response.json()
        accepted = await client.post(
            "/api/v1/auth/invitations/accept",
            json={
                "token": await emailed_invitation_token(body["employee"]["user_id"]),
                "password": "employee-password",
            },
        )
        assert accepted.status_code == 200
        people.append(
            (body["employee"]["id"], {"Authorization": f"Bearer {accepted.json()['token']}"})
        )
    (lea_id, lea_headers), (noe_id, _) = people
    own = await client.get(f"/api/v1/employees/{lea_id}", headers=lea_headers)
    assert own.json()["cost"]["hourly_cost_cents"] == 2916  # 46 860 € / 1 607 h = 29,160 €
    colleague = await client.get(f"/api/v1/employees/{noe_id}", headers=lea_headers)
    assert colleague.status_code == 403
    staff = await client.get(f"/api/v1/companies/{admin.company_id}/employees", headers=lea_headers)
    assert staff.status_code == 403
    as_admin = await client.get(f"/api/v1/employees/{noe_id}", headers=admin_headers)
    assert as_admin.json()["cost"]["annual_gross_salary_cents"] == 3_300_000


async def test_accountant_lists_only_its_clients(client: Client) -> None:
    first = await sign_up()
    await sign_up()
    email = new_email("cabinet")
    grant = await client.post(
        f"/api/v1/companies/{first.company_id}/accountants",
        headers=await _bearer(client, first.email),
        json={"email": email, "full_name": "Cabinet Test"},
    )
    assert grant.status_code == 201
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(grant.json()["accountant"]["id"]),
            "password": "cabinet-password",
        },
    )
    headers = {"Authorization": f"Bearer {accepted.json()['token']}"}
    clients = await client.get("/api/v1/accountant/clients", headers=headers)
    assert [c["id"] for c in clients.json()] == [first.company_id]
    staff = await client.get(f"/api/v1/companies/{first.company_id}/employees", headers=headers)
    assert staff.status_code == 200


async def test_cookie_writes_need_the_csrf_token_but_bearer_calls_do_not(client: Client) -> None:
    admin = await sign_up()
    login = await client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD}
    )
    csrf = login.json()["csrf_token"]
    assert "tb_session" in client.cookies
    body = company_json(name="Via cookie")
    refused = await client.patch(f"/api/v1/companies/{admin.company_id}", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    accepted = await client.patch(
        f"/api/v1/companies/{admin.company_id}", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert accepted.status_code == 200
    client.cookies.clear()
    bearer = await client.patch(
        f"/api/v1/companies/{admin.company_id}",
        json=body,
        headers={"Authorization": f"Bearer {login.json()['token']}"},
    )
    assert bearer.status_code == 200


async def test_logout_revokes_the_token(client: Client) -> None:
    admin = await sign_up()
    headers = await _bearer(client, admin.email)
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_an_inviter_never_holds_the_invitation_link(client: Client) -> None:
    """Whoever holds an invitation's link chooses the account's password. Were it handed to the
    inviter, one company's admin could invite an address it does not own, take the account,
    and read another company's books once that company granted the same address access."""
    admin = await sign_up()
    headers = await _bearer(client, admin.email)
    employee = await client.post(
        f"/api/v1/companies/{admin.company_id}/employees",
        headers=headers,
        json={
            "email": new_email("invitee"),
            "full_name": "Lou Invitée",
            "job_title": "Chargée web",
            "annual_gross_salary_cents": 3_300_000,
            "employer_charge_rate_basis_points": 4200,
        },
    )
    accountant = await client.post(
        f"/api/v1/companies/{admin.company_id}/accountants",
        headers=headers,
        json={"email": new_email("cabinet"), "full_name": "Cabinet Invité"},
    )
    for answer, user_id in (
        (employee, employee.json()["employee"]["user_id"]),
        (accountant, accountant.json()["accountant"]["id"]),
    ):
        assert answer.status_code == 201, answer.text
        assert answer.json()["invitation_sent"] is True
        token = await emailed_invitation_token(user_id)
        assert len(token) > 20
        assert token not in answer.text
