"""French pages: home, login form with session cookie, dashboard, needs; errors as pages."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import PASSWORD, sign_up

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
HTML = {"accept": "text/html"}


async def test_home_page_is_in_french(client: Client) -> None:
    response = await client.get("/", headers=HTML)
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Échangez des compétences numériques" in response.text


async def test_login_form_opens_a_session_and_shows_the_dashboard(client: Client) -> None:
    admin = await sign_up(name="Atelier Mosaïque")
    refused = await client.post(
        "/connexion", data={"email": admin.email, "password": "bad-pass"}, headers=HTML
    )
    assert refused.status_code == 401 and "incorrect" in refused.text
    response = await client.post(
        "/connexion",
        data={"email": admin.email, "password": PASSWORD},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/tableau-de-bord"
    dashboard = await client.get("/tableau-de-bord", headers=HTML)
    assert dashboard.status_code == 200 and "Atelier Mosaïque" in dashboard.text
    needs = await client.get("/besoins", headers=HTML)
    assert needs.status_code == 200 and "Besoins ouverts" in needs.text
    logout_without_token = await client.post("/deconnexion", data={}, headers=HTML)
    assert logout_without_token.status_code == 403


async def test_private_page_redirects_anonymous_visitors_to_login(client: Client) -> None:
    response = await client.get("/tableau-de-bord", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=%2Ftableau-de-bord"


async def test_health_and_openapi(client: Client) -> None:
    health = await client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/needs" in paths and "/api/v1/companies/{company_id}/employees" in paths
