"""Pages that name people or list loans read them in a fixed number of statements: a loan's
page however many people its history names, the hours page however many loans are running."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.exchange_helpers import active_engagement, world
from tests.helpers import new_email, now
from tests.sql_counter import count_statements
from timebank.db.tables import EngagementEventTable
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.engagements.model import EngagementStatus, Step

pytestmark = pytest.mark.anyio

WITNESSES = 3


async def _page(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """The statements a page costs once its caches are warm, and its text."""
    await client.get(path, headers=headers)
    with count_statements() as statements:
        response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return len(statements.queries), response.text


async def test_a_loan_page_reads_the_names_in_its_history_at_once(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    loan = await active_engagement(client, w)
    path = f"/mises-a-disposition/{loan}"
    before, _ = await _page(client, path, w.host.headers)
    names = [f"Témoin {n} {uuid.uuid4().hex[:6]}" for n in range(WITNESSES)]
    async with piccolo_unit_of_work() as repos:  # More people in the loan's history.
        for name in names:
            user = await repos.people.add_user(
                email=new_email("witness"),
                full_name=name,
                password_hash=None,
                is_operator=False,
                now=now(),
            )
            await EngagementEventTable.insert(
                EngagementEventTable(
                    engagement=loan,
                    step=Step.ACCEPT.value,
                    from_status=EngagementStatus.PROPOSED.value,
                    to_status=EngagementStatus.ACCEPTED_BY_HOST.value,
                    actor=user.id,
                    note="",
                    created_at=now(),
                )
            )
    after, page = await _page(client, path, w.host.headers)
    assert all(name in page for name in names)
    assert after == before


async def test_the_hours_page_reads_its_running_loans_at_once(client: httpx.AsyncClient) -> None:
    one = await world(client)
    await active_engagement(client, one, planned_minutes=60)
    several = await world(client)
    loans = [await active_engagement(client, several, planned_minutes=60) for _ in range(3)]
    alone, _ = await _page(client, "/mes-heures", one.employee.headers)
    among, page = await _page(client, "/mes-heures", several.employee.headers)
    assert all(f'<option value="{loan}"' in page for loan in loans)
    assert among == alone
