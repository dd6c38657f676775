"""The time bank working end to end, through HTTP: a need, a loan, its consents and signatures,
hours logged, approved in bulk and rejected, the month closed and agreed by both companies,
balances checked to the minute and the cent, and the ledger audit passing."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import (
    CHARGES_BASIS_POINTS,
    SALARY_CENTS,
    World,
    log,
    prepare_last_month,
    previous_month_day,
    propose,
    start_on_its_first_day,
    step,
    world,
)
from timebank.book.use_cases import verify
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.engagements.model import at_cost_cents

pytestmark = pytest.mark.anyio


async def _position(client: httpx.AsyncClient, w: World, company_id: int) -> dict[str, int]:
    party = w.host if company_id == w.host.company_id else w.lender
    response = await client.get(f"/api/v1/companies/{company_id}/position", headers=party.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_loan_from_need_to_agreed_monthly_statement(client: httpx.AsyncClient) -> None:
    w = await world(client)
    proposed = await propose(client, w, planned_minutes=12 * 60)
    engagement_id = proposed["id"]
    assert proposed["status"] == "proposed"

    assert (await step(client, w.host, engagement_id, "accept")).json()["status"] == (
        "accepted_by_host"
    )
    assert (await step(client, w.lender, engagement_id, "approve")).json()["status"] == (
        "approved_by_lender"
    )
    consent = await step(client, w.employee, engagement_id, "consent")
    assert consent.json()["status"] == "consented"
    early = await step(client, w.host, engagement_id, "activate")
    assert early.status_code == 409
    assert early.json()["code"] == "paperwork_incomplete"
    # The loan started on the 1st of last month: its paperwork was done the day before and it
    # was activated that day (hours are logged from then on).
    await start_on_its_first_day(w, engagement_id, previous_month_day(1))
    detail = await client.get(f"/api/v1/engagements/{engagement_id}", headers=w.host.headers)
    assert detail.json()["status"] == "active", detail.text
    assert [e["to_status"] for e in detail.json()["events"]] == [
        "accepted_by_host",
        "approved_by_lender",
        "consented",
        "active",
    ]
    assert detail.json()["missing_papers"] == []

    host_position = await _position(client, w, w.host.company_id)
    assert host_position["minutes_reserved"] == 720

    day1, day2, day3 = previous_month_day(3), previous_month_day(4), previous_month_day(5)
    first = await log(client, w, engagement_id, day1, 180, client_id=None)
    assert first.status_code == 201, first.text
    again = await log(client, w, engagement_id, day1, 180, client_id=first.json()["client_id"])
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    second = await log(client, w, engagement_id, day2, 150)
    third = await log(client, w, engagement_id, day3, 60)
    assert second.status_code == third.status_code == 201

    approved = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [first.json()["id"], second.json()["id"]]},
    )
    assert approved.status_code == 200, approved.text
    assert [e["status"] for e in approved.json()] == ["approved", "approved"]
    rejected = await client.post(
        f"/api/v1/timesheets/{third.json()['id']}/reject",
        headers=w.host.headers,
        json={"reason": "Doublon du 4"},
    )
    assert rejected.json()["status"] == "rejected"

    expected_cents = sum(
        at_cost_cents(
            m,
            annual_gross_salary_cents=SALARY_CENTS,
            employer_charge_rate_basis_points=CHARGES_BASIS_POINTS,
            annual_work_hours=1607,
        )
        for m in (180, 150)
    )
    assert sum(e["cost_cents"] for e in approved.json()) == expected_cents
    host_position = await _position(client, w, w.host.company_id)
    lender_position = await _position(client, w, w.lender.company_id)
    assert (host_position["minutes_received"], host_position["minutes_reserved"]) == (330, 390)
    assert lender_position["minutes_given"] == 330
    assert host_position["cents_balance"] == -expected_cents
    assert lender_position["cents_balance"] == expected_cents

    await prepare_last_month(client)
    statements = await client.get(
        f"/api/v1/companies/{w.host.company_id}/settlements", headers=w.host.headers
    )
    statement = statements.json()[0]
    lent = (
        statement["minutes_a_to_b"]
        if statement["company_a"] == w.lender.company_id
        else statement["minutes_b_to_a"]
    )
    assert lent == 330
    assert (statement["net_cents"], statement["debtor"]) == (expected_cents, w.host.company_id)
    assert statement["set_off_cents"] == 0
    first_agree = await client.post(
        f"/api/v1/settlements/{statement['id']}/agree", headers=w.host.headers
    )
    assert first_agree.json()["status"] == "draft"
    both = await client.post(
        f"/api/v1/settlements/{statement['id']}/agree", headers=w.lender.headers
    )
    assert both.json()["status"] == "agreed"
    frozen = await client.post(
        f"/api/v1/settlements/{statement['id']}/dispute",
        headers=w.host.headers,
        json={"reason": "trop tard"},
    )
    assert frozen.status_code == 409

    host_position = await _position(client, w, w.host.company_id)
    assert host_position["cents_balance"] == 0  # Settled: the at-cost positions are cleared.
    assert host_position["minutes_received"] == 330  # Hours given and received stay on record.

    notes = await client.get("/api/v1/notifications", headers=w.employee.headers)
    assert {"consent_needed", "engagement_active", "timesheet_rejected"} <= {
        n["kind"] for n in notes.json()["items"]
    }
    host_notes = await client.get("/api/v1/notifications", headers=w.host.headers)
    assert {"engagement_proposed", "timesheet_to_approve", "statement_to_agree"} <= {
        n["kind"] for n in host_notes.json()["items"]
    }

    completed = await step(client, w.host, engagement_id, "complete")
    assert completed.json()["status"] == "completed"
    assert (await _position(client, w, w.host.company_id))["minutes_reserved"] == 0
    report = await verify(piccolo_unit_of_work)
    assert report.ok, report.problems
