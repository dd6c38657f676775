"""Builders for exchange tests: two companies, an employee with an approved budget, a need,
and HTTP helpers that act as each party."""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from tests.helpers import (
    PASSWORD,
    company_json,
    emailed_invitation_token,
    need_json,
    new_email,
    now,
)
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.documents import use_cases as documents
from timebank.engagements import use_cases as engagements
from timebank.engagements.model import TRANSITIONS, Document, Step
from timebank.people.model import Actor
from timebank.people.use_cases import actor_for_token, create_operator
from timebank.vat.model import vat_number_of

SALARY_CENTS = 4_200_000  # 42 000 € gross a year.
CHARGES_BASIS_POINTS = 4200  # 42 %.


def previous_month_day(day: int) -> date:
    first = now().date().replace(day=1)
    return (first - timedelta(days=1)).replace(day=day)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Party:
    email: str
    headers: dict[str, str]
    company_id: int | None = None


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    client.cookies.clear()  # Bearer only: no CSRF dance in API tests.
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def signup(client: httpx.AsyncClient, **company: object) -> Party:
    email = new_email("admin")
    values = company_json(**company)
    if "vat_number" in company:
        values["vat_number"] = company["vat_number"]
    elif company.get("vat_regime", "reel") == "reel":  # A liable lender invoices with it.
        values["vat_number"] = vat_number_of(str(values["siren"]))
    for name in ("vat_regime", "vat_on_debits"):
        if name in company:
            values[name] = company[name]
    response = await client.post(
        "/api/v1/auth/signup",
        json={
            "email": email,
            "password": PASSWORD,
            "full_name": "Admin Test",
            "company": values,
        },
    )
    assert response.status_code == 202, response.text
    headers = await login(client, email)
    me = await client.get("/api/v1/auth/me", headers=headers)
    return Party(email, headers, me.json()["roles"][0]["company_id"])


async def operator(client: httpx.AsyncClient) -> Party:
    email = new_email("operator")
    await create_operator(
        piccolo_unit_of_work, email=email, password=PASSWORD, full_name="Op", now=now()
    )
    return Party(email, await login(client, email))


@dataclass
class World:
    lender: Party
    host: Party
    employee: Party
    employee_id: int
    need_id: int


async def world(
    client: httpx.AsyncClient,
    *,
    lender_cse: bool = True,
    host_cse: bool = False,
    approved_minutes: int = 40 * 60,
) -> World:
    lender = await signup(
        client,
        name="Agence Lumière",
        has_cse=lender_cse,
        headcount_band="20-49" if lender_cse else "0-9",
    )
    host = await signup(
        client,
        name="Fromagerie du Val",
        has_cse=host_cse,
        headcount_band="20-49" if host_cse else "0-9",
        postal_code="69002",
        city="Lyon",
    )
    return await staffed(
        client,
        lender,
        host,
        full_name="Inès Moreau",
        job_title="Webmarketeuse",
        salary_cents=SALARY_CENTS,
        approved_minutes=approved_minutes,
    )


async def staffed(
    client: httpx.AsyncClient,
    lender: Party,
    host: Party,
    *,
    full_name: str,
    job_title: str,
    salary_cents: int,
    approved_minutes: int,
) -> World:
    """The lender invites an employee (who accepts) and approves lending their hours; the host
    posts a need: a world ready for a loan between the two."""
    email = new_email("employee")
    invited = await client.post(
        f"/api/v1/companies/{lender.company_id}/employees",
        headers=lender.headers,
        json={
            "email": email,
            "full_name": full_name,
            "job_title": job_title,
            "annual_gross_salary_cents": salary_cents,
            "employer_charge_rate_basis_points": CHARGES_BASIS_POINTS,
        },
    )
    assert invited.status_code == 201, invited.text
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(invited.json()["employee"]["user_id"]),
            "password": "employee-password",
        },
    )
    client.cookies.clear()
    employee = Party(email, {"Authorization": f"Bearer {accepted.json()['token']}"})
    employee_id = invited.json()["employee"]["id"]
    today = now().date()
    approval = await client.put(
        f"/api/v1/employees/{employee_id}/approval",
        headers=lender.headers,
        json={
            "approved_minutes_per_month": approved_minutes,
            "valid_from": (today - timedelta(days=70)).isoformat(),
            "valid_until": (today + timedelta(days=300)).isoformat(),
        },
    )
    assert approval.status_code == 200, approval.text
    need = await client.post(
        f"/api/v1/companies/{host.company_id}/needs",
        headers=host.headers,
        json=need_json(
            window_start=(today - timedelta(days=60)).isoformat(),
            window_end=(today + timedelta(days=90)).isoformat(),
        ),
    )
    assert need.status_code == 201, need.text
    return World(lender, host, employee, employee_id, need.json()["id"])


