"""Monthly statements, the company's position and its ledger, in the browser: the lender's admin
reads the position and agrees to last month's statement; the host's admin disputes one with a
reason (an empty reason is refused beside the field); the ledger's running balances match the
API on every page."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import (
    World,
    active_engagement,
    close_last_month,
    log,
    previous_month_day,
    world,
)
from tests.helpers import PASSWORD
from timebank import formatting as fmt

pytestmark = pytest.mark.anyio


async def _last_month_statement(
    client: httpx.AsyncClient, w: World, *, days: range, minutes: int
) -> dict[str, Any]:
    """Hours logged on last month's days, approved by the host, the month closed: the pair's
    statement as the API shows it."""
    engagement_id = await active_engagement(client, w, planned_minutes=40 * 60)
    entry_ids = []
    for day in days:
        logged = await log(client, w, engagement_id, previous_month_day(day), minutes)
        assert logged.status_code == 201, logged.text
        entry_ids.append(logged.json()["id"])
    return await close_last_month(client, w, entry_ids)


async def _statement(client: httpx.AsyncClient, w: World) -> dict[str, Any]:
    listed = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/settlements", headers=w.lender.headers
    )
    assert listed.status_code == 200, listed.text
    (statement,) = [
        s for s in listed.json() if w.host.company_id in (s["company_a"], s["company_b"])
    ]
    return dict(statement)


async def _api(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_lender_reads_its_position_agrees_and_follows_the_ledger(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    # 26 approved entries: the ledger needs two pages of 25 movements.
    statement = await _last_month_statement(client, w, days=range(1, 27), minutes=75)
    lender_id = w.lender.company_id
    position = await _api(client, f"/api/v1/companies/{lender_id}/position", w.lender.headers)
    assert position["minutes_given"] == 26 * 75
    assert statement["net_cents"] >= 100_000  # Over 1 000 €: thousands are grouped.

    await log_in(page, w.lender.email, PASSWORD)
    await page.goto(f"/entreprises/{lender_id}/releves")
    assert await page.get_by_role("heading", level=1).inner_text() == (
        "Relevés et position de Agence Lumière"
    )
    assert (
        fmt.hours(position["minutes_given"]) in await page.locator("#position-given").inner_text()
    )
    assert (
        fmt.euros(position["cents_balance"]) in await page.locator("#position-euros").inner_text()
    )
    assert "à recevoir" in await page.locator("#position-euros").inner_text()
    assert fmt.hours(40 * 60) in await page.locator("#position-credit-line").inner_text()
    row = page.locator(f"#releve-{statement['id']}")
    owed = f"Fromagerie du Val vous doit {fmt.euros(statement['net_cents'])}"
    assert "\u202f" in fmt.euros(statement["net_cents"])
    row_text = await row.inner_text()
    assert owed in row_text
    assert fmt.hours(26 * 75) in row_text and "À valider" in row_text
    await check_page(page, "statements-list")

    await row.get_by_role("link", name="Valider ou contester").click()
    await page.wait_for_url(f"**/entreprises/{lender_id}/releves/{statement['id']}")
    assert owed in await page.locator("#net-sentence").inner_text()
    given = await page.locator("#given").inner_text()
    assert fmt.euros(statement["net_cents"]) in given and fmt.hours(26 * 75) in given
    assert await page.get_by_role("cell", name="Inès Moreau").count() == 26
    await check_page(page, "statements-detail")

    await page.get_by_role("button", name="Donner mon accord sur ce relevé").click()
    await page.wait_for_url("**?fait=releve_accepte")
    assert "Votre accord est enregistré." in await page.locator(".notice").inner_text()
    assert await page.get_by_role("button", name="Donner mon accord sur ce relevé").count() == 0
    assert "en attente de Fromagerie du Val" in await page.locator("main").inner_text()
    await check_page(page, "statements-agreed")
    stored = await _statement(client, w)
    lender_is_a = stored["company_a"] == lender_id
    assert (stored["agreed_by_a"], stored["agreed_by_b"]) == (lender_is_a, not lender_is_a)
    assert stored["status"] == "draft"

    accounts = await _api(
        client, f"/api/v1/ledger/accounts?company_id={lender_id}", w.lender.headers
    )
    balances = {a["unit"]: a["balance"] for a in accounts}
    await page.goto(f"/entreprises/{lender_id}/grand-livre")
    first_row = page.locator("#grand-livre tbody tr").first
    assert (
        fmt.hours(balances["minutes"]) in await first_row.locator(".balance-minutes").inner_text()
    )
    assert fmt.euros(balances["cents"]) in await first_row.locator(".balance-cents").inner_text()
    assert "Heures prêtées" in await first_row.inner_text()
    assert "Fromagerie du Val" in await first_row.inner_text()
    assert await page.locator("#grand-livre tbody tr").count() == 25
    assert "page 1 sur 2" in await page.locator("main").inner_text()
    await check_page(page, "statements-ledger")

    await page.goto(f"/entreprises/{lender_id}/grand-livre?page=99999")
    assert "page 2 sur 2" in await page.locator("main").inner_text()
    oldest = page.locator("#grand-livre tbody tr")
    assert await oldest.count() == 1
    assert fmt.hours(75) in await oldest.locator(".balance-minutes").inner_text()

    # A period that ends before it starts is refused beside its field; the ledger stays.
    await page.goto(f"/entreprises/{lender_id}/grand-livre")
    await page.get_by_label("Du").fill(previous_month_day(20).isoformat())
    await page.get_by_label("Au (inclus)").fill(previous_month_day(10).isoformat())
    await page.get_by_role("button", name="Filtrer la période").click()
    await page.wait_for_load_state("load")
    assert "doit suivre le début" in await page.locator("#end-error").inner_text()
    await check_page(page, "statements-ledger-refused")


async def test_host_disputes_with_a_reason_and_an_empty_reason_is_refused(
    page: Any, client: httpx.AsyncClient
) -> None:
    w = await world(client)
    statement = await _last_month_statement(client, w, days=range(2, 4), minutes=90)
    host_id = w.host.company_id
    detail_path = f"/entreprises/{host_id}/releves/{statement['id']}"

    await log_in(page, w.host.email, PASSWORD)
    await page.goto(f"/entreprises/{host_id}/releves?page=99999")
    assert "page 1 sur 1" in await page.locator("main").inner_text()
    owes = f"Vous devez {fmt.euros(statement['net_cents'])} à Agence Lumière"
    assert owes in await page.locator(f"#releve-{statement['id']}").inner_text()
    await page.goto(detail_path)
    assert owes in await page.locator("#net-sentence").inner_text()

    await page.get_by_role("button", name="Contester ce relevé").click()
    await page.wait_for_load_state("load")
    assert "Indiquez le motif" in await page.locator("#reason-error").inner_text()
    await check_page(page, "statements-dispute-refused")
    unchanged = await _statement(client, w)
    assert (unchanged["status"], unchanged["dispute_reason"]) == ("draft", None)

    await page.get_by_label("Motif de la contestation").fill("Le 3 : une heure de trop.")
    await page.get_by_role("button", name="Contester ce relevé").click()
    await page.wait_for_url("**?fait=releve_conteste")
    main = await page.locator("main").inner_text()
    assert "Contesté" in main and "Le 3 : une heure de trop." in main
    await check_page(page, "statements-disputed")
    disputed = await _statement(client, w)
    assert (disputed["status"], disputed["dispute_reason"]) == (
        "disputed",
        "Le 3 : une heure de trop.",
    )
