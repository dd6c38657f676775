"""Hours: the employee logs, corrects and withdraws hours in the week view; the host approves
many at once and rejects one with a reason, which the employee then reads."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import World, active_engagement, log, previous_month_day, world
from tests.helpers import PASSWORD, now
from timebank import formatting

pytestmark = pytest.mark.anyio

EMPLOYEE_PASSWORD = "employee-password"


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def entries(client: httpx.AsyncClient, w: World, engagement_id: int) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/engagements/{engagement_id}/timesheets", headers=w.employee.headers
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def log_hours(page: Any, *, minutes: str, description: str, day: date | None = None) -> None:
    if day is not None:
        await page.get_by_label("Jour travaillé").fill(day.isoformat())
    await page.get_by_label("Durée").fill(minutes)
    await page.get_by_label("Travail effectué").fill(description)
    await page.get_by_role("button", name="Enregistrer les heures").click()
    await page.wait_for_load_state("load")


async def test_the_employee_logs_corrects_and_withdraws_hours_in_the_week_view(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    today = now().date()
    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-heures")
    assert await page.get_by_role("heading", name="Mes heures").is_visible()
    assert "Fromagerie du Val" in await page.locator(".loan-summary").inner_text()
    assert await page.get_by_label("Jour travaillé").input_value() == today.isoformat()
    await check_page(page, "hours-week")

    await log_hours(page, minutes="1h30", description="Audit SEO de la page d'accueil")
    await page.get_by_text("Heures enregistrées").wait_for()
    [entry] = await entries(client, w, engagement_id)
    assert (entry["minutes"], entry["status"], entry["work_date"]) == (
        90,
        "submitted",
        today.isoformat(),
    )
    box = page.locator(f"#saisie-{entry['id']}")
    assert formatting.hours(90) in await box.inner_text()
    assert "En attente d'approbation" in await box.inner_text()

    await box.get_by_role("link", name="Modifier").click()
    await page.wait_for_load_state("load")
    assert await page.get_by_label("Durée").input_value() == "1h30"
    await check_page(page, "hours-edit")
    await page.get_by_label("Durée").fill("2 h")
    await page.get_by_role("button", name="Enregistrer la correction").click()
    await page.get_by_text("Saisie modifiée").wait_for()
    [entry] = await entries(client, w, engagement_id)
    assert entry["minutes"] == 120
    assert formatting.hours(120) in await page.locator(f"#saisie-{entry['id']}").inner_text()

    await log_hours(page, minutes="45 min", description="Réunion de cadrage")
    await page.get_by_text("Heures enregistrées").wait_for()
    second = next(e for e in await entries(client, w, engagement_id) if e["minutes"] == 45)
    second_box = page.locator(f"#saisie-{second['id']}")
    await second_box.get_by_role("button", name="Supprimer").click()
    await page.get_by_text("Saisie supprimée").wait_for()
    assert await page.locator(f"#saisie-{second['id']}").count() == 0
    statuses = {e["id"]: e["status"] for e in await entries(client, w, engagement_id)}
    assert statuses == {entry["id"]: "submitted", second["id"]: "withdrawn"}
    assert formatting.hours(120) in await page.locator("#week-total").inner_text()


async def test_bad_hours_are_refused_beside_their_field_and_nothing_is_stored(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    start = previous_month_day(1)
    engagement_id = await active_engagement(client, w, start=start)
    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-heures")
    for typed, day, field, words in (
        ("30 h", None, "minutes", "Plus de 10 h"),
        ("-1 h", None, "minutes", "« -1 h » illisible"),
        ("beaucoup", None, "minutes", "« beaucoup » illisible"),
        ("1h", start - timedelta(days=1), "work_date", "hors de la période"),
    ):
        await log_hours(page, minutes=typed, description="Audit", day=day)
        await expect(page.locator(f"#{field}-error")).to_contain_text(words)
        await expect(page.get_by_label("Durée")).to_have_value(typed)
        if typed == "30 h":
            await check_page(page, "hours-week-refused")
    assert await entries(client, w, engagement_id) == []


async def test_a_double_submit_of_the_form_logs_once(page: Any, client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-heures")
    form = {
        "_csrf": await page.locator("input[name=_csrf]").first.input_value(),
        "client_id": await page.locator("input[name=client_id]").input_value(),
        "mission": str(engagement_id),
        "work_date": now().date().isoformat(),
        "minutes": "1h",
        "description": "Audit",
    }
    for _ in range(2):
        response = await page.request.post("/mes-heures", form=form)
        assert response.status == 200  # The redirect to the week, followed.
    assert [e["minutes"] for e in await entries(client, w, engagement_id)] == [60]
    await page.reload()
    assert await page.locator("input[name=client_id]").input_value() != form["client_id"]


async def test_the_host_approves_two_at_once_and_rejects_one_the_employee_reads_why(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    tenth = previous_month_day(10)
    monday = tenth - timedelta(days=tenth.weekday())
    for offset, minutes in enumerate((60, 90, 30)):
        logged = await log(client, w, engagement_id, monday + timedelta(days=offset), minutes)
        assert logged.status_code == 201, logged.text
    first, second, third = sorted(await entries(client, w, engagement_id), key=lambda e: e["id"])
    position = f"/api/v1/companies/{w.host.company_id}/position"
    before = (await client.get(position, headers=w.host.headers)).json()

    await log_in(page, w.host.email, PASSWORD)
    queue = f"/entreprises/{w.host.company_id}/heures-a-approuver"
    await page.goto(queue)
    row = page.locator(f"#row-{first['id']}")
    assert "Inès Moreau" in await row.inner_text()
    assert "Agence Lumière" in await row.inner_text()
    assert formatting.day(monday) in await row.inner_text()
    await check_page(page, "hours-queue")

    await page.get_by_role("button", name="Approuver la sélection").click()
    await page.locator("#entry_ids-error").wait_for()
    assert "Aucune saisie" in await page.locator("#entry_ids-error").inner_text()
    await check_page(page, "hours-queue-refused")

    await page.locator(f"#row-{third['id']}").get_by_role("button", name="Refuser").click()
    await page.locator("#reason-error").wait_for()
    assert "motif" in await page.locator("#reason-error").inner_text()

    await page.locator(f"#entry-{first['id']}").check()
    await page.locator(f"#entry-{second['id']}").check()
    await page.get_by_role("button", name="Approuver la sélection").click()
    await page.get_by_text("Heures approuvées").wait_for()
    assert await page.locator(f"#row-{first['id']}").count() == 0
    after = (await client.get(position, headers=w.host.headers)).json()
    assert after["minutes_received"] == before["minutes_received"] + 150
    assert after["cents_balance"] < before["cents_balance"]

    third_row = page.locator(f"#row-{third['id']}")
    await third_row.get_by_label("Motif du refus").fill("Réunion hors du périmètre convenu")
    await third_row.get_by_role("button", name="Refuser").click()
    await page.locator(f"#row-{third['id']}", has_text="Refusée").wait_for()
    statuses = {e["id"]: e["status"] for e in await entries(client, w, engagement_id)}
    assert statuses == {first["id"]: "approved", second["id"]: "approved", third["id"]: "rejected"}

    await page.context.clear_cookies()
    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto(f"/mes-heures?mission={engagement_id}&semaine={week_of(monday)}")
    rejected = page.locator(f"#saisie-{third['id']}")
    assert "Refusée" in await rejected.inner_text()
    assert "Réunion hors du périmètre convenu" in await rejected.inner_text()
    approved = page.locator(f"#saisie-{first['id']}")
    assert "Approuvée" in await approved.inner_text()
    assert await approved.get_by_role("link", name="Modifier").count() == 0
    assert await approved.get_by_role("button", name="Supprimer").count() == 0
    await check_page(page, "hours-week-reviewed")

    token = await page.locator("input[name=_csrf]").first.input_value()
    forged = await page.request.post(
        f"/mes-heures/saisies/{first['id']}/modifier",
        form={
            "_csrf": token,
            "work_date": monday.isoformat(),
            "minutes": "5 h",
            "description": "x",
        },
    )
    assert forged.status == 409
    assert "déjà approuvée ou refusée" in await forged.text()
    removed = await page.request.post(
        f"/mes-heures/saisies/{first['id']}/supprimer", form={"_csrf": token}
    )
    assert removed.status == 409
    [kept] = [e for e in await entries(client, w, engagement_id) if e["id"] == first["id"]]
    assert (kept["minutes"], kept["status"]) == (60, "approved")
    await page.goto(f"/mes-heures/saisies/{first['id']}/modifier")
    assert await page.get_by_role("button", name="Enregistrer la correction").count() == 0
    await check_page(page, "hours-edit-reviewed")


async def test_without_javascript_every_form_still_works(
    browser: Any, live_server: str, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    try:
        page = await context.new_page()
        await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
        await page.goto("/mes-heures")
        await log_hours(page, minutes="1,5 h", description="Atelier réseaux sociaux")
        await page.get_by_text("Heures enregistrées").wait_for()
        await log_hours(page, minutes="12 h", description="Trop long")
        assert "Plus de 10 h" in await page.locator("#minutes-error").inner_text()
        [entry] = await entries(client, w, engagement_id)
        assert entry["minutes"] == 90
        await context.clear_cookies()
        await log_in(page, w.host.email, PASSWORD)
        await page.goto(f"/entreprises/{w.host.company_id}/heures-a-approuver")
        row = page.locator(f"#row-{entry['id']}")
        await row.get_by_role("button", name="Refuser").click()
        assert "motif" in await page.locator("#reason-error").inner_text()
        await (
            page.locator(f"#row-{entry['id']}").get_by_label("Motif du refus").fill("Hors mission")
        )
        await page.locator(f"#row-{entry['id']}").get_by_role("button", name="Refuser").click()
        await page.get_by_text("Saisie refusée").wait_for()
        [entry] = await entries(client, w, engagement_id)
        assert (entry["status"], entry["rejection_reason"]) == ("rejected", "Hors mission")
    finally:
        await context.close()
