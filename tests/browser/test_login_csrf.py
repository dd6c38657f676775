"""Login CSRF: the login form works as a person uses it, and a form of another page that posts
someone's credentials to /connexion logs this browser into nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import check_page, log_in
from tests.helpers import PASSWORD, sign_up

pytestmark = pytest.mark.anyio


async def test_a_login_form_of_another_page_is_refused_and_the_real_one_logs_in(
    page: Any, live_server: str
) -> None:
    attacker = await sign_up(name="Atelier de l'Attaquant")
    # Another page's form, posting the attacker's credentials to the service (no door token).
    await page.set_content(
        f'<form method="post" action="{live_server}/connexion">'
        f'<input name="email" value="{attacker.email}">'
        f'<input name="password" value="{PASSWORD}">'
        '<button type="submit">Envoyer</button></form>'
    )
    await page.get_by_role("button", name="Envoyer").click()
    await page.wait_for_load_state("load")
    assert "Jeton anti-CSRF absent ou invalide" in await page.locator("main").inner_text()
    await check_page(page, "connexion-csrf-refusee")
    # Nothing was opened: the private pages still ask to log in.
    await page.goto("/tableau-de-bord")
    assert "/connexion" in page.url

    person = await sign_up(name="Atelier de la Personne")
    await log_in(page, person.email, PASSWORD)
    assert page.url.endswith("/tableau-de-bord")
    assert "Atelier de la Personne" in await page.locator("main").inner_text()
