"""Matching over the database, through HTTP: proposals with reasons, decline respected by the
next run, accept turning into a loan proposal."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import operator, rare_need_and_volunteer, world

RARE_SKILL = "chatbot"  # No other test gives anyone this skill: the optimum is predictable.


pytestmark = pytest.mark.anyio


async def test_run_propose_decline_and_accept(client: httpx.AsyncClient) -> None:
    w = await world(client, approved_minutes=20 * 60)
    need_id = await rare_need_and_volunteer(client, w, RARE_SKILL, level=4)
    ops = await operator(client)
    refused = await client.post("/api/v1/matching/run", headers=w.host.headers)
    assert refused.status_code == 403
    run = await client.post("/api/v1/matching/run", headers=ops.headers)
    assert run.status_code == 200, run.text
    assert run.json()["status"] in ("optimal", "empty")

    # Our volunteer is the only one with the rare skill of our need: it is proposed for it, or
    # for another test's need asking the same rare skill at the same value.
    mine = await client.get(
        "/api/v1/matching/proposals?status=proposed", headers=w.employee.headers
    )
    proposal = next(p for p in mine.json()["items"] if p["employee_id"] == w.employee_id)
    del need_id
    assert proposal["explanation"]["skills"][0]["skill"] == RARE_SKILL
    assert proposal["hours"] >= 1
    seen_by_employee = await client.get("/api/v1/matching/proposals", headers=w.employee.headers)
    assert proposal["id"] in [p["id"] for p in seen_by_employee.json()["items"]]

    declined = await client.post(
        f"/api/v1/matching/proposals/{proposal['id']}/decline",
        headers=w.employee.headers,
        json={"reason": "Déjà pourvu"},
    )
    assert declined.json()["status"] == "declined"
    await client.post("/api/v1/matching/run", headers=ops.headers)
    again = await client.get(
        "/api/v1/matching/proposals?status=proposed", headers=w.employee.headers
    )
    assert all(
        not (p["need_id"] == proposal["need_id"] and p["employee_id"] == w.employee_id)
        for p in again.json()["items"]
    )


async def test_accepting_a_proposal_proposes_a_loan(client: httpx.AsyncClient) -> None:
    w = await world(client, approved_minutes=20 * 60)
    need_id = await rare_need_and_volunteer(client, w, RARE_SKILL, level=4)
    ops = await operator(client)
    await client.post("/api/v1/matching/run", headers=ops.headers)
    listed = await client.get(
        "/api/v1/matching/proposals?status=proposed", headers=w.lender.headers
    )
    proposal = next(p for p in listed.json()["items"] if p["employee_id"] == w.employee_id)
    del need_id  # Equal-valued rare needs of other tests may win: follow the volunteer.
    by_host = await client.post(
        f"/api/v1/matching/proposals/{proposal['id']}/accept", headers=w.host.headers
    )
    assert by_host.status_code == 403
    accepted = await client.post(
        f"/api/v1/matching/proposals/{proposal['id']}/accept", headers=w.lender.headers
    )
    assert accepted.status_code == 200, accepted.text
    engagement = await client.get(
        f"/api/v1/engagements/{accepted.json()['engagement_id']}", headers=w.lender.headers
    )
    assert engagement.json()["status"] == "proposed"
    assert engagement.json()["planned_minutes"] == proposal["hours"] * 60
    twice = await client.post(
        f"/api/v1/matching/proposals/{proposal['id']}/accept", headers=w.lender.headers
    )
    assert twice.json()["code"] == "proposal_closed"
