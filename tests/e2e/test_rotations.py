"""Shared-CDO time-share through HTTP: a period, requests, a plan generated, adjusted by hand,
re-planned with stability and published; what each party sees; calendar feeds; the monthly
cost allocation at cost posted to the ledger; refusals that write nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import httpx
import pytest
from icalendar import Calendar

from ledger.model import AccountKind, Unit
from tests.exchange_helpers import (
    CHARGES_BASIS_POINTS,
    Party,
    actor_of,
    login,
    operator,
    signup,
)
from tests.helpers import emailed_invitation_token, new_email, now
from timebank.db import tables
from timebank.db.unit_of_work import piccolo_unit_of_work
from timebank.employees.model import CostInputs
from timebank.formatting import month_label
from timebank.geography import public_holidays
from timebank.rotations.model import monthly_cost_cents
from timebank.todo.model import TodoKind
from timebank.todo.use_cases import todo_of

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
CDO_SALARY_CENTS = 6_000_000  # 60 000 € gross a year.
MANAGEMENT_CENTS = 30_000  # 300 € a month.


async def _group_world(client: Client) -> dict[str, object]:
    entity = await signup(
        client, name="GE Numérique Grand Est", postal_code="67000", city="Strasbourg"
    )
    group = await client.post(
        "/api/v1/groups",
        headers=entity.headers,
        json={"company_id": entity.company_id, "name": "GE Numérique", "legal_form": "association"},
    )
    assert group.status_code == 201, group.text
    group_id = group.json()["id"]
    coordinator = Party(entity.email, await login(client, entity.email), entity.company_id)
    paris = await signup(client, name="Atelier Paris", postal_code="75011", city="Paris")
    alsace = await signup(client, name="Brasserie d'Alsace", postal_code="67000", city="Strasbourg")
    stranger = await signup(client, name="Voisin curieux")
    # Members for more than a year, since before the group used the service: recorded as they
    # stand (the API lets a company join only by its own request, from today).
    joined = now().date() - timedelta(days=400)
    async with piccolo_unit_of_work() as repos:
        for member in (paris, alsace):
            await repos.groups.add_member(group_id, member.company_id, joined)
    email = new_email("cdo")
    invited = await client.post(
        f"/api/v1/companies/{entity.company_id}/employees",
        headers=coordinator.headers,
        json={
            "email": email,
            "full_name": "Claire Dumas",
            "job_title": "CDO mutualisée",
            "annual_gross_salary_cents": CDO_SALARY_CENTS,
            "employer_charge_rate_basis_points": CHARGES_BASIS_POINTS,
        },
    )
    assert invited.status_code == 201, invited.text
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(invited.json()["employee"]["user_id"]),
            "password": "cdo-password-1",
        },
    )
    client.cookies.clear()
    cdo = Party(email, {"Authorization": f"Bearer {accepted.json()['token']}"})
    return {
        "group_id": group_id,
        "coordinator": coordinator,
        "paris": paris,
        "alsace": alsace,
        "stranger": stranger,
        "cdo": cdo,
        "cdo_id": invited.json()["employee"]["id"],
        "entity_id": entity.company_id,
    }


async def _to_publish(coordinator: Party) -> list[tuple[str, int]]:
    actor = await actor_of(coordinator)
    todo = await todo_of(piccolo_unit_of_work, actor, today=now().date())
    return [(item.path, item.count) for item in todo if item.kind is TodoKind.PUBLISH_PLAN]


def _months() -> tuple[date, date, date]:
    """First day of last month, of this month, and last day of next month."""
    this = now().date().replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    after = (this + timedelta(days=62)).replace(day=1) - timedelta(days=1)
    return last, this, after


async def test_a_time_share_from_requests_to_cost_allocation(client: Client) -> None:
    w = await _group_world(client)
    coordinator, paris, alsace = w["coordinator"], w["paris"], w["alsace"]
    stranger, cdo = w["stranger"], w["cdo"]
    assert isinstance(coordinator, Party) and isinstance(paris, Party)
    assert isinstance(alsace, Party) and isinstance(stranger, Party) and isinstance(cdo, Party)
    group_id, cdo_id = w["group_id"], w["cdo_id"]
    first, this_month, end = _months()
    created = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={
            "starts_on": first.isoformat(),
            "ends_on": end.isoformat(),
            "slot": "day",
            "monthly_management_costs_cents": MANAGEMENT_CENTS,
        },
    )
    assert created.status_code == 201, created.text
    period_id = created.json()["id"]
    cdo_set = await client.put(
        f"/api/v1/rotation-periods/{period_id}/cdos/{cdo_id}",
        headers=coordinator.headers,
        json={"max_days_per_week": 3},
    )
    assert cdo_set.status_code == 200, cdo_set.text
    requests = {paris.company_id: 16, alsace.company_id: 12}
    for party, days, preferred in ((paris, 16, [0, 1]), (alsace, 12, [3])):
        put = await client.put(
            f"/api/v1/rotation-periods/{period_id}/requests/{party.company_id}",
            headers=party.headers,
            json={"days": days, "preferred_weekdays": preferred},
        )
        assert put.status_code == 200, put.text
        # A member's admin reads back its own request: not the others', nor the CDO's dates.
        assert {r["company_id"] for r in put.json()["requests"]} == {party.company_id}
        assert put.json()["cdos"] == []
    # Strangers neither see the period nor speak for a member.
    assert (
        await client.get(f"/api/v1/rotation-periods/{period_id}", headers=stranger.headers)
    ).status_code == 404
    foreign = await client.put(
        f"/api/v1/rotation-periods/{period_id}/requests/{paris.company_id}",
        headers=stranger.headers,
        json={"days": 3},
    )
    assert foreign.status_code == 403
    assert (
        await client.post(f"/api/v1/rotation-periods/{period_id}/plans", headers=paris.headers)
    ).status_code == 403
    # Nor does the operator: the period is the group's business, and it acts for no member.
    ops = await operator(client)
    assert (
        await client.get(f"/api/v1/rotation-periods/{period_id}", headers=ops.headers)
    ).status_code == 404
    for_paris = await client.put(
        f"/api/v1/rotation-periods/{period_id}/requests/{paris.company_id}",
        headers=ops.headers,
        json={"days": 3},
    )
    assert for_paris.status_code == 403, for_paris.text
    assert (
        await client.post(f"/api/v1/rotation-periods/{period_id}/plans", headers=ops.headers)
    ).status_code == 403

    draft = await client.post(
        f"/api/v1/rotation-periods/{period_id}/plans", headers=coordinator.headers
    )
    assert draft.status_code == 201, draft.text
    assert draft.json()["status"] == "draft" and draft.json()["version"] == 1
    # The coordinator's « À faire » leads to the group's page, where the plan is published.
    assert await _to_publish(coordinator) == [(f"/groupements/{group_id}", 1)]
    # Not published yet: members see no plan.
    unseen = await client.get(f"/api/v1/rotation-periods/{period_id}/slots", headers=paris.headers)
    assert unseen.json() == {"plan": None, "slots": []}
    slots = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots",
            headers=coordinator.headers,
            params={"plan_id": draft.json()["id"]},
        )
    ).json()["slots"]
    served = Counter(s["company_id"] for s in slots)
    assert served == requests  # Ample capacity: every request met in full.
    holidays = public_holidays(first.year, True) | public_holidays(end.year, True)
    holidays |= public_holidays(first.year, False) | public_holidays(end.year, False)
    for s in slots:
        day = date.fromisoformat(s["day"])
        assert day.weekday() < 5
        alsace_member = s["company_id"] == alsace.company_id
        assert day not in (public_holidays(day.year, alsace_member))
    weekly = Counter(date.fromisoformat(s["day"]).isocalendar()[:2] for s in slots)
    assert max(weekly.values()) <= 3

    # By hand: Paris's first future slot moves to a free future day.
    today = now().date()
    future = sorted(
        (s for s in slots if s["company_id"] == paris.company_id and s["day"] > today.isoformat()),
        key=lambda s: s["day"],
    )
    moved = future[0]
    busy = {s["day"] for s in slots}
    free = next(
        d
        for k in range(1, 60)
        if (d := today + timedelta(days=k)).weekday() < 5
        and d.isoformat() not in busy
        and d not in public_holidays(d.year, False)
        and d <= end
        and Counter(
            x for x in busy if date.fromisoformat(x).isocalendar()[:2] == d.isocalendar()[:2]
        ).total()
        < 3
    )
    too_many = await client.post(
        f"/api/v1/rotation-plans/{draft.json()['id']}/slots",
        headers=coordinator.headers,
        json={"employee_id": cdo_id, "company_id": paris.company_id, "day": free.isoformat()},
    )
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "slot_breaks_rule"  # One day more than Paris asked.
    assert "Atelier Paris aurait plus de jours qu'il n'en a demandé" in too_many.json()["message"]
    assert "Atelier Paris would get more days" in too_many.json()["message_en"]
    removed = await client.post(
        f"/api/v1/rotation-slots/{moved['id']}/remove", headers=coordinator.headers
    )
    assert removed.status_code == 204
    added = await client.post(
        f"/api/v1/rotation-plans/{draft.json()['id']}/slots",
        headers=coordinator.headers,
        json={"employee_id": cdo_id, "company_id": paris.company_id, "day": free.isoformat()},
    )
    assert added.status_code == 201, added.text
    weekend = free + timedelta(days=5 - free.weekday())
    refused = await client.post(
        f"/api/v1/rotation-plans/{draft.json()['id']}/slots",
        headers=coordinator.headers,
        json={"employee_id": cdo_id, "company_id": paris.company_id, "day": weekend.isoformat()},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "day"

    # Re-plan: the hand-set slot stays, the rest barely moves.
    second = await client.post(
        f"/api/v1/rotation-periods/{period_id}/plans", headers=coordinator.headers
    )
    assert second.status_code == 201, second.text
    assert second.json()["version"] == 2
    new_slots = (
        await client.get(
            f"/api/v1/rotation-periods/{period_id}/slots",
            headers=coordinator.headers,
            params={"plan_id": second.json()["id"]},
        )
    ).json()["slots"]
    keys = {(s["company_id"], s["day"]) for s in new_slots}
    assert (paris.company_id, free.isoformat()) in keys
    before = {(s["company_id"], s["day"]) for s in slots} - {(paris.company_id, moved["day"])}
    assert len(before - keys) <= 2
    # The first draft is superseded: it can no longer be published.
    stale = await client.post(
        f"/api/v1/rotation-plans/{draft.json()['id']}/publish", headers=coordinator.headers
    )
    assert stale.status_code == 409 and stale.json()["code"] == "plan_not_draft"
    published = await client.post(
        f"/api/v1/rotation-plans/{second.json()['id']}/publish", headers=coordinator.headers
    )
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert await _to_publish(coordinator) == []

    mine = (
        await client.get(f"/api/v1/rotation-periods/{period_id}/slots", headers=paris.headers)
    ).json()
    assert mine["plan"]["id"] == second.json()["id"]
    assert {s["company_id"] for s in mine["slots"]} == {paris.company_id}
    assert len(mine["slots"]) == requests[paris.company_id]
    cdo_view = (
        await client.get(f"/api/v1/rotation-periods/{period_id}/slots", headers=cdo.headers)
    ).json()
    assert len(cdo_view["slots"]) == len(new_slots)
    notes = (await client.get("/api/v1/notifications", headers=paris.headers)).json()["items"]
    assert any(n["kind"] == "rotation_published" for n in notes)

    # Calendars: a secret feed for Paris, an .ics download for the CDO.
    feed = await client.post(
        f"/api/v1/groups/{group_id}/feeds",
        headers=paris.headers,
        json={"company_id": paris.company_id},
    )
    assert feed.status_code == 201, feed.text
    path = httpx.URL(feed.json()["url"]).path
    client.cookies.clear()
    ics = await client.get(path)
    assert ics.status_code == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    events = [c for c in Calendar.from_ical(ics.content).walk() if c.name == "VEVENT"]
    assert len(events) == requests[paris.company_id]
    assert all("Claire Dumas" in str(e["summary"]) for e in events)
    assert (await client.get(path)).content == ics.content  # Same plan, same bytes.
    assert (await client.get("/feeds/rotations/not-a-token.ics")).status_code == 404
    forbidden_feed = await client.post(
        f"/api/v1/groups/{group_id}/feeds",
        headers=alsace.headers,
        json={"company_id": paris.company_id},
    )
    assert forbidden_feed.status_code == 403
    renewed = await client.post(
        f"/api/v1/groups/{group_id}/feeds",
        headers=paris.headers,
        json={"company_id": paris.company_id},
    )
    assert renewed.status_code == 201
    assert (await client.get(path)).status_code == 404  # The earlier URL stopped working.
    download = await client.get(
        f"/api/v1/groups/{group_id}/calendar.ics",
        headers=cdo.headers,
        params={"employee_id": cdo_id},
    )
    assert download.status_code == 200
    cdo_events = [c for c in Calendar.from_ical(download.content).walk() if c.name == "VEVENT"]
    assert len(cdo_events) == len(new_slots)
    peek = await client.get(
        f"/api/v1/groups/{group_id}/calendar.ics",
        headers=alsace.headers,
        params={"employee_id": cdo_id},
    )
    assert peek.status_code == 404

    # Last month's cost, at cost, pro rata of the slots worked.
    last_month_slots = [s for s in new_slots if s["day"] < this_month.isoformat()]
    assert last_month_slots, "the plan spreads days over every month"
    missed = last_month_slots[0]
    mark = await client.post(
        f"/api/v1/rotation-slots/{missed['id']}/worked", headers=cdo.headers, json={"worked": False}
    )
    assert mark.status_code == 200 and mark.json()["worked"] is False
    worked = Counter(s["company_id"] for s in last_month_slots if s["id"] != missed["id"])
    allocated = await client.post(
        f"/api/v1/groups/{group_id}/allocations",
        headers=coordinator.headers,
        json={"month": first.isoformat()},
    )
    assert allocated.status_code == 201, allocated.text
    lines = allocated.json()
    month_cost = monthly_cost_cents(CostInputs(CDO_SALARY_CENTS, CHARGES_BASIS_POINTS, 1607))
    assert sum(line["cents"] for line in lines) == month_cost + MANAGEMENT_CENTS
    assert {line["company_id"]: line["slots_worked"] for line in lines} == dict(worked)
    for line in lines:
        exact = (month_cost + MANAGEMENT_CENTS) * line["slots_worked"] / sum(worked.values())
        assert abs(line["cents"] - exact) <= 2  # Two shares, each within a cent.
        assert line["minutes"] == 420 * line["slots_worked"]
    again = await client.post(
        f"/api/v1/groups/{group_id}/allocations",
        headers=coordinator.headers,
        json={"month": first.isoformat()},
    )
    assert again.status_code == 409 and again.json()["code"] == "already_allocated"
    # The group's company invoiced each member its month, one line per CDO, 20 % VAT (the
    # members are liable, so CGI 261 B does not apply); numbers follow in the group's sequence.
    for member in (paris, alsace):
        listed = await client.get(
            f"/api/v1/companies/{member.company_id}/invoices", headers=member.headers
        )
        assert listed.status_code == 200, listed.text
        (invoice,) = listed.json()["items"]
        share = sum(line["cents"] for line in lines if line["company_id"] == member.company_id)
        assert (invoice["origin"], invoice["issuer"]["company_id"]) == ("cdo", w["entity_id"])
        assert invoice["total_excl_vat_cents"] == share
        assert invoice["vat_cents"] == round(share * 0.2)
        assert [line["label"] for line in invoice["lines"]] == [
            f"CDO mutualisé — {month_label(first)} (Claire Dumas)"
        ]
    issued = await client.get(
        f"/api/v1/companies/{w['entity_id']}/invoices", headers=coordinator.headers
    )
    assert sorted(i["sequence"] for i in issued.json()["items"]) == [1, 2]
    late = await client.post(
        f"/api/v1/rotation-slots/{missed['id']}/worked", headers=cdo.headers, json={"worked": True}
    )
    assert late.status_code == 409 and late.json()["code"] == "month_allocated"
    own = (
        await client.get(
            f"/api/v1/companies/{paris.company_id}/cdo-allocations", headers=paris.headers
        )
    ).json()
    assert [line["company_id"] for line in own] == [paris.company_id]
    assert own[0]["salary_cents"] is None  # The CDO's pay stays with the coordinator.
    # The ledger: each member owes its share to the group; the days sit apart from the
    # reciprocity balance, on the shared-CDO accounts.
    for line in lines:
        transfer = (
            await tables.LedgerTransferTable.select()
            .where(tables.LedgerTransferTable.id == line["cents_transfer_id"])
            .first()
        )
        assert transfer is not None and transfer["amount"] == line["cents"]
        assert transfer["code"] == "cdo_allocation"
    days_accounts = await tables.LedgerAccountTable.select().where(
        (tables.LedgerAccountTable.kind == AccountKind.SHARED_CDO.value)
        & (tables.LedgerAccountTable.unit == Unit.MINUTES.value)
    )
    by_company = {row["company"]: row for row in days_accounts}
    total_minutes = sum(line["minutes"] for line in lines)
    assert by_company[w["entity_id"]]["credits_posted"] >= total_minutes
    for line in lines:
        assert by_company[line["company_id"]]["debits_posted"] >= line["minutes"]


async def test_bad_rotation_input_is_refused_and_writes_nothing(client: Client) -> None:
    w = await _group_world(client)
    coordinator, paris = w["coordinator"], w["paris"]
    assert isinstance(coordinator, Party) and isinstance(paris, Party)
    group_id = w["group_id"]
    first, _, end = _months()
    periods_before = await tables.RotationPeriodTable.count()
    backwards = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={"starts_on": end.isoformat(), "ends_on": first.isoformat()},
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "ends_on"
    too_long = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={"starts_on": first.isoformat(), "ends_on": (first + timedelta(days=400)).isoformat()},
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "period_too_long"
    bad_kind = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={"starts_on": first.isoformat(), "ends_on": end.isoformat(), "slot": "hour"},
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["field"] == "slot"
    assert await tables.RotationPeriodTable.count() == periods_before
    period = await client.post(
        f"/api/v1/groups/{group_id}/rotation-periods",
        headers=coordinator.headers,
        json={"starts_on": first.isoformat(), "ends_on": end.isoformat(), "slot": "half_day"},
    )
    period_id = period.json()["id"]
    requests_before = await tables.RotationRequestTable.count()
    for body, field, code in (
        ({"days": 400}, "days", "invalid_days"),
        ({"days": 200}, "days", "days_beyond_calendar"),
        ({"days": 1.25}, "days", "invalid_days"),
        ({"days": 2, "preferred_weekdays": [6]}, "preferred_weekdays", "invalid_weekdays"),
        ({"days": 2, "unavailable": ["2000-01-03"]}, "unavailable[0]", "date_outside_period"),
    ):
        response = await client.put(
            f"/api/v1/rotation-periods/{period_id}/requests/{paris.company_id}",
            headers=paris.headers,
            json=body,
        )
        assert response.status_code == 422, (body, response.text)
        problem = response.json()
        assert (problem["field"], problem["code"]) == (field, code)
        assert problem["message"] and problem["message_en"]
    not_member = await client.put(
        f"/api/v1/rotation-periods/{period_id}/requests/{w['stranger'].company_id}",  # type: ignore[attr-defined]
        headers=coordinator.headers,
        json={"days": 2},
    )
    assert not_member.status_code == 422 and not_member.json()["code"] == "not_a_member"
    assert await tables.RotationRequestTable.count() == requests_before
    plans_before = await tables.RotationPlanTable.count()
    nothing = await client.post(
        f"/api/v1/rotation-periods/{period_id}/plans", headers=coordinator.headers
    )
    assert nothing.status_code == 409 and nothing.json()["code"] == "no_cdo"
    assert await tables.RotationPlanTable.count() == plans_before
    no_days = await client.put(
        f"/api/v1/rotation-periods/{period_id}/cdos/{w['cdo_id']}",
        headers=coordinator.headers,
        json={"max_days_per_week": 0},
    )
    assert no_days.status_code == 422
    assert no_days.json()["code"] == "invalid_weekly_maximum"
    declared = await client.put(
        f"/api/v1/rotation-periods/{period_id}/cdos/{w['cdo_id']}",
        headers=coordinator.headers,
        json={"max_days_per_week": 3},
    )
    assert declared.status_code == 200, declared.text
    no_request = await client.post(
        f"/api/v1/rotation-periods/{period_id}/plans", headers=coordinator.headers
    )
    assert no_request.status_code == 409 and no_request.json()["code"] == "no_request"
    assert no_request.json()["field"] == "requests"
    assert await tables.RotationPlanTable.count() == plans_before
    future_month = await client.post(
        f"/api/v1/groups/{group_id}/allocations",
        headers=coordinator.headers,
        json={"month": end.isoformat()},
    )
    assert future_month.status_code == 422 and future_month.json()["code"] == "month_not_finished"
