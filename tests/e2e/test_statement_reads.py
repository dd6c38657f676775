"""Statements as each company reads them: its side of the figures, who owes whom, whether it
agreed and whether it is its turn, the timesheet lines counted, pages that stay in range."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import (
    active_engagement,
    log,
    prepare_last_month,
    previous_month_day,
    world,
)
from tests.helpers import PASSWORD, emailed_invitation_token, new_email, now, sign_up
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.errors import Forbidden, NotFound
from timebank.people.use_cases import log_in
from timebank.settlements import use_cases as settlements

pytestmark = pytest.mark.anyio


async def test_each_side_reads_its_own_figures_turn_and_lines(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    ids = []
    for day, minutes in ((3, 120), (4, 90)):
        logged = await log(client, w, engagement_id, previous_month_day(day), minutes)
        ids.append(logged.json()["id"])
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": ids}
    )
    cost = sum(e["cost_cents"] for e in approved.json())
    await prepare_last_month(client)
    lender = (
        await log_in(uow, email=w.lender.email, password=PASSWORD, now=now(), session_hours=1)
    ).actor
    host = (
        await log_in(uow, email=w.host.email, password=PASSWORD, now=now(), session_hours=1)
    ).actor
    assert w.lender.company_id is not None and w.host.company_id is not None

    page = await settlements.company_statements(uow, lender, w.lender.company_id, page=99, size=10)
    (side,) = page.items
    assert (page.total, page.offset) == (1, 0)
    assert (side.minutes_given, side.minutes_received) == (210, 0)
    assert (side.cents_given, side.cents_received, side.net_cents) == (cost, 0, cost)
    assert (side.owes, side.agreed, side.may_answer) == (False, False, True)
    assert side.counterpart_name == "Fromagerie du Val"

    statement_id = side.statement.id
    await settlements.agree(uow, lender, statement_id, now=now())
    mine = await settlements.statement_detail(uow, lender, w.lender.company_id, statement_id)
    assert (mine.side.agreed, mine.side.may_answer) == (True, False)
    assert [(line.minutes, line.employee_name) for line in mine.lines] == [
        (120, "Inès Moreau"),
        (90, "Inès Moreau"),
    ]
    theirs = await settlements.statement_detail(uow, host, w.host.company_id, statement_id)
    assert (theirs.side.owes, theirs.side.counterpart_agreed, theirs.side.may_answer) == (
        True,
        True,
        True,
    )
    assert (theirs.side.minutes_received, theirs.side.cents_received) == (210, cost)

    notes = await client.get("/api/v1/notifications", headers=w.host.headers)
    assert f"/entreprises/{w.host.company_id}/releves/{statement_id}" in {
        n["link"] for n in notes.json()["items"] if n["kind"] == "statement_to_agree"
    }

    cabinet = new_email("cabinet")
    grant = await client.post(
        f"/api/v1/companies/{w.host.company_id}/accountants",
        headers=w.host.headers,
        json={"email": cabinet, "full_name": "Cabinet Durand"},
    )
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(grant.json()["accountant"]["id"]),
            "password": "cabinet-password",
        },
    )
    assert accepted.status_code == 200, accepted.text
    client.cookies.clear()
    accountant = (
        await log_in(uow, email=cabinet, password="cabinet-password", now=now(), session_hours=1)
    ).actor
    read = await settlements.company_statements(uow, accountant, w.host.company_id, page=1, size=10)
    assert [(s.statement.id, s.owes, s.may_answer) for s in read.items] == [
        (statement_id, True, False)
    ]

    stranger = await sign_up()
    with pytest.raises(NotFound):
        await settlements.statement_detail(uow, stranger.actor, stranger.company_id, statement_id)
    with pytest.raises(Forbidden):
        await settlements.company_statements(
            uow, stranger.actor, w.lender.company_id, page=1, size=10
        )
