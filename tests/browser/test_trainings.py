"""Trainings from the browser: the employee logs one with its skill domain and the link to the
employer's digital-transformation plan (bad input refused beside its field, nothing stored), the
employer's admin sees the plan's link and approves it, the employee rates it, and the public
page, searched by provider and by skill domain, shows its average, domain and comment, with no
name, no company and no plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import world
from tests.helpers import PASSWORD, now

pytestmark = pytest.mark.anyio
EMPLOYEE_PASSWORD = "employee-password"
PLAN = "https://intranet.exemple.fr/plan-2026#axe-2"
MARKETING = "Marketing digital (SEO, SEA, réseaux sociaux, e-mailing)"


async def _stored(
    client: httpx.AsyncClient, headers: dict[str, str], employee_id: int
) -> list[Any]:
    listed = await client.get(f"/api/v1/employees/{employee_id}/trainings", headers=headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json())


@pytest.mark.slow
async def test_a_training_is_logged_approved_rated_and_published_without_names(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    today = now().date()
    title = "Référencement naturel avancé"
    provider = f"Atelier Numérique {uuid4().hex[:6]}"

    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-formations")
    await check_page(page, "trainings-mine")
    await page.get_by_label("Intitulé de la formation").fill(title)
    await page.get_by_label("Organisme de formation").fill(provider)
    await page.get_by_label("Premier jour").fill((today - timedelta(days=3)).isoformat())
    await page.get_by_label("Dernier jour").fill((today - timedelta(days=2)).isoformat())
    await page.get_by_label("Durée de la formation").fill("beaucoup")
    await page.get_by_role("button", name="Déclarer la formation").click()
    assert "illisible" in await page.locator("#minutes-error").inner_text()
    assert await page.get_by_label("Organisme de formation").input_value() == provider
    await check_page(page, "trainings-mine-refused")
    assert await _stored(client, w.employee.headers, w.employee_id) == []

    await page.get_by_label("Durée de la formation").fill("14 h")
    await page.get_by_label("Domaine de compétences").select_option(label=MARKETING)
    plan_link = page.get_by_label("Lien vers le plan de transformation numérique")
    await plan_link.fill("www.exemple.fr/plan")
    await page.get_by_role("button", name="Déclarer la formation").click()
    assert "https://" in await page.locator("#plan_link-error").inner_text()
    assert await plan_link.input_value() == "www.exemple.fr/plan"
    assert await page.locator("#domain_code").input_value() == "marketing"
    await check_page(page, "trainings-mine-plan-refused")
    assert await _stored(client, w.employee.headers, w.employee_id) == []

    await plan_link.fill(PLAN)
    await page.get_by_label("Dernier jour").fill((today + timedelta(days=5)).isoformat())
    await page.get_by_role("button", name="Déclarer la formation").click()
    assert "une fois suivie" in await page.locator("#ends_on-error").inner_text()
    assert await _stored(client, w.employee.headers, w.employee_id) == []

    await page.get_by_label("Dernier jour").fill((today - timedelta(days=2)).isoformat())
    await page.get_by_role("button", name="Déclarer la formation").click()
    await page.wait_for_url("**/mes-formations?salarie=*")
    assert "elle attend la validation" in await page.get_by_role("status").inner_text()
    (stored,) = await _stored(client, w.employee.headers, w.employee_id)
    assert (stored["title"], stored["minutes"], stored["status"]) == (title, 14 * 60, "submitted")
    assert (stored["domain_code"], stored["plan_link"]) == ("marketing", PLAN)
    row = page.locator(f"#formation-{stored['id']}")
    assert MARKETING in await row.inner_text()
    assert "En attente de validation" in await row.inner_text()
    assert "14\xa0h" in await row.inner_text()

    await page.context.clear_cookies()
    await log_in(page, w.lender.email, PASSWORD)
    await page.goto(f"/entreprises/{w.lender.company_id}/formations")
    await check_page(page, "trainings-staff")
    staff_row = page.locator(f"#formation-{stored['id']}")
    assert "Inès Moreau" in await staff_row.inner_text()
    assert f"Domaine : {MARKETING}" in await staff_row.inner_text()
    assert await staff_row.get_by_role("link", name=PLAN).get_attribute("href") == PLAN
    await staff_row.get_by_role("button", name="Valider").click()
    await page.wait_for_url(f"**/entreprises/{w.lender.company_id}/formations?fait=*")
    assert "Validée par l'employeur" in await staff_row.inner_text()
    (approved,) = await _stored(client, w.lender.headers, w.employee_id)
    assert approved["status"] == "approved" and approved["cost_cents"] > 0

    await page.context.clear_cookies()
    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-formations")
    await page.get_by_role("link", name=f"Donner mon avis sur « {title} »").click()
    await page.wait_for_url(f"**/mes-formations/{stored['id']}/avis")
    await page.get_by_label("Commentaire (facultatif)").fill(
        "Très concret, applicable dès le lundi."
    )
    await page.get_by_role("button", name="Publier mon avis").click()
    assert "Note : champ obligatoire." in await page.locator("#rating-error").inner_text()
    await check_page(page, "trainings-rate-refused")
    (unrated,) = await _stored(client, w.employee.headers, w.employee_id)
    assert unrated["rating"] is None
    await page.locator("#rating").select_option("4")
    await page.get_by_role("button", name="Publier mon avis").click()
    await page.wait_for_url("**/mes-formations?salarie=*")
    assert "4 sur 5" in await page.locator(f"#formation-{stored['id']}").inner_text()
    (rated,) = await _stored(client, w.employee.headers, w.employee_id)
    assert (rated["rating"], rated["rating_comment"]) == (
        4,
        "Très concret, applicable dès le lundi.",
    )

    await page.context.clear_cookies()
    await page.goto("/formations/avis")
    await page.get_by_label("Organisme de formation").fill(provider)
    await page.get_by_role("button", name="Chercher").click()
    await page.wait_for_url("**/formations/avis?*")
    assert "1 formation(s) notée(s)" in await page.locator("#result-count").inner_text()
    card = page.locator("article.training-review")
    text = await card.inner_text()
    assert title in text and provider in text
    assert "4,0 sur 5" in text and "1 avis" in text
    assert "Très concret, applicable dès le lundi." in text
    whole = await page.locator("main").inner_text()
    for personal in ("Inès", "Moreau", "Agence Lumière", w.employee.email):
        assert personal not in whole
    await check_page(page, "trainings-public")

    await page.get_by_label("Domaine de compétences").select_option(label=MARKETING)
    await page.get_by_role("button", name="Chercher").click()
    await page.wait_for_url("**domaine=marketing*")
    assert "1 formation(s) notée(s)" in await page.locator("#result-count").inner_text()
    assert f"Domaine : {MARKETING}" in await card.inner_text()
    assert PLAN not in await page.content() and "intranet" not in await page.content()
    await check_page(page, "trainings-public-domain")
    await page.get_by_label("Domaine de compétences").select_option("security")
    await page.get_by_role("button", name="Chercher").click()
    await page.wait_for_url("**domaine=security*")
    assert "0 formation(s) notée(s)" in await page.locator("#result-count").inner_text()
    assert await page.locator("article.training-review").count() == 0
    await page.goto("/formations/avis?domaine=astrologie")
    assert "Domaine de compétences inconnu" in await page.locator("#domaine-error").inner_text()

    await page.goto("/formations/avis?organisme=" + "x" * 150)
    assert "Recherche trop longue" in await page.locator("#organisme-error").inner_text()
