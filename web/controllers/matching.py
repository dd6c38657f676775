"""Matching: run it (operator), review its proposals (companies, employees)."""

from __future__ import annotations

import json
from dataclasses import asdict

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from timebank.proposals import use_cases
from timebank.proposals.model import Proposal
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import EngagementOut, PageOut, ProposalOut, ReasonIn, RunOut, page_out


def _out(proposal: Proposal) -> ProposalOut:
    values = asdict(proposal)
    values["explanation"] = json.loads(proposal.explanation)
    del values["created_at"]
    return ProposalOut(**values)


class MatchingController(Controller):
    path = "/api/v1/matching"
    tags = ["Appariement"]

    @post("/run", status_code=HTTP_200_OK)
    async def run(self, uow: Uow, actor: CurrentActor, now: Now) -> RunOut:
        """Operator: match every open need now (the nightly job does it at 01:00)."""
        return RunOut(**asdict(await use_cases.run_as_operator(uow, actor, now=now)))

    @get("/proposals")
    async def list_proposals(
        self,
        uow: Uow,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[ProposalOut]:
        """Proposals for my companies' needs, my companies' employees, and myself."""
        page = await use_cases.list_proposals(uow, actor, status=status, limit=limit, offset=offset)
        return page_out(page, [_out(p) for p in page.items])

    @post("/proposals/{proposal_id:int}/accept", status_code=HTTP_200_OK)
    async def accept(
        self, proposal_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> dict[str, int]:
        """The lender's admin accepts: a loan is proposed to the host (see /engagements)."""
        return {"engagement_id": await use_cases.accept(uow, actor, proposal_id, now=now)}

    @post("/proposals/{proposal_id:int}/accept-as-host", status_code=HTTP_200_OK)
    async def accept_as_host(
        self, proposal_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> EngagementOut:
        """The host's admin accepts the loan its lender proposed from this proposal."""
        return EngagementOut.of(await use_cases.accept_as_host(uow, actor, proposal_id, now=now))

    @post("/proposals/{proposal_id:int}/decline", status_code=HTTP_200_OK)
    async def decline(
        self,
        proposal_id: FromPath[int],
        data: JSONBody[ReasonIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> ProposalOut:
        """Decline with a reason; later runs will not propose this pair again."""
        return _out(await use_cases.decline(uow, actor, proposal_id, reason=data.reason, now=now))
