"""A loan's own terms (C. trav. L8241-2): the probation period, the working hours and their
spread, the place and the post's characteristics are filled by the admins before the loan
starts; its documents are drawn up only once they are all agreed, and state them; changing
them changes the documents, so earlier signatures no longer count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.exchange_helpers import (
    World,
    active_engagement,
    document_hash,
    paperwork,
    previous_month_day,
    world,
)
from tests.helpers import now

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
TERMS = {
    "place": "Annecy, 3 place du Marché",
    "working_hours": "le jeudi de 14 h à 17 h 30",
    "post_characteristics": "Analyste web, travail sur écran, équipe commerciale de 4",
    "probation_days": 7,
}


async def bare_loan(client: Client, w: World) -> dict[str, Any]:
    """A loan proposed with none of its terms (remote: its place may stay empty)."""
    response = await client.post(
        "/api/v1/engagements",
        headers=w.lender.headers,
        json={
            "need_id": w.need_id,
            "employee_id": w.employee_id,
            "planned_minutes": 600,
            "period_start": previous_month_day(1).isoformat(),
            "period_end": (now().date() + timedelta(days=30)).isoformat(),
            "place": "",
            "remote": True,
            "tasks": "Audit SEO",
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def markdown(client: Client, w: World, engagement_id: int, kind: str) -> str:
    listed = await client.get(
        f"/api/v1/engagements/{engagement_id}/documents", headers=w.lender.headers
    )
    assert listed.status_code == 200, listed.text
    document_id = next(d["id"] for d in listed.json() if d["kind"] == kind)
    text = await client.get(
        f"/api/v1/documents/{document_id}/file",
        params={"file_format": "md"},
        headers=w.lender.headers,
    )
    assert text.status_code == 200
    return text.text


async def test_documents_wait_for_the_loans_terms_and_then_state_them(client: Client) -> None:
    w = await world(client)
    loan = await bare_loan(client, w)
    assert loan["missing_terms"] == ["working_hours", "post_characteristics", "probation_days"]
    url = f"/api/v1/engagements/{loan['id']}"
    refused = await client.get(f"{url}/documents", headers=w.lender.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "loan_terms_missing"
    assert "période probatoire" in refused.json()["message"]
    # The employee is no admin: the terms are the companies' to agree.
    assert (await client.patch(url, headers=w.employee.headers, json=TERMS)).status_code == 403
    out_of_range = await client.patch(url, headers=w.host.headers, json={"probation_days": 91})
    assert out_of_range.status_code == 422 and out_of_range.json()["field"] == "probation_days"
    half = await client.patch(url, headers=w.host.headers, json={"probation_days": 7})
    assert half.json()["missing_terms"] == ["working_hours", "post_characteristics"]
    filled = await client.patch(url, headers=w.lender.headers, json=TERMS)
    assert filled.status_code == 200, filled.text
    assert filled.json()["missing_terms"] == [] and filled.json()["probation_days"] == 7
    for kind in ("loan_agreement", "employee_amendment"):
        text = await markdown(client, w, loan["id"], kind)
        assert "période probatoire de 7 jours ouvrés" in text
        assert "le jeudi de 14 h à 17 h 30" in text
        assert "Analyste web, travail sur écran, équipe commerciale de 4" in text
        assert "Annecy, 3 place du Marché" in text


async def test_changed_terms_need_new_signatures_and_are_closed_once_the_loan_runs(
    client: Client,
) -> None:
    w = await world(client, lender_cse=False)
    engagement_id = await active_engagement(client, w)
    url = f"/api/v1/engagements/{engagement_id}"
    late = await client.patch(url, headers=w.host.headers, json={"probation_days": 0})
    assert late.status_code == 409 and late.json()["code"] == "illegal_transition"

    other = await world(client, lender_cse=False)
    loan = await bare_loan(client, other)
    url = f"/api/v1/engagements/{loan['id']}"
    assert (await client.patch(url, headers=other.host.headers, json=TERMS)).status_code == 200
    await paperwork(client, other, loan["id"], cse=False)
    before = await document_hash(client, other.lender, loan["id"], "loan_agreement")
    signed = (await client.get(url, headers=other.lender.headers)).json()["missing_papers"]
    assert "loan_agreement_lender" not in signed and "amendment_employee" not in signed
    changed = await client.patch(url, headers=other.host.headers, json={"probation_days": 0})
    assert changed.status_code == 200
    after = await document_hash(client, other.lender, loan["id"], "loan_agreement")
    assert after != before
    missing = (await client.get(url, headers=other.lender.headers)).json()["missing_papers"]
    assert {"loan_agreement_lender", "loan_agreement_host", "amendment_employee"} <= set(missing)
