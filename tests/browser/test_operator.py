"""The operator's indicators: the page, the CSV and the JSON say what the database holds."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import active_engagement, log, operator, previous_month_day, world
from tests.helpers import PASSWORD, now, sign_up
from timebank import formatting
from timebank.db.tables import MatchProposalTable, NeedTable, TimesheetEntryTable, TrainingTable

pytestmark = pytest.mark.anyio


async def _approved_hours(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    today = now().date()
    ids = []
    for days_ago, minutes in ((1, 90), (2, 120)):
        day = today - timedelta(days=days_ago)
        logged = await log(client, w, engagement_id, day, minutes)
        assert logged.status_code == 201, logged.text
        ids.append(logged.json()["id"])
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": ids}
    )
    assert approved.status_code == 200, approved.text


async def _independent_figures() -> dict[str, Any]:
    """The same figures read straight from the tables, without the indicators' code."""
    entries = await TimesheetEntryTable.raw(
        "SELECT work_date, minutes FROM timesheet_entry WHERE status = 'approved'"
    )
    by_month: dict[str, int] = defaultdict(int)
    for entry in entries:
        work_date = entry["work_date"]
        key = work_date[:7] if isinstance(work_date, str) else work_date.strftime("%Y-%m")
        by_month[key] += int(entry["minutes"])
    proposals = await MatchProposalTable.raw("SELECT status FROM match_proposal")
    trainings = await TrainingTable.raw("SELECT status, rating FROM training")
    return {
        "by_month": dict(by_month),
        "open_needs": len(await NeedTable.raw("SELECT id FROM need WHERE status = 'open'")),
        "proposals": len(proposals),
        "declined": sum(1 for p in proposals if p["status"] == "declined"),
        "trainings": len(trainings),
        "rated": sum(1 for t in trainings if t["rating"] is not None),
    }