async def propose(
    client: httpx.AsyncClient,
    w: World,
    *,
    planned_minutes: int = 12 * 60,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    start = start or previous_month_day(1)
    end = end or now().date() + timedelta(days=30)
    response = await client.post(
        "/api/v1/engagements",
        headers=w.lender.headers,
        json={
            "need_id": w.need_id,
            "employee_id": w.employee_id,
            "planned_minutes": planned_minutes,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "place": "Lyon",
            "remote": True,
            "tasks": "Audit SEO et plan d'actions",
            "probation_days": 2,
            "working_hours": "le mardi de 9 h à 12 h, à distance ou à Lyon",
            "post_characteristics": "Consultant SEO, travail sur écran, sans risque particulier",
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def step(
    client: httpx.AsyncClient, party: Party, engagement_id: int, name: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/engagements/{engagement_id}/{name}", json={}, headers=party.headers
    )


async def document_hash(
    client: httpx.AsyncClient, party: Party, engagement_id: int, document: str
) -> str:
    """The SHA-256 of the loan's document as the party reads it now."""
    listed = await client.get(
        f"/api/v1/engagements/{engagement_id}/documents", headers=party.headers
    )
    assert listed.status_code == 200, listed.text
    return str(next(d["sha256"] for d in listed.json() if d["kind"] == document))


def cse_day(start: date) -> date:
    """A CSE consultation day for a loan starting on `start`: before its first day (L8241-2)
    and not in the future."""
    return min(start, now().date()) - timedelta(days=3)


async def paperwork(
    client: httpx.AsyncClient, w: World, engagement_id: int, *, cse: bool = True
) -> None:
    for party, document in (
        (w.lender, "loan_agreement"),
        (w.host, "loan_agreement"),
        (w.employee, "employee_amendment"),
        (w.lender, "employee_amendment"),
    ):
        response = await client.post(
            f"/api/v1/engagements/{engagement_id}/signatures",
            headers=party.headers,
            json={
                "document": document,
                "document_hash": await document_hash(client, party, engagement_id, document),
            },
        )
        assert response.status_code == 201, response.text
    if cse:
        loan = await client.get(f"/api/v1/engagements/{engagement_id}", headers=w.lender.headers)
        assert loan.status_code == 200, loan.text
        response = await client.post(
            f"/api/v1/engagements/{engagement_id}/cse",
            headers=w.lender.headers,
            json={
                "company_id": w.lender.company_id,
                "consulted_on": cse_day(
                    date.fromisoformat(loan.json()["period_start"])
                ).isoformat(),
            },
        )
        assert response.status_code == 201, response.text


async def actor_of(party: Party) -> Actor:
    """The person behind a party's session, to call a use case as them."""
    token = party.headers["Authorization"].removeprefix("Bearer ")
    found = await actor_for_token(piccolo_unit_of_work, token, now=now())
    assert found is not None
    return found[0]


async def start_on_its_first_day(w: World, engagement_id: int, start: date) -> None:
    """Take a loan whose first day is past through the rest of its steps as it happened then:
    consents, signatures and the CSE the day before its first day, activation on that day
    (hours are logged from the day a loan became active). Through the use cases, each given
    that past time."""
    uow = piccolo_unit_of_work
    host, lender, employee = [await actor_of(p) for p in (w.host, w.lender, w.employee)]
    eve = datetime.combine(start - timedelta(days=1), time(9), UTC)
    loan = (await engagements.get_engagement(uow, host, engagement_id)).engagement
    for actor, name in ((host, Step.ACCEPT), (lender, Step.APPROVE), (employee, Step.CONSENT)):
        if loan.status in TRANSITIONS[name][0]:  # The steps not taken yet.
            loan = await engagements.take_step(uow, actor, engagement_id, name, now=eve)
    generated = await documents.engagement_documents(uow, lender, engagement_id, now=eve)
    digest = {d.subject.kind.value: d.sha256 for d in generated}
    for actor, document in (
        (lender, Document.LOAN_AGREEMENT),
        (host, Document.LOAN_AGREEMENT),
        (employee, Document.EMPLOYEE_AMENDMENT),
        (lender, Document.EMPLOYEE_AMENDMENT),
    ):
        await engagements.sign(
            uow,
            actor,
            engagement_id,
            document=document.value,
            document_hash=digest[document.value],
            now=eve,
        )
    view = await engagements.get_engagement(uow, host, engagement_id)
    for paper, actor, company_id in (
        ("cse_lender", lender, loan.lender_company_id),
        ("cse_host", host, loan.host_company_id),
    ):
        if paper in {p.value for p in view.missing_papers}:
            await engagements.record_cse(
                uow,
                actor,
                engagement_id,
                company_id=company_id,
                consulted_on=cse_day(start),
                now=eve,
            )
    first_day = datetime.combine(start, time(8), UTC)
    await engagements.take_step(uow, host, engagement_id, Step.ACTIVATE, now=first_day)


async def active_engagement(client: httpx.AsyncClient, w: World, **values: Any) -> int:
    """An active loan. One starting in the past was activated on its first day (its
    paperwork done the day before), so hours may be logged from that day."""
    proposed = await propose(client, w, **values)
    engagement_id = int(proposed["id"])
    start = date.fromisoformat(proposed["period_start"])
    if start < now().date():
        await start_on_its_first_day(w, engagement_id, start)
        return engagement_id
    for party, name in ((w.host, "accept"), (w.lender, "approve"), (w.employee, "consent")):
        response = await step(client, party, engagement_id, name)
        assert response.status_code == 200, response.text
    await paperwork(client, w, engagement_id)
    response = await step(client, w.host, engagement_id, "activate")
    assert response.status_code == 200, response.text
    return engagement_id


async def log(
    client: httpx.AsyncClient,
    w: World,
    engagement_id: int,
    day: date,
    minutes: int,
    *,
    client_id: str | None = None,
    description: str = "Audit des pages",
) -> httpx.Response:
    return await client.post(
        f"/api/v1/engagements/{engagement_id}/timesheets",
        headers=w.employee.headers,
        json={
            "client_id": client_id or str(uuid.uuid4()),
            "work_date": day.isoformat(),
            "minutes": minutes,
            "description": description,
        },
    )


async def rare_need_and_volunteer(
    client: httpx.AsyncClient, w: World, skill: str, *, level: int, title: str | None = None
) -> int:
    """A host need of `skill` that only this world's employee serves (given `skill` at `level`:
    each test asks its own rare skill, so no other test's volunteer competes); its id."""
    named = {} if title is None else {"title": title}
    need = await client.post(
        f"/api/v1/companies/{w.host.company_id}/needs",
        headers=w.host.headers,
        json=need_json(skills=[{"skill": skill, "min_level": 2, "weight": 5}], **named),
    )
    assert need.status_code == 201, need.text
    profile = await client.put(
        f"/api/v1/employees/{w.employee_id}/profile",
        headers=w.employee.headers,
        json={
            "offered_minutes_per_month": 20 * 60,
            "remote_ok": True,
            "travel_radius_km": 30,
            "languages": ["fr"],
            "skills": [{"skill": skill, "level": level}],
        },
    )
    assert profile.status_code == 200, profile.text
    return int(need.json()["id"])


async def proposed(client: httpx.AsyncClient, w: World, skill: str) -> int:
    """The proposal of this world's employee for a host need only they can serve."""
    need_id = await rare_need_and_volunteer(client, w, skill, level=3)
    ops = await operator(client)
    assert (await client.post("/api/v1/matching/run", headers=ops.headers)).status_code == 200
    listed = await client.get("/api/v1/matching/proposals?status=proposed", headers=w.host.headers)
    return int(
        next(
            p["id"]
            for p in listed.json()["items"]
            if (p["need_id"], p["employee_id"]) == (need_id, w.employee_id)
        )
    )


async def prepare_last_month(client: httpx.AsyncClient) -> None:
    """The operator prepares last month's statements from the hours approved."""
    ops = await operator(client)
    prepared = await client.post(
        "/api/v1/settlements/prepare",
        headers=ops.headers,
        json={"month": previous_month_day(1).isoformat()},
    )
    assert prepared.status_code == 200, prepared.text


async def close_last_month(
    client: httpx.AsyncClient, w: World, entry_ids: list[int]
) -> dict[str, Any]:
    """These hours (last month's) approved by the host, the month closed by the operator: the
    pair's statement as the lender lists it."""
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entry_ids}
    )
    assert approved.status_code == 200, approved.text
    await prepare_last_month(client)
    listed = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/settlements", headers=w.lender.headers
    )
    assert listed.status_code == 200, listed.text
    (statement,) = listed.json()  # The world's one pair, one month.
    assert w.host.company_id in (statement["company_a"], statement["company_b"]), statement
    return dict(statement)


