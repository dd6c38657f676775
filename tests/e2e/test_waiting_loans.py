"""The loans of « À faire », read in one statement, are the ones a search per state finds: the
newest few of each state, for the person's companies or their own work; the hours awaiting
review at a host are the ones its review list counts."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import (
    active_engagement,
    actor_of,
    log,
    previous_month_day,
    propose,
    step,
    world,
)
from tests.helpers import now
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.people.model import Role
from timebank.todo.use_cases import WAITING_STATUSES

pytestmark = pytest.mark.anyio

PER_STATUS_MAX = 2


async def test_waiting_loans_are_the_newest_of_each_state_as_searched_one_by_one(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    proposed = [(await propose(client, w))["id"] for _ in range(4)]
    for engagement_id in proposed[:1]:
        accepted = await step(client, w.host, engagement_id, "accept")
        assert accepted.status_code == 200, accepted.text
    for party in (w.lender, w.host, w.employee):
        actor = await actor_of(party)
        companies = sorted(actor.companies_with(Role.COMPANY_ADMIN))
        async with piccolo_unit_of_work(write=False) as repos:
            found = await repos.todo.waiting_loans(
                company_ids=companies,
                employee_user_id=actor.user_id,
                statuses=WAITING_STATUSES,
                per_status_max=PER_STATUS_MAX,
            )
            searched = set()
            for status in WAITING_STATUSES:
                loans, _ = await repos.engagements.search(
                    company_ids=companies,
                    employee_user_id=actor.user_id,
                    status=status,
                    limit=PER_STATUS_MAX,
                    offset=0,
                )
                searched |= {loan.id for loan in loans}
        assert {loan.engagement.id for loan in found} == searched
        assert searched == {*proposed[-PER_STATUS_MAX:], proposed[0]}


async def test_hours_awaiting_review_are_counted_per_host(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    for day in (1, 2, 3):
        logged = await log(client, w, engagement_id, previous_month_day(day), 60)
        assert logged.status_code == 201, logged.text
    host = await actor_of(w.host)
    run = sorted(host.companies_with(Role.COMPANY_ADMIN))
    async with piccolo_unit_of_work(write=False) as repos:
        waiting = await repos.todo.waiting(
            company_ids=run, admin_of=run, user_id=host.user_id, coordinated=[], today=now().date()
        )
        _, one_by_one = await repos.engagements.awaiting_review_of_host(
            w.host.company_id, limit=1, offset=0
        )
    counted = {c: found.hours_to_approve for c, found in waiting.companies.items()}
    assert counted == {w.host.company_id: one_by_one} == {w.host.company_id: 3}