async def test_indicators_match_the_database_on_the_page_in_csv_and_json(
    page: Any, client: httpx.AsyncClient
) -> None:
    await _approved_hours(client)
    op = await operator(client)
    expected = await _independent_figures()

    await log_in(page, op.email, PASSWORD)
    await page.goto("/operateur/indicateurs")
    assert await page.get_by_role("heading", name="Indicateurs du programme").is_visible()
    month_table = page.get_by_role("table", name="Heures et valeur au coût par mois")
    body = await month_table.inner_text()
    for minutes in expected["by_month"].values():
        assert formatting.hours(minutes) in body
    assert await page.locator("svg.chart-svg").count() >= 5
    await check_page(page, "operator-indicators")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Télécharger tous les chiffres (CSV)").click()
    download = await download_info.value
    text = (await download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["indicateur", "clé", "valeur", "unité"]
    month_minutes = {
        key: int(value)
        for section, key, value, unit in rows[1:]
        if section == "heures_par_mois" and unit == "minutes"
    }
    assert month_minutes == expected["by_month"]

    figures = (await client.get("/api/v1/indicators", headers=op.headers)).json()
    assert {a["key"]: a["minutes"] for a in figures["hours_by_month"]} == expected["by_month"]
    assert {c["key"]: c["value"] for c in figures["needs"]}["open"] == expected["open_needs"]
    proposals = {c["key"]: c["value"] for c in figures["proposals"]}
    assert proposals["made"] == expected["proposals"]
    assert proposals["declined"] == expected["declined"]
    trainings = {c["key"]: c["value"] for c in figures["trainings"]}
    assert (trainings["logged"], trainings["rated"]) == (expected["trainings"], expected["rated"])


async def test_indicators_are_the_operators_alone(page: Any, client: httpx.AsyncClient) -> None:
    admin = await sign_up(name="Atelier Curieux")
    await log_in(page, admin.email, PASSWORD)
    response = await page.goto("/operateur/indicateurs")
    assert response is not None and response.status == 403
    csv_response = await page.request.get("/operateur/indicateurs.csv")
    assert csv_response.status == 403
    api = await page.request.get("/api/v1/indicators")
    assert api.status == 403


async def test_home_page_shows_the_programme_figures_without_naming_anyone(page: Any) -> None:
    await page.goto("/")
    summary = page.locator("h2", has_text="Le programme en chiffres")
    assert await summary.is_visible()
    await check_page(page, "home")


async def test_the_operator_runs_matching_from_the_page_and_reads_its_gap(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)  # An open need (SEO, level 2) and a volunteer who fits it.
    profile = await client.put(
        f"/api/v1/employees/{w.employee_id}/profile",
        headers=w.employee.headers,
        json={
            "offered_minutes_per_month": 20 * 60,
            "remote_ok": True,
            "travel_radius_km": 30,
            "languages": ["fr"],
            "skills": [{"skill": "seo", "level": 4}],
        },
    )
    assert profile.status_code == 200, profile.text
    op = await operator(client)
    await log_in(page, op.email, PASSWORD)
    await page.goto("/operateur/appariement")
    await check_page(page, "operator-matching")
    await page.get_by_role("button", name="Lancer un calcul maintenant").click()
    await page.wait_for_url("**/taches/*")
    assert await page.get_by_role("heading", name="Calcul d'appariement").is_visible()
    await check_page(page, "operator-matching-job")
    # htmx polls the progress; the link appears when the run is done.
    link = page.get_by_role("link", name="Voir les calculs d'appariement")
    await link.wait_for(timeout=60_000)
    await link.click()
    row = page.locator("tbody tr").first
    assert "Terminé" in await row.inner_text()
    job_id = int((await row.get_by_role("link").get_attribute("href") or "").rsplit("/", 1)[1])
    from timebank.db.unit_of_work import piccolo_unit_of_work
    from timebank.jobs.use_cases import get_job
    from timebank.people.use_cases import log_in as use_case_log_in

    login = await use_case_log_in(
        piccolo_unit_of_work, email=op.email, password=PASSWORD, now=now(), session_hours=1
    )
    job = await get_job(piccolo_unit_of_work, login.actor, job_id)
    assert job.result["proposals"] >= 1
    assert job.result["objective"] <= job.result["bound"] or job.result["bound"] == 0
    cells = await row.locator("td").all_inner_texts()
    assert str(job.result["proposals"]) in cells[2]


async def test_the_operator_sets_a_companys_credit_line_from_its_page(
    page: Any, client: httpx.AsyncClient
) -> None:
    """With the keyboard: found by name, a word and an excessive number refused beside the
    field (nothing changes), then 60 h saved and in force in the ledger."""
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    assert engagement_id  # The host's hours account exists once a loan runs.
    op = await operator(client)
    await log_in(page, op.email, PASSWORD)
    await page.goto("/operateur/lignes-de-credit")
    await check_page(page, "operator-credit-lines")
    host = await client.get(f"/api/v1/companies/{w.host.company_id}", headers=w.host.headers)
    name = host.json()["name"]
    await page.get_by_label("Entreprise (nom ou SIREN)").fill(host.json()["siren"])
    await page.get_by_label("Entreprise (nom ou SIREN)").press("Enter")
    await page.wait_for_url("**/lignes-de-credit?recherche=*")
    field = page.get_by_label(f"Ligne de crédit de {name}, en heures")
    assert await field.input_value() == "40"

    accounts = await client.get(
        f"/api/v1/ledger/accounts?company_id={w.host.company_id}", headers=w.host.headers
    )
    hours_account = next(
        a for a in accounts.json() if a["unit"] == "minutes" and a["kind"] == "company"
    )
    for typed, words in (("beaucoup", "nombre entier"), ("5000", "1607")):
        await field.fill("")
        await field.focus()
        await page.keyboard.type(typed)
        async with page.expect_navigation():  # Not the last answer's error still on screen.
            await page.keyboard.press("Enter")
        error = page.locator(f"#ligne-{hours_account['id']}-error")
        assert words in await error.inner_text()
    await check_page(page, "operator-credit-lines-refused")
    unchanged = await client.get(
        f"/api/v1/ledger/accounts/{hours_account['id']}", headers=op.headers
    )
    assert unchanged.json()["account"]["balance_min"] == -2400
    field = page.get_by_label(f"Ligne de crédit de {name}, en heures")
    await field.fill("")
    await field.focus()
    await page.keyboard.type("60")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/lignes-de-credit?recherche=*fait=ligne_de_credit")
    assert "enregistrée" in await page.locator(".notice").first.inner_text()
    saved = await client.get(f"/api/v1/ledger/accounts/{hours_account['id']}", headers=op.headers)
    assert saved.json()["account"]["balance_min"] == -3600


async def test_the_operator_prepares_last_months_statements_from_the_page(
    page: Any, client: httpx.AsyncClient
) -> None:
    """Hours approved last month: the operator prepares last month's statements with the
    keyboard, and the pair's statement is there for both companies."""
    w = await world(client)
    loan = await active_engagement(client, w)
    logged = await log(client, w, loan, previous_month_day(2), 90)
    assert logged.status_code == 201, logged.text
    approved = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [logged.json()["id"]]},
    )
    assert approved.status_code == 200, approved.text

    op = await operator(client)
    await log_in(page, op.email, PASSWORD)
    await page.goto("/operateur/releves")
    last_month = previous_month_day(1)
    await page.get_by_label("Mois").select_option(last_month.isoformat()[:7])
    await page.get_by_role("button", name="Préparer les relevés du mois").focus()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    status = await page.locator("main p[role=status]").inner_text()
    assert formatting.month_label(last_month).capitalize() in status
    assert "relevé(s) préparé(s) ou complété(s)" in status
    await check_page(page, "operator-statements")
    listed = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/settlements", headers=w.lender.headers
    )
    assert [s["month"] for s in listed.json()] == [last_month.isoformat()]
    # Companies' admins do not open it.
    await page.context.clear_cookies()
    await log_in(page, w.lender.email, PASSWORD)
    answer = await page.goto("/operateur/releves")
    assert answer is not None and answer.status == 403
