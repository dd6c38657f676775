"""Schemathesis fuzzes every operation of /schema/openapi.json, in-process, as the operator, as a
company admin and anonymously: no input may give a 5xx, and every refusal is the service's
own (a machine code, a French and an English message, the field or null).

The cases are drawn once (derandomized, a few per operation in positive and negative mode),
then sent through the app in the test's own event loop (the database pool lives there) for
each role; the admin's positive cases aim at its own company and employee, so that they get
past the access checks. Whether each refusal's code is among those its operation documents is
not asserted here (`tests/unit/test_refusal_catalogue.py` reads them from the code).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Any, Final

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.exchange_helpers import SALARY_CENTS, operator, signup
from tests.helpers import new_email

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient

EXAMPLES_PER_OPERATION: Final = 2
# Calls that would end the fuzzer's own session, so that the rest would only test the door.
SESSION_ENDING: Final = {("POST", "/api/v1/auth/logout")}


@dataclass(frozen=True)
class Drawn:
    mode: GenerationMode
    case: Any


_DRAWN: list[Drawn] = []


def _draw(operation: Any, mode: GenerationMode) -> list[Drawn]:
    """A few cases of one operation, the same on every run."""
    drawn: list[Drawn] = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        if len(drawn) < EXAMPLES_PER_OPERATION:
            drawn.append(Drawn(mode, data.draw(operation.as_strategy(generation_mode=mode))))

    try:
        collect()
    except Unsatisfiable:  # Nothing to break: an operation without parameters nor body.
        assert mode is GenerationMode.NEGATIVE
    return drawn


async def _cases(client: Client) -> list[Drawn]:
    """Every operation's cases, drawn once for the three roles."""
    if not _DRAWN:
        raw = (await client.get("/schema/openapi.json")).json()
        for result in schemathesis.openapi.from_dict(raw).get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SESSION_ENDING:
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _DRAWN.extend(_draw(operation, mode))
    return _DRAWN


async def _send(
    client: Client, case: Any, headers: dict[str, str], path_parameters: dict[str, int]
) -> httpx.Response:
    if case.path_parameters:
        case = case.operation.Case(
            method=case.method,
            path_parameters={
                name: path_parameters.get(name, value)
                for name, value in case.path_parameters.items()
            },
            headers=case.headers,
            cookies=case.cookies,
            query=case.query,
            body=case.body,
            media_type=case.media_type,
        )
    kwargs = case.as_transport_kwargs(base_url="http://testserver.local")
    request_headers = {
        name: str(value)
        for name, value in (kwargs.get("headers") or {}).items()
        if name.lower() not in ("authorization", "cookie")
    }
    content = kwargs.get("data")
    return await client.request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params"),
        headers={**request_headers, **headers},
        json=kwargs.get("json"),
        content=content if isinstance(content, (bytes, str)) else None,
        files=kwargs.get("files"),
    )


async def _admin_with_an_employee(client: Client) -> tuple[dict[str, str], dict[str, int]]:
    admin = await signup(client)
    assert admin.company_id is not None
    invited = await client.post(
        f"/api/v1/companies/{admin.company_id}/employees",
        headers=admin.headers,
        json={
            "email": new_email("fuzzed"),
            "full_name": "Camille Fuzz",
            "job_title": "Développeuse",
            "annual_gross_salary_cents": SALARY_CENTS,
            "employer_charge_rate_basis_points": 4200,
        },
    )
    assert invited.status_code == 201, invited.text
    own = {"company_id": admin.company_id, "employee_id": invited.json()["employee"]["id"]}
    return admin.headers, own


REFUSAL_KEYS: Final = {"code", "message", "message_en", "field"}


def _not_a_refusal(response: httpx.Response) -> str | None:
    """What is wrong with a 4xx answer, None when it is one of the service's refusals."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} without a JSON body: {response.text[:200]}"
    if not isinstance(body, dict) or not set(body) >= REFUSAL_KEYS:
        return f"{response.status_code} not a refusal: {str(body)[:200]}"
    code, fr, en, field = (body[key] for key in ("code", "message", "message_en", "field"))
    if not (isinstance(code, str) and code and code.replace("_", "").isalnum()):
        return f"{response.status_code} code {code!r}"
    if not (isinstance(fr, str) and isinstance(en, str) and fr.strip() and en.strip()):
        return f"{response.status_code} {code}: a message is missing"
    if field is not None and not isinstance(field, str):
        return f"{response.status_code} {code}: field {field!r}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("role", ["operator", "admin", "anonymous"])
async def test_no_input_gives_a_server_error_and_each_refusal_is_ours(
    client: Client, role: str
) -> None:
    own: dict[str, int] = {}
    if role == "operator":
        headers = (await operator(client)).headers
    elif role == "admin":
        headers, own = await _admin_with_an_employee(client)
    else:
        headers = {}
    client.cookies.clear()
    statuses: collections.Counter[int] = collections.Counter()
    errors = []
    for drawn in await _cases(client):
        aimed = own if drawn.mode is GenerationMode.POSITIVE else {}
        response = await _send(client, drawn.case, headers, aimed)
        statuses[response.status_code] += 1
        refused = _not_a_refusal(response)
        if refused:
            errors.append(f"{drawn.case.method} {drawn.case.formatted_path}: {refused}")
        if response.status_code >= 500:
            errors.append(
                f"{response.status_code} {drawn.case.method} {drawn.case.formatted_path} "
                f"query={drawn.case.query} body={str(drawn.case.body)[:300]}: {response.text}"
            )
    print(f"fuzz as {role}: {statuses.total()} cases, statuses {sorted(statuses.items())}")
    assert statuses.total() >= 300
    assert errors == []
    if role != "anonymous":  # The session lasted the whole run: the operations were reached.
        assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
