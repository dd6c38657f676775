"""Paperwork before work (C. trav. L8241-2), through HTTP: each CSE consulted before the loan's
first day, and no hour logged or moved to a day before the loan became active."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.exchange_helpers import (
    World,
    active_engagement,
    log,
    paperwork,
    previous_month_day,
    propose,
    step,
    world,
)
from tests.helpers import now

pytestmark = pytest.mark.anyio


async def _consented(client: httpx.AsyncClient, w: World, **values: object) -> int:
    engagement_id = int((await propose(client, w, **values))["id"])  # type: ignore[arg-type]
    for party, name in ((w.host, "accept"), (w.lender, "approve"), (w.employee, "consent")):
        assert (await step(client, party, engagement_id, name)).status_code == 200
    return engagement_id


async def _cse(
    client: httpx.AsyncClient, w: World, engagement_id: int, day: object
) -> httpx.Response:
    return await client.post(
        f"/api/v1/engagements/{engagement_id}/cse",
        headers=w.lender.headers,
        json={"company_id": w.lender.company_id, "consulted_on": str(day)},
    )


async def test_no_hour_before_the_day_the_loan_became_active(client: httpx.AsyncClient) -> None:
    w = await world(client, lender_cse=False)
    # The period began on the 1st of last month, but the loan is activated only today.
    engagement_id = await _consented(client, w, start=previous_month_day(1))
    await paperwork(client, w, engagement_id, cse=False)
    assert (await step(client, w.host, engagement_id, "activate")).status_code == 200
    today = now().date()
    early = await log(client, w, engagement_id, previous_month_day(5), 60)
    assert early.status_code == 422, early.text
    assert (early.json()["code"], early.json()["field"]) == ("before_activation", "work_date")
    assert today.strftime("%d/%m/%Y") in early.json()["message"]
    assert today.isoformat() in early.json()["message_en"]
    logged = await log(client, w, engagement_id, today, 60)
    assert logged.status_code == 201, logged.text
    moved = await client.put(
        f"/api/v1/timesheets/{logged.json()['id']}",
        headers=w.employee.headers,
        json={"work_date": previous_month_day(5).isoformat(), "minutes": 60, "description": "x"},
    )
    assert (moved.status_code, moved.json()["code"]) == (422, "before_activation")


async def test_a_cse_consultation_is_dated_before_the_loans_first_day(
    client: httpx.AsyncClient,
) -> None:
    today = now().date()
    w = await world(client, lender_cse=True)
    # A loan starting today: a consultation today is too late, yesterday's is in time.
    starting = await _consented(client, w, start=today)
    same_day = await _cse(client, w, starting, today)
    assert same_day.status_code == 422, same_day.text
    assert (same_day.json()["code"], same_day.json()["field"]) == (
        "cse_not_before_start",
        "consulted_on",
    )
    assert (await _cse(client, w, starting, today - timedelta(days=1))).status_code == 201
    # A loan whose period began on the 1st of last month: a consultation since then is late.
    other = await world(client, lender_cse=True)
    started = await _consented(client, other, start=previous_month_day(1))
    for late in (today - timedelta(days=1), previous_month_day(1)):
        refused = await _cse(client, other, started, late)
        assert (refused.status_code, refused.json()["code"]) == (422, "cse_not_before_start")
    before = await _cse(client, other, started, previous_month_day(1) - timedelta(days=1))
    assert before.status_code == 201, before.text


async def test_no_cse_consultation_is_recorded_once_the_loan_started(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client, lender_cse=True, host_cse=True)
    engagement_id = await active_engagement(client, w)
    late = await client.post(
        f"/api/v1/engagements/{engagement_id}/cse",
        headers=w.host.headers,
        json={
            "company_id": w.host.company_id,
            "consulted_on": (previous_month_day(1) - timedelta(days=5)).isoformat(),
        },
    )
    assert (late.status_code, late.json()["code"]) == (409, "illegal_transition")
