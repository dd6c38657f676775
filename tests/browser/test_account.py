"""The door's jobs in the browser: sign up a company (prefilled when the operator pre-registered
it), accept an invitation, reset a forgotten password, read and clear one's notifications."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.helpers import (
    PASSWORD,
    company_input,
    invalid_siren,
    last_link,
    new_email,
    new_siren,
    now,
    row_counts,
    sign_up,
)
from timebank.companies.use_cases import create_company
from timebank.db.tables import OutboxTable, PasswordResetTable
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import list_notifications, notify
from timebank.people import use_cases as people

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
NEW_PASSWORD = "un-nouveau-mot-de-passe"


async def me(client: Client, email: str, password: str) -> dict[str, Any]:
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return dict(login.json()["user"])


async def fill_person(page: Any, *, full_name: str, email: str, password: str) -> None:
    await page.get_by_label("Prénom et nom").fill(full_name)
    await page.get_by_label("Adresse e-mail").fill(email)
    await page.get_by_label("Mot de passe").fill(password)


async def fill_company(page: Any, *, siren: str, name: str) -> None:
    await page.get_by_label("SIREN").fill(siren)
    await page.get_by_label("Raison sociale").fill(name)
    await page.get_by_label("Adresse", exact=True).fill("12 quai de la Fosse")
    await page.get_by_label("Code postal").fill("44000")
    await page.get_by_label("Commune").fill("Nantes")
    await page.get_by_label("Effectif").select_option("10-19")
    await page.get_by_label("Code NAF (APE)").fill("62.01Z")
    await page.get_by_label("L'entreprise a un comité social et économique (CSE)").check()


@pytest.fixture
async def page_without_js(browser: Any, live_server: str) -> AsyncIterator[Any]:
    """A browser with JavaScript off: every form must still work as a plain POST."""
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    opened = await context.new_page()
    yield opened
    await context.close()


async def pre_registered_company(name: str) -> tuple[int, str, int]:
    """A company the operator created, without an admin: (company id, SIREN, operator id)."""
    operator_email = new_email("operateur")
    await people.create_operator(
        uow, email=operator_email, password=PASSWORD, full_name="Opérateur Test", now=now()
    )
    login = await people.log_in(
        uow, email=operator_email, password=PASSWORD, now=now(), session_hours=1
    )
    siren = new_siren()
    company = await create_company(
        uow,
        login.actor,
        company_input(siren=siren, name=name, postal_code="29200", city="Brest"),
        now=now(),
    )
    return company.id, siren, login.actor.user_id


async def test_sign_up_refuses_a_bad_siren_beside_the_field_then_signs_up(
    page: Any, client: Client
) -> None:
    email = new_email("inscription")
    await page.goto("/inscription")
    await check_page(page, "account-inscription")
    await fill_person(page, full_name="Maëlle Kerbrat", email=email, password=PASSWORD)
    await fill_company(page, siren=invalid_siren(), name="Atelier Numérique Nantais")
    before = await row_counts()
    await page.get_by_role("button", name="Inscrire l'entreprise").click()
    await page.wait_for_load_state("load")
    assert "SIREN invalide" in await page.locator("#siren-error").inner_text()
    assert await row_counts() == before
    # The form comes back as typed, except the password.
    assert await page.get_by_label("Raison sociale").input_value() == "Atelier Numérique Nantais"
    assert await page.get_by_label("Adresse e-mail").input_value() == email
    assert await page.get_by_label("Mot de passe").input_value() == ""
    assert await page.get_by_label("Effectif").input_value() == "10-19"
    await check_page(page, "account-inscription-refus")

    siren = new_siren()
    await page.get_by_label("SIREN").fill(siren)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Inscrire l'entreprise").click()
    # The same answer as for an address that has an account: then the person logs in.
    await page.wait_for_url("**/connexion?fait=inscription_recue")
    assert "Inscription reçue" in await page.locator(".notice").first.inner_text()
    await log_in(page, email, PASSWORD)
    await page.wait_for_url("**/tableau-de-bord**")
    user = await me(client, email, PASSWORD)
    company_id = next(r["company_id"] for r in user["roles"] if r["role"] == "company_admin")
    company = (
        await client.get(
            f"/api/v1/companies/{company_id}",
            headers={"Authorization": f"Bearer {await token_of(client, email)}"},
        )
    ).json()
    assert (company["siren"], company["name"], company["has_cse"]) == (
        siren,
        "Atelier Numérique Nantais",
        True,
    )


async def token_of(client: Client, email: str, password: str = PASSWORD) -> str:
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    return str(login.json()["token"])


async def test_a_pre_registered_company_is_prefilled_and_joined_by_its_first_admin(
    page: Any, client: Client
) -> None:
    company_id, siren, operator_id = await pre_registered_company("Conserverie du Ponant")
    await page.goto("/inscription")
    await page.get_by_label("SIREN").fill(siren)
    await page.get_by_label("SIREN").press("Tab")  # htmx asks what the programme knows.
    name = page.get_by_label("Raison sociale")
    await page.wait_for_function(
        "() => document.querySelector('#name').value === 'Conserverie du Ponant'"
    )
    assert await page.get_by_label("Commune").input_value() == "Brest"
    assert "pré-enregistrée" in await page.locator("#siren-status").inner_text()
    await check_page(page, "account-inscription-prefill")
    email = new_email("ponant")
    await fill_person(page, full_name="Yann Le Goff", email=email, password=PASSWORD)
    await name.fill("Conserverie du Ponant SAS")
    await page.get_by_role("button", name="Inscrire l'entreprise").click()
    await page.wait_for_url("**/connexion?fait=inscription_recue")
    user = await me(client, email, PASSWORD)
    assert "Conserverie du Ponant SAS" in await last_body(user["id"], Kind.SIGNUP_WELCOME)
    assert {"company_id": company_id, "role": "company_admin"} in [
        {"company_id": r["company_id"], "role": r["role"]} for r in user["roles"]
    ]
    company = (
        await client.get(
            f"/api/v1/companies/{company_id}",
            headers={"Authorization": f"Bearer {await token_of(client, email)}"},
        )
    ).json()
    assert (company["siren"], company["name"]) == (siren, "Conserverie du Ponant SAS")
    # The operators are told who joined the company they had pre-registered.
    assert "Yann Le Goff" in await last_body(operator_id, Kind.COMPANY_CLAIMED)


async def last_body(user_id: int, kind: Kind) -> str:
    row = await (
        OutboxTable.select(OutboxTable.body)
        .where((OutboxTable.user == user_id) & (OutboxTable.kind == kind.value))
        .order_by(OutboxTable.id, ascending=False)
        .first()
    )
    assert row is not None
    return str(row["body"])


async def test_a_company_with_an_admin_is_never_taken_over(page: Any) -> None:
    siren = new_siren()
    await sign_up(siren=siren, name="Scierie Déjà Inscrite")
    await page.goto("/inscription")
    await page.get_by_label("SIREN").fill(siren)
    await page.get_by_label("SIREN").press("Tab")
    await page.wait_for_selector("#siren-status .error")
    status = await page.locator("#siren-status").inner_text()
    assert "déjà inscrite" in status and "Scierie" not in await page.locator("main").inner_text()
    await fill_person(page, full_name="Inconnu Pressé", email=new_email("x"), password=PASSWORD)
    await fill_company(page, siren=siren, name="Autre Nom")
    before = await row_counts()
    await page.get_by_role("button", name="Inscrire l'entreprise").click()
    await page.wait_for_load_state("load")
    assert "demandez-lui de vous inviter" in await page.locator("#siren-error").inner_text()
    assert await row_counts() == before
    await check_page(page, "account-inscription-deja-inscrite")


async def test_a_mistyped_siren_is_told_as_soon_as_the_field_is_left(page: Any) -> None:
    await page.goto("/inscription")
    await page.get_by_label("Raison sociale").fill("Saisie En Cours")
    await page.get_by_label("SIREN").fill(invalid_siren())
    await page.get_by_label("SIREN").press("Tab")
    await page.wait_for_selector("#siren-status #siren-error")
    assert "clé de contrôle" in await page.locator("#siren-error").inner_text()
    # What the person typed elsewhere is left alone.
    assert await page.get_by_label("Raison sociale").input_value() == "Saisie En Cours"
    await check_page(page, "account-inscription-siren-faux")


async def test_verify_siren_button_prefills_without_javascript(page_without_js: Any) -> None:
    page = page_without_js
    _, siren, _ = await pre_registered_company("Biscuiterie de Lorient")
    await page.goto("/inscription")
    await page.get_by_label("Prénom et nom").fill("Nolwenn Tanguy")
    await page.get_by_label("SIREN").fill(siren)
    await page.get_by_role("button", name="Vérifier le SIREN").click()
    await page.wait_for_load_state("load")
    assert await page.get_by_label("Raison sociale").input_value() == "Biscuiterie de Lorient"
    assert await page.get_by_label("Prénom et nom").input_value() == "Nolwenn Tanguy"
    assert "pré-enregistrée" in await page.locator("#siren-status").inner_text()


async def test_an_invited_employee_chooses_a_password_and_is_logged_in(
    page: Any, client: Client
) -> None:
    admin = await sign_up(name="Imprimerie Invitante")
    email = new_email("invite")
    invited = await client.post(
        f"/api/v1/companies/{admin.company_id}/employees",
        headers={"Authorization": f"Bearer {admin.token}"},
        json={
            "email": email,
            "full_name": "Gwenaël Invité",
            "job_title": "Développeur",
            "annual_gross_salary_cents": 4_000_000,
            "employer_charge_rate_basis_points": 4200,
        },
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["invitation_sent"] is True
    assert "jeton" not in invited.text  # The link goes to the invited address alone.
    user_id = invited.json()["employee"]["user_id"]
    link = await last_link(user_id, Kind.INVITATION)
    assert link.startswith("/invitation?jeton=")  # The e-mail leads to this page.
    await page.goto(link)
    assert "Imprimerie Invitante" in await page.locator("main").inner_text()
    await check_page(page, "account-invitation")
    await page.get_by_label("Nouveau mot de passe").fill(NEW_PASSWORD)
    await page.get_by_label("Le même mot de passe, une seconde fois").fill("autre-chose-encore")
    await page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    await page.wait_for_load_state("load")
    error = page.locator("#password_confirmation-error")
    assert "pas identiques" in await error.inner_text()
    assert "Imprimerie Invitante" in await page.locator("main").inner_text()
    await check_page(page, "account-invitation-refus")
    await page.get_by_label("Nouveau mot de passe").fill(NEW_PASSWORD)
    await page.get_by_label("Le même mot de passe, une seconde fois").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    await page.wait_for_url("**/tableau-de-bord**")
    assert "bienvenue" in (await page.locator(".notice").first.inner_text()).lower()
    assert (await me(client, email, NEW_PASSWORD))["email"] == email
    await page.goto(link)
    assert "déjà utilisée" in await page.locator("#token-error").inner_text()


async def test_a_forgotten_password_is_reset_once_and_ends_every_session(
    page: Any, client: Client
) -> None:
    admin = await sign_up(name="Cidrerie Oublieuse")
    assert (await client.get("/api/v1/auth/me", headers=bearer(admin.token))).status_code == 200
    await page.goto("/connexion")
    await page.get_by_role("link", name="Mot de passe oublié ?").click()
    await page.wait_for_url("**/mot-de-passe-oublie")
    await check_page(page, "account-mot-de-passe-oublie")
    await page.get_by_label("Adresse e-mail").fill(admin.email)
    await page.get_by_role("button", name="Recevoir un lien").click()
    await page.wait_for_url("**/mot-de-passe-oublie?fait=lien_envoye")
    answer = await page.locator(".notice").inner_text()
    assert "Si un compte existe pour cette adresse" in answer
    await check_page(page, "account-mot-de-passe-oublie-envoye")

    link = await last_link(admin.actor.user_id, Kind.PASSWORD_RESET)
    assert link.startswith("/reinitialiser?jeton=")
    await page.goto(link)
    assert admin.email in await page.locator("main").inner_text()
    await check_page(page, "account-reinitialiser")
    await page.get_by_label("Nouveau mot de passe").fill("court")
    await page.get_by_label("Le même mot de passe, une seconde fois").fill("court")
    await page.get_by_role("button", name="Enregistrer le mot de passe").click()
    await page.wait_for_load_state("load")
    assert "entre 10 et 200 caractères" in await page.locator("#password-error").inner_text()
    assert admin.email in await page.locator("main").inner_text()
    await page.get_by_label("Nouveau mot de passe").fill(NEW_PASSWORD)
    await page.get_by_label("Le même mot de passe, une seconde fois").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Enregistrer le mot de passe").click()
    await page.wait_for_url("**/connexion?fait=mot_de_passe")
    assert "Mot de passe enregistré" in await page.locator(".notice").inner_text()

    # The old session has ended, the old password no longer opens one, the new one does.
    assert (await client.get("/api/v1/auth/me", headers=bearer(admin.token))).status_code == 401
    old = await client.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD})
    assert old.status_code == 401
    await log_in(page, admin.email, NEW_PASSWORD)
    assert page.url.endswith("/tableau-de-bord")

    # The link served once.
    await page.goto(link)
    assert "déjà utilisé" in await page.locator("#token-error").inner_text()
    await check_page(page, "account-reinitialiser-refus")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_unknown_email_gets_the_same_answer_and_nothing_is_sent(page: Any) -> None:
    resets, messages = await PasswordResetTable.count(), await OutboxTable.count()
    await page.goto("/mot-de-passe-oublie")
    await page.get_by_label("Adresse e-mail").fill(new_email("inconnu"))
    await page.get_by_role("button", name="Recevoir un lien").click()
    await page.wait_for_url("**/mot-de-passe-oublie?fait=lien_envoye")
    assert "Si un compte existe pour cette adresse" in await page.locator(".notice").inner_text()
    assert (await PasswordResetTable.count(), await OutboxTable.count()) == (resets, messages)


async def test_an_expired_reset_link_is_refused_in_french(page: Any) -> None:
    admin = await sign_up(name="Forge Patiente")
    await people.request_password_reset(uow, email=admin.email, now=now() - timedelta(hours=2))
    link = await last_link(admin.actor.user_id, Kind.PASSWORD_RESET)
    await page.goto(link)
    refusal = await page.locator("#token-error").inner_text()
    assert "expiré" in refusal
    assert await page.get_by_label("Nouveau mot de passe").count() == 0
    await page.goto("/reinitialiser?jeton=nimporte-quoi")
    assert "inconnu" in await page.locator("#token-error").inner_text()


async def test_notifications_newest_first_marked_read_one_by_one_then_all(page: Any) -> None:
    admin = await sign_up(name="Tonnellerie Notifiée")
    async with uow() as repos:
        for month in ("septembre 2026", "octobre 2026"):
            await notify(
                repos,
                [admin.actor.user_id],
                Kind.STATEMENT_TO_AGREE,
                {"month": month, "other": "Atelier Voisin", "summary": "solde nul"},
                link="/tableau-de-bord",
                now=now(),
            )
        await notify(
            repos,
            [admin.actor.user_id],
            Kind.PROPOSALS_READY,
            {"count": "2"},
            link=f"/api/v1/matching/proposals?company_id={admin.company_id}",
            now=now(),
        )
    await log_in(page, admin.email, PASSWORD)
    await page.goto("/notifications")
    items = page.locator("ul.notifications > li")
    assert await items.count() == 3
    assert "Nouvelles propositions" in await items.nth(0).inner_text()  # Newest first.
    # The notification leads to the page showing what it is about, not to the API.
    link = items.nth(0).get_by_role("link", name="Voir")
    assert await link.get_attribute("href") == f"/entreprises/{admin.company_id}/propositions"
    assert "octobre 2026" in await items.nth(1).inner_text()
    assert await page.locator("li.unread").count() == 3
    assert "Non lue" in await items.nth(0).inner_text()
    assert "Relevé mensuel à valider" in await items.nth(1).inner_text()  # French kind label.
    await check_page(page, "account-notifications")

    await items.nth(1).get_by_role("button", name="Marquer comme lue").click()
    await page.wait_for_function("() => document.querySelectorAll('li.unread').length === 2")
    assert "Lue" in await items.nth(1).inner_text()
    stored = await list_notifications(uow, admin.actor, unread_only=True, limit=10, offset=0)
    assert stored.total == 2

    await page.get_by_role("button", name="Tout marquer comme lu").click()
    await page.wait_for_url("**/notifications?fait=notifications")
    assert await page.locator("li.unread").count() == 0
    stored = await list_notifications(uow, admin.actor, unread_only=True, limit=10, offset=0)
    assert stored.total == 0
    await check_page(page, "account-notifications-lues")


async def test_marking_read_works_without_javascript_and_pages_stay_in_range(
    page_without_js: Any,
) -> None:
    page = page_without_js
    admin = await sign_up(name="Corderie Sans Script")
    async with uow() as repos:
        for number in range(23):
            await notify(
                repos,
                [admin.actor.user_id],
                Kind.PROPOSALS_READY,
                {"count": str(number + 1)},
                link="",
                now=now(),
            )
    await log_in(page, admin.email, PASSWORD)
    await page.goto("/notifications?page=99999")
    assert "Page 2 sur 2" in await page.locator("nav.pagination").inner_text()
    items = page.locator("ul.notifications > li")
    assert await items.count() == 3
    await items.nth(0).get_by_role("button", name="Marquer comme lue").click()
    await page.wait_for_url("**/notifications?page=2&fait=notification")
    assert await page.locator("li.unread").count() == 2
    stored = await list_notifications(uow, admin.actor, unread_only=True, limit=30, offset=0)
    assert stored.total == 22
