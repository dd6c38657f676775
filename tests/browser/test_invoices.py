"""Invoices in the browser: after both companies agreed last month's statement, the lender's
admin opens « Factures » from the menu, reads its invoice (lines, totals, mentions) and downloads
its Factur-X PDF, whose XML passes the library's schema check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import facturx
import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import (
    active_engagement,
    close_last_month,
    log,
    previous_month_day,
    world,
)
from tests.helpers import PASSWORD
from timebank import formatting as fmt

pytestmark = pytest.mark.anyio


async def test_admin_opens_its_invoices_and_downloads_the_factur_x(
    page: Any, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    entries = []
    for day in (3, 10):
        logged = await log(client, w, engagement_id, previous_month_day(day), 150)
        assert logged.status_code == 201, logged.text
        entries.append(logged.json()["id"])
    statement = await close_last_month(client, w, entries)
    for party in (w.host, w.lender):
        agreed = await client.post(
            f"/api/v1/settlements/{statement['id']}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    (invoice,) = (
        await client.get(
            f"/api/v1/companies/{w.lender.company_id}/invoices", headers=w.lender.headers
        )
    ).json()["items"]

    await log_in(page, w.lender.email, PASSWORD)
    await page.locator("summary", has_text="Menu").click()
    await page.get_by_role("link", name="Factures", exact=True).click()
    await page.wait_for_load_state("load")
    assert await page.locator("h1").inner_text() == "Factures de Agence Lumière"
    row = await page.locator(f"#facture-{invoice['id']}").inner_text()
    assert "BT-000001" in row and "Fromagerie du Val" in row
    assert fmt.euros(invoice["total_cents"]) in row
    assert "à encaisser" in row
    await check_page(page, "invoices-list")

    await page.get_by_role("link", name=re.compile("Facture N° BT-000001")).click()
    await page.wait_for_load_state("load")
    assert await page.locator("h1").inner_text() == "Facture N° BT-000001"
    lines = await page.locator("#invoice-lines").inner_text()
    assert "Inès Moreau" in lines and fmt.hours(300) in lines
    totals = await page.locator("#invoice-totals").inner_text()
    assert fmt.euros(invoice["vat_cents"]) in totals and f"TVA à {fmt.percent(2000)}" in totals
    mentions = await page.locator("#invoice-mentions").inner_text()
    assert "Pénalités de retard" in mentions
    await check_page(page, "invoice-detail")

    async with page.expect_download() as download:
        await page.get_by_role("link", name=re.compile("Télécharger le PDF Factur-X")).click()
    pdf_file = await download.value
    assert pdf_file.suggested_filename == "BT-000001.pdf"
    saved = tmp_path / pdf_file.suggested_filename
    await pdf_file.save_as(saved)
    _, xml = facturx.get_facturx_xml_from_pdf(saved.read_bytes(), check_xsd=False)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
