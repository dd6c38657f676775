"""The employee's skills profile, from the browser: skills and levels, hours, remote, languages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import login, signup
from tests.helpers import emailed_invitation_token, new_email, row_counts

pytestmark = pytest.mark.anyio
EMPLOYEE_PASSWORD = "employee-password"


def by_id(page: Any, element_id: str) -> Any:
    """Ids with brackets (`skills[0].skill`) are plain ids: no CSS escaping needed this way."""
    return page.locator(f'[id="{element_id}"]')


async def employee_of(client: httpx.AsyncClient, *, name: str) -> tuple[str, dict[str, str]]:
    """A company, and an employee who accepted the invitation: (e-mail, API headers)."""
    admin = await signup(client, name=name)
    email = new_email("employee")
    invited = await client.post(
        f"/api/v1/companies/{admin.company_id}/employees",
        headers=admin.headers,
        json={
            "email": email,
            "full_name": "Inès Moreau",
            "job_title": "Webmarketeuse",
            "annual_gross_salary_cents": 3_600_000,
            "employer_charge_rate_basis_points": 4200,
        },
    )
    assert invited.status_code == 201, invited.text
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(invited.json()["employee"]["user_id"]),
            "password": EMPLOYEE_PASSWORD,
        },
    )
    assert accepted.status_code == 200, accepted.text
    client.cookies.clear()
    return email, await login(client, email, EMPLOYEE_PASSWORD)


async def mine(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/employees/mine", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_employee_publishes_skills_hours_and_languages(
    page: Any, client: httpx.AsyncClient
) -> None:
    email, headers = await employee_of(client, name="Agence Profil")
    await log_in(page, email, EMPLOYEE_PASSWORD)
    await page.goto("/profil")
    assert await page.get_by_role("heading", name="Mon profil de compétences").is_visible()
    await check_page(page, "profile-form")

    await page.get_by_label("Heures proposées par mois").fill("8h30")
    await page.get_by_label("J'accepte de travailler à distance").check()
    await page.get_by_label("Rayon de déplacement (km)").fill("25")
    await page.get_by_label("anglais").check()
    await by_id(page, "skills[0].skill").select_option("seo")
    await by_id(page, "skills[0].level").select_option("3")
    # Another row, without JavaScript needed: the form comes back with one more empty row.
    await page.get_by_role("button", name="Ajouter une compétence").click()
    await page.wait_for_load_state("load")
    assert await by_id(page, "skills[0].skill").input_value() == "seo"
    assert await page.get_by_label("Heures proposées par mois").input_value() == "8h30"
    await by_id(page, "skills[1].skill").select_option("web-dev")
    await by_id(page, "skills[1].level").select_option("2")
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    assert "profil de compétences est enregistré" in await page.locator(".notice").inner_text()
    await check_page(page, "profile-saved")

    [record] = await mine(client, headers)
    assert record["offered_minutes_per_month"] == 8 * 60 + 30
    assert record["remote_ok"] is True
    assert record["travel_radius_km"] == 25
    assert set(record["languages"]) == {"fr", "en"}
    assert {(s["skill"], s["level"]) for s in record["skills"]} == {("seo", 3), ("web-dev", 2)}

    # The page shows what is stored, in words; removing a skill takes one tick and a save.
    assert await page.get_by_label("Heures proposées par mois").input_value() == "8\u00a0h\u00a030"
    level_text = await by_id(page, "skills[0].level").locator("option:checked").inner_text()
    assert "Autonome" in level_text
    await page.get_by_label("Retirer cette compétence à l'enregistrement").nth(1).check()
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    [record] = await mine(client, headers)
    assert [(s["skill"], s["level"]) for s in record["skills"]] == [("seo", 3)]


async def test_bad_profile_is_refused_beside_the_field_and_nothing_is_stored(
    page: Any, client: httpx.AsyncClient
) -> None:
    email, headers = await employee_of(client, name="Agence Profil Refusé")
    [stored] = await mine(client, headers)
    await log_in(page, email, EMPLOYEE_PASSWORD)
    await page.goto("/profil")

    before = await row_counts()
    await page.get_by_label("Heures proposées par mois").fill("beaucoup")
    await by_id(page, "skills[0].skill").select_option("seo")
    await by_id(page, "skills[0].level").select_option("4")
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    assert "illisible" in await page.locator("#offered_minutes_per_month-error").inner_text()
    assert await page.get_by_label("Heures proposées par mois").input_value() == "beaucoup"
    assert await by_id(page, "skills[0].skill").input_value() == "seo"
    await check_page(page, "profile-refused")

    await page.get_by_label("Heures proposées par mois").fill("200 h")
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    assert "151" in await page.locator("#offered_minutes_per_month-error").inner_text()

    await page.get_by_label("Heures proposées par mois").fill("10 h")
    await page.get_by_label("Rayon de déplacement (km)").fill("5000")
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    assert "1000 km" in await page.locator("#travel_radius_km-error").inner_text()

    await page.get_by_label("Rayon de déplacement (km)").fill("20")
    await page.get_by_label("français").uncheck()
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    assert "au moins une langue" in await page.locator("#languages-error").inner_text()

    await page.get_by_label("français").check()
    await page.get_by_role("button", name="Ajouter une compétence").click()
    await page.wait_for_load_state("load")
    await by_id(page, "skills[1].skill").select_option("seo")
    await by_id(page, "skills[1].level").select_option("2")
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    assert "deux fois" in await by_id(page, "skills[1].skill-error").inner_text()

    await by_id(page, "skills[1].skill").select_option("web-dev")
    await by_id(page, "skills[1].level").select_option("")
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    assert "niveau" in await by_id(page, "skills[1].level-error").inner_text()
    await check_page(page, "profile-refused-level")

    assert await row_counts() == before
    assert await mine(client, headers) == [stored]


async def test_a_person_with_two_employers_picks_the_record(
    page: Any, client: httpx.AsyncClient
) -> None:
    email, headers = await employee_of(client, name="Agence Premier Employeur")
    second = await signup(client, name="Studio Second Employeur")
    added = await client.post(
        f"/api/v1/companies/{second.company_id}/employees",
        headers=second.headers,
        json={
            "email": email,
            "full_name": "Inès Moreau",
            "job_title": "Graphiste à mi-temps",
            "annual_gross_salary_cents": 1_800_000,
            "employer_charge_rate_basis_points": 4200,
        },
    )
    assert added.status_code == 201, added.text
    await log_in(page, email, EMPLOYEE_PASSWORD)
    await page.goto("/profil")
    await page.get_by_label("Profil chez").select_option(
        label="Studio Second Employeur — Graphiste à mi-temps"
    )
    await page.get_by_role("button", name="Afficher ce profil").click()
    await page.wait_for_load_state("load")
    assert (
        "Graphiste à mi-temps chez Studio Second Employeur"
        in await page.locator("main").inner_text()
    )
    await check_page(page, "profile-two-employers")
    await page.get_by_label("Heures proposées par mois").fill("4 h")
    await page.get_by_role("button", name="Enregistrer mon profil").click()
    await page.wait_for_load_state("load")
    records = {r["company_id"]: r for r in await mine(client, headers)}
    assert records[second.company_id]["offered_minutes_per_month"] == 240
    assert records[added.json()["employee"]["company_id"]]["job_title"] == "Graphiste à mi-temps"
    assert [r["offered_minutes_per_month"] for r in records.values()].count(0) == 1
    assert "Studio Second Employeur" in await page.locator("main").inner_text()
