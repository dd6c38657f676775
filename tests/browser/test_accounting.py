"""The accountant's exports from the browser: the client companies, the FEC file summed up
before download (and the downloaded file holds exactly that), the hours in French for a French
Excel, the asset projects, and no access to a company that did not grant it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import Party, active_engagement, log, previous_month_day, signup, world
from tests.helpers import PASSWORD, emailed_invitation_token, last_link, new_email
from timebank.db.tables import UserTable
from timebank.notifications.model import Kind

pytestmark = pytest.mark.anyio
ACCOUNTANT_PASSWORD = "cabinet-password"


async def _grant_accountant(client: httpx.AsyncClient, company: Party) -> str:
    """The company grants a new accountant access; returns the accountant's e-mail."""
    email = new_email("cabinet")
    grant = await client.post(
        f"/api/v1/companies/{company.company_id}/accountants",
        headers=company.headers,
        json={"email": email, "full_name": "Cabinet Durand"},
    )
    assert grant.status_code == 201, grant.text
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(grant.json()["accountant"]["id"]),
            "password": ACCOUNTANT_PASSWORD,
        },
    )
    assert accepted.status_code == 200, accepted.text
    client.cookies.clear()
    return email


def _cents(shown: str) -> int:
    """`1 234,56 €` (any spaces) → 123456."""
    digits = re.sub(r"[^\d,]", "", shown)
    whole, _, fraction = digits.partition(",")
    return int(whole) * 100 + int(fraction or 0)


async def _figure(page: Any, figure_id: str) -> str:
    return str(await page.locator(f"#{figure_id} strong").inner_text())


