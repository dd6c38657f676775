"""A loan read by id carries its papers in its own row (one JSON array): they are the papers
the loan's other reads find, field for field, on both databases."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import active_engagement, propose, world
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.engagements.model import Paper

pytestmark = pytest.mark.anyio


async def test_a_loan_by_id_has_the_papers_its_list_has(client: httpx.AsyncClient) -> None:
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
    in_list = {loan.id: loan for loan in listed}
    assert by_id[signed].papers == in_list[signed].papers
    papers = {record.paper for record in by_id[signed].papers}
    assert {Paper.AGREEMENT_HOST, Paper.AMENDMENT_EMPLOYEE, Paper.CSE_LENDER} <= papers
    assert any(record.effective_on is not None for record in by_id[signed].papers)
    assert all(record.signed_at.utcoffset() is not None for record in by_id[signed].papers)
    assert by_id[bare].papers == in_list[bare].papers == ()
