"""Expenses of a loan through the API: who records, reads, reviews and withdraws them, the
receipt kept byte for byte with its SHA-256, idempotent retries, refusals that write nothing,
and the invoicing side (billable, billed, unbilled)."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.exchange_helpers import (
    Party,
    World,
    active_engagement,
    operator,
    previous_month_day,
    signup,
    world,
)
from tests.helpers import PASSWORD, door_token, emailed_invitation_token, now, row_counts
from timebank.db.tables import ExpenseTable
from timebank.db.unit_of_work import piccolo_unit_of_work

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_id": str(uuid.uuid4()),
        "spent_on": previous_month_day(5).isoformat(),
        "kind": "transport",
        "description": "Train Paris–Lyon, aller-retour",
        "amount_cents": 12_340,
        "vat_cents": 1_122,
        "receipt_name": "billet-sncf.pdf",
        "receipt_base64": base64.b64encode(PDF).decode(),
    }
    body.update(overrides)
    return body


async def _record(client: Client, party: Party, engagement_id: int, **overrides: Any) -> Any:
    return await client.post(
        f"/api/v1/engagements/{engagement_id}/expenses",
        headers=party.headers,
        json=_body(**overrides),
    )


async def _counts() -> dict[str, int]:
    return {**await row_counts(), "expense": int(await ExpenseTable.count())}


async def _accountant(client: Client, company: Party) -> Party:
    grant = await client.post(
        f"/api/v1/companies/{company.company_id}/accountants",
        headers=company.headers,
        json={"email": f"cabinet-{uuid.uuid4().hex[:10]}@example.fr", "full_name": "Cabinet"},
    )
    assert grant.status_code == 201, grant.text
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(grant.json()["accountant"]["id"]),
            "password": "cabinet-password",
        },
    )
    client.cookies.clear()
    return Party("", {"Authorization": f"Bearer {accepted.json()['token']}"})


HTML = {"accept": "text/html"}


async def _page_login(client: Client, email: str, password: str) -> None:
    client.cookies.clear()
    logged_in = await client.post(
        "/connexion",
        data={"email": email, "password": password, "_csrf": await door_token(client)},
        headers=HTML,
        follow_redirects=False,
    )
    assert logged_in.status_code == 303


def _csrf(html: str) -> str:
    token = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert token is not None
    return token[1]


async def _loan(client: Client) -> tuple[World, int]:
    w = await world(client)
    return w, await active_engagement(client, w)


async def test_employee_records_an_expense_kept_with_its_receipt_and_sha256(
    client: Client,
) -> None:
    w, engagement_id = await _loan(client)
    created = await _record(client, w.employee, engagement_id)
    assert created.status_code == 201, created.text
    expense = created.json()
    assert expense["status"] == "submitted"
    assert expense["receipt_media_type"] == "application/pdf"
    assert expense["receipt_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert expense["invoice_id"] is None
    receipt = await client.get(
        f"/api/v1/expenses/{expense['id']}/receipt", headers=w.employee.headers
    )
    assert receipt.status_code == 200
    assert receipt.content == PDF
    assert receipt.headers["content-type"].startswith("application/pdf")
    assert receipt.headers["x-content-sha256"] == hashlib.sha256(PDF).hexdigest()
    mine = await client.get("/api/v1/expenses", headers=w.employee.headers)
    assert [e["id"] for e in mine.json()] == [expense["id"]]
    assert mine.json()[0]["host_name"] == "Fromagerie du Val"


async def test_retry_with_same_client_id_never_records_twice(client: Client) -> None:
    w, engagement_id = await _loan(client)
    key = str(uuid.uuid4())
    first = await _record(client, w.employee, engagement_id, client_id=key)
    assert first.status_code == 201, first.text
    before = await _counts()
    again = await _record(client, w.employee, engagement_id, client_id=key)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    other = await _record(client, w.employee, engagement_id, client_id=key, amount_cents=12_000)
    assert other.status_code == 409
    assert other.json()["code"] == "duplicate_submission"
    assert other.json()["field"] == "client_id"
    other_receipt = await _record(
        client,
        w.employee,
        engagement_id,
        client_id=key,
        receipt_base64=base64.b64encode(PNG).decode(),
    )
    assert other_receipt.status_code == 409
    assert await _counts() == before


def _refused_bodies() -> list[tuple[dict[str, Any], str, str]]:
    today = now().date()
    return [
        ({"amount_cents": 0}, "amount_out_of_range", "amount_cents"),
        ({"amount_cents": 1_000_001, "vat_cents": 0}, "amount_out_of_range", "amount_cents"),
        ({"amount_cents": 1_000, "vat_cents": 1_001}, "vat_above_amount", "vat_cents"),
        ({"vat_cents": -1}, "vat_negative", "vat_cents"),
        ({"kind": "champagne"}, "unknown_expense_kind", "kind"),
        ({"description": "  "}, "required", "description"),
        (
            {"receipt_base64": base64.b64encode(b"GIF89a not accepted").decode()},
            "receipt_type",
            "receipt",
        ),
        (
            {"receipt_name": "facture.pdf", "receipt_base64": base64.b64encode(b"<html>").decode()},
            "receipt_type",
            "receipt",
        ),
        ({"receipt_base64": ""}, "receipt_missing", "receipt"),
        ({"receipt_base64": "pas du base64 !"}, "receipt_encoding", "receipt_base64"),
        (
            {"receipt_base64": base64.b64encode(b"%PDF-" + b"0" * (5 * 1024 * 1024)).decode()},
            "receipt_too_large",
            "receipt",
        ),
        ({"spent_on": (today + timedelta(days=1)).isoformat()}, "expense_in_future", "spent_on"),
        (
            {"spent_on": (previous_month_day(1) - timedelta(days=1)).isoformat()},
            "outside_loan_period",
            "spent_on",
        ),
    ]


async def test_refused_expenses_write_nothing_and_say_why(client: Client) -> None:
    w, engagement_id = await _loan(client)
    before = await _counts()
    for overrides, code, field in _refused_bodies():
        refused = await _record(client, w.employee, engagement_id, **overrides)
        assert refused.status_code == 422, (overrides.keys(), refused.text)
        body = refused.json()
        assert (body["code"], body["field"]) == (code, field)
        assert body["message"]
    for party in (w.lender, w.host):
        refused = await _record(client, party, engagement_id)
        assert refused.status_code == 403
        assert refused.json()["code"] == "not_the_employee"
    missing = await _record(client, w.employee, 10**9)
    assert missing.status_code == 404
    assert await _counts() == before


async def test_no_expense_before_the_loan_is_active(client: Client) -> None:
    w = await world(client)
    proposed = await client.post(
        "/api/v1/engagements",
        headers=w.lender.headers,
        json={
            "need_id": w.need_id,
            "employee_id": w.employee_id,
            "planned_minutes": 600,
            "period_start": previous_month_day(1).isoformat(),
            "period_end": (now().date() + timedelta(days=20)).isoformat(),
            "place": "Lyon",
            "remote": False,
            "tasks": "Inventaire",
        },
    )
    assert proposed.status_code == 201, proposed.text
    before = await _counts()
    refused = await _record(client, w.employee, proposed.json()["id"])
    assert refused.status_code == 409
    assert refused.json()["code"] == "engagement_not_active"
    assert await _counts() == before


async def test_lender_reviews_host_and_accountants_read_nobody_else(client: Client) -> None:
    w, engagement_id = await _loan(client)
    expense = (await _record(client, w.employee, engagement_id)).json()
    path = f"/api/v1/expenses/{expense['id']}"
    lender_accountant = await _accountant(client, w.lender)
    host_accountant = await _accountant(client, w.host)
    stranger = await signup(client, name="Boulangerie Martin")
    other_world = await world(client)
    the_operator = await operator(client)

    for reader in (w.employee, w.lender, w.host, lender_accountant, host_accountant):
        assert (await client.get(path, headers=reader.headers)).status_code == 200
        receipt = await client.get(f"{path}/receipt", headers=reader.headers)
        assert receipt.status_code == 200
        assert receipt.content == PDF
        listed = await client.get(
            f"/api/v1/engagements/{engagement_id}/expenses", headers=reader.headers
        )
        assert [e["id"] for e in listed.json()] == [expense["id"]]
    for company, party in ((w.lender, w.lender), (w.host, w.host)):
        seen = await client.get(
            f"/api/v1/companies/{company.company_id}/expenses", headers=party.headers
        )
        assert seen.status_code == 200
        side = "lent" if company is w.lender else "hosted"
        assert [e["id"] for e in seen.json()[side]] == [expense["id"]]
    seen = await client.get(
        f"/api/v1/companies/{w.host.company_id}/expenses", headers=host_accountant.headers
    )
    assert [e["id"] for e in seen.json()["hosted"]] == [expense["id"]]

    before = await _counts()
    for outsider in (stranger, other_world.employee, other_world.lender, the_operator):
        for url in (
            path,
            f"{path}/receipt",
            f"/api/v1/engagements/{engagement_id}/expenses",
            f"/api/v1/companies/{w.lender.company_id}/expenses",
        ):
            refused = await client.get(url, headers=outsider.headers)
            assert refused.status_code == 403, (url, refused.text)
        for action in ("approve", "withdraw"):
            refused = await client.post(f"{path}/{action}", headers=outsider.headers, json={})
            assert refused.status_code == 403
    for reader in (w.host, lender_accountant, host_accountant, w.employee):
        refused = await client.post(f"{path}/approve", headers=reader.headers, json={})
        assert refused.status_code == 403, refused.text
    for reader in (w.host, w.lender, lender_accountant):
        refused = await client.post(f"{path}/withdraw", headers=reader.headers, json={})
        assert refused.status_code == 403
    assert (
        await client.get("/api/v1/expenses/999999999", headers=w.lender.headers)
    ).status_code == 404
    assert await _counts() == before

    approved = await client.post(f"{path}/approve", headers=w.lender.headers, json={})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


async def test_review_is_final_and_a_rejection_needs_a_reason(client: Client) -> None:
    w, engagement_id = await _loan(client)
    first = (await _record(client, w.employee, engagement_id)).json()
    second = (await _record(client, w.employee, engagement_id, kind="meals")).json()
    before = await _counts()
    unreasoned = await client.post(
        f"/api/v1/expenses/{first['id']}/reject", headers=w.lender.headers, json={"reason": " "}
    )
    assert unreasoned.status_code == 422
    assert (unreasoned.json()["code"], unreasoned.json()["field"]) == ("reason_required", "reason")
    assert await _counts() == before
    rejected = await client.post(
        f"/api/v1/expenses/{first['id']}/reject",
        headers=w.lender.headers,
        json={"reason": "Billet de première classe non prévu"},
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Billet de première classe non prévu"
    approved = await client.post(
        f"/api/v1/expenses/{second['id']}/approve", headers=w.lender.headers, json={}
    )
    assert approved.status_code == 200
    for expense_id in (first["id"], second["id"]):
        for action, party in (("approve", w.lender), ("withdraw", w.employee)):
            again = await client.post(
                f"/api/v1/expenses/{expense_id}/{action}", headers=party.headers, json={}
            )
            assert again.status_code == 409
            assert again.json()["code"] == "expense_settled"
        again = await client.post(
            f"/api/v1/expenses/{expense_id}/reject", headers=w.lender.headers, json={"reason": "x"}
        )
        assert again.status_code == 409


async def test_employee_withdraws_a_submitted_expense(client: Client) -> None:
    w, engagement_id = await _loan(client)
    expense = (await _record(client, w.employee, engagement_id)).json()
    withdrawn = await client.post(
        f"/api/v1/expenses/{expense['id']}/withdraw", headers=w.employee.headers, json={}
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    late = await client.post(
        f"/api/v1/expenses/{expense['id']}/approve", headers=w.lender.headers, json={}
    )
    assert late.status_code == 409


async def test_approved_expenses_are_billed_once_and_billed_again_after_a_credit_note(
    client: Client,
) -> None:
    w, engagement_id = await _loan(client)
    spent = [previous_month_day(day) for day in (9, 4)]
    ids = []
    for day in spent:
        expense = (
            await _record(client, w.employee, engagement_id, spent_on=day.isoformat())
        ).json()
        approved = await client.post(
            f"/api/v1/expenses/{expense['id']}/approve", headers=w.lender.headers, json={}
        )
        assert approved.status_code == 200
        ids.append(expense["id"])
    waiting = (await _record(client, w.employee, engagement_id)).json()  # Not approved.
    assert w.lender.company_id is not None and w.host.company_id is not None
    async with piccolo_unit_of_work() as repos:
        billable = await repos.expenses.billable(
            lender_company_id=w.lender.company_id,
            host_company_id=w.host.company_id,
            last_day=previous_month_day(28),
            limit=100,
        )
        assert [e.id for e in billable] == [ids[1], ids[0]]  # By day spent.
        assert waiting["id"] not in [e.id for e in billable]
        early = await repos.expenses.billable(
            lender_company_id=w.lender.company_id,
            host_company_id=w.host.company_id,
            last_day=previous_month_day(5),
            limit=100,
        )
        assert [e.id for e in early] == [ids[1]]
        reversed_pair = await repos.expenses.billable(
            lender_company_id=w.host.company_id,
            host_company_id=w.lender.company_id,
            last_day=previous_month_day(28),
            limit=100,
        )
        assert reversed_pair == []
        assert await repos.expenses.mark_billed(ids, 4242) == 2
        assert await repos.expenses.mark_billed(ids, 4343) == 0
    shown = await client.get(f"/api/v1/expenses/{ids[0]}", headers=w.host.headers)
    assert shown.json()["invoice_id"] == 4242
    for party, password in ((w.host, PASSWORD), (w.lender, PASSWORD)):
        await _page_login(client, party.email, password)
        listed = await client.get(f"/entreprises/{party.company_id}/frais", headers=HTML)
        assert f'href="/entreprises/{party.company_id}/factures/4242"' in listed.text
        loan_page = await client.get(f"/mises-a-disposition/{engagement_id}/frais", headers=HTML)
        assert f'href="/entreprises/{party.company_id}/factures/4242"' in loan_page.text
    client.cookies.clear()
    async with piccolo_unit_of_work() as repos:
        assert (
            await repos.expenses.billable(
                lender_company_id=w.lender.company_id,
                host_company_id=w.host.company_id,
                last_day=previous_month_day(28),
                limit=100,
            )
            == []
        )
        await repos.expenses.unbill(4242)
        again = await repos.expenses.billable(
            lender_company_id=w.lender.company_id,
            host_company_id=w.host.company_id,
            last_day=previous_month_day(28),
            limit=100,
        )
        assert [e.id for e in again] == [ids[1], ids[0]]
        assert await repos.expenses.mark_billed([waiting["id"]], 4444) == 1
    billed_waiting = await client.post(
        f"/api/v1/expenses/{waiting['id']}/withdraw", headers=w.employee.headers, json={}
    )
    assert billed_waiting.status_code == 409
    assert billed_waiting.json()["code"] == "expense_billed"


async def test_pages_record_with_the_csrf_field_of_a_multipart_form_and_refuse_outsiders(
    client: Client,
) -> None:
    w, engagement_id = await _loan(client)
    the_operator = await operator(client)
    path = f"/mises-a-disposition/{engagement_id}/frais"
    await _page_login(client, w.employee.email, "employee-password")
    shown = await client.get(path, headers=HTML)
    assert shown.status_code == 200
    assert 'enctype="multipart/form-data"' in shown.text
    token = _csrf(shown.text)
    fields = {
        "spent_on": previous_month_day(7).strftime("%d/%m/%Y"),
        "kind": "meals",
        "description": "Déjeuner avec l'équipe",
        "amount_cents": "23,50",
        "vat_cents": "2,14",
        "client_id": str(uuid.uuid4()),
    }
    before = await _counts()
    for given in ({}, {"_csrf": "faux"}):
        refused = await client.post(
            path,
            data={**fields, **given},
            files={"receipt": ("ticket.pdf", PDF, "application/pdf")},
            headers=HTML,
        )
        assert refused.status_code == 403
    not_a_receipt = await client.post(
        path,
        data={**fields, "_csrf": token},
        files={"receipt": ("ticket.pdf", b"<html>", "application/pdf")},
        headers=HTML,
    )
    assert not_a_receipt.status_code == 422
    assert 'id="receipt-error"' in not_a_receipt.text
    assert "Déjeuner avec l&#39;équipe" in not_a_receipt.text  # The input is kept.
    assert await _counts() == before
    recorded = await client.post(
        path,
        data={**fields, "_csrf": token},
        files={"receipt": ("ticket.pdf", PDF, "application/pdf")},
        headers=HTML,
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    [expense] = (
        await client.get(
            f"/api/v1/engagements/{engagement_id}/expenses", headers=w.employee.headers
        )
    ).json()
    assert (expense["amount_cents"], expense["vat_cents"]) == (2_350, 214)
    assert expense["spent_on"] == previous_month_day(7).isoformat()
    mine = await client.get("/mes-frais", headers=HTML)
    assert f'id="frais-{expense["id"]}"' in mine.text and "Repas" in mine.text

    await _page_login(client, w.host.email, PASSWORD)
    hosted = await client.get(f"/entreprises/{w.host.company_id}/frais", headers=HTML)
    assert hosted.status_code == 200
    assert f'id="frais-{expense["id"]}"' in hosted.text
    assert f"/frais/{expense['id']}/valider" not in hosted.text  # Read only.
    receipt = await client.get(f"/frais/{expense['id']}/justificatif", headers=HTML)
    assert receipt.content == PDF

    await _page_login(client, w.lender.email, PASSWORD)
    lent = await client.get(f"/entreprises/{w.lender.company_id}/frais", headers=HTML)
    assert f"/frais/{expense['id']}/valider" in lent.text
    before = await _counts()
    unreasoned = await client.post(
        f"/frais/{expense['id']}/refuser",
        data={"_csrf": _csrf(lent.text), "reason": ""},
        headers=HTML,
    )
    assert unreasoned.status_code == 422
    assert f'id="reason-{expense["id"]}-error"' in unreasoned.text
    assert await _counts() == before

    await _page_login(client, the_operator.email, PASSWORD)
    for url in (
        path,
        f"/entreprises/{w.lender.company_id}/frais",
        f"/frais/{expense['id']}/justificatif",
    ):
        refused = await client.get(url, headers=HTML)
        assert refused.status_code == 403, url
        assert "23,50" not in refused.text
    client.cookies.clear()
