"""A loan read by id carries its papers (and, for its page, its history) in its own row as JSON
arrays: they are what the tables hold, field for field, on both databases. Its two companies
come with who signs for each in one statement."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest

from tests.exchange_helpers import active_engagement, propose, world
from timebank.db.tables import EngagementEventTable
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.engagements.model import Paper
from timebank.people.model import Role

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


async def test_a_loans_companies_come_with_their_first_admin_by_email(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    ids = [w.lender.company_id, w.host.company_id]
    async with piccolo_unit_of_work() as repos:  # An admin whose e-mail sorts first.
        first = await repos.people.add_user(
            email=f"0-{uuid.uuid4().hex[:8]}@example.org",
            full_name="Agnès Première",
            password_hash=None,
            is_operator=False,
            now=datetime.now(UTC),
        )
        await repos.people.add_membership(
            user_id=first.id,
            company_id=w.host.company_id,
            role=Role.COMPANY_ADMIN,
            granted_by=None,
            now=datetime.now(UTC),
        )
    async with piccolo_unit_of_work(write=False) as repos:
        represented = await repos.companies.represented(ids, Role.COMPANY_ADMIN.value)
        companies = await repos.companies.get_many(ids)
        admins = {c: await repos.people.members_of(c, Role.COMPANY_ADMIN) for c in ids}
        without = await repos.companies.represented(ids, Role.ACCOUNTANT.value)
    assert {c: r.company for c, r in represented.items()} == companies
    assert {c: r.representative for c, r in represented.items()} == {
        c: admins[c][0].full_name for c in ids
    }
    assert represented[w.host.company_id].representative == "Agnès Première"
    assert len(admins[w.host.company_id]) == 2
    assert sorted(without) == sorted(ids)
    assert all(r.representative is None for r in without.values())


async def test_a_page_of_loans_past_the_last_one_is_empty_and_counts_them_all(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    loans = [int((await propose(client, w, planned_minutes=60))["id"]) for _ in range(2)]
    async with piccolo_unit_of_work(write=False) as repos:
        for offset in (0, 2, 50):
            found, total = await repos.engagements.of_company(
                w.host.company_id, side="host", status=None, limit=10, offset=offset
            )
            assert [e.id for e in found] == (sorted(loans, reverse=True) if offset == 0 else [])
            assert total == len(loans)
            found, total = await repos.engagements.search(
                company_ids=[w.lender.company_id],
                employee_user_id=None,
                status=None,
                limit=10,
                offset=offset,
            )
            assert [e.id for e in found] == (sorted(loans, reverse=True) if offset == 0 else [])
            assert total == len(loans)