# ---- the invoices' and FEC's worlds (tests/e2e/test_invoices.py, test_fec_billing.py) ----

RECEIPT = b"%PDF-1.4\n% receipt\n%%EOF\n"


async def lent_back(client: httpx.AsyncClient, w: World, *, salary_cents: int = 3_600_000) -> World:
    """The host lends one of its own employees to the lender: the same pair, the other way."""
    return await staffed(
        client,
        w.host,
        w.lender,
        full_name="Hugo Laurent",
        job_title="Développeur",
        salary_cents=salary_cents,
        approved_minutes=40 * 60,
    )


async def approved_hours_cents(
    client: httpx.AsyncClient, w: World, engagement_id: int, days_minutes: list[tuple[int, int]]
) -> int:
    """Log and approve hours last month; returns their exact cost in cents."""
    ids = []
    for day, minutes in days_minutes:
        logged = await log(client, w, engagement_id, previous_month_day(day), minutes)
        assert logged.status_code == 201, logged.text
        ids.append(logged.json()["id"])
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": ids}
    )
    assert approved.status_code == 200, approved.text
    return sum(int(e["cost_cents"]) for e in approved.json())


async def recorded_expense(
    client: httpx.AsyncClient,
    w: World,
    engagement_id: int,
    *,
    amount: int,
    vat: int,
    kind: str = "meals",
    description: str = "Déjeuner de travail à Lyon",
) -> int:
    """An expense the lent employee records on the loan, with its receipt; its id."""
    recorded = await client.post(
        f"/api/v1/engagements/{engagement_id}/expenses",
        headers=w.employee.headers,
        json={
            "client_id": str(uuid.uuid4()),
            "spent_on": previous_month_day(6).isoformat(),
            "kind": kind,
            "description": description,
            "amount_cents": amount,
            "vat_cents": vat,
            "receipt_name": "billet.pdf",
            "receipt_base64": base64.b64encode(RECEIPT).decode(),
        },
    )
    assert recorded.status_code == 201, recorded.text
    return int(recorded.json()["id"])


