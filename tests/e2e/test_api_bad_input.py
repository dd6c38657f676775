"""Every refusal of bad input is a 4xx with a code, French and English messages, the field,
and nothing written."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.helpers import (
    PASSWORD,
    company_json,
    invalid_siren,
    need_json,
    new_email,
    new_siren,
    row_counts,
    sign_up,
)

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient


def assert_problem(response: Any, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "message_en", "field"}
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"] and body["message_en"] and body["message"] != body["message_en"]


def signup_json(**company: object) -> dict[str, object]:
    return {
        "email": new_email(),
        "password": PASSWORD,
        "full_name": "Alex Dupont",
        "company": company_json(**company),
    }


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (lambda: signup_json(siren=invalid_siren()), "invalid_siren", "siren"),
        (lambda: signup_json(name="x" * 201), "text_too_long", "name"),
        (lambda: {**signup_json(), "email": "not-an-email"}, "invalid_email", "email"),
        (lambda: {**signup_json(), "full_name": "y" * 500}, "text_too_long", "full_name"),
        (lambda: signup_json(postal_code="3500"), "invalid_postal_code", "postal_code"),
        (lambda: signup_json(naf_code="62-01"), "invalid_naf_code", "naf_code"),
        (lambda: {**signup_json(), "password": "short"}, "invalid_password", "password"),
    ],
)
async def test_bad_signup_is_refused_and_writes_nothing(
    client: Client, payload: Any, code: str, field: str
) -> None:
    before = await row_counts()
    response = await client.post("/api/v1/auth/signup", json=payload())
    assert_problem(response, 422, code, field)
    assert await row_counts() == before


async def test_duplicate_siren_is_a_409_and_writes_nothing(client: Client) -> None:
    siren = new_siren()
    first = await client.post("/api/v1/auth/signup", json=signup_json(siren=siren))
    assert first.status_code == 202
    before = await row_counts()
    response = await client.post("/api/v1/auth/signup", json=signup_json(siren=siren))
    assert_problem(response, 409, "duplicate_siren", "siren")
    assert await row_counts() == before


async def test_malformed_body_is_a_400_naming_the_field(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/signup", json={**signup_json(), "company": {"siren": 12}}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    not_json = await client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400


@pytest.fixture
async def admin_headers(client: Client) -> tuple[int, dict[str, str]]:
    admin = await sign_up()
    response = await client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD}
    )
    return admin.company_id, {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {"skills": [{"skill": "underwater-basketry", "min_level": 2}]},
            "unknown_skill",
            "skills[0].skill",
        ),
        (
            {"skills": [{"skill": "seo", "min_level": 5}]},
            "invalid_skill_level",
            "skills[0].min_level",
        ),
        (
            {"skills": [{"skill": "seo", "min_level": 0}]},
            "invalid_skill_level",
            "skills[0].min_level",
        ),
        ({"estimated_minutes": -60}, "negative_hours", "estimated_minutes"),
        (
            {
                "estimated_minutes": 400 * 60,
                "window_start": "2027-01-01",
                "window_end": "2027-01-31",
            },
            "absurd_hours",
            "estimated_minutes",
        ),
        (
            {"window_start": "2027-03-01", "window_end": "2027-01-31"},
            "end_before_start",
            "window_end",
        ),
        ({"title": "t" * 201}, "text_too_long", "title"),
        ({"description": "d" * 5001}, "text_too_long", "description"),
        ({"skills": []}, "required", "skills"),
        ({"language": "xx"}, "unknown_language", "language"),
    ],
)
async def test_bad_need_is_refused_and_writes_nothing(
    client: Client,
    admin_headers: tuple[int, dict[str, str]],
    overrides: dict[str, object],
    code: str,
    field: str,
) -> None:
    company_id, headers = admin_headers
    before = await row_counts()
    response = await client.post(
        f"/api/v1/companies/{company_id}/needs", headers=headers, json=need_json(**overrides)
    )
    assert_problem(response, 422, code, field)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("profile", "code", "field"),
    [
        ({"skills": [{"skill": "seo", "level": 7}]}, "invalid_skill_level", "skills[0].level"),
        ({"skills": [{"skill": "nope", "level": 2}]}, "unknown_skill", "skills[0].skill"),
        ({"offered_minutes_per_month": -1}, "negative_hours", "offered_minutes_per_month"),
        ({"offered_minutes_per_month": 300 * 60}, "absurd_hours", "offered_minutes_per_month"),
        ({"travel_radius_km": 100_000}, "out_of_range", "travel_radius_km"),
    ],
)
async def test_bad_profile_is_refused_and_writes_nothing(
    client: Client,
    admin_headers: tuple[int, dict[str, str]],
    profile: dict[str, object],
    code: str,
    field: str,
) -> None:
    company_id, headers = admin_headers
    invited = await client.post(
        f"/api/v1/companies/{company_id}/employees",
        headers=headers,
        json={
            "email": new_email(),
            "full_name": "Sam",
            "job_title": "Graphiste",
            "annual_gross_salary_cents": 3_000_000,
            "employer_charge_rate_basis_points": 4000,
        },
    )
    employee_id = invited.json()["employee"]["id"]
    before = await row_counts()
    body = {
        "offered_minutes_per_month": 600,
        "remote_ok": True,
        "travel_radius_km": 20,
        "languages": ["fr"],
        **profile,
    }
    response = await client.put(
        f"/api/v1/employees/{employee_id}/profile", headers=headers, json=body
    )
    assert_problem(response, 422, code, field)
    assert await row_counts() == before
    unchanged = await client.get(f"/api/v1/employees/{employee_id}", headers=headers)
    assert unchanged.json()["offered_minutes_per_month"] == 0


@pytest.mark.parametrize(
    ("invite", "code", "field"),
    [
        ({"email": "nobody"}, "invalid_email", "email"),
        ({"annual_gross_salary_cents": -5}, "out_of_range", "annual_gross_salary_cents"),
        (
            {"employer_charge_rate_basis_points": 20_000},
            "out_of_range",
            "employer_charge_rate_basis_points",
        ),
        ({"annual_work_hours": 0}, "out_of_range", "annual_work_hours"),
        ({"job_title": "j" * 300}, "text_too_long", "job_title"),
    ],
)
async def test_bad_employee_invitation_is_refused_and_writes_nothing(
    client: Client,
    admin_headers: tuple[int, dict[str, str]],
    invite: dict[str, object],
    code: str,
    field: str,
) -> None:
    company_id, headers = admin_headers
    before = await row_counts()
    body = {
        "email": new_email(),
        "full_name": "Sam",
        "job_title": "Graphiste",
        "annual_gross_salary_cents": 3_000_000,
        "employer_charge_rate_basis_points": 4000,
        **invite,
    }
    response = await client.post(
        f"/api/v1/companies/{company_id}/employees", headers=headers, json=body
    )
    assert_problem(response, 422, code, field)
    assert await row_counts() == before


async def test_page_size_over_the_limit_is_refused(
    client: Client, admin_headers: tuple[int, dict[str, str]]
) -> None:
    _, headers = admin_headers
    response = await client.get("/api/v1/needs?limit=201", headers=headers)
    assert_problem(response, 422, "out_of_range", "limit")


async def test_unknown_route_and_unknown_record_are_404(
    client: Client, admin_headers: tuple[int, dict[str, str]]
) -> None:
    _, headers = admin_headers
    assert (await client.get("/api/v1/nothing-here", headers=headers)).status_code == 404
    missing = await client.get("/api/v1/needs/999999999", headers=headers)
    assert_problem(missing, 404, "need_not_found", None)


async def test_operator_edits_the_taxonomy_and_bad_skills_are_refused(client: Client) -> None:
    from tests.helpers import now
    from timebank.db.unit_of_work import piccolo_unit_of_work
    from timebank.people.use_cases import create_operator

    email = new_email("operator")
    await create_operator(
        piccolo_unit_of_work, email=email, password=PASSWORD, full_name="Op", now=now()
    )
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    code = f"no-code-{uuid.uuid4().hex[:12]}"
    body = {
        "code": code,
        "domain": "web",
        "label_fr": "Outils sans code",
        "label_en": "No-code tools",
        "esco_uri": None,
    }
    created = await client.post("/api/v1/skills", json=body, headers=headers)
    assert created.status_code == 201
    assert created.json()["domain"] == "web"
    assert_problem(
        await client.post("/api/v1/skills", json=body, headers=headers),
        409,
        "duplicate_skill",
        "code",
    )
    before = await row_counts()
    assert_problem(
        await client.post("/api/v1/skills", headers=headers, json={**body, "code": "Bad Code"}),
        422,
        "invalid_skill_code",
        "code",
    )
    assert_problem(
        await client.post(
            "/api/v1/skills",
            headers=headers,
            json={**body, "code": code + "-2", "domain": "nowhere"},
        ),
        422,
        "unknown_domain",
        "domain",
    )
    assert await row_counts() == before
    updated = await client.put(
        f"/api/v1/skills/{code}",
        headers=headers,
        json={
            "domain": "web",
            "label_fr": "Outils no-code",
            "label_en": "No-code tools",
            "esco_uri": None,
        },
    )
    assert updated.json()["label_fr"] == "Outils no-code"
    admin = await sign_up()
    admin_login = await client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD}
    )
    refused = await client.post(
        "/api/v1/skills",
        json={**body, "code": code + "-3"},
        headers={"Authorization": f"Bearer {admin_login.json()['token']}"},
    )
    assert refused.status_code == 403


def _routes_with_int_path(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if ":int}" not in route.path:
            continue
        for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
            found.append((method, route.path))
    return found


@pytest.mark.parametrize("too_large", [2**31, 2**63])
async def test_ids_beyond_their_column_in_any_path_are_refused_as_out_of_range(
    app: Any, client: Client, admin_headers: tuple[int, dict[str, str]], too_large: int
) -> None:
    """PostgreSQL's `integer` ends at 2³¹−1 and SQLite's at 2⁶³−1: every route answers 422,
    the API with the usual refusal and the pages with the French error page."""
    _, headers = admin_headers
    routes = _routes_with_int_path(app)
    assert len(routes) >= 100
    before = await row_counts()
    for method, path in routes:
        concrete = re.sub(r"\{[^}]+:int\}", str(too_large), path)
        concrete = re.sub(r"\{[^}]+\}", "x", concrete)
        first = re.search(r"\{([^}:]+):int\}", path)
        assert first is not None
        api = path.startswith("/api/")
        response = await client.request(
            method,
            concrete,
            json={} if api else None,
            headers={**headers, "accept": "application/json" if api else "text/html"},
        )
        assert response.status_code == 422, (method, path, response.status_code)
        if api:
            assert_problem(response, 422, "out_of_range", first.group(1))
        else:
            assert "hors limites" in response.text, (method, path)
    assert await row_counts() == before


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/needs?company_id={2**31}", "company_id"),
        (f"/api/v1/needs?limit={2**63}", "limit"),
        (f"/api/v1/needs?offset={-(2**31) - 1}", "offset"),
        (f"/api/v1/companies?offset={10**30}", "offset"),
        (f"/api/v1/companies?limit=+{2**31}", "limit"),
    ],
)
async def test_integer_query_parameters_beyond_their_column_are_refused(
    client: Client, admin_headers: tuple[int, dict[str, str]], path: str, field: str
) -> None:
    _, headers = admin_headers
    assert_problem(await client.get(path, headers=headers), 422, "out_of_range", field)


async def test_integers_beyond_their_column_in_bodies_are_refused_and_write_nothing(
    client: Client, admin_headers: tuple[int, dict[str, str]]
) -> None:
    company_id, headers = admin_headers
    before = await row_counts()
    cases: list[tuple[str, str, dict[str, object], str]] = [
        (
            "POST",
            "/api/v1/groups",
            {"company_id": 2**31, "name": "G", "legal_form": "asso"},
            "company_id",
        ),
        ("POST", "/api/v1/timesheets/approve", {"entry_ids": [1, 2**63]}, "entry_ids[1]"),
        (
            "POST",
            "/api/v1/engagements",
            {"need_id": 2**31, "employee_id": 1, "planned_minutes": 60},
            "need_id",
        ),
        (
            "POST",
            f"/api/v1/companies/{company_id}/needs",
            need_json(skills=[{"skill": "seo", "min_level": 2**40}]),
            "skills[0].min_level",
        ),
        (
            "POST",
            f"/api/v1/companies/{company_id}/employees",
            {
                "email": new_email(),
                "full_name": "Sam",
                "job_title": "Graphiste",
                "annual_gross_salary_cents": 2**63,
                "employer_charge_rate_basis_points": 4000,
            },
            "annual_gross_salary_cents",
        ),
    ]
    for method, path, body, field in cases:
        response = await client.request(method, path, json=body, headers=headers)
        assert_problem(response, 422, "out_of_range", field)
    assert await row_counts() == before


def test_every_integer_of_every_request_body_is_bounded_by_its_column() -> None:
    """A new `int` field in a body without `Int32`/`Int64` would reach the database unbounded."""
    import importlib
    import pkgutil

    import web.controllers
    from web.schemas import In

    for module in pkgutil.iter_modules(web.controllers.__path__):
        importlib.import_module(f"web.controllers.{module.name}")

    def bodies(kind: type[In]) -> list[type[In]]:
        return [kind, *(k for sub in kind.__subclasses__() for k in bodies(sub))]

    unbounded = []
    for body in bodies(In):
        for name, schema in body.model_json_schema()["properties"].items():
            if _has_unbounded_integer(schema):
                unbounded.append(f"{body.__name__}.{name}")
    assert len(bodies(In)) >= 30
    assert unbounded == []


def _has_unbounded_integer(schema: Any) -> bool:
    if isinstance(schema, list):
        return any(_has_unbounded_integer(item) for item in schema)
    if not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        return False  # A nested body: checked as a body of its own.
    if schema.get("type") == "integer" and ("maximum" not in schema or "minimum" not in schema):
        return True
    return any(_has_unbounded_integer(value) for value in schema.values())


async def test_ids_beyond_their_column_in_page_forms_are_refused_beside_the_field(
    client: Client, admin_headers: tuple[int, dict[str, str]]
) -> None:
    """Forms parse their ids themselves: one too long for `integer` is unreadable, not a 500."""
    company_id, headers = admin_headers
    html = {**headers, "accept": "text/html"}
    before = await row_counts()
    approve = await client.post(
        f"/entreprises/{company_id}/heures-a-approuver/approuver",
        headers=html,
        data={"entry_ids": str(2**31)},
    )
    assert approve.status_code == 422, approve.status_code
    logged = await client.post(
        "/mes-heures",
        headers=html,
        data={"mission": str(2**31), "work_date": "2026-01-05", "minutes": "60"},
    )
    assert 400 <= logged.status_code < 500, logged.status_code
    assert await row_counts() == before
