"""Companies asking to join an employer group through HTTP: the coordinator accepts (the company
becomes a member) or refuses with a reason; refusals write nothing; feeds revoked."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.test_rotations import _group_world
from tests.exchange_helpers import Party, actor_of, joined_group, signup
from tests.helpers import now
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.todo.model import TodoKind
from timebank.todo.use_cases import todo_of

pytestmark = pytest.mark.anyio


async def _join_requests_waiting(party: Party) -> list[tuple[str, int]]:
    todo = await todo_of(piccolo_unit_of_work, await actor_of(party), today=now().date())
    return [(i.path, i.count) for i in todo if i.kind is TodoKind.REVIEW_JOIN_REQUESTS]


async def test_join_requests_accepted_and_refused(client: httpx.AsyncClient) -> None:
    w = await _group_world(client)
    coordinator, stranger = w["coordinator"], w["stranger"]
    assert isinstance(coordinator, Party) and isinstance(stranger, Party)
    group_id = w["group_id"]
    url = f"/api/v1/groups/{group_id}/join-requests"
    bad = await client.post(
        url,
        headers=stranger.headers,
        json={"company_id": stranger.company_id, "days_per_month": 0.3},
    )
    assert bad.status_code == 422, bad.text
    assert bad.json()["field"] == "days_per_month"
    listed = await client.get(url, headers=coordinator.headers)
    assert [r for r in listed.json() if r["company_id"] == stranger.company_id] == []
    other = await signup(client, name="Autre PME")
    foreign = await client.post(
        url, headers=other.headers, json={"company_id": stranger.company_id, "days_per_month": 2}
    )
    assert foreign.status_code == 403

    asked = await client.post(
        url,
        headers=stranger.headers,
        json={
            "company_id": stranger.company_id,
            "days_per_month": 2.5,
            "preferred_weekdays": [0, 3],
            "message": "Besoin d'aide sur la cybersécurité",
        },
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "pending"
    again = await client.post(
        url, headers=stranger.headers, json={"company_id": stranger.company_id, "days_per_month": 1}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "join_request_pending"
    # The coordinator's « À faire » counts it and leads to the group's page; nobody else's.
    assert await _join_requests_waiting(coordinator) == [(f"/groupements/{group_id}", 1)]
    assert await _join_requests_waiting(stranger) == []
    assert (
        await client.post(
            f"/api/v1/join-requests/{asked.json()['id']}/accept", headers=stranger.headers
        )
    ).status_code == 403
    accepted = await client.post(
        f"/api/v1/join-requests/{asked.json()['id']}/accept", headers=coordinator.headers
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert await _join_requests_waiting(coordinator) == []
    group = (await client.get(f"/api/v1/groups/{group_id}", headers=coordinator.headers)).json()
    member = next(m for m in group["members"] if m["company_id"] == stranger.company_id)
    assert member["joined_on"] == now().date().isoformat()

    refused_asked = await client.post(
        url, headers=other.headers, json={"company_id": other.company_id, "days_per_month": 3}
    )
    request_id = refused_asked.json()["id"]
    no_reason = await client.post(
        f"/api/v1/join-requests/{request_id}/refuse",
        headers=coordinator.headers,
        json={"reason": "  "},
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "reason"
    refused = await client.post(
        f"/api/v1/join-requests/{request_id}/refuse",
        headers=coordinator.headers,
        json={"reason": "Le CDO n'a plus de jours libres."},
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "refused"
    assert refused.json()["reason"] == "Le CDO n'a plus de jours libres."
    twice = await client.post(
        f"/api/v1/join-requests/{request_id}/accept", headers=coordinator.headers
    )
    assert twice.status_code == 409

    # Each side hears of the other's move: the coordinator of each request, the company of
    # each answer (with the reason of a refusal).
    asked_notes = await client.get("/api/v1/notifications", headers=coordinator.headers)
    kinds = [n["kind"] for n in asked_notes.json()["items"]]
    assert kinds.count("join_requested") == 2
    answers = await client.get("/api/v1/notifications", headers=other.headers)
    decided = [n for n in answers.json()["items"] if n["kind"] == "join_decided"]
    assert len(decided) == 1 and "Le CDO n'a plus de jours libres." in decided[0]["body"]


async def test_a_member_revokes_its_feed(client: httpx.AsyncClient) -> None:
    w = await _group_world(client)
    paris = w["paris"]
    assert isinstance(paris, Party)
    group_id = w["group_id"]
    created = await client.post(
        f"/api/v1/groups/{group_id}/feeds",
        headers=paris.headers,
        json={"company_id": paris.company_id},
    )
    assert created.status_code == 201, created.text
    path = "/feeds/rotations/" + created.json()["token"] + ".ics"
    assert (await client.get(path)).status_code == 200
    revoked = await client.post(
        f"/api/v1/groups/{group_id}/feeds/revoke",
        headers=paris.headers,
        json={"company_id": paris.company_id},
    )
    assert revoked.status_code == 204, revoked.text
    assert (await client.get(path)).status_code == 404


async def test_a_coordinator_cannot_make_a_company_a_member_without_its_request(
    client: httpx.AsyncClient,
) -> None:
    """Members answer for the group's wage debts (C. trav. L1253-8): only the company's own
    admin asks to join. The coordinator's direct add, backdated or not, is refused."""
    w = await _group_world(client)
    coordinator, stranger = w["coordinator"], w["stranger"]
    assert isinstance(coordinator, Party) and isinstance(stranger, Party)
    group_id = w["group_id"]
    added = await client.post(
        f"/api/v1/groups/{group_id}/members",
        headers=coordinator.headers,
        json={"company_id": stranger.company_id, "joined_on": "2026-01-01"},
    )
    assert added.status_code == 403, added.text
    assert (added.json()["code"], added.json()["field"]) == (
        "joins_by_its_own_request",
        "company_id",
    )
    group = await client.get(f"/api/v1/groups/{group_id}", headers=coordinator.headers)
    assert stranger.company_id not in {m["company_id"] for m in group.json()["members"]}
    await joined_group(client, coordinator, group_id, stranger)
    group = await client.get(f"/api/v1/groups/{group_id}", headers=coordinator.headers)
    assert stranger.company_id in {m["company_id"] for m in group.json()["members"]}
