"""A company admin's needs, in the browser: write a need with its skills, keep it as a draft,
edit it, publish it, close it; bad input refused beside its field with nothing stored."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import login
from tests.helpers import PASSWORD, row_counts, sign_up

pytestmark = pytest.mark.anyio


def by_id(page: Any, element_id: str) -> Any:
    """An element by its id, even one with brackets and dots (`skills[0].skill`)."""
    return page.locator(f'[id="{element_id}"]')


async def fill_need(page: Any, title: str, **overrides: str) -> None:
    """Fill the whole form with good values; `overrides` replace some by id."""
    values = {
        "title": title,
        "description": "Un site plus rapide, mieux référencé, avec une boutique.",
        "window_start": "2027-01-04",
        "window_end": "2027-03-26",
        "estimated_minutes": "20 h",
        "place_city": "Rennes",
        "place_postal_code": "35000",
        **overrides,
    }
    for element_id, value in values.items():
        await by_id(page, element_id).fill(value)
    await by_id(page, "skills[0].skill").select_option("seo")
    await by_id(page, "skills[0].min_level").select_option("2")
    await by_id(page, "skills[0].weight").fill("3")


async def test_admin_writes_a_draft_edits_publishes_and_closes_a_need(
    page: Any, client: httpx.AsyncClient
) -> None:
    admin = await sign_up(name="Atelier des Besoins")
    headers = await login(client, admin.email)
    title = f"Refonte du site vitrine {uuid.uuid4().hex[:6]}"
    await log_in(page, admin.email, PASSWORD)
    await page.goto(f"/entreprises/{admin.company_id}/besoins")
    assert await page.get_by_role("heading", name="Besoins de Atelier des Besoins").is_visible()
    await check_page(page, "needs-list-empty")

    await page.get_by_role("link", name="Publier un nouveau besoin").click()
    await page.wait_for_url("**/besoins/nouveau")
    await check_page(page, "needs-new")
    await fill_need(page, title)
    # A second skill row, without JavaScript: the page comes back with one more row.
    await page.get_by_role("button", name="Ajouter une compétence").click()
    await by_id(page, "skills[1].skill").wait_for()
    assert await page.evaluate("document.activeElement.id") == "skills[1].skill"
    assert await by_id(page, "title").input_value() == title
    assert await by_id(page, "skills[0].skill").input_value() == "seo"
    await by_id(page, "skills[1].skill").select_option("wordpress")
    await by_id(page, "skills[1].min_level").select_option("3")
    await by_id(page, "skills[1].weight").fill("2")
    await page.get_by_role("button", name="Enregistrer le brouillon").click()
    await page.wait_for_url(re.compile(r".*/besoins/\d+\?fait=besoin_brouillon"))
    need_id = int(re.findall(r"/besoins/(\d+)", page.url)[0])
    assert "Brouillon enregistré" in await page.locator(".notice").inner_text()
    assert "Brouillon" in await page.locator("main .status").first.inner_text()
    await check_page(page, "needs-edit-draft")
    stored = (await client.get(f"/api/v1/needs/{need_id}", headers=headers)).json()
    assert stored["status"] == "draft"
    assert stored["estimated_minutes"] == 20 * 60
    assert sorted((s["skill"], s["min_level"], s["weight"]) for s in stored["skills"]) == [
        ("seo", 2, 3),
        ("wordpress", 3, 2),
    ]
    # A draft offers to publish or cancel it, never to close it.
    assert await page.get_by_role("button", name="Publier le besoin").count() == 1
    assert await page.get_by_role("button", name="Clore le besoin").count() == 0

    await by_id(page, "estimated_minutes").fill("24 h 30")
    await by_id(page, "title").fill(f"{title} et boutique")
    await page.get_by_role("button", name="Enregistrer les modifications").click()
    await page.wait_for_url("**?fait=besoin")
    stored = (await client.get(f"/api/v1/needs/{need_id}", headers=headers)).json()
    assert (stored["status"], stored["estimated_minutes"]) == ("draft", 24 * 60 + 30)
    assert stored["title"] == f"{title} et boutique"
    assert await by_id(page, "estimated_minutes").input_value() == "24 h 30"

    await page.get_by_role("button", name="Publier le besoin").click()
    await page.wait_for_url("**?fait=besoin_publie")
    assert "Besoin publié" in await page.locator(".notice").inner_text()
    await check_page(page, "needs-edit-open")
    listed = await client.get(
        f"/api/v1/needs?company_id={admin.company_id}&status=open", headers=headers
    )
    assert [n["id"] for n in listed.json()["items"]] == [need_id]
    await page.goto("/besoins?competence=wordpress")
    assert await page.get_by_text(f"{title} et boutique").is_visible()
    await page.goto(f"/entreprises/{admin.company_id}/besoins?statut=open")
    assert await page.get_by_role("link", name=f"{title} et boutique").is_visible()
    await check_page(page, "needs-list")

    await page.get_by_role("link", name=f"{title} et boutique").click()
    assert await page.get_by_role("button", name="Publier le besoin").count() == 0
    await page.get_by_role("button", name="Clore le besoin").click()
    await page.wait_for_url("**?fait=besoin_clos")
    assert "ne se modifie plus" in await page.locator("main").inner_text()
    assert await page.get_by_role("button", name="Enregistrer les modifications").count() == 0
    await check_page(page, "needs-closed")
    stored = (await client.get(f"/api/v1/needs/{need_id}", headers=headers)).json()
    assert stored["status"] == "closed"
    await page.goto(f"/entreprises/{admin.company_id}/besoins?statut=closed")
    assert "Clos" in await page.locator("tbody").inner_text()


async def _refused(page: Any, field_id: str, words: str, before: dict[str, int]) -> None:
    await page.get_by_role("button", name="Enregistrer le brouillon").click()
    await page.wait_for_load_state("load")
    assert words in await by_id(page, f"{field_id}-error").inner_text()
    assert await by_id(page, field_id).get_attribute("aria-invalid") == "true"
    assert await row_counts() == before


async def test_bad_need_input_is_refused_beside_its_field_and_nothing_is_stored(
    page: Any,
) -> None:
    admin = await sign_up(name="Atelier des Erreurs")
    await log_in(page, admin.email, PASSWORD)
    await page.goto(f"/entreprises/{admin.company_id}/besoins/nouveau")
    before = await row_counts()

    await fill_need(page, "Audit de sécurité", window_start="2027-03-01", window_end="2027-01-31")
    await _refused(page, "window_end", "précède la date de début", before)
    assert await by_id(page, "title").input_value() == "Audit de sécurité"
    assert await by_id(page, "skills[0].skill").input_value() == "seo"
    assert await by_id(page, "estimated_minutes").input_value() == "20 h"
    await check_page(page, "needs-refused")

    await by_id(page, "window_start").fill("2027-01-04")
    await by_id(page, "estimated_minutes").fill("0 h")
    await _refused(page, "estimated_minutes", "Indiquez le nombre d'heures", before)
    assert await by_id(page, "window_start").input_value() == "2027-01-04"

    await by_id(page, "estimated_minutes").fill("deux heures")
    await _refused(page, "estimated_minutes", "illisible", before)

    # A skill that the list does not offer (a tampered or stale form).
    await by_id(page, "estimated_minutes").fill("12 h")
    await by_id(page, "skills[0].skill").evaluate(
        "select => select.add(new Option('Vannerie sous-marine', 'underwater-basketry'))"
    )
    await by_id(page, "skills[0].skill").select_option("underwater-basketry")
    await _refused(page, "skills[0].skill", "Compétence inconnue", before)

    await by_id(page, "skills[0].skill").select_option("seo")
    await by_id(page, "skills[0].min_level").evaluate(
        "select => select.add(new Option('5 — Légende', '5'))"
    )
    await by_id(page, "skills[0].min_level").select_option("5")
    await _refused(page, "skills[0].min_level", "entre 1 et 4", before)
    await check_page(page, "needs-refused-level")


async def test_another_company_cannot_see_or_edit_the_needs(page: Any) -> None:
    owner = await sign_up(name="Atelier Propriétaire")
    other = await sign_up(name="Atelier Voisin")
    await log_in(page, other.email, PASSWORD)
    response = await page.goto(f"/entreprises/{owner.company_id}/besoins")
    assert response is not None and response.status == 403
    response = await page.goto(f"/entreprises/{owner.company_id}/besoins/nouveau")
    assert response is not None and response.status == 403


async def test_skill_rows_are_added_and_removed_without_javascript(
    page: Any, live_server: str, client: httpx.AsyncClient
) -> None:
    admin = await sign_up(name="Atelier Sans Script")
    headers = await login(client, admin.email)
    context = await page.context.browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    try:
        plain = await context.new_page()
        await log_in(plain, admin.email, PASSWORD)
        await plain.goto(f"/entreprises/{admin.company_id}/besoins/nouveau")
        await fill_need(plain, "Sans JavaScript")
        for _ in range(2):
            async with plain.expect_navigation():
                await plain.get_by_role("button", name="Ajouter une compétence").click()
        assert await by_id(plain, "skills[2].skill").count() == 1
        await by_id(plain, "skills[1].skill").select_option("wordpress")
        await by_id(plain, "skills[1].min_level").select_option("1")
        await by_id(plain, "skills[2].skill").select_option("ux-design")
        await by_id(plain, "skills[2].min_level").select_option("4")
        async with plain.expect_navigation():
            await plain.get_by_role("button", name="Retirer la compétence 2").click()
        assert await by_id(plain, "skills[1].skill").input_value() == "ux-design"
        assert await by_id(plain, "skills[2].skill").count() == 0
        await plain.get_by_role("button", name="Publier le besoin").click()
        await plain.wait_for_url("**?fait=besoin_publie")
        need_id = int(re.findall(r"/besoins/(\d+)", plain.url)[0])
    finally:
        await context.close()
    stored = (await client.get(f"/api/v1/needs/{need_id}", headers=headers)).json()
    assert stored["status"] == "open"
    assert sorted((s["skill"], s["min_level"]) for s in stored["skills"]) == [
        ("seo", 2),
        ("ux-design", 4),
    ]
