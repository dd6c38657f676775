"""A company's admin, from the browser: settings, staff, invitations, at-cost inputs, approvals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.browser.test_profile import EMPLOYEE_PASSWORD, employee_of
from tests.exchange_helpers import Party, signup
from tests.helpers import PASSWORD, emailed_invitation_token, new_email, row_counts
from timebank.db.tables import OutboxTable
from timebank.employees.model import CostInputs, hourly_cost_cents
from timebank.formatting import euros
from timebank.vat.model import vat_number_of

pytestmark = pytest.mark.anyio


async def api_get(client: httpx.AsyncClient, party: Party, path: str) -> dict[str, Any]:
    response = await client.get(path, headers=party.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def submit(page: Any, button: str) -> None:
    await page.get_by_role("button", name=button).click()
    await page.wait_for_load_state("load")


async def test_admin_edits_the_company_and_bad_input_changes_nothing(
    page: Any, client: httpx.AsyncClient
) -> None:
    admin = await signup(client, name="Menuiserie Réglages")
    await log_in(page, admin.email, PASSWORD)
    await page.goto(f"/entreprises/{admin.company_id}")
    assert await page.get_by_role("heading", name="Menuiserie Réglages").is_visible()
    await check_page(page, "company-settings")

    stored = await api_get(client, admin, f"/api/v1/companies/{admin.company_id}")
    await page.get_by_label("Code postal").fill("3500")
    await page.get_by_label("Raison sociale").fill("Menuiserie Renommée")
    await submit(page, "Enregistrer les informations")
    assert "5 chiffres" in await page.locator("#postal_code-error").inner_text()
    assert await page.get_by_label("Raison sociale").input_value() == "Menuiserie Renommée"
    await check_page(page, "company-settings-refused")
    assert await api_get(client, admin, f"/api/v1/companies/{admin.company_id}") == stored

    await page.get_by_label("Code postal").fill("69002")
    await page.get_by_label("Ville").fill("Lyon")
    await page.get_by_label("Effectif").select_option(label="20 à 49 salariés")
    await page.get_by_label("L'entreprise a un comité social et économique (CSE)").uncheck()
    await page.get_by_label("Latitude").fill("45,76")
    await page.get_by_label("Longitude").fill("4,83")
    await submit(page, "Enregistrer les informations")
    assert "Informations de l'entreprise enregistrées" in await page.locator(".notice").inner_text()
    company = await api_get(client, admin, f"/api/v1/companies/{admin.company_id}")
    assert (company["name"], company["postal_code"], company["city"]) == (
        "Menuiserie Renommée",
        "69002",
        "Lyon",
    )
    assert company["headcount_band"] == "20-49"
    assert company["has_cse"] is False
    assert company["siren"] == stored["siren"]
    assert (company["latitude"], company["longitude"]) == (45.76, 4.83)
    assert await page.get_by_label("Latitude").input_value() == "45,76"


async def test_admin_sets_the_vat_regime_and_a_bad_number_changes_nothing(
    page: Any, client: httpx.AsyncClient
) -> None:
    admin = await signup(client, name="Atelier Fiscal")
    await log_in(page, admin.email, PASSWORD)
    await page.goto(f"/entreprises/{admin.company_id}")
    regime = page.get_by_label("Régime de TVA")
    assert await regime.input_value() == "reel"
    labels = await regime.locator("option").all_inner_texts()
    assert labels == [
        "Redevable de la TVA (régime réel normal ou simplifié)",
        "Franchise en base de TVA (art. 293 B du CGI)",
        "Activité exonérée de TVA (par exemple art. 261 du CGI)",
    ]
    stored = await api_get(client, admin, f"/api/v1/companies/{admin.company_id}")
    siren = stored["siren"]
    number = vat_number_of(siren)

    # Another company's number: refused beside the field, the input kept, nothing written.
    other = vat_number_of("303265045" if siren != "303265045" else "732829320")
    await page.get_by_label("Numéro de TVA intracommunautaire (facultatif)").fill(other)
    await page.get_by_label("Option pour le paiement de la TVA d'après les débits").check()
    await submit(page, "Enregistrer les informations")
    assert "pas de celui de l'entreprise" in await page.locator("#vat_number-error").inner_text()
    field = page.get_by_label("Numéro de TVA intracommunautaire (facultatif)")
    assert await field.input_value() == other
    await check_page(page, "company-settings-vat-refused")
    assert await api_get(client, admin, f"/api/v1/companies/{admin.company_id}") == stored

    # Franchise en base with the option for debits: the option is refused beside its box.
    await page.get_by_label("Régime de TVA").select_option(
        label="Franchise en base de TVA (art. 293 B du CGI)"
    )
    await field.fill(number)
    await submit(page, "Enregistrer les informations")
    refusal = await page.locator("#vat_on_debits-error").inner_text()
    assert "redevable" in refusal
    assert await api_get(client, admin, f"/api/v1/companies/{admin.company_id}") == stored

    await page.get_by_label("Régime de TVA").select_option(
        label="Redevable de la TVA (régime réel normal ou simplifié)"
    )
    await page.get_by_label("Numéro de TVA intracommunautaire (facultatif)").fill(
        f"{number[:4]} {number[4:]}"
    )
    await submit(page, "Enregistrer les informations")
    assert "Informations de l'entreprise enregistrées" in await page.locator(".notice").inner_text()
    company = await api_get(client, admin, f"/api/v1/companies/{admin.company_id}")
    assert (company["vat_regime"], company["vat_on_debits"], company["vat_number"]) == (
        "reel",
        True,
        number,
    )
    assert await page.get_by_label(
        "Numéro de TVA intracommunautaire (facultatif)"
    ).input_value() == (number)
    assert await page.get_by_label(
        "Option pour le paiement de la TVA d'après les débits"
    ).is_checked()


async def test_admin_invites_sets_cost_and_approves_lending(
    page: Any, client: httpx.AsyncClient
) -> None:
    admin = await signup(client, name="Agence Équipe")
    await log_in(page, admin.email, PASSWORD)
    await page.goto(f"/entreprises/{admin.company_id}")
    await page.get_by_role("link", name="Inviter un·e salarié·e").click()
    await page.wait_for_load_state("load")
    await check_page(page, "company-invite")

    before = await row_counts()
    email = new_email("invited")
    await page.get_by_label("Adresse e-mail").fill("nobody")
    await page.get_by_label("Nom et prénom").fill("Léa Martin")
    await page.get_by_label("Poste").fill("Développeuse web")
    await page.get_by_label("Salaire brut annuel (€)").fill("42 000")
    await page.get_by_label("Taux de charges patronales (%)").fill("42")
    await submit(page, "Envoyer l'invitation")
    assert "Adresse e-mail invalide" in await page.locator("#email-error").inner_text()
    assert await page.get_by_label("Nom et prénom").input_value() == "Léa Martin"
    await check_page(page, "company-invite-refused")

    await page.get_by_label("Adresse e-mail").fill(email)
    await page.get_by_label("Salaire brut annuel (€)").fill("-500")
    await submit(page, "Envoyer l'invitation")
    assert "montant en euros" in await page.locator("#annual_gross_salary_cents-error").inner_text()

    await page.get_by_label("Salaire brut annuel (€)").fill("42 000")
    await page.get_by_label("Taux de charges patronales (%)").fill("150")
    await submit(page, "Envoyer l'invitation")
    refusal = await page.locator("#employer_charge_rate_basis_points-error").inner_text()
    assert "100 %" in refusal
    assert await row_counts() == before

    await page.get_by_label("Taux de charges patronales (%)").fill("42")
    await submit(page, "Envoyer l'invitation")
    assert "Invitation envoyée" in await page.locator(".notice").inner_text()
    after = await row_counts()
    assert after["invitation"] == before["invitation"] + 1
    assert after["employee"] == before["employee"] + 1
    # The invitation e-mail waits in the outbox, with its one-time link.
    mails = await OutboxTable.select(OutboxTable.kind, OutboxTable.link).where(
        OutboxTable.user.email == email
    )
    assert [m["kind"] for m in mails] == ["invitation"]
    assert mails[0]["link"].startswith("/invitation?jeton=")

    await page.goto(f"/entreprises/{admin.company_id}")
    row = page.locator("tr", has_text="Léa Martin")
    expected = hourly_cost_cents(CostInputs(4_200_000, 4200, 1607))
    assert euros(expected) in await row.inner_text()
    assert "pas encore autorisé" in await row.inner_text()
    staff = await api_get(client, admin, f"/api/v1/companies/{admin.company_id}/employees")
    [invited] = [e for e in staff["items"] if e["email"] == email]
    await row.get_by_role("link", name="Coût et prêt de Léa Martin").click()
    await page.wait_for_load_state("load")
    await check_page(page, "company-employee")

    # At-cost inputs: refused beside the field, then stored, with the hourly cost shown.
    await page.get_by_label("Taux de charges patronales (%)").fill("101")
    await submit(page, "Enregistrer l'emploi et le coût")
    assert "100 %" in await page.locator("#employer_charge_rate_basis_points-error").inner_text()
    unchanged = await api_get(client, admin, f"/api/v1/employees/{invited['id']}")
    assert unchanged["cost"]["employer_charge_rate_basis_points"] == 4200
    await page.get_by_label("Salaire brut annuel (€)").fill("45 000,50")
    await page.get_by_label("Taux de charges patronales (%)").fill("42,5")
    await page.get_by_label("Heures travaillées par an").fill("1600")
    await submit(page, "Enregistrer l'emploi et le coût")
    assert "Données de coût enregistrées" in await page.locator(".notice").inner_text()
    cost = (await api_get(client, admin, f"/api/v1/employees/{invited['id']}"))["cost"]
    assert (
        cost["annual_gross_salary_cents"],
        cost["employer_charge_rate_basis_points"],
        cost["annual_work_hours"],
    ) == (4_500_050, 4250, 1600)
    assert euros(cost["hourly_cost_cents"]) in await page.locator(".cost").inner_text()
    assert await page.get_by_label("Taux de charges patronales (%)").input_value() == "42,5"

    # The lending approval: a period ending before it starts is refused, then stored.
    await page.get_by_label("Heures prêtables par mois").fill("10 h")
    await page.get_by_label("Valable du").fill("2027-01-01")
    await page.get_by_label("Valable jusqu'au").fill("2026-12-01")
    await submit(page, "Enregistrer l'autorisation de prêt")
    assert "précède" in await page.locator("#valid_until-error").inner_text()
    assert await page.get_by_label("Heures prêtables par mois").input_value() == "10 h"
    await check_page(page, "company-employee-refused")
    assert (await api_get(client, admin, f"/api/v1/employees/{invited['id']}"))["approval"] is None

    await page.get_by_label("Valable jusqu'au").fill("2027-12-31")
    await submit(page, "Enregistrer l'autorisation de prêt")
    assert "Accord de prêt enregistré" in await page.locator(".notice").inner_text()
    approval = (await api_get(client, admin, f"/api/v1/employees/{invited['id']}"))["approval"]
    assert approval == {
        "approved_minutes_per_month": 600,
        "valid_from": "2027-01-01",
        "valid_until": "2027-12-31",
    }
    assert (
        "jusqu'à 10\u00a0h par mois, du 01/01/2027 au 31/12/2027"
        in await page.locator("main").inner_text()
    )


async def test_employees_never_open_admin_pages_nor_see_salaries(
    page: Any, client: httpx.AsyncClient
) -> None:
    email, employee_headers = await employee_of(client, name="Atelier Collègues")
    mine = (await client.get("/api/v1/employees/mine", headers=employee_headers)).json()
    company_id = mine[0]["company_id"]
    other = await signup(client, name="Studio Voisin")
    colleague = await client.post(
        f"/api/v1/companies/{other.company_id}/employees",
        headers=other.headers,
        json={
            "email": new_email("neighbour"),
            "full_name": "Noé Salaire",
            "job_title": "Intégrateur",
            "annual_gross_salary_cents": 3_912_345,
            "employer_charge_rate_basis_points": 4200,
        },
    )
    assert colleague.status_code == 201, colleague.text
    colleague_id = colleague.json()["employee"]["id"]

    await log_in(page, email, EMPLOYEE_PASSWORD)
    for path in (
        f"/entreprises/{company_id}",
        f"/entreprises/{company_id}/salaries/inviter",
        f"/entreprises/{company_id}/salaries/{mine[0]['id']}",
        f"/entreprises/{other.company_id}",
        f"/entreprises/{other.company_id}/salaries/{colleague_id}",
    ):
        response = await page.goto(path)
        assert response is not None and response.status == 403, path
        assert await page.get_by_role("heading", name="Accès refusé").is_visible()
        assert "39\u202f123" not in await page.locator("main").inner_text()
    await check_page(page, "company-forbidden")
    refused = await client.get(f"/api/v1/employees/{colleague_id}", headers=employee_headers)
    assert refused.status_code == 403

    # An admin of another company does not reach this one's staff either.
    await page.context.clear_cookies()
    await log_in(page, other.email, PASSWORD)
    response = await page.goto(f"/entreprises/{company_id}/salaries/{mine[0]['id']}")
    assert response is not None and response.status == 403
    response = await page.goto(f"/entreprises/{other.company_id}/salaries/{mine[0]['id']}")
    assert response is not None and response.status == 404


async def test_colleagues_of_the_same_company_see_no_salary(
    page: Any, client: httpx.AsyncClient
) -> None:
    admin = await signup(client, name="Atelier Discret")
    people = []
    for name, salary in (("Ana Discrète", 3_711_111), ("Bruno Discret", 3_922_222)):
        email = new_email("colleague")
        invited = await client.post(
            f"/api/v1/companies/{admin.company_id}/employees",
            headers=admin.headers,
            json={
                "email": email,
                "full_name": name,
                "job_title": "Graphiste",
                "annual_gross_salary_cents": salary,
                "employer_charge_rate_basis_points": 4200,
            },
        )
        accepted = await client.post(
            "/api/v1/auth/invitations/accept",
            json={
                "token": await emailed_invitation_token(invited.json()["employee"]["user_id"]),
                "password": EMPLOYEE_PASSWORD,
            },
        )
        assert accepted.status_code == 200, accepted.text
        client.cookies.clear()
        people.append((email, invited.json()["employee"]["id"]))
    (ana_email, _), (_, bruno_id) = people
    await log_in(page, ana_email, EMPLOYEE_PASSWORD)
    for path in ("/profil", "/tableau-de-bord"):
        await page.goto(path)
        body = await page.locator("body").inner_text()
        assert "Bruno" not in body
        assert "39\u202f222" not in body and "€" not in body
    response = await page.goto(f"/entreprises/{admin.company_id}/salaries/{bruno_id}")
    assert response is not None and response.status == 403


async def test_staff_list_is_paginated_and_keeps_inside_its_pages(
    page: Any, client: httpx.AsyncClient
) -> None:
    admin = await signup(client, name="Grande Équipe")
    for number in range(21):
        invited = await client.post(
            f"/api/v1/companies/{admin.company_id}/employees",
            headers=admin.headers,
            json={
                "email": new_email("staff"),
                "full_name": f"Personne {number:02d}",
                "job_title": "Technicien",
                "annual_gross_salary_cents": 3_000_000,
                "employer_charge_rate_basis_points": 4000,
            },
        )
        assert invited.status_code == 201, invited.text
    profile = await client.put(
        f"/api/v1/employees/{invited.json()['employee']['id']}/profile",
        headers=admin.headers,
        json={
            "offered_minutes_per_month": 600,
            "remote_ok": True,
            "travel_radius_km": 10,
            "languages": ["fr"],
            "skills": [{"skill": "seo", "level": 3}],
        },
    )
    assert profile.status_code == 200, profile.text
    await log_in(page, admin.email, PASSWORD)
    await page.goto(f"/entreprises/{admin.company_id}")
    assert "page 1 sur 2" in await page.locator("main").inner_text()
    await page.get_by_role("link", name="Suivante →").click()
    await page.wait_for_load_state("load")
    assert "page 2 sur 2" in await page.locator("main").inner_text()
    assert await page.locator("tbody tr").count() == 1
    await page.goto(f"/entreprises/{admin.company_id}?page=99999")
    assert "page 2 sur 2" in await page.locator("main").inner_text()
    await check_page(page, "company-staff-page-2")

    # Who can do SEO at level 3 or more: one person, with the skill in words.
    await page.get_by_label("Compétence", exact=True).select_option("seo")
    await page.get_by_label("Niveau minimal").select_option("3")
    await page.get_by_role("button", name="Filtrer les salariés").click()
    await page.wait_for_load_state("load")
    rows = page.locator("tbody tr")
    assert await rows.count() == 1
    assert "Personne 20" in await rows.inner_text()
    assert "Référencement naturel (SEO) · 3/4" in await rows.inner_text()
    await page.get_by_label("Niveau minimal").select_option("4")
    await page.get_by_role("button", name="Filtrer les salariés").click()
    await page.wait_for_load_state("load")
    assert "Aucun salarié n'a déclaré cette compétence" in await page.locator("main").inner_text()
    await check_page(page, "company-staff-filtered")
