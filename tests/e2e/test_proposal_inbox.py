"""The proposal inboxes' use cases: each side sees its proposals with the actions it may take;
the host accepts the loan only after the lender accepted; an employee declines only their own."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_helpers import proposed, world
from tests.helpers import PASSWORD, now
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.engagements.model import EngagementStatus
from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound
from timebank.people.model import Actor
from timebank.people.use_cases import log_in
from timebank.proposals import use_cases

pytestmark = pytest.mark.anyio


async def actor_of(email: str, password: str = PASSWORD) -> Actor:
    result = await log_in(uow, email=email, password=password, now=now(), session_hours=1)
    return result.actor


async def test_host_accepts_the_loan_only_after_the_lender_and_only_for_its_need(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client, approved_minutes=20 * 60)
    proposal_id = await proposed(client, w, "data-migration")
    host, lender = await actor_of(w.host.email), await actor_of(w.lender.email)

    with pytest.raises(Conflict) as caught:
        await use_cases.accept_as_host(uow, host, proposal_id, now=now())
    assert caught.value.code == "awaiting_lender"
    engagement_id = await use_cases.accept(uow, lender, proposal_id, now=now())
    with pytest.raises(Forbidden):
        await use_cases.accept_as_host(uow, lender, proposal_id, now=now())
    through_api = await client.post(
        f"/api/v1/matching/proposals/{proposal_id}/accept-as-host", headers=w.lender.headers
    )
    assert through_api.status_code == 403
    through_api = await client.post(
        f"/api/v1/matching/proposals/{proposal_id}/accept-as-host", headers=w.host.headers
    )
    assert through_api.status_code == 200, through_api.text
    assert (through_api.json()["id"], through_api.json()["status"]) == (
        engagement_id,
        EngagementStatus.ACCEPTED_BY_HOST.value,
    )
    with pytest.raises(Conflict):
        await use_cases.accept_as_host(uow, host, proposal_id, now=now())


async def test_each_side_sees_its_proposals_with_its_own_actions(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client, approved_minutes=20 * 60)
    proposal_id = await proposed(client, w, "data-quality")
    host, lender = await actor_of(w.host.email), await actor_of(w.lender.email)
    assert w.host.company_id is not None
    assert w.lender.company_id is not None

    as_lender = await use_cases.company_inbox(
        uow, lender, w.lender.company_id, side="lender", status="proposed", limit=50, offset=0
    )
    view = next(v for v in as_lender.items if v.proposal.id == proposal_id)
    assert (view.may_accept_as_lender, view.may_accept_as_host, view.may_decline) == (
        True,
        False,
        True,
    )
    assert view.reasons.skills[0].skill_code == "data-quality"
    assert view.reasons.skills[0].label_fr != "data-quality"  # The French label, not the code.
    assert (view.reasons.remote, view.reasons.hours) == (True, 20)
    assert view.employee_name == "Inès Moreau"
    hosts_side = await use_cases.company_inbox(
        uow, lender, w.lender.company_id, side="host", status=None, limit=50, offset=0
    )
    assert proposal_id not in [v.proposal.id for v in hosts_side.items]

    as_host = await use_cases.company_inbox(
        uow, host, w.host.company_id, side=None, status=None, limit=50, offset=0
    )
    view = next(v for v in as_host.items if v.proposal.id == proposal_id)
    assert (view.may_accept_as_lender, view.may_decline) == (False, True)
    with pytest.raises(Forbidden):
        await use_cases.company_inbox(
            uow, host, w.lender.company_id, side=None, status=None, limit=50, offset=0
        )
    with pytest.raises(InvalidInput) as caught:
        await use_cases.company_inbox(
            uow, host, w.host.company_id, side="both", status=None, limit=50, offset=0
        )
    assert caught.value.field == "side"


async def test_an_employee_declines_only_their_own_proposal_with_a_reason(
    client: httpx.AsyncClient,
) -> None:
    w = await world(client, approved_minutes=20 * 60)
    proposal_id = await proposed(client, w, "databases")
    other = await world(client)
    employee = await actor_of(w.employee.email, "employee-password")
    stranger = await actor_of(other.employee.email, "employee-password")
    lender = await actor_of(w.lender.email)

    for someone_else in (stranger, lender):
        with pytest.raises(NotFound):
            await use_cases.decline_mine(uow, someone_else, proposal_id, reason="Non", now=now())
    with pytest.raises(InvalidInput) as caught:
        await use_cases.decline_mine(uow, employee, proposal_id, reason="  ", now=now())
    assert (caught.value.field, caught.value.code) == ("reason", "required")
    assert proposal_id not in [
        v.proposal.id
        for v in (
            await use_cases.my_proposals(uow, stranger, status=None, limit=50, offset=0)
        ).items
    ]

    declined = await use_cases.decline_mine(
        uow, employee, proposal_id, reason="Déjà pris", now=now()
    )
    assert (declined.status, declined.decline_reason) == ("declined", "Déjà pris")
    mine = await use_cases.my_proposals(uow, employee, status="declined", limit=50, offset=0)
    view = next(v for v in mine.items if v.proposal.id == proposal_id)
    assert not view.may_decline
