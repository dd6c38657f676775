"""The dashboard opens on « À faire »: each person sees what waits for them, one click away."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import logged_training, propose, step, world
from tests.helpers import PASSWORD

pytestmark = pytest.mark.anyio


async def test_each_party_sees_its_turn_on_the_loan(page: Any, client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = int((await propose(client, w))["id"])

    await log_in(page, w.host.email, PASSWORD)
    todo = page.locator("section[aria-labelledby='a-faire']")
    await todo.get_by_role("link", name="Accepter ou refuser une mise à disposition").click()
    await page.wait_for_url(f"**/mises-a-disposition/{engagement_id}")
    await page.goto("/tableau-de-bord")
    await check_page(page, "dashboard-host")

    assert (await step(client, w.host, engagement_id, "accept")).status_code == 200
    await page.reload()
    assert "Rien ne vous attend" in await todo.inner_text()

    await page.context.clear_cookies()
    await log_in(page, w.lender.email, PASSWORD)
    assert "Approuver le prêt d'un de vos salariés" in await todo.inner_text()

    assert (await step(client, w.lender, engagement_id, "approve")).status_code == 200
    await page.context.clear_cookies()
    await log_in(page, w.employee.email, "employee-password")
    text = await todo.inner_text()
    assert "Donner ou refuser votre accord écrit" in text
    assert "Signer les documents" in text
    await check_page(page, "dashboard-employee")


async def test_the_employers_admin_goes_from_a_faire_to_the_training_and_validates_it(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    await logged_training(client, w, "Campagnes e-mailing")

    await log_in(page, w.lender.email, PASSWORD)
    todo = page.locator("section[aria-labelledby='a-faire']")
    link = todo.get_by_role("link", name="Valider ou refuser des formations de vos salariés")
    await link.focus()
    await check_page(page, "dashboard-training-to-validate")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/entreprises/{w.lender.company_id}/formations")
    await page.get_by_role("button", name="Valider « Campagnes e-mailing »").focus()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert "Validée par l'employeur" in await page.locator("main").inner_text()
    await page.goto("/tableau-de-bord")
    assert "formations de vos salariés" not in await todo.inner_text()
    # The host's admin has nothing of the lender's staff to validate.
    await page.context.clear_cookies()
    await log_in(page, w.host.email, PASSWORD)
    assert "formations de vos salariés" not in await todo.inner_text()
