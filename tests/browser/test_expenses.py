"""Expenses in the browser: the employee records an expense with its receipt from the loan's
page, using the keyboard (a file that is not a receipt is refused beside its field); the lender's
admin approves it from the company's expenses page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_page, log_in
from tests.exchange_helpers import active_engagement, previous_month_day, world
from tests.helpers import PASSWORD

pytestmark = pytest.mark.anyio

EMPLOYEE_PASSWORD = "employee-password"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def _type_into(page: Any, label: str, value: str) -> None:
    """Focus a field by its label and type, as a keyboard user does."""
    await page.get_by_label(label).focus()
    await page.keyboard.type(value)


async def test_employee_records_an_expense_with_its_receipt_and_the_lender_approves_it(
    page: Any, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    day = previous_month_day(6)
    receipt = tmp_path / "billet-train.pdf"
    receipt.write_bytes(PDF)
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"not really a picture")

    await log_in(page, w.employee.email, EMPLOYEE_PASSWORD)
    await page.goto("/mes-heures")
    await page.get_by_role("link", name="Frais de cette mise à disposition").click()
    await page.wait_for_load_state("load")
    assert page.url.endswith(f"/mises-a-disposition/{engagement_id}/frais")
    await check_page(page, "expenses-loan-employee")

    await page.get_by_label("Date de la dépense").fill(day.isoformat())
    await page.get_by_label("Nature").focus()
    await page.get_by_label("Nature").select_option("transport")
    await _type_into(page, "Objet de la dépense", "Train Lyon–Paris aller-retour")
    await _type_into(page, "Montant payé TTC (€)", "123,40")
    await _type_into(page, "Dont TVA (€)", "11,22")
    await page.get_by_label("Justificatif").set_input_files(str(fake))
    await page.get_by_role("button", name="Déclarer la dépense").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_load_state("load")
    error = page.locator("#receipt-error")
    assert "PDF, un JPEG ou un PNG" in await error.inner_text()
    assert await page.get_by_label("Objet de la dépense").input_value() == (
        "Train Lyon–Paris aller-retour"
    )
    listed = await client.get(
        f"/api/v1/engagements/{engagement_id}/expenses", headers=w.employee.headers
    )
    assert listed.json() == []
    await check_page(page, "expenses-loan-refused")

    await page.get_by_label("Justificatif").set_input_files(str(receipt))
    await page.get_by_role("button", name="Déclarer la dépense").focus()
    await page.keyboard.press("Enter")
    await page.get_by_text("Frais enregistrés").wait_for()
    [expense] = (
        await client.get(
            f"/api/v1/engagements/{engagement_id}/expenses", headers=w.employee.headers
        )
    ).json()
    assert (expense["amount_cents"], expense["vat_cents"], expense["kind"]) == (
        12_340,
        1_122,
        "transport",
    )
    assert expense["receipt_sha256"] == hashlib.sha256(PDF).hexdigest()
    row = page.locator(f"#frais-{expense['id']}")
    assert "123,40" in await row.inner_text()
    assert "En attente de validation" in await row.inner_text()
    await check_page(page, "expenses-loan-recorded")

    await page.context.clear_cookies()
    await log_in(page, w.lender.email, PASSWORD)
    await page.goto(f"/entreprises/{w.lender.company_id}/frais")
    await check_page(page, "expenses-company")
    row = page.locator(f"#frais-{expense['id']}")
    assert "Inès Moreau" in await row.inner_text()
    async with page.expect_download() as download_info:
        await row.get_by_role("link", name="Télécharger").click()
    download = await download_info.value
    assert Path(await download.path()).read_bytes() == PDF
    await row.get_by_role("button", name="Valider").focus()
    await page.keyboard.press("Enter")
    await page.get_by_text("Frais validés").wait_for()
    shown = await client.get(f"/api/v1/expenses/{expense['id']}", headers=w.lender.headers)
    assert shown.json()["status"] == "approved"
    row = page.locator(f"#frais-{expense['id']}")
    assert "Validés par l'employeur" in await row.inner_text()
    assert "Pas encore facturés" in await row.inner_text()
