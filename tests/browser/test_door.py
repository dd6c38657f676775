"""The door: login and back to the page asked for, logout, error pages, offline assets."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import check_page, log_in
from tests.helpers import PASSWORD, sign_up

pytestmark = pytest.mark.anyio


async def test_a_page_asked_while_logged_out_comes_back_after_login(page: Any) -> None:
    admin = await sign_up(name="Atelier Porte d'Entrée")
    await page.goto("/besoins?page=2")
    assert "/connexion" in page.url
    await check_page(page, "connexion")
    await page.get_by_label("Adresse e-mail").fill(admin.email)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url("**/besoins?page=2")
    await page.goto("/connexion")
    assert page.url.endswith("/tableau-de-bord")
    await check_page(page, "tableau-de-bord")


async def test_wrong_password_is_refused_in_french_and_keeps_the_email(page: Any) -> None:
    admin = await sign_up(name="Atelier Mot de Passe")
    await page.goto("/connexion")
    await page.get_by_label("Adresse e-mail").fill(admin.email)
    await page.get_by_label("Mot de passe").fill("pas-le-bon")
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_load_state("load")
    assert "incorrect" in (await page.locator("#login-error").inner_text())
    assert await page.get_by_label("Adresse e-mail").input_value() == admin.email


async def test_error_pages_are_french_with_the_menu(page: Any) -> None:
    admin = await sign_up(name="Atelier Erreurs")
    await log_in(page, admin.email, PASSWORD)
    response = await page.goto("/page-qui-n-existe-pas")
    assert response is not None and response.status == 404
    assert await page.get_by_role("heading", name="Page introuvable").is_visible()
    assert await page.locator("summary", has_text="Menu").is_visible()
    await check_page(page, "erreur-404")


async def test_out_of_range_page_shows_the_last_page(page: Any) -> None:
    admin = await sign_up(name="Atelier Pagination")
    await log_in(page, admin.email, PASSWORD)
    await page.goto("/besoins?page=99999")
    body = await page.locator("main").inner_text()
    assert "page 99999" not in body.lower() and "1000" not in body


async def test_api_documentation_works_offline(page: Any) -> None:
    await page.goto("/schema")
    await page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert "Bourse de temps" in await page.locator(".swagger-ui .info").inner_text()