async def test_accountant_reads_the_fec_summary_and_downloads_what_it_says(
    page: Any, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    entries = [
        (await log(client, w, engagement_id, previous_month_day(day), minutes)).json()["id"]
        for day, minutes in ((4, 120), (11, 90))
    ]
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entries}
    )
    assert approved.status_code == 200, approved.text
    cents = sum(e["cost_cents"] for e in approved.json())
    accountant = await _grant_accountant(client, w.host)
    host = await client.get(f"/api/v1/companies/{w.host.company_id}", headers=w.host.headers)
    siren, company_name = host.json()["siren"], host.json()["name"]
    year = previous_month_day(1).year

    await log_in(page, accountant, ACCOUNTANT_PASSWORD)
    await page.goto("/comptable")
    await check_page(page, "accounting-clients")
    await page.get_by_role("link", name=f"Exports comptables de {company_name}").click()
    await page.wait_for_url(f"**/comptable/entreprises/{w.host.company_id}")
    await check_page(page, "accounting-export-default-year")
    await page.get_by_label("Exercice (année de clôture)").select_option(str(year))
    await page.get_by_role("button", name="Afficher cet exercice").click()
    await page.wait_for_url(f"**/comptable/entreprises/{w.host.company_id}?exercice={year}")

    entries_shown = int(await _figure(page, "fec-entries"))
    lines_shown = int(await _figure(page, "fec-lines"))
    debit_shown = _cents(await _figure(page, "fec-debit"))
    credit_shown = _cents(await _figure(page, "fec-credit"))
    # Two movements received, their invoice still to come: 6214 / 4081.
    assert entries_shown == 2 and lines_shown == 4
    assert debit_shown == credit_shown == cents
    assert "le fichier est équilibré" in await page.locator("#fec-balance").inner_text()
    accounts = await page.locator("#fec-accounts").inner_text()
    assert "6214" in accounts and "Personnel détaché ou prêté à l'entreprise" in accounts
    assert "4081" in accounts and "Fournisseurs - Factures non parvenues" in accounts
    period = await page.locator("#fec-period").inner_text()
    await check_page(page, "accounting-export")

    async with page.expect_download() as fec_download:
        await page.get_by_role("link", name=re.compile("Télécharger le FEC")).click()
    fec_file = await fec_download.value
    assert fec_file.suggested_filename == f"{siren}FEC{year}1231.txt"
    saved = tmp_path / fec_file.suggested_filename
    await fec_file.save_as(saved)
    rows = list(
        csv.DictReader(
            io.StringIO(saved.read_text(encoding="utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    )
    assert len({row["EcritureNum"] for row in rows}) == entries_shown
    assert len(rows) == lines_shown
    assert sum(_cents(row["Debit"]) for row in rows) == debit_shown
    assert sum(_cents(row["Credit"]) for row in rows) == credit_shown
    days = sorted(row["EcritureDate"] for row in rows)
    first, last = (f"{day[6:]}/{day[4:6]}/{day[:4]}" for day in (days[0], days[-1]))
    assert f"du {first} au {last}" in period

    async with page.expect_download() as hours_download:
        await page.get_by_role("link", name="Télécharger les heures (CSV pour Excel)").click()
    hours_file = await hours_download.value
    assert hours_file.suggested_filename == f"{siren}-heures-{year}.csv"
    saved = tmp_path / hours_file.suggested_filename
    await hours_file.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with its byte order mark, for Excel.
    hours = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert hours[0] == [
        "Mois",
        "Salarié·e",
        "Mise à disposition",
        "SIREN de la contrepartie",
        "Entreprise contrepartie",
        "Durée prêtée (minutes)",
        "Durée reçue (minutes)",
        "Durée de formation (minutes)",
        "Montant au coût (€)",
        "Frais refacturés au coût (€)",
    ]
    assert hours[1][1] == "Inès Moreau" and hours[1][6] == "210"
    assert hours[-1][:2] == [f"Exercice {year}", "Total"]
    assert _cents(hours[-1][8]) == cents and hours[-1][9] == "0,00"  # No expense.
    # The accountant decides what is capitalised: the marking form is there for them too.
    projects = page.locator("section[aria-labelledby='projets']")
    assert await projects.get_by_role("button", name="Marquer comme projet immobilisé").count() == 1

    forbidden = await page.goto(f"/comptable/entreprises/{w.lender.company_id}")
    assert forbidden is not None and forbidden.status == 403
    assert await page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    await check_page(page, "accounting-forbidden")


async def test_admin_marks_a_need_as_an_asset_project_from_the_export_page(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    entry = (await log(client, w, engagement_id, previous_month_day(5), 150)).json()["id"]
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [entry]}
    )
    assert approved.status_code == 200, approved.text
    year = previous_month_day(1).year
    fec_url = f"/api/v1/companies/{w.host.company_id}/exports/fec"

    await log_in(page, w.host.email, PASSWORD)
    await page.goto(f"/entreprises/{w.host.company_id}/exports?exercice={year}")
    assert await page.locator("#no-asset-project").is_visible()
    account = page.get_by_label("Compte de l'immobilisation une fois en service")
    await account.select_option("203")
    await page.get_by_role("button", name="Marquer comme projet immobilisé").click()
    assert "Besoin : champ obligatoire." in await page.locator("#need_id-error").inner_text()
    assert await account.input_value() == "203"  # What was chosen stays.
    await check_page(page, "accounting-asset-project-refused")
    before = await client.get(fec_url, headers=w.host.headers, params={"year": year})
    assert "\t232\t" not in before.text  # Nothing stored.

    await page.locator("#need_id").select_option(str(w.need_id))
    await account.select_option("205")
    await page.get_by_role("button", name="Marquer comme projet immobilisé").click()
    await page.wait_for_url(f"**/entreprises/{w.host.company_id}/exports?exercice={year}&fait=*")
    row = page.locator(f"#projet-{w.need_id}")
    assert "En cours (compte 232)" in await row.inner_text()
    assert "232" in await page.locator("#fec-accounts").inner_text()
    await check_page(page, "accounting-asset-projects")
    after = await client.get(fec_url, headers=w.host.headers, params={"year": year})
    assert "\t232\tImmobilisations incorporelles en cours\t" in after.text

    await row.get_by_role("button", name=re.compile("Retirer")).click()
    await page.wait_for_load_state("load")
    assert await page.locator("#no-asset-project").is_visible()
    undone = await client.get(fec_url, headers=w.host.headers, params={"year": year})
    assert "\t232\t" not in undone.text


async def test_admin_gives_an_accountant_access_from_the_company_page(
    page: Any, client: httpx.AsyncClient
) -> None:
    """With the keyboard: a bad address is refused beside its field and grants nothing; then
    the accountant, from the e-mailed link, finds the company among its clients."""
    admin = await signup(client, name="Menuiserie Comptée")
    await log_in(page, admin.email, PASSWORD)
    await page.goto(f"/entreprises/{admin.company_id}")
    await page.get_by_role("link", name="Donner accès à un expert-comptable").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/entreprises/{admin.company_id}/expert-comptable")
    await check_page(page, "company-accountant")
    await page.get_by_label("Adresse e-mail de l'expert-comptable").focus()
    await page.keyboard.type("pas-une-adresse")
    await page.get_by_label("Nom et prénom, ou nom du cabinet").focus()
    await page.keyboard.type("Cabinet Martin")
    await page.keyboard.press("Enter")
    await page.wait_for_load_state("load")
    assert await page.locator("#email-error").inner_text()
    await check_page(page, "company-accountant-refused")
    email = new_email("cabinet")
    await page.get_by_label("Adresse e-mail de l'expert-comptable").fill("")
    await page.get_by_label("Adresse e-mail de l'expert-comptable").focus()
    await page.keyboard.type(email)
    await page.get_by_role("button", name="Donner l'accès").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/entreprises/{admin.company_id}?fait=comptable_invite")
    assert "reçoit par e-mail un lien" in await page.locator("main").inner_text()

    user = await UserTable.select(UserTable.id).where(UserTable.email == email).first()
    assert user is not None
    link = await last_link(user["id"], Kind.INVITATION)
    await page.context.clear_cookies()
    await page.goto(link)
    await page.get_by_label("Nouveau mot de passe").fill(ACCOUNTANT_PASSWORD)
    await page.get_by_label("Le même mot de passe, une seconde fois").fill(ACCOUNTANT_PASSWORD)
    await page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    await page.wait_for_url("**/tableau-de-bord**")
    await page.goto("/comptable")
    assert "Menuiserie Comptée" in await page.locator("main").inner_text()
    await check_page(page, "accounting-clients")
    await page.get_by_role("link", name="Frais refacturés de Menuiserie Comptée").click()
    await page.wait_for_url(f"**/entreprises/{admin.company_id}/frais")
    await page.go_back()
    await page.get_by_role("link", name="Factures de Menuiserie Comptée").click()
    await page.wait_for_url(f"**/entreprises/{admin.company_id}/factures")
