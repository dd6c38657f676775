"""The operator never reads a salary-derived figure: no hourly cost, no cents of a loan's
entries, statements or ledger, no employee's cost inputs, in any response it may read.

A world with an approved, costed loan and a prepared statement; the operator calls every GET
route of the app with that world's ids; each JSON body is walked field by field, and no body
(JSON or page) may hold the employee's hourly cost or the cents of an entry.
"""

from __future__ import annotations

import re
from typing import Any, Final

import httpx
import pytest
from litestar import Litestar

from tests.exchange_helpers import (
    CHARGES_BASIS_POINTS,
    active_engagement,
    log,
    operator,
    previous_month_day,
    world,
)
from tests.helpers import now
from timebank.engagements.use_cases.ledger_moves import _ledger_id

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient

# A salary whose hourly cost and entries' cents are numbers no id, count or minute reaches.
SALARY_CENTS: Final = 29_000_000
ENTRY_MINUTES: Final = (6 * 60 + 45, 3 * 60 + 10)

# Every salary-derived field of the API's responses (web/schemas.py, web/controllers/*.py).
SALARY_DERIVED_FIELDS: Final = frozenset(
    {
        # An employee's cost inputs and hourly cost (CostOut).
        "cost",
        "annual_gross_salary_cents",
        "employer_charge_rate_basis_points",
        "annual_work_hours",
        "hourly_cost_cents",
        # A timesheet entry's and a training's cost at salary.
        "cost_cents",
        # A statement's and a position's cents (sums of entries' costs).
        "cents_a_to_b",
        "cents_b_to_a",
        "set_off_cents",
        "net_cents",
        "cents_balance",
        "cents_given",
        "cents_received",
        # A CDO's allocation: salary share and what it comes to.
        "salary_cents",
        "management_cents",
        "cents",
        "amount",
        # Invoices bill the hours at cost.
        "hours_cents",
        "total_excl_vat_cents",
        "total_cents",
        "vat_cents",
    }
)
# The programme's indicators: aggregates over many loans, which `timebank/indicators/` hides
# below its threshold of loans; their fields are not checked by name, their numbers are.
AGGREGATES: Final = ("/api/v1/indicators", "/operateur/indicateurs")
# Not the programme's data: the API's description, files, the calendar feeds (their secret
# token is the credential) and the catch-all 404 page.
SKIPPED_PREFIXES: Final = ("/schema", "/static", "/feeds/", "/{rest:path}")


def _walk(value: Any, path: str = "$") -> list[tuple[str, str, Any]]:
    """(path, key, value) of every field of a JSON document."""
    found: list[tuple[str, str, Any]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((f"{path}.{key}", key, inner))
            found.extend(_walk(inner, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_walk(inner, f"{path}[{index}]"))
    return found


def _euros(cents: int) -> list[str]:
    """How a page may print an amount: 1 234,56 (any space), 1234,56 or 1234.56."""
    units, hundredths = divmod(cents, 100)
    grouped = f"{units:,}".replace(",", " ")
    return [f"{grouped},{hundredths:02d}", f"{units},{hundredths:02d}", f"{units}.{hundredths:02d}"]


async def _costed_world(client: Client) -> dict[str, Any]:
    w = await world(client)
    employment = await client.put(
        f"/api/v1/employees/{w.employee_id}/employment",
        headers=w.lender.headers,
        json={
            "job_title": "Webmarketeuse",
            "annual_gross_salary_cents": SALARY_CENTS,
            "employer_charge_rate_basis_points": CHARGES_BASIS_POINTS,
        },
    )
    assert employment.status_code == 200, employment.text
    hourly_cost = employment.json()["cost"]["hourly_cost_cents"]
    engagement_id = await active_engagement(client, w)
    entry_ids = []
    for day, minutes in zip((3, 4), ENTRY_MINUTES, strict=True):
        logged = await log(client, w, engagement_id, previous_month_day(day), minutes)
        assert logged.status_code == 201, logged.text
        entry_ids.append(logged.json()["id"])
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entry_ids}
    )
    assert approved.status_code == 200, approved.text
    entry_cents = [entry["cost_cents"] for entry in approved.json()]
    assert all(entry_cents) and hourly_cost > 10_000
    return {
        "world": w,
        "engagement_id": engagement_id,
        "entry_id": entry_ids[0],
        "salary_derived": {hourly_cost, *entry_cents, sum(entry_cents)},
    }


