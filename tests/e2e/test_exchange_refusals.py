"""Every refusal of the exchange, through HTTP: a 4xx with its code, and nothing moved."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from tests.exchange_helpers import (
    active_engagement,
    document_hash,
    log,
    login,
    paperwork,
    previous_month_day,
    propose,
    step,
    world,
)
from tests.helpers import now

pytestmark = pytest.mark.anyio

STEPS = ("accept", "approve", "consent", "activate", "complete", "cancel")
# From each status, the steps the state machine allows; every other one must be refused.
ALLOWED = {
    "proposed": {"accept", "cancel"},
    "accepted_by_host": {"approve", "cancel"},
    "approved_by_lender": {"consent", "cancel"},
    "consented": {"activate", "cancel"},
}


async def test_each_illegal_transition_is_refused_with_its_code(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = (await propose(client, w))["id"]
    path = [("accept", w.host), ("approve", w.lender), ("consent", w.employee)]
    for status, allowed in ALLOWED.items():
        for name in STEPS:
            if name in allowed:
                continue
            for party in (w.host, w.lender):
                response = await step(client, party, engagement_id, name)
                assert response.status_code in (403, 409), (status, name, response.text)
                if response.status_code == 409:
                    assert response.json()["code"] == "illegal_transition", (status, name)
        current = await client.get(f"/api/v1/engagements/{engagement_id}", headers=w.host.headers)
        assert current.json()["status"] == status
        if path:
            name, party = path.pop(0)
            assert (await step(client, party, engagement_id, name)).status_code == 200
    unknown = await step(client, w.host, engagement_id, "teleport")
    assert unknown.status_code == 404


async def test_only_the_right_party_takes_each_step(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = (await propose(client, w))["id"]
    assert (await step(client, w.lender, engagement_id, "accept")).status_code == 403
    assert (await step(client, w.employee, engagement_id, "accept")).status_code == 403
    await step(client, w.host, engagement_id, "accept")
    assert (await step(client, w.host, engagement_id, "approve")).status_code == 403
    await step(client, w.lender, engagement_id, "approve")
    refused = await step(client, w.lender, engagement_id, "consent")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_the_employee"


async def test_lender_cannot_approve_beyond_the_approved_hours(client: httpx.AsyncClient) -> None:
    w = await world(client, approved_minutes=10 * 60)
    today = now().date()
    engagement_id = (
        await propose(
            client, w, planned_minutes=30 * 60, start=today, end=today + timedelta(days=20)
        )
    )["id"]
    await step(client, w.host, engagement_id, "accept")
    response = await step(client, w.lender, engagement_id, "approve")
    assert response.status_code == 409
    assert response.json()["code"] == "over_budget"


async def test_host_cannot_accept_beyond_its_credit_line(client: httpx.AsyncClient) -> None:
    w = await world(client, approved_minutes=150 * 60)
    today = now().date()
    engagement_id = (
        await propose(
            client, w, planned_minutes=41 * 60, start=today, end=today + timedelta(days=300)
        )
    )["id"]
    response = await step(client, w.host, engagement_id, "accept")
    assert response.status_code == 409
    assert response.json()["code"] == "beyond_credit_line"


async def test_activation_needs_every_paper_including_each_cse(client: httpx.AsyncClient) -> None:
    w = await world(client, lender_cse=True, host_cse=True)
    engagement_id = (await propose(client, w))["id"]
    for party, name in ((w.host, "accept"), (w.lender, "approve"), (w.employee, "consent")):
        await step(client, party, engagement_id, name)
    await paperwork(client, w, engagement_id)  # Signatures and the lender's CSE only.
    refused = await step(client, w.host, engagement_id, "activate")
    assert refused.status_code == 409
    assert "cse_host" in refused.json()["message"]
    wrong = await client.post(
        f"/api/v1/engagements/{engagement_id}/cse",
        headers=w.lender.headers,
        json={"company_id": w.host.company_id, "consulted_on": now().date().isoformat()},
    )
    assert wrong.status_code == 403
    unread = await client.post(
        f"/api/v1/engagements/{engagement_id}/signatures",
        headers=w.host.headers,
        json={"document": "loan_agreement", "document_hash": "0" * 64},
    )
    assert unread.status_code == 409
    assert unread.json()["code"] == "document_changed"
    twice = await client.post(
        f"/api/v1/engagements/{engagement_id}/signatures",
        headers=w.host.headers,
        json={
            "document": "loan_agreement",
            "document_hash": await document_hash(client, w.host, engagement_id, "loan_agreement"),
        },
    )
    assert twice.status_code == 201  # Signing the same text again changes nothing.
    bad_hash = await client.post(
        f"/api/v1/engagements/{engagement_id}/signatures",
        headers=w.employee.headers,
        json={"document": "employee_amendment", "document_hash": "not-a-hash"},
    )
    assert bad_hash.status_code == 422
    assert bad_hash.json()["field"] == "document_hash"


async def test_each_timesheet_guardrail(client: httpx.AsyncClient) -> None:
    w = await world(client, approved_minutes=40 * 60)
    start = previous_month_day(1)
    # 40 hours: the most the host's default credit line allows.
    engagement_id = await active_engagement(
        client, w, planned_minutes=40 * 60, start=start, end=now().date() + timedelta(days=20)
    )
    today = now().date()
    for day, minutes, code in (
        (today + timedelta(days=1), 60, "future_entry"),
        (start - timedelta(days=1), 60, "outside_period"),
        (previous_month_day(10), 11 * 60, "exceeds_daily_limit"),
    ):
        response = await log(client, w, engagement_id, day, minutes)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
    blank = await log(client, w, engagement_id, previous_month_day(20), 60, description="  ")
    assert (blank.status_code, blank.json()["code"]) == (422, "required")
    # The Monday of the week holding the 7th is on or after the 1st: inside the period.
    monday = previous_month_day(7) - timedelta(days=previous_month_day(7).weekday())
    for offset in range(4):
        logged = await log(client, w, engagement_id, monday + timedelta(days=offset), 10 * 60)
        assert logged.status_code == 201, logged.text
    week = await log(client, w, engagement_id, monday + timedelta(days=4), 9 * 60)
    assert week.json()["code"] == "exceeds_weekly_limit"
    planned = await log(client, w, engagement_id, previous_month_day(20), 60)
    assert planned.json()["code"] == "exceeds_planned_hours"


async def test_duplicate_submission_is_idempotent_and_a_changed_one_refused(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    client_id = str(uuid.uuid4())
    day = previous_month_day(6)
    first = await log(client, w, engagement_id, day, 90, client_id=client_id)
    again = await log(client, w, engagement_id, day, 90, client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = await log(client, w, engagement_id, day, 95, client_id=client_id)
    assert changed.status_code == 409
    assert changed.json()["code"] == "duplicate_submission"
    someone_else = await client.post(
        f"/api/v1/engagements/{engagement_id}/timesheets",
        headers=w.host.headers,
        json={
            "client_id": str(uuid.uuid4()),
            "work_date": day.isoformat(),
            "minutes": 30,
            "description": "x",
        },
    )
    assert someone_else.status_code == 403


async def test_nobody_approves_their_own_hours(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    entry = await log(client, w, engagement_id, previous_month_day(8), 60)
    by_employee = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.employee.headers,
        json={"entry_ids": [entry.json()["id"]]},
    )
    assert by_employee.status_code == 403
    by_lender = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.lender.headers,
        json={"entry_ids": [entry.json()["id"]]},
    )
    assert by_lender.status_code == 403
    # The employee is also made an admin of the host company: still not their own approver.

    from timebank.db.unit_of_work import piccolo_unit_of_work
    from timebank.people.model import Role

    async with piccolo_unit_of_work() as repos:
        user = await repos.people.get_user_by_email(w.employee.email)
        assert user is not None
        await repos.people.add_membership(
            user_id=user.id,
            company_id=w.host.company_id,
            role=Role.COMPANY_ADMIN,
            granted_by=None,
            now=now(),
        )
    both_hats = await login(client, w.employee.email, "employee-password")
    response = await client.post(
        "/api/v1/timesheets/approve", headers=both_hats, json={"entry_ids": [entry.json()["id"]]}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "self_approval"
    approved = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [entry.json()["id"]]},
    )
    assert approved.status_code == 200
    again = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [entry.json()["id"]]},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_reviewed"


async def test_completion_waits_for_reviews_and_cancel_releases_the_reservation(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    await log(client, w, engagement_id, previous_month_day(9), 60)
    waiting = await step(client, w.host, engagement_id, "complete")
    assert waiting.status_code == 409
    assert waiting.json()["code"] == "entries_awaiting_review"
    entries = await client.get(
        f"/api/v1/engagements/{engagement_id}/timesheets", headers=w.host.headers
    )
    await client.post(
        f"/api/v1/timesheets/{entries.json()['items'][0]['id']}/reject",
        headers=w.host.headers,
        json={"reason": "Pas de livrable"},
    )
    cancelled = await step(client, w.lender, engagement_id, "cancel")
    assert cancelled.json()["status"] == "cancelled"
    position = await client.get(
        f"/api/v1/companies/{w.host.company_id}/position", headers=w.host.headers
    )
    assert position.json()["minutes_reserved"] == 0
    assert (await log(client, w, engagement_id, previous_month_day(10), 30)).status_code == 409


async def test_strangers_see_nothing(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = (await propose(client, w))["id"]
    stranger = await world(client)
    response = await client.get(
        f"/api/v1/engagements/{engagement_id}", headers=stranger.host.headers
    )
    assert response.status_code == 404
    statements = await client.get(
        f"/api/v1/companies/{w.host.company_id}/settlements", headers=stranger.host.headers
    )
    assert statements.status_code == 403


async def test_an_extension_lets_hours_go_beyond_the_plan(client: httpx.AsyncClient) -> None:
    w = await world(client, approved_minutes=20 * 60)
    engagement_id = await active_engagement(client, w, planned_minutes=2 * 60)
    assert (await log(client, w, engagement_id, previous_month_day(11), 120)).status_code == 201
    refused = await log(client, w, engagement_id, previous_month_day(12), 60)
    assert refused.json()["code"] == "exceeds_planned_hours"
    by_lender = await client.post(
        f"/api/v1/engagements/{engagement_id}/extensions",
        headers=w.lender.headers,
        json={"extra_minutes": 180, "reason": "Deux pages de plus"},
    )
    assert by_lender.status_code == 403
    requested = await client.post(
        f"/api/v1/engagements/{engagement_id}/extensions",
        headers=w.host.headers,
        json={"extra_minutes": 180, "reason": "Deux pages de plus"},
    )
    assert requested.status_code == 201, requested.text
    extension_id = requested.json()["id"]
    again = await client.post(
        f"/api/v1/engagements/{engagement_id}/extensions",
        headers=w.host.headers,
        json={"extra_minutes": 180, "reason": "Deux pages de plus"},
    )
    assert again.status_code == 409, again.text  # A retry does not become a second request.
    assert (again.json()["code"], again.json()["field"]) == ("extension_pending", "extra_minutes")
    told = await client.get("/api/v1/notifications", headers=w.lender.headers)
    asked = [n for n in told.json()["items"] if n["kind"] == "extension_requested"]
    assert len(asked) == 1 and "3\u00a0h de plus" in asked[0]["body"], told.text
    by_host = await client.post(
        f"/api/v1/engagements/{engagement_id}/extensions/{extension_id}/approve",
        headers=w.host.headers,
    )
    assert by_host.status_code == 403
    approved = await client.post(
        f"/api/v1/engagements/{engagement_id}/extensions/{extension_id}/approve",
        headers=w.lender.headers,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["planned_minutes"] == 300
    assert approved.json()["reserved_minutes"] == 300  # Nothing approved yet: all reserved.
    assert (await log(client, w, engagement_id, previous_month_day(12), 60)).status_code == 201
    twice = await client.post(
        f"/api/v1/engagements/{engagement_id}/extensions/{extension_id}/approve",
        headers=w.lender.headers,
    )
    assert twice.json()["code"] == "already_decided"
    entries = await client.get(
        f"/api/v1/engagements/{engagement_id}/timesheets", headers=w.host.headers
    )
    approve = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [e["id"] for e in entries.json()["items"]]},
    )
    assert approve.status_code == 200, approve.text
    position = await client.get(
        f"/api/v1/companies/{w.host.company_id}/position", headers=w.host.headers
    )
    assert (position.json()["minutes_received"], position.json()["minutes_reserved"]) == (180, 120)
