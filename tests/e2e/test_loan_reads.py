"""A loan read by id carries its papers (and, for its page, its history) in its own row as JSON
arrays: they are what the tables hold, field for field, on both databases."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import active_engagement, propose, world
from timebank.db.tables import EngagementEventTable
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.engagements.model import Paper

pytestmark = pytest.mark.anyio

NO_SUCH_LOAN = 2_000_000_000


async def test_a_loan_by_id_has_the_papers_and_history_stored(client: httpx.AsyncClient) -> None:
    w = await world(client, lender_cse=True)
    signed = await active_engagement(client, w)
    bare = int((await propose(client, w, planned_minutes=60))["id"])
    async with piccolo_unit_of_work(write=False) as repos:
        by_id = await repos.engagements.get_many([signed, bare])
        listed, _ = await repos.engagements.search(
            company_ids=[w.host.company_id],
            employee_user_id=None,
            status=None,
            limit=10,
            offset=0,
        )
        with_events = await repos.engagements.with_events(signed)
        stored = (
            await EngagementEventTable.select()
            .where(EngagementEventTable.engagement == signed)
            .order_by(EngagementEventTable.id)
        )
        assert await repos.engagements.with_events(NO_SUCH_LOAN) is None
    assert with_events is not None
    assert with_events[0] == by_id[signed]
    assert [
        (e.step, e.from_status, e.to_status, e.actor_id, e.note, e.created_at)
        for e in with_events[1]
    ] == [
        (r["step"], r["from_status"], r["to_status"], r["actor"], r["note"], r["created_at"])
        for r in stored
    ]
    assert [e.step for e in with_events[1]][-1] == "activate"
    in_list = {loan.id: loan for loan in listed}
    assert by_id[signed].papers == in_list[signed].papers
    papers = {record.paper for record in by_id[signed].papers}
    assert {Paper.AGREEMENT_HOST, Paper.AMENDMENT_EMPLOYEE, Paper.CSE_LENDER} <= papers
    assert any(record.effective_on is not None for record in by_id[signed].papers)
    assert all(record.signed_at.utcoffset() is not None for record in by_id[signed].papers)
    assert by_id[bare].papers == in_list[bare].papers == ()
