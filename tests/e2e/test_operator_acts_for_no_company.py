"""The operator runs the programme; it acts in no company's name (`require_acting_for`).

A running loan with hours approved last month (a statement to agree) and hours still waiting;
the operator tries each act that belongs to a company — approving or rejecting hours, agreeing
or disputing a statement, setting an employee's pay, completing the loan, posting a need,
reading an employee's trainings, moving a euro account's limits — and is refused, with nothing
changed. Its own work (a credit line in hours) still answers.
"""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import (
    CHARGES_BASIS_POINTS,
    active_engagement,
    last_month_statement,
    log,
    operator,
    previous_month_day,
    world,
)
from tests.helpers import need_json

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient


async def test_the_operator_acts_in_no_companys_name(client: Client) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    approved, waiting = [
        (await log(client, w, engagement_id, previous_month_day(day), 90)).json()["id"]
        for day in (3, 4)
    ]
    by_host = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [approved]}
    )
    assert by_host.status_code == 200, by_host.text
    statement_id = await last_month_statement(client, w)
    ops = await operator(client)
    accounts = await client.get(
        f"/api/v1/ledger/accounts?company_id={w.lender.company_id}", headers=w.lender.headers
    )
    cents_account = next(a for a in accounts.json() if a["unit"] == "cents")
    minutes_account = next(a for a in accounts.json() if a["unit"] == "minutes")

    refused = {
        "approve hours": await client.post(
            "/api/v1/timesheets/approve", headers=ops.headers, json={"entry_ids": [waiting]}
        ),
        "reject hours": await client.post(
            f"/api/v1/timesheets/{waiting}/reject", headers=ops.headers, json={"reason": "Non."}
        ),
        "agree a statement": await client.post(
            f"/api/v1/settlements/{statement_id}/agree", headers=ops.headers
        ),
        "dispute a statement": await client.post(
            f"/api/v1/settlements/{statement_id}/dispute",
            headers=ops.headers,
            json={"reason": "Non."},
        ),
        "set pay": await client.put(
            f"/api/v1/employees/{w.employee_id}/employment",
            headers=ops.headers,
            json={
                "job_title": "Autre",
                "annual_gross_salary_cents": 100_000,
                "employer_charge_rate_basis_points": CHARGES_BASIS_POINTS,
            },
        ),
        "complete the loan": await client.post(
            f"/api/v1/engagements/{engagement_id}/complete", headers=ops.headers, json={}
        ),
        "post a need": await client.post(
            f"/api/v1/companies/{w.host.company_id}/needs", headers=ops.headers, json=need_json()
        ),
        "read trainings": await client.get(
            f"/api/v1/employees/{w.employee_id}/trainings", headers=ops.headers
        ),
        "browse groups to join (their CDOs' day cost)": await client.get(
            f"/entreprises/{w.host.company_id}/cdo-mutualise", headers=ops.headers
        ),
    }
    for act, response in refused.items():
        assert response.status_code == 403, (act, response.text)
        if response.headers["content-type"].startswith("application/json"):
            assert response.json()["code"] == "forbidden_for_company", (act, response.json())
    euro_limits = await client.put(
        f"/api/v1/ledger/accounts/{cents_account['id']}/limits",
        headers=ops.headers,
        json={"balance_min": None, "balance_max": None},
    )
    assert euro_limits.status_code == 404 and euro_limits.json()["code"] == "account_not_found"
    assert "balance" not in euro_limits.text

    # Nothing moved: the hours still wait, the statement is agreed by no one, the loan runs.
    entries = await client.get(
        f"/api/v1/engagements/{engagement_id}/timesheets", headers=w.host.headers
    )
    statuses = {e["id"]: e["status"] for e in entries.json()["items"]}
    assert statuses == {approved: "approved", waiting: "submitted"}
    statement = await client.get(f"/api/v1/settlements/{statement_id}", headers=w.host.headers)
    assert not statement.json()["agreed_by_a"] and not statement.json()["agreed_by_b"]
    assert statement.json()["status"] != "disputed"
    loan = await client.get(f"/api/v1/engagements/{engagement_id}", headers=w.host.headers)
    assert loan.json()["status"] == "active"
    accounts_after = await client.get(
        f"/api/v1/ledger/accounts?company_id={w.lender.company_id}", headers=w.lender.headers
    )
    assert accounts_after.json() == accounts.json()

    # The operator's own work: a company's credit line in hours.
    hours_limits = await client.put(
        f"/api/v1/ledger/accounts/{minutes_account['id']}/limits",
        headers=ops.headers,
        json={"balance_min": -600, "balance_max": None},
    )
    assert hours_limits.status_code == 200, hours_limits.text
    assert hours_limits.json()["balance_min"] == -600