async def approved_expense(
    client: httpx.AsyncClient,
    w: World,
    engagement_id: int,
    *,
    amount: int,
    vat: int,
    kind: str = "meals",
    description: str = "Déjeuner de travail à Lyon",
) -> int:
    """An expense approved by the lender: a meal by default, whose VAT a liable lender deducts
    (not a train ticket's nor a hotel's)."""
    expense_id = await recorded_expense(
        client, w, engagement_id, amount=amount, vat=vat, kind=kind, description=description
    )
    approved = await client.post(f"/api/v1/expenses/{expense_id}/approve", headers=w.lender.headers)
    assert approved.status_code == 200, approved.text
    return expense_id


async def logged_training(client: httpx.AsyncClient, w: World, title: str) -> int:
    """A day of training this month that the lender's employee logs for its employer to
    validate; its id."""
    today = now().date()
    logged = await client.post(
        f"/api/v1/employees/{w.employee_id}/trainings",
        headers=w.employee.headers,
        json={
            "title": title,
            "provider": "Organisme de formation",
            "starts_on": today.replace(day=1).isoformat(),
            "ends_on": today.isoformat(),
            "minutes": 7 * 60,
        },
    )
    assert logged.status_code == 201, logged.text
    return int(logged.json()["id"])


async def last_month_statement(client: httpx.AsyncClient, w: World) -> int:
    await prepare_last_month(client)
    listed = await client.get(
        f"/api/v1/companies/{w.host.company_id}/settlements",
        headers=w.host.headers,
        params={"month": previous_month_day(1).isoformat()},
    )
    (statement,) = listed.json()
    return int(statement["id"])


async def invoices_of(client: httpx.AsyncClient, party: Party) -> list[dict[str, object]]:
    listed = await client.get(
        f"/api/v1/companies/{party.company_id}/invoices", headers=party.headers
    )
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def joined_group(
    client: httpx.AsyncClient, coordinator: Party, group_id: int, member: Party
) -> None:
    """The member's admin asks to join the group and its coordinator accepts: a member from
    today (a coordinator adds directly only a company it administers too)."""
    asked = await client.post(
        f"/api/v1/groups/{group_id}/join-requests",
        headers=member.headers,
        json={"company_id": member.company_id, "days_per_month": 2},
    )
    assert asked.status_code == 201, asked.text
    accepted = await client.post(
        f"/api/v1/join-requests/{asked.json()['id']}/accept", headers=coordinator.headers
    )
    assert accepted.status_code == 200, accepted.text
