"""The ledger through HTTP: operator-only batches, per-event results, who sees which account."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from tests.helpers import PASSWORD, new_email, now, sign_up
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.people.use_cases import create_operator

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient


async def _token(client: Client, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def _operator(client: Client) -> dict[str, str]:
    email = new_email("operator")
    await create_operator(uow, email=email, password=PASSWORD, full_name="Op", now=now())
    return await _token(client, email)


async def _minutes_account(client: Client, headers: dict[str, str], company_id: int) -> int:
    response = await client.get(f"/api/v1/ledger/accounts?company_id={company_id}", headers=headers)
    return next(a["id"] for a in response.json() if a["unit"] == "minutes")


async def test_operator_posts_a_batch_and_companies_read_their_own_side(client: Client) -> None:
    host, lender = await sign_up(), await sign_up()
    operator = await _operator(client)
    host_account = await _minutes_account(client, operator, host.company_id)
    lender_account = await _minutes_account(client, operator, lender.company_id)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    batch = {
        "transfers": [
            {
                "id": first,
                "unit": "minutes",
                "debit_account_id": host_account,
                "credit_account_id": lender_account,
                "amount": 90,
                "linked": True,
            },
            {
                "id": second,
                "unit": "minutes",
                "debit_account_id": host_account,
                "credit_account_id": lender_account,
                "amount": 30,
            },
            {
                "id": str(uuid.uuid4()),
                "unit": "minutes",
                "debit_account_id": host_account,
                "credit_account_id": lender_account,
                "amount": 5000,
            },
        ]
    }
    response = await client.post("/api/v1/ledger/transfers", json=batch, headers=operator)
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == [
        "created",
        "created",
        "exceeds_debit_limit",
    ]
    again = await client.post("/api/v1/ledger/transfers", json=batch, headers=operator)
    assert [r["result"] for r in again.json()["results"]] == [
        "exists",
        "exists",
        "exceeds_debit_limit",
    ]

    host_headers = await _token(client, host.email)
    balance = await client.get(f"/api/v1/ledger/accounts/{host_account}", headers=host_headers)
    assert balance.json()["balance"] == -120
    history = await client.get(
        f"/api/v1/ledger/accounts/{host_account}/history", headers=host_headers
    )
    assert [line["balance_after"] for line in history.json()["items"]] == [-90, -120]
    not_mine = await client.get(f"/api/v1/ledger/accounts/{lender_account}", headers=host_headers)
    assert not_mine.status_code == 404
    today = now().date()
    statement = await client.get(
        f"/api/v1/companies/{host.company_id}/statement?start={today}"
        f"&end={today + timedelta(days=1)}",
        headers=host_headers,
    )
    assert statement.status_code == 200
    assert statement.json()["minutes"]["closing_balance"] == -120
    forbidden = await client.post("/api/v1/ledger/transfers", json=batch, headers=host_headers)
    assert forbidden.status_code == 403


async def test_bad_batches_are_refused_with_a_field(client: Client) -> None:
    operator = await _operator(client)
    unknown_unit = await client.post(
        "/api/v1/ledger/transfers",
        headers=operator,
        json={"transfers": [{"id": str(uuid.uuid4()), "unit": "hours", "amount": 1}]},
    )
    assert unknown_unit.status_code == 422
    assert (unknown_unit.json()["code"], unknown_unit.json()["field"]) == (
        "invalid_choice",
        "transfers[0].unit",
    )
    too_many = {
        "transfers": [
            {
                "id": str(uuid.uuid4()),
                "unit": "minutes",
                "amount": 1,
                "debit_account_id": 1,
                "credit_account_id": 2,
            }
        ]
        * 1001
    }
    response = await client.post("/api/v1/ledger/transfers", json=too_many, headers=operator)
    assert response.status_code == 422
    assert response.json()["code"] == "batch_too_large"
    malformed = await client.post(
        "/api/v1/ledger/transfers", json={"transfers": "x"}, headers=operator
    )
    assert malformed.status_code == 400


async def test_operator_sets_a_credit_line_that_must_cover_use(client: Client) -> None:
    company = await sign_up()
    operator = await _operator(client)
    account = await _minutes_account(client, operator, company.company_id)
    response = await client.put(
        f"/api/v1/ledger/accounts/{account}/limits",
        headers=operator,
        json={"balance_min": -6000, "balance_max": 12000},
    )
    assert response.status_code == 200
    assert (response.json()["balance_min"], response.json()["balance_max"]) == (-6000, 12000)
    company_headers = await _token(client, company.email)
    refused = await client.put(
        f"/api/v1/ledger/accounts/{account}/limits",
        headers=company_headers,
        json={"balance_min": -600000, "balance_max": None},
    )
    assert refused.status_code == 403


async def test_hostile_values_are_refused_not_crashed_on(client: Client) -> None:
    operator = await _operator(client)
    base = {"unit": "minutes", "debit_account_id": 1, "credit_account_id": 2, "amount": 1}
    naive = await client.post(
        "/api/v1/ledger/transfers",
        headers=operator,
        json={
            "transfers": [
                {
                    **base,
                    "id": str(uuid.uuid4()),
                    "kind": "pending",
                    "expires_at": "2030-01-01T00:00",
                }
            ]
        },
    )
    assert naive.status_code == 400
    huge = await client.post(
        "/api/v1/ledger/transfers",
        headers=operator,
        json={"transfers": [{**base, "id": str(uuid.uuid4()), "debit_account_id": 2**70}]},
    )
    assert (huge.status_code, huge.json()["code"]) == (422, "out_of_range")
    nul = await client.post(
        "/api/v1/ledger/transfers",
        headers=operator,
        json={"transfers": [{**base, "id": "abc\u0000def"}]},
    )
    assert nul.status_code == 200
    assert nul.json()["results"][0]["result"] == "id_invalid"
    login = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@test.example", "password": "x" * 12}
    )
    assert login.status_code == 401
    company = await sign_up()
    cookie_login = await client.post(
        "/api/v1/auth/login", json={"email": company.email, "password": PASSWORD}
    )
    assert cookie_login.status_code == 200
    weird = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "é".encode() * 10})
    assert weird.status_code == 403
