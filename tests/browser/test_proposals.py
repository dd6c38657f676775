"""Matching proposals in the browser: the lender's admin reads why its employee was proposed
and accepts (a loan is proposed), the host's admin accepts that loan; the employee declines
another with a reason that both admins then read."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import World, operator, rare_need_and_volunteer, world
from tests.helpers import PASSWORD

pytestmark = pytest.mark.anyio

EMPLOYEE_PASSWORD = "employee-password"


async def proposal_for(client: httpx.AsyncClient, w: World, skill: str) -> dict[str, Any]:
    """A need of the host only this world's employee can serve, matched by the operator.

    Each test asks its own rare skill, so no other test's volunteer competes for it.
    """
    need_id = await rare_need_and_volunteer(client, w, skill, level=4, title=f"Projet {skill}")
    ops = await operator(client)
    run = await client.post("/api/v1/matching/run", headers=ops.headers)
    assert run.status_code == 200, run.text
    listed = await client.get(
        "/api/v1/matching/proposals?status=proposed", headers=w.employee.headers
    )
    found = [p for p in listed.json()["items"] if p["need_id"] == need_id]
    assert len(found) == 1, listed.text
    return dict(found[0])


async def _proposal(client: httpx.AsyncClient, party_headers: dict[str, str], pid: int) -> Any:
    listed = await client.get("/api/v1/matching/proposals?limit=200", headers=party_headers)
    return next(p for p in listed.json()["items"] if p["id"] == pid)


async def test_lender_accepts_with_the_reasons_in_words_then_the_host_accepts_the_loan(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client, approved_minutes=20 * 60)
    proposal = await proposal_for(client, w, "warehouse-software")
    card = page.locator(f"#proposition-{proposal['id']}")

    await log_in(page, w.lender.email, PASSWORD)
    await page.goto(f"/entreprises/{w.lender.company_id}/propositions?cote=pret")
    text = await card.inner_text()
    assert "Inès Moreau pour « Projet warehouse-software »" in text
    assert "Choix d'un logiciel de gestion d'entrepôt (WMS)" in text
    assert "niveau 4 — Expert (demandé : au moins 2 — Pratique)" in text
    assert "Travail à distance possible" in text
    assert "20\u00a0h proposées" in text
    assert "À examiner" in text
    await check_page(page, "proposals-inbox-lender")
    await card.get_by_role("button", name="Accepter et proposer la mise à disposition").click()
    await page.wait_for_url("**?fait=proposition_acceptee")
    assert "la mise à disposition est proposée" in await page.locator(".notice").inner_text()
    stored = await _proposal(client, w.lender.headers, proposal["id"])
    assert stored["status"] == "accepted"
    loan = await client.get(
        f"/api/v1/engagements/{stored['engagement_id']}", headers=w.lender.headers
    )
    assert (loan.json()["status"], loan.json()["planned_minutes"]) == ("proposed", 20 * 60)
    assert "Acceptée" in await card.inner_text()
    assert await card.get_by_role("button").count() == 0  # Nothing left for the lender here.

    await page.context.clear_cookies()
    await log_in(page, w.host.email, PASSWORD)
    await page.goto(f"/entreprises/{w.host.company_id}/propositions?cote=accueil")
    assert "Mise à disposition : Proposée" in await card.inner_text()
    await check_page(page, "proposals-inbox-host")
    await card.get_by_role("button", name="Accepter la mise à disposition").click()
    await page.wait_for_url("**?fait=proposition_accueil")
    loan = await client.get(
        f"/api/v1/engagements/{stored['engagement_id']}", headers=w.host.headers
    )
    assert loan.json()["status"] == "accepted_by_host"
    assert "Acceptée par l'entreprise d'accueil" in await card.inner_text()


async def test_employee_declines_with_a_reason_the_admins_then_read(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client, approved_minutes=20 * 60)
    proposal = await proposal_for(client, w, "property-management-software")
    card = page.locator(f"#proposition-{proposal['id']}")

    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-propositions")
    text = await card.inner_text()
    assert "« Projet property-management-software » chez Fromagerie du Val" in text
    assert "du 01/12/2026 au 28/02/2027" in text
    lender_button = card.get_by_role("button", name="Accepter et proposer la mise à disposition")
    assert await lender_button.count() == 0
    await check_page(page, "proposals-mine")
    await card.get_by_text("Décliner cette proposition").click()
    await card.get_by_role("button", name="Décliner", exact=True).click()
    await page.wait_for_load_state("load")
    error = page.locator(f"#reason-{proposal['id']}-error")
    assert "Indiquez le motif" in await error.inner_text()
    assert (await _proposal(client, w.employee.headers, proposal["id"]))["status"] == "proposed"
    await check_page(page, "proposals-mine-refused")

    reason = "Déjà pris par un autre projet jusqu'en mars."
    await page.locator(f"#reason-{proposal['id']}").fill(reason)
    await card.get_by_role("button", name="Décliner", exact=True).click()
    await page.wait_for_url("**?fait=proposition_declinee")
    stored = await _proposal(client, w.employee.headers, proposal["id"])
    assert (stored["status"], stored["decline_reason"]) == ("declined", reason)
    assert f"Motif du refus : {reason}" in await card.inner_text()

    for admin in (w.host, w.lender):
        await page.context.clear_cookies()
        await log_in(page, admin.email, PASSWORD)
        await page.goto(f"/entreprises/{admin.company_id}/propositions?statut=declined")
        assert f"Motif du refus : {reason}" in await card.inner_text()
        assert await card.get_by_role("button").count() == 0


async def test_an_employee_cannot_decline_someone_elses_proposal(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client, approved_minutes=20 * 60)
    proposal = await proposal_for(client, w, "document-digitisation")
    other = await world(client)
    await log_in(page, other.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-propositions")
    assert await page.locator(f"#proposition-{proposal['id']}").count() == 0
    token = await page.locator("input[name=_csrf]").first.input_value()
    response = await page.request.post(
        f"/mes-propositions/{proposal['id']}/decliner",
        form={"reason": "Pas pour moi", "_csrf": token},
    )
    assert response.status == 404
    assert (await _proposal(client, w.employee.headers, proposal["id"]))["status"] == "proposed"
    response = await page.goto(f"/entreprises/{w.lender.company_id}/propositions")
    assert response is not None and response.status == 403
