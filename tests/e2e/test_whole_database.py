"""No request does work proportional to the whole database: the home page and the dashboard
send the same statements and read the same rows however much unrelated data the others add."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import httpx
import pytest

from tests.exchange_helpers import active_engagement, actor_of, log, operator, world
from tests.helpers import now, sign_up
from tests.sql_counter import count_statements
from timebank.db.tables import (
    EngagementTable,
    MatchProposalTable,
    RotationSlotTable,
    SettlementStatementTable,
    TimesheetEntryTable,
    TrainingTable,
)
from timebank.db.unit_of_work import engine, piccolo_unit_of_work
from timebank.demo import load as demo_load
from timebank.indicators.use_cases import programme_indicators, public_summary
from timebank.todo.model import TodoKind
from timebank.todo.use_cases import todo_of

HTML: Final = {"accept": "text/html"}
UNRELATED_ROWS: Final = 50
SESSION_COOKIE: Final = "tb_session"  # web.auth's name: tests read the app from outside.


@dataclass
class Cost:
    queries: int
    rows: int


@contextmanager
def cost() -> Iterator[Cost]:
    """The statements sent and the rows Piccolo brought back while the block ran."""
    kind = type(engine())
    original: Callable[..., Any] = kind.run_querystring
    rows = [0]

    @functools.wraps(original)
    async def counted(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        rows[0] += len(result) if isinstance(result, list) else 0
        return result

    kind.run_querystring = counted  # type: ignore[method-assign]
    found = Cost(0, 0)
    try:
        with count_statements() as statements:
            yield found
    finally:
        kind.run_querystring = original  # type: ignore[method-assign]
    found.queries = len(statements.queries)
    found.rows = rows[0]


async def cost_of(client: httpx.AsyncClient, path: str) -> Cost:
    await client.get(path, headers=HTML)  # Warm: caches of the process are not the point.
    with cost() as measured:
        response = await client.get(path, headers=HTML)
    assert response.status_code == 200, response.text[:500]
    return measured


async def add_statements(company_id: int, admin_user_id: int, count: int) -> None:
    """Statements of this company that no longer wait for it, and as many between others."""
    others = [(await sign_up()).company_id for _ in range(2)]
    stamp = now()
    rows = []
    for index in range(count):
        month = date(2001, 1, 1) + timedelta(days=31 * index)
        for a, b, agreed_by_a in (
            (min(company_id, others[0]), max(company_id, others[0]), None),
            (others[0], others[1], None),
        ):
            mine = company_id in (a, b)
            rows.append(
                SettlementStatementTable(
                    month=month.replace(day=1),
                    company_a=a,
                    company_b=b,
                    status="draft",
                    agreed_by_a=admin_user_id if mine and a == company_id else agreed_by_a,
                    agreed_by_b=admin_user_id if mine and b == company_id else None,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
    await SettlementStatementTable.insert(*rows)


async def add_trainings(client: httpx.AsyncClient, count: int) -> None:
    """Trainings logged in another company: the home page must not read them one by one."""
    w = await world(client)
    stamp = now()
    await TrainingTable.insert(
        *(
            TrainingTable(
                employee=w.employee_id,
                company=w.lender.company_id,
                title="Sécurité",
                provider="Organisme",
                starts_on=stamp.date(),
                ends_on=stamp.date(),
                minutes=60,
                status="rejected",
                created_at=stamp,
            )
            for _ in range(count)
        )
    )


async def test_dashboard_cost_does_not_grow_with_the_statements(
    client: httpx.AsyncClient,
) -> None:
    admin = await sign_up()
    client.cookies.set(SESSION_COOKIE, admin.token)
    before = await cost_of(client, "/tableau-de-bord")
    await add_statements(admin.company_id, admin.actor.user_id, UNRELATED_ROWS)
    after = await cost_of(client, "/tableau-de-bord")
    assert (after.queries, after.rows) == (before.queries, before.rows)
    todo = await todo_of(piccolo_unit_of_work, admin.actor, today=now().date())
    assert TodoKind.AGREE_STATEMENT not in {item.kind for item in todo}


async def test_dashboard_counts_the_statements_that_wait_for_the_company(
    client: httpx.AsyncClient,
) -> None:
    admin = await sign_up()
    other = await sign_up()
    stamp = now()
    a, b = sorted((admin.company_id, other.company_id))
    await SettlementStatementTable.insert(
        *(
            SettlementStatementTable(
                month=date(2002 + index, 1, 1),
                company_a=a,
                company_b=b,
                status=status,
                agreed_by_a=other.actor.user_id if b == admin.company_id and index else None,
                agreed_by_b=other.actor.user_id if a == admin.company_id and index else None,
                created_at=stamp,
                updated_at=stamp,
            )
            for index, status in enumerate(("draft", "draft", "agreed"))
        )
    )
    for signed_up, waiting in ((admin, 2), (other, 1)):
        todo = await todo_of(piccolo_unit_of_work, signed_up.actor, today=now().date())
        assert [
            (item.path, item.count) for item in todo if item.kind is TodoKind.AGREE_STATEMENT
        ] == [(f"/entreprises/{signed_up.company_id}/releves", waiting)]


async def test_home_page_cost_does_not_grow_with_the_data(client: httpx.AsyncClient) -> None:
    before = await cost_of(client, "/")
    await add_trainings(client, UNRELATED_ROWS)
    after = await cost_of(client, "/")
    assert (after.queries, after.rows) == (before.queries, before.rows)


async def test_home_page_plans_the_demo_once_per_process(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await client.get("/", headers=HTML)).status_code == 200

    def replanned(**_: Any) -> Any:
        raise AssertionError("the demo was planned again for a request")

    monkeypatch.setattr(demo_load, "plan_demo", replanned)
    page = await client.get("/", headers=HTML)
    assert page.status_code == 200
    async with piccolo_unit_of_work(write=False) as repos:
        operator_user = await repos.people.get_user_by_email(
            demo_load.planned_logins(now().date())[1].email
        )
    # The logins are shown exactly when this database holds the demo.
    assert ("demo-bourse-2026" in page.text) is (operator_user is not None)


async def test_public_summary_equals_the_operator_indicators(client: httpx.AsyncClient) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    day = now().date() - timedelta(days=1)
    logged = await log(client, w, engagement_id, day, 90)
    assert logged.status_code == 201, logged.text
    approved = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [logged.json()["id"]]},
    )
    assert approved.status_code == 200, approved.text
    op = await operator(client)
    full = await programme_indicators(piccolo_unit_of_work, await actor_of(op), today=now().date())
    summary = await public_summary(piccolo_unit_of_work)
    assert summary.hours_exchanged_minutes == sum(a.minutes for a in full.hours_by_month) > 0
    assert summary.companies_taking_part == sum(c.value for c in full.companies) >= 2
    assert summary.needs_staffed == full.needs[1].value
    assert summary.cdo_half_days_planned == full.cdo[0].value
    assert summary.trainings_rated == full.trainings[2].value
    assert summary.average_rating == full.average_rating


async def test_operator_counts_from_sql_equal_the_rows_counted_one_by_one(
    client: httpx.AsyncClient,
) -> None:
    await add_trainings(client, 3)
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    logged = [
        await log(client, w, engagement_id, now().date() - timedelta(days=days), 60)
        for days in (1, 2)
    ]
    approved = await client.post(
        "/api/v1/timesheets/approve",
        headers=w.host.headers,
        json={"entry_ids": [entry.json()["id"] for entry in logged]},
    )
    assert approved.status_code == 200, approved.text
    op = await operator(client)
    today = now().date()
    full = await programme_indicators(piccolo_unit_of_work, await actor_of(op), today=today)
    trainings = await TrainingTable.select(TrainingTable.status, TrainingTable.rating)
    ratings = [int(t["rating"]) for t in trainings if t["rating"] is not None]
    assert [c.value for c in full.trainings] == [
        len(trainings),
        sum(1 for t in trainings if t["status"] == "approved"),
        len(ratings),
    ]
    assert full.average_rating == (sum(ratings) / len(ratings) if ratings else None)
    statuses = await MatchProposalTable.select(MatchProposalTable.status)
    proposals = [str(p["status"]) for p in statuses]
    assert [c.value for c in full.proposals] == [
        len(proposals),
        proposals.count("accepted"),
        proposals.count("declined"),
    ]
    loans = await EngagementTable.select(EngagementTable.need, EngagementTable.status)
    staffed = {loan["need"] for loan in loans if loan["status"] in ("active", "completed")}
    assert full.needs[1].value == len(staffed)
    slots = await RotationSlotTable.select(
        RotationSlotTable.half, RotationSlotTable.worked, RotationSlotTable.day
    ).where(RotationSlotTable.plan.status == "published")
    sizes = [(1 if s["half"] else 2, s["worked"] and s["day"] < today) for s in slots]
    assert [c.value for c in full.cdo] == [
        sum(size for size, _ in sizes),
        sum(size for size, worked in sizes if worked),
    ]
    entries = await TimesheetEntryTable.select(
        TimesheetEntryTable.work_date, TimesheetEntryTable.minutes, TimesheetEntryTable.employee
    ).where(TimesheetEntryTable.status == "approved")
    by_month: dict[str, tuple[int, set[int]]] = {}
    for entry in entries:
        minutes, employees = by_month.get(entry["work_date"].strftime("%Y-%m"), (0, set()))
        by_month[entry["work_date"].strftime("%Y-%m")] = (
            minutes + int(entry["minutes"]),
            employees | {int(entry["employee"])},
        )
    assert [(a.key, a.minutes, a.employees) for a in full.hours_by_month] == [
        (month, minutes, len(employees)) for month, (minutes, employees) in sorted(by_month.items())
    ]
