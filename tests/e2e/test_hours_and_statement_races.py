"""Races between two writes on the same hours or statement (PostgreSQL, where two
transactions run at once; SQLite's write transactions run one at a time).

Each test holds one request at the point where it has read but not yet locked, lets the other
write, then lets the first go on: the ledger, the statement and the invoices must agree with
the hours approved, nothing counted twice or at a stale value.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Final

import httpx
import pytest

from tests.exchange_helpers import (
    active_engagement,
    invoices_of,
    log,
    operator,
    previous_month_day,
    world,
)
from timebank.config import DatabaseKind, get_settings
from timebank.engagements.repository import EngagementRepository
from timebank.settlements.repository import SettlementRepository

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(
        get_settings().database.kind is not DatabaseKind.POSTGRESQL,
        reason="PostgreSQL's concurrent transactions",
    ),
]

# How long the held request's rival is given to reach its own lock and wait there.
RIVAL_WAIT_SECONDS: Final = 1.0


class Hold:
    """Pauses the first call of a repository method (once armed) until released."""

    def __init__(self) -> None:
        self.armed = True
        self.reached = asyncio.Event()
        self.release = asyncio.Event()

    def around(
        self, method: Callable[..., Awaitable[Any]], *, before: bool
    ) -> Callable[..., Awaitable[Any]]:
        async def held(*args: Any, **kwargs: Any) -> Any:
            first = self.armed and (kwargs.get("lock", True) or not before)
            if first and before:
                self.armed = False
                self.reached.set()
                await self.release.wait()
            result = await method(*args, **kwargs)
            if first and not before:
                self.armed = False
                self.reached.set()
                await self.release.wait()
            return result

        return held


async def _statements(client: httpx.AsyncClient, party: Any) -> list[dict[str, Any]]:
    answer = await client.get(
        f"/api/v1/companies/{party.company_id}/settlements", headers=party.headers
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json())


async def _position(client: httpx.AsyncClient, party: Any) -> dict[str, Any]:
    answer = await client.get(
        f"/api/v1/companies/{party.company_id}/position", headers=party.headers
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_hours_edited_while_being_approved_are_posted_as_approved(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world(client)
    loan = await active_engagement(client, w)
    day = previous_month_day(5)
    entry = (await log(client, w, loan, day, 60)).json()["id"]
    hold = Hold()
    monkeypatch.setattr(
        EngagementRepository,
        "get_many",
        hold.around(EngagementRepository.get_many, before=True),
    )
    # The approval has read the entry (60 min) and waits before locking its loan.
    approving = asyncio.create_task(
        client.post(
            "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [entry]}
        )
    )
    await hold.reached.wait()
    edited = await client.put(
        f"/api/v1/timesheets/{entry}",
        headers=w.employee.headers,
        json={"work_date": day.isoformat(), "minutes": 480, "description": "Audit complet"},
    )
    assert edited.status_code == 200, edited.text
    hold.release.set()
    approved = await approving
    assert approved.status_code == 200, approved.text
    [row] = approved.json()
    assert (row["minutes"], row["status"]) == (480, "approved")

    alone = await world(client)  # The same pay, 480 minutes approved with no rival.
    alone_loan = await active_engagement(client, alone)
    alone_entry = (await log(client, alone, alone_loan, day, 480)).json()["id"]
    reference = await client.post(
        "/api/v1/timesheets/approve", headers=alone.host.headers, json={"entry_ids": [alone_entry]}
    )
    assert row["cost_cents"] == reference.json()[0]["cost_cents"]
    raced, reference_position = await _position(client, w.host), await _position(client, alone.host)
    for key in ("minutes_received", "cents_balance"):
        assert raced[key] == reference_position[key], key


async def test_two_preparations_at_once_count_each_entry_once(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world(client)
    loan = await active_engagement(client, w)
    entries = [(await log(client, w, loan, previous_month_day(d), 60)).json()["id"] for d in (3, 4)]
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entries}
    )
    cents = sum(e["cost_cents"] for e in approved.json())
    ops = await operator(client)
    month = {"month": previous_month_day(1).isoformat()}
    hold = Hold()
    monkeypatch.setattr(
        EngagementRepository,
        "approved_unsettled",
        hold.around(EngagementRepository.approved_unsettled, before=False),
    )
    first = asyncio.create_task(
        client.post("/api/v1/settlements/prepare", headers=ops.headers, json=month)
    )
    await hold.reached.wait()  # The first has read the unbilled entries.
    second = asyncio.create_task(
        client.post("/api/v1/settlements/prepare", headers=ops.headers, json=month)
    )
    await asyncio.sleep(RIVAL_WAIT_SECONDS)
    hold.release.set()
    assert (await first).status_code == 200
    assert (await second).status_code == 200
    [statement] = await _statements(client, w.lender)
    assert statement["minutes_a_to_b"] + statement["minutes_b_to_a"] == 120
    assert statement["cents_a_to_b"] + statement["cents_b_to_a"] == cents
    for party in (w.lender, w.host):
        agreed = await client.post(
            f"/api/v1/settlements/{statement['id']}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    assert [i["total_excl_vat_cents"] for i in await invoices_of(client, w.lender)] == [cents]
    assert (await _position(client, w.host))["cents_balance"] == 0


async def test_a_preparation_waits_for_an_agreement_under_way_and_leaves_it_agreed(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world(client)
    loan = await active_engagement(client, w)
    entries = [(await log(client, w, loan, previous_month_day(d), 60)).json()["id"] for d in (3, 4)]
    first = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entries[:1]}
    )
    cents = first.json()[0]["cost_cents"]
    ops = await operator(client)
    month = {"month": previous_month_day(1).isoformat()}
    prepared = await client.post("/api/v1/settlements/prepare", headers=ops.headers, json=month)
    assert prepared.status_code == 200, prepared.text
    [statement] = await _statements(client, w.lender)
    lender_agrees = await client.post(
        f"/api/v1/settlements/{statement['id']}/agree", headers=w.lender.headers
    )
    assert lender_agrees.status_code == 200, lender_agrees.text
    # A late approval of last month's hours, then the host agrees while the month is prepared.
    late = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entries[1:]}
    )
    assert late.status_code == 200, late.text
    hold = Hold()
    monkeypatch.setattr(
        SettlementRepository,
        "record_agreement",
        hold.around(SettlementRepository.record_agreement, before=True),
    )
    agreeing = asyncio.create_task(
        client.post(f"/api/v1/settlements/{statement['id']}/agree", headers=w.host.headers)
    )
    await hold.reached.wait()  # The agreement holds the statement's row.
    preparing = asyncio.create_task(
        client.post("/api/v1/settlements/prepare", headers=ops.headers, json=month)
    )
    await asyncio.sleep(RIVAL_WAIT_SECONDS)
    hold.release.set()
    agreed, prepared_again = await agreeing, await preparing
    assert agreed.status_code == 200, agreed.text
    assert prepared_again.status_code == 200, prepared_again.text
    [after] = await _statements(client, w.lender)
    assert after["status"] == "agreed"
    assert after["agreed_by_a"] is not None and after["agreed_by_b"] is not None
    assert after["cents_a_to_b"] + after["cents_b_to_a"] == cents
    assert [i["total_excl_vat_cents"] for i in await invoices_of(client, w.lender)] == [cents]
    # The late hour waits for the next statement; the pair's balance is the late hour's.
    assert (await _position(client, w.host))["cents_balance"] == -late.json()[0]["cost_cents"]


async def test_a_days_limit_holds_across_two_loans_logged_at_once(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An employee's day (10 h at most) spans their loans: two entries of 6 h on the same day,
    on two loans, one held between its count and its insert, are not both accepted."""
    w = await world(client)
    loans = [await active_engagement(client, w), await active_engagement(client, w)]
    day = previous_month_day(5)
    hold = Hold()
    monkeypatch.setattr(
        EngagementRepository,
        "add_entry",
        hold.around(EngagementRepository.add_entry, before=True),
    )
    first = asyncio.create_task(log(client, w, loans[0], day, 360))
    await hold.reached.wait()  # The first has counted the day's hours and is about to insert.
    second = asyncio.create_task(log(client, w, loans[1], day, 360))
    await asyncio.sleep(RIVAL_WAIT_SECONDS)
    hold.release.set()
    answers = sorted([(await first).status_code, (await second).status_code])
    assert answers == [201, 422], answers
    logged = 0
    for loan in loans:
        entries = await client.get(
            f"/api/v1/engagements/{loan}/timesheets", headers=w.employee.headers
        )
        logged += sum(e["minutes"] for e in entries.json()["items"] if e["status"] == "submitted")
    assert logged == 360
