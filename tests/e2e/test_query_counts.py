"""The main reads and the pages that list cost a fixed number of SQL statements, however many
rows they return.

Two worlds are built alike, one with a few rows of each listed thing (needs, employees,
timesheet lines, notifications) and one with many; each read is counted in both. A count that
grows with the rows is an N+1 query. The absolute counts are printed in every failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from tests.exchange_helpers import (
    SALARY_CENTS,
    World,
    active_engagement,
    close_last_month,
    log,
    previous_month_day,
    world,
)
from tests.helpers import need_json, new_email, now
from tests.sql_counter import Statements, count_statements
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import notify
from timebank.people.use_cases import actor_for_token
from web.pages.hours import week_code

pytestmark = pytest.mark.anyio

FEW_ROWS = 3
MANY_ROWS = 30


@dataclass
class Built:
    w: World
    engagement_id: int
    statement_id: int


async def _build(client: httpx.AsyncClient, rows: int) -> Built:
    """A loan with `rows` hours lines last month (approved, its statement agreed and invoiced),
    `rows` more needs at the host, `rows` more employees and notifications at the lender."""
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    ids = []
    for index in range(rows):
        day = previous_month_day(1 + index % 20)
        logged = await log(client, w, engagement_id, day, 15, description=f"Ligne {index}")
        assert logged.status_code == 201, logged.text
        ids.append(logged.json()["id"])
    statement = await close_last_month(client, w, ids)
    for party in (w.lender, w.host):
        agreed = await client.post(
            f"/api/v1/settlements/{statement['id']}/agree", json={}, headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    today = now().date()
    for index in range(rows):
        need = await client.post(
            f"/api/v1/companies/{w.host.company_id}/needs",
            headers=w.host.headers,
            json=need_json(
                title=f"Besoin n° {index}",
                window_start=today.isoformat(),
                window_end=(today + timedelta(days=90)).isoformat(),
            ),
        )
        assert need.status_code == 201, need.text
        invited = await client.post(
            f"/api/v1/companies/{w.lender.company_id}/employees",
            headers=w.lender.headers,
            json={
                "email": new_email("colleague"),
                "full_name": f"Collègue {index}",
                "job_title": "Comptable",
                "annual_gross_salary_cents": SALARY_CENTS,
                "employer_charge_rate_basis_points": 4000,
            },
        )
        assert invited.status_code == 201, invited.text
    token = w.lender.headers["Authorization"].removeprefix("Bearer ")
    found = await actor_for_token(piccolo_unit_of_work, token, now=now())
    assert found is not None
    async with piccolo_unit_of_work() as repos:
        for index in range(rows):
            await notify(
                repos,
                [found[0].user_id],
                Kind.TIMESHEET_TO_APPROVE,
                {"employee": f"Salarié {index}", "hours": "1 h", "day": "1er", "need": "SEO"},
                link="/tableau-de-bord",
                now=now(),
            )
    return Built(w, engagement_id, statement["id"])


async def _count_reads(client: httpx.AsyncClient, built: Built) -> dict[str, Statements]:
    w, loan = built.w, built.engagement_id
    month = previous_month_day(1)
    reads = {
        "needs": (w.host, "/api/v1/needs?limit=20"),
        "employees": (w.lender, f"/api/v1/companies/{w.lender.company_id}/employees"),
        "loan": (w.host, f"/api/v1/engagements/{loan}"),
        "timesheets": (w.host, f"/api/v1/engagements/{loan}/timesheets"),
        "position": (w.lender, f"/api/v1/companies/{w.lender.company_id}/position"),
        "settlement": (w.lender, f"/api/v1/settlements/{built.statement_id}"),
        "ledger statement": (
            w.lender,
            f"/api/v1/companies/{w.lender.company_id}/statement"
            f"?start={month.isoformat()}&end={now().date().isoformat()}",
        ),
        "notifications": (w.lender, "/api/v1/notifications?limit=50"),
        "me": (w.lender, "/api/v1/auth/me"),
        "dashboard": (w.lender, "/tableau-de-bord"),
        "invoices": (w.lender, f"/api/v1/companies/{w.lender.company_id}/invoices"),
        # The pages that list what grows in the worlds.
        "needs page": (w.host, "/besoins"),
        "company needs page": (w.host, f"/entreprises/{w.host.company_id}/besoins"),
        "loan page": (w.host, f"/mises-a-disposition/{loan}"),
        "company loans page": (w.host, f"/entreprises/{w.host.company_id}/mises-a-disposition"),
        "statements page": (w.lender, f"/entreprises/{w.lender.company_id}/releves"),
        "statement page": (
            w.lender,
            f"/entreprises/{w.lender.company_id}/releves/{built.statement_id}",
        ),
        "invoices page": (w.lender, f"/entreprises/{w.lender.company_id}/factures"),
        "ledger page": (w.lender, f"/entreprises/{w.lender.company_id}/grand-livre"),
        "notifications page": (w.lender, "/notifications"),
        "hours page": (w.employee, f"/mes-heures?semaine={week_code(month)}"),
        "missions page": (w.employee, "/mes-missions"),
    }
    counted = {}
    for name, (party, path) in reads.items():
        await client.get(path, headers=party.headers)  # Warm: first-use caches stay out.
        with count_statements() as statements:
            response = await client.get(path, headers=party.headers)
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"
        counted[name] = statements
    return counted


async def test_main_reads_cost_the_same_statements_for_few_or_many_rows(
    client: httpx.AsyncClient,
) -> None:
    few = await _count_reads(client, await _build(client, FEW_ROWS))
    many = await _count_reads(client, await _build(client, MANY_ROWS))
    table = "\n".join(
        f"{name}: {len(few[name].queries)} queries ({few[name].transactions} transactions) "
        f"with {FEW_ROWS} rows, {len(many[name].queries)} "
        f"({many[name].transactions}) with {MANY_ROWS}"
        for name in few
    )
    # The hook sees this driver: every read loads its actor from the database.
    assert all(few[name].queries and many[name].queries for name in few), table
    grown = [name for name in few if len(many[name].queries) > len(few[name].queries)]
    details = "\n".join(f"{name}, {MANY_ROWS} rows: {many[name].describe()}" for name in grown)
    assert not grown, f"statements grow with rows in {grown}\n{table}\n{details}"
