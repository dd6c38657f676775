"""Trainings through HTTP with their skill domain and the link to the employer's
digital-transformation plan: logged, refused beside their field (nothing stored), seen by the
employer, filtered by domain on the public ratings, and the plan never published. A client that
sends neither field still logs trainings as before."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import world
from tests.helpers import new_email, now

pytestmark = pytest.mark.anyio
PLAN = "https://intranet.exemple.fr/plan-2026#axe-2"


async def test_a_training_carries_its_domain_and_plan_link_which_stays_private(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client)
    today = now().date()
    path = f"/api/v1/employees/{w.employee_id}/trainings"
    body = {
        "title": "Campagnes e-mailing",
        "provider": f"Organisme {new_email('d')[:10]}",
        "starts_on": today.replace(day=1).isoformat(),
        "ends_on": today.isoformat(),
        "minutes": 7 * 60,
    }

    for bad, field, code in (
        ({"domain_code": "astrologie"}, "domain_code", "unknown_domain"),
        ({"plan_link": "javascript:alert(1)"}, "plan_link", "invalid_plan_link"),
        ({"plan_link": "https://exemple.fr/" + "a" * 300}, "plan_link", "plan_link_too_long"),
    ):
        refused = await client.post(path, headers=w.employee.headers, json={**body, **bad})
        assert refused.status_code == 422, refused.text
        assert (refused.json()["field"], refused.json()["code"]) == (field, code)
    listed = await client.get(path, headers=w.employee.headers)
    assert listed.json() == []

    logged = await client.post(
        path,
        headers=w.employee.headers,
        json={**body, "domain_code": "marketing", "plan_link": f"  {PLAN} "},
    )
    assert logged.status_code == 201, logged.text
    training = logged.json()
    assert (training["domain_code"], training["plan_link"]) == ("marketing", PLAN)
    as_before = await client.post(path, headers=w.employee.headers, json=body)
    assert as_before.status_code == 201, as_before.text
    assert (as_before.json()["domain_code"], as_before.json()["plan_link"]) == (None, None)

    seen = await client.get(path, headers=w.lender.headers)
    by_id = {t["id"]: t for t in seen.json()}
    assert by_id[training["id"]]["plan_link"] == PLAN
    approved = await client.post(
        f"/api/v1/trainings/{training['id']}/approve", headers=w.lender.headers
    )
    assert approved.status_code == 200, approved.text
    rated = await client.post(
        f"/api/v1/trainings/{training['id']}/rating",
        headers=w.employee.headers,
        json={"rating": 5},
    )
    assert rated.status_code == 200, rated.text

    client.cookies.clear()
    ratings = "/api/v1/trainings/ratings"
    in_domain = (await client.get(ratings, params={"domain": "marketing", "limit": 200})).json()
    assert [s for s in in_domain if s["provider"] == body["provider"]] == [
        {"title": body["title"], "provider": body["provider"], "average": 5.0, "count": 1}
    ]
    other = (await client.get(ratings, params={"domain": "security", "limit": 200})).json()
    assert all(s["provider"] != body["provider"] for s in other)
    unknown = await client.get(ratings, params={"domain": "astrologie"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_domain"
    everything = await client.get(ratings, params={"limit": 200})
    assert PLAN not in everything.text and "intranet" not in everything.text
    page = await client.get("/formations/avis", params={"domaine": "marketing"})
    assert page.status_code == 200
    assert body["provider"] in page.text and PLAN not in page.text