async def test_the_operator_reads_no_salary_derived_figure(app: Litestar, client: Client) -> None:
    built = await _costed_world(client)
    w = built["world"]
    ops = await operator(client)
    prepared = await client.post(
        "/api/v1/settlements/prepare",
        headers=ops.headers,
        json={"month": previous_month_day(1).isoformat()},
    )
    assert prepared.status_code == 200, prepared.text
    statements = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/settlements", headers=w.lender.headers
    )
    statement_id = statements.json()[0]["id"]
    for party in (w.host, w.lender):  # Agreed: the statement's invoices are issued.
        agreed = await client.post(
            f"/api/v1/settlements/{statement_id}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    invoices = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/invoices", headers=w.lender.headers
    )
    assert invoices.status_code == 200, invoices.text
    accounts = await client.get(
        f"/api/v1/ledger/accounts?company_id={w.lender.company_id}", headers=w.lender.headers
    )
    documents = await client.get(
        f"/api/v1/engagements/{built['engagement_id']}/documents", headers=w.lender.headers
    )
    ids = {
        "company_id": w.lender.company_id,
        "employee_id": w.employee_id,
        "need_id": w.need_id,
        "engagement_id": built["engagement_id"],
        "entry_id": built["entry_id"],
        "statement_id": statement_id,
        "invoice_id": invoices.json()["items"][0]["id"],
        "account_id": next(a["id"] for a in accounts.json() if a["unit"] == "cents"),
        "document_id": documents.json()[0]["id"],
    }
    # Every period a read may ask for: the exports' year, the book's start and end.
    query = {
        "year": str(now().year),
        "start": previous_month_day(1).isoformat(),
        "end": str(now().date()),
    }
    leaks: list[str] = []
    urls: set[str] = set()
    for route in app.routes:
        path = route.path
        if "GET" not in getattr(route, "methods", set()) or path.startswith(SKIPPED_PREFIXES):
            continue
        names = re.findall(r"\{([^}:]+):[^}]+\}", path)
        if any(name not in ids for name in names):
            continue
        for company_id in (w.lender.company_id, w.host.company_id):
            urls.add(_concrete(path, {**ids, "company_id": company_id}))
    read = []
    for url in sorted(urls):
        response = await client.get(url, params=query, headers=ops.headers)
        if response.status_code == 200:
            read.append(url)
            leaks.extend(_leaks(url, response, built["salary_derived"]))
    # The statement preparation answers the operator too.
    leaks.extend(_leaks("POST /api/v1/settlements/prepare", prepared, built["salary_derived"]))
    assert len(read) >= 60, read
    assert leaks == [], "\n".join(leaks)


def _concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{([^}:]+):[^}]+\}", lambda found: str(ids[found.group(1)]), path)


def _leaks(url: str, response: httpx.Response, salary_derived: set[int]) -> list[str]:
    found = []
    aggregate = url.startswith(AGGREGATES)
    if response.headers.get("content-type", "").startswith("application/json"):
        for where, key, value in _walk(response.json()):
            if key in SALARY_DERIVED_FIELDS and value not in (None, [], {}) and not aggregate:
                found.append(f"{url} {where} = {value!r}")
            is_id = key == "id" or key.endswith("_id")  # Ids grow with the suite: not figures.
            number = isinstance(value, int) and not isinstance(value, bool)
            if number and not is_id and value in salary_derived:
                found.append(f"{url} {where} = {value} (salary-derived)")
    else:
        text = response.text.replace("\u202f", " ").replace("\u00a0", " ")
        for cents in salary_derived:
            for written in (str(cents), *_euros(cents)):
                if re.search(rf"(?<![\d,.]){re.escape(written)}(?![\d])", text):
                    found.append(f"{url} shows {written}")
    return found


async def test_the_operator_cannot_probe_an_entry_cost_through_the_ledger_batch(
    client: Client,
) -> None:
    """The batch endpoint answers `exists` (with the transfer) for a resent identical request
    and `exists_with_different_request` otherwise: with an entry's transfer id, derived from
    its number, each guess of its amount would be a yes or no. The operator posts no cents."""
    built = await _costed_world(client)
    w = built["world"]
    ops = await operator(client)
    accounts = await client.get(
        f"/api/v1/ledger/accounts?company_id={w.host.company_id}", headers=w.host.headers
    )
    host_cents = next(a["id"] for a in accounts.json() if a["unit"] == "cents")
    lender_accounts = await client.get(
        f"/api/v1/ledger/accounts?company_id={w.lender.company_id}", headers=w.lender.headers
    )
    lender_cents = next(a["id"] for a in lender_accounts.json() if a["unit"] == "cents")
    guesses = [
        {
            "id": _ledger_id("timesheet", built["entry_id"], "cents"),
            "unit": "cents",
            "debit_account_id": host_cents,
            "credit_account_id": lender_cents,
            "amount": cents,
            "external_ref": f"timesheet:{built['entry_id']}",
        }
        for cents in sorted(built["salary_derived"])
    ]
    for guess in guesses:
        answer = await client.post(
            "/api/v1/ledger/transfers", headers=ops.headers, json={"transfers": [guess]}
        )
        assert answer.status_code == 403, answer.text
        assert answer.json()["code"] == "cents_not_for_operator"
        assert _leaks("POST /api/v1/ledger/transfers", answer, built["salary_derived"]) == []
    # Its corrections in minutes still answer.
    minutes = await client.post(
        "/api/v1/ledger/transfers",
        headers=ops.headers,
        json={"transfers": [{**guesses[0], "unit": "minutes", "amount": 1}]},
    )
    assert minutes.status_code == 200, minutes.text
