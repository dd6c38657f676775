"""The scheduled rotation jobs through their use cases: next month drafted (and the coordinator
told), next week's slots announced to the CDO and the members, last month allocated once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.test_rotations import _group_world
from tests.exchange_helpers import Party
from tests.helpers import now
from timebank.accounting.model import first_of_month, next_month
from timebank.db.tables import OutboxTable
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.rotations import use_cases

pytestmark = pytest.mark.anyio


async def _kinds(client: httpx.AsyncClient, party: Party) -> list[str]:
    items = (await client.get("/api/v1/notifications", headers=party.headers)).json()["items"]
    return [n["kind"] for n in items]


async def test_jobs_draft_remind_and_allocate(client: httpx.AsyncClient) -> None:
    w = await _group_world(client)
    coordinator, paris, cdo = w["coordinator"], w["paris"], w["cdo"]
    assert isinstance(coordinator, Party) and isinstance(paris, Party) and isinstance(cdo, Party)
    # The planning job ran on the 20th of the month before last, for last month: the
    # allocation below then runs at today's date (the ledger's clock only moves forward, so
    # no test may post in the future).
    last_month = first_of_month(first_of_month(now().date()) - timedelta(days=1))
    before_last = first_of_month(last_month - timedelta(days=1))
    run_at = datetime.combine(before_last.replace(day=20), datetime.min.time(), UTC)
    starts_on = next_month(first_of_month(run_at.date()))
    assert starts_on == last_month
    ends_on = next_month(starts_on) - timedelta(days=1)
    period = await client.post(
        f"/api/v1/groups/{w['group_id']}/rotation-periods",
        headers=coordinator.headers,
        json={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    period_id = period.json()["id"]
    await client.put(
        f"/api/v1/rotation-periods/{period_id}/cdos/{w['cdo_id']}",
        headers=coordinator.headers,
        json={"max_days_per_week": 4},
    )
    await client.put(
        f"/api/v1/rotation-periods/{period_id}/requests/{paris.company_id}",
        headers=paris.headers,
        json={"days": 6},
    )
    made = await use_cases.plan_next_month(uow, now=run_at)
    view = (
        await client.get(f"/api/v1/rotation-periods/{period_id}", headers=coordinator.headers)
    ).json()
    assert [p["id"] for p in view["plans"] if p["id"] in made] == [view["plans"][0]["id"]]
    assert "rotation_draft_ready" in await _kinds(client, coordinator)
    again = await use_cases.plan_next_month(uow, now=run_at)
    assert view["plans"][0]["id"] not in again  # A period with a plan is left alone.
    published = await client.post(
        f"/api/v1/rotation-plans/{view['plans'][0]['id']}/publish", headers=coordinator.headers
    )
    assert published.status_code == 200, published.text

    slots = (
        await client.get(f"/api/v1/rotation-periods/{period_id}/slots", headers=coordinator.headers)
    ).json()["slots"]
    first_day = min(s["day"] for s in slots)
    friday_before = datetime.fromisoformat(first_day).date()
    friday_before -= timedelta(days=friday_before.weekday() + 3)
    before = await OutboxTable.count()
    sent = await use_cases.remind_next_week(
        uow, now=datetime.combine(friday_before, datetime.min.time(), UTC)
    )
    assert sent >= 2  # The CDO and the member (at least; other tests' groups may plan too).
    assert await OutboxTable.count() > before
    assert "rotation_next_week" in await _kinds(client, cdo)
    assert "rotation_next_week" in await _kinds(client, paris)

    posted = await use_cases.allocate_last_month(uow, now=now())
    assert posted >= 1
    lines = (
        await client.get(f"/api/v1/groups/{w['group_id']}/allocations", headers=coordinator.headers)
    ).json()
    assert [line["company_id"] for line in lines] == [paris.company_id]
    assert lines[0]["slots_worked"] == 6
    assert await use_cases.allocate_last_month(uow, now=now()) == 0  # Once a month.
    assert "cdo_allocation" in await _kinds(client, paris)
