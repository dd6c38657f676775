"""Correcting and withdrawing an entry before review, through HTTP: the guardrails of a new
entry, only the employee who logged it, only while it waits, and a withdrawn entry that can
never be approved nor counted."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.exchange_helpers import (
    Party,
    World,
    active_engagement,
    log,
    previous_month_day,
    signup,
    world,
)
from tests.helpers import PASSWORD, now
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.engagements import use_cases as engagements
from timebank.errors import Forbidden
from timebank.people.model import Actor
from timebank.people.use_cases import log_in

pytestmark = pytest.mark.anyio


async def change(
    client: httpx.AsyncClient, party: Party, entry_id: int, day: Any, minutes: int, text: str
) -> httpx.Response:
    return await client.put(
        f"/api/v1/timesheets/{entry_id}",
        headers=party.headers,
        json={"work_date": day.isoformat(), "minutes": minutes, "description": text},
    )


async def received(client: httpx.AsyncClient, w: World) -> int:
    response = await client.get(
        f"/api/v1/companies/{w.host.company_id}/position", headers=w.host.headers
    )
    assert response.status_code == 200, response.text
    return int(response.json()["minutes_received"])


async def test_a_corrected_entry_is_approved_as_corrected_then_frozen(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    logged = await log(client, w, engagement_id, previous_month_day(5), 60)
    entry_id = logged.json()["id"]
    corrected = await change(client, w.employee, entry_id, previous_month_day(6), 120, "Audit")
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["minutes"], corrected.json()["work_date"]) == (
        120,
        previous_month_day(6).isoformat(),
    )
    before = await received(client, w)
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [entry_id]}
    )
    assert approved.status_code == 200, approved.text
    assert await received(client, w) == before + 120
    late = await change(client, w.employee, entry_id, previous_month_day(6), 30, "Audit")
    assert (late.status_code, late.json()["code"]) == (409, "already_reviewed")
    gone = await client.post(f"/api/v1/timesheets/{entry_id}/withdraw", headers=w.employee.headers)
    assert (gone.status_code, gone.json()["code"]) == (409, "already_reviewed")


async def test_a_correction_meets_every_guardrail_and_changes_nothing_when_refused(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    start = previous_month_day(1)
    engagement_id = await active_engagement(
        client, w, start=start, end=now().date() + timedelta(days=20)
    )
    day = previous_month_day(12)
    entry_id = (await log(client, w, engagement_id, day, 10 * 60)).json()["id"]
    # Its own ten hours are not counted twice: the same day, the same length, passes.
    same = await change(client, w.employee, entry_id, day, 10 * 60, "Refonte")
    assert same.status_code == 200, same.text
    for when, minutes, code in (
        (day, 11 * 60, "exceeds_daily_limit"),
        (day, -60, "amount_must_be_positive"),
        (day, 0, "amount_must_be_positive"),
        (start - timedelta(days=1), 60, "outside_period"),
        (now().date() + timedelta(days=1), 60, "future_entry"),
    ):
        refused = await change(client, w.employee, entry_id, when, minutes, "Refonte")
        assert (refused.status_code, refused.json()["code"]) == (422, code), refused.text
    blank = await change(client, w.employee, entry_id, day, 60, "   ")
    assert blank.json()["code"] == "required"
    listed = await client.get(
        f"/api/v1/engagements/{engagement_id}/timesheets", headers=w.employee.headers
    )
    [kept] = listed.json()["items"]
    assert (kept["minutes"], kept["description"], kept["work_date"]) == (
        600,
        "Refonte",
        day.isoformat(),
    )


async def test_only_the_employee_who_logged_it_changes_or_withdraws_an_entry(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    entry_id = (await log(client, w, engagement_id, previous_month_day(7), 60)).json()["id"]
    stranger = await signup(client, name="Voisins Curieux")
    for party, status in ((w.host, 403), (w.lender, 403), (stranger, 404)):
        edited = await change(client, party, entry_id, previous_month_day(7), 30, "x")
        withdrawn = await client.post(
            f"/api/v1/timesheets/{entry_id}/withdraw", headers=party.headers
        )
        assert (edited.status_code, withdrawn.status_code) == (status, status)
    missing = await change(client, w.employee, 999_999_999, previous_month_day(7), 30, "x")
    assert missing.status_code == 404


async def test_a_withdrawn_entry_is_never_approved_nor_counted(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    day = previous_month_day(9)
    client_id = str(uuid.uuid4())
    logged = await log(client, w, engagement_id, day, 10 * 60, client_id=client_id)
    entry_id = logged.json()["id"]
    withdrawn = await client.post(
        f"/api/v1/timesheets/{entry_id}/withdraw", headers=w.employee.headers
    )
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    before = await received(client, w)
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [entry_id]}
    )
    assert (approved.status_code, approved.json()["code"]) == (409, "already_reviewed")
    rejected = await client.post(
        f"/api/v1/timesheets/{entry_id}/reject", headers=w.host.headers, json={"reason": "Non"}
    )
    assert rejected.status_code == 409
    assert await received(client, w) == before
    edited = await change(client, w.employee, entry_id, day, 60, "Audit")
    assert (edited.status_code, edited.json()["code"]) == (409, "entry_withdrawn")
    # Sending the first request again finds the withdrawn entry: it is not logged anew.
    again = await log(client, w, engagement_id, day, 10 * 60, client_id=client_id)
    assert (again.status_code, again.json()["status"]) == (200, "withdrawn")
    # Its ten hours count in no limit: the same day takes ten new hours.
    fresh = await log(client, w, engagement_id, day, 10 * 60)
    assert fresh.status_code == 201, fresh.text
    # The loan can complete once the fresh entry is reviewed: the withdrawn one waits for nobody.
    reviewed = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [fresh.json()["id"]]},
    )
    assert reviewed.status_code == 200, reviewed.text
    completed = await client.post(
        f"/api/v1/engagements/{engagement_id}/complete", headers=w.host.headers, json={}
    )
    assert completed.status_code == 200, completed.text


async def actor_of(email: str, password: str = PASSWORD) -> Actor:
    login = await log_in(
        piccolo_unit_of_work, email=email, password=password, now=now(), session_hours=1
    )
    return login.actor


async def test_the_host_queue_holds_only_what_waits_for_it(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    ids = [
        (await log(client, w, engagement_id, previous_month_day(day), 30)).json()["id"]
        for day in (3, 4, 5)
    ]
    host = await actor_of(w.host.email)
    queue = await engagements.entries_to_review(
        piccolo_unit_of_work, host, w.host.company_id, limit=50, offset=0
    )
    assert [item.entry.id for item in queue.items] == ids
    assert {(i.employee_name, i.lender_name) for i in queue.items} == {
        ("Inès Moreau", "Agence Lumière")
    }
    await client.post(f"/api/v1/timesheets/{ids[0]}/withdraw", headers=w.employee.headers)
    await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [ids[1]]}
    )
    queue = await engagements.entries_to_review(
        piccolo_unit_of_work, host, w.host.company_id, limit=50, offset=0
    )
    assert ([item.entry.id for item in queue.items], queue.total) == ([ids[2]], 1)
    lender = await actor_of(w.lender.email)
    with pytest.raises(Forbidden):
        await engagements.entries_to_review(
            piccolo_unit_of_work, lender, w.host.company_id, limit=50, offset=0
        )
    employee = await actor_of(w.employee.email, "employee-password")
    [loan] = await engagements.my_running_loans(piccolo_unit_of_work, employee)
    assert (loan.engagement.id, loan.host_name) == (engagement_id, "Fromagerie du Val")
    third = previous_month_day(3)
    week = await engagements.week_entries(piccolo_unit_of_work, employee, engagement_id, day=third)
    same_week = [
        entry_id
        for entry_id, day in zip(ids, (3, 4, 5), strict=True)
        if previous_month_day(day).isocalendar()[:2] == third.isocalendar()[:2]
    ]
    assert [entry.id for entry in week] == same_week[1:]  # The withdrawn one is left out.
    assert await engagements.my_running_loans(piccolo_unit_of_work, host) == []


async def test_a_withdrawal_racing_an_approval_leaves_one_outcome_and_a_matching_ledger(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    for day in (11, 12, 13, 14):
        entry_id = (await log(client, w, engagement_id, previous_month_day(day), 60)).json()["id"]
        before = await received(client, w)
        approved, withdrawn = await asyncio.gather(
            client.post(
                "/api/v1/timesheets/approve",
                headers=w.host.headers,
                json={"entry_ids": [entry_id]},
            ),
            client.post(f"/api/v1/timesheets/{entry_id}/withdraw", headers=w.employee.headers),
        )
        assert sorted((approved.status_code, withdrawn.status_code)) == [200, 409]
        [entry] = [
            e
            for e in (
                await client.get(
                    f"/api/v1/engagements/{engagement_id}/timesheets", headers=w.host.headers
                )
            ).json()["items"]
            if e["id"] == entry_id
        ]
        posted = 60 if entry["status"] == "approved" else 0
        assert entry["status"] == ("approved" if approved.status_code == 200 else "withdrawn")
        assert await received(client, w) == before + posted
