"""French pages: home, login form with session cookie, dashboard, needs; errors as pages."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import PASSWORD, door_token, sign_up

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
        "/connexion",
        data={"email": admin.email, "password": "bad-pass", "_csrf": await door_token(client)},
        headers=HTML,
    )
    assert refused.status_code == 401 and "incorrect" in refused.text
    response = await client.post(
        "/connexion",
        data={"email": admin.email, "password": PASSWORD, "_csrf": await door_token(client)},
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


async def test_error_pages_are_french_pages_with_the_logged_in_menu(client: Client) -> None:
    admin = await sign_up(name="Atelier Pages d'Erreur")
    other = await sign_up(name="Atelier Voisin")
    logged_in = await client.post(
        "/connexion",
        data={"email": admin.email, "password": PASSWORD, "_csrf": await door_token(client)},
        headers=HTML,
        follow_redirects=False,
    )
    assert logged_in.status_code == 303
    missing = await client.get("/nulle-part/ici", headers=HTML)
    assert missing.status_code == 404
    assert "Page introuvable" in missing.text and "Se déconnecter" in missing.text
    # Another company's page: refused in French, with the menu, whatever page it is.
    forbidden = await client.get(f"/api/v1/companies/{other.company_id}/employees", headers=HTML)
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith("application/json")
    unknown_api = await client.get("/api/v1/nulle-part", headers=HTML)
    assert unknown_api.status_code == 404 and unknown_api.json()["code"] == "not_found"


async def test_login_page_refuses_to_send_people_to_another_site(client: Client) -> None:
    admin = await sign_up(name="Atelier Redirection")
    response = await client.post(
        "/connexion",
        data={
            "email": admin.email,
            "password": PASSWORD,
            "suivant": "//ailleurs.example/x",
            "_csrf": await door_token(client),
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/tableau-de-bord"
