"""Loads and stores matching proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from timebank.db.tables import MatchProposalTable
from timebank.proposals import refusals
from timebank.proposals.model import Proposal


def _proposal(row: dict[str, Any]) -> Proposal:
    return Proposal(
        id=row["id"],
        run_id=row["run_id"],
        need_id=row["need"],
        employee_id=row["employee"],
        hours=row["hours"],
        score_per_hour=row["score_per_hour"],
        explanation=row["explanation"],
        status=row["status"],
        decline_reason=row["decline_reason"],
        engagement_id=row["engagement"],
        created_at=row["created_at"],
    )


class ProposalRepository:
    async def declined_pairs(self) -> set[tuple[int, int]]:
        rows = await MatchProposalTable.select(
            MatchProposalTable.employee, MatchProposalTable.need
        ).where(MatchProposalTable.status == "declined")
        return {(row["employee"], row["need"]) for row in rows}

    async def supersede_open(self, now: datetime) -> None:
        await MatchProposalTable.update(
            {MatchProposalTable.status: "superseded", MatchProposalTable.decided_at: now}
        ).where(MatchProposalTable.status == "proposed")

    async def add(self, rows: list[tuple[str, int, int, int, int, str]], now: datetime) -> None:
        """(run id, need, employee, hours, score per hour, explanation JSON) rows."""
        if rows:
            await MatchProposalTable.insert(
                *[
                    MatchProposalTable(
                        run_id=r,
                        need=n,
                        employee=e,
                        hours=h,
                        score_per_hour=s,
                        explanation=x,
                        status="proposed",
                        created_at=now,
                    )
                    for r, n, e, h, s, x in rows
                ]
            )

    async def get(self, proposal_id: int) -> Proposal | None:
        row = await MatchProposalTable.select().where(MatchProposalTable.id == proposal_id).first()
        return None if row is None else _proposal(row)

    async def decide(
        self,
        proposal_id: int,
        *,
        status: str,
        user_id: int,
        now: datetime,
        reason: str | None = None,
        engagement_id: int | None = None,
    ) -> None:
        updated = (
            await MatchProposalTable.update(
                {
                    MatchProposalTable.status: status,
                    MatchProposalTable.decided_by: user_id,
                    MatchProposalTable.decided_at: now,
                    MatchProposalTable.decline_reason: reason,
                    MatchProposalTable.engagement: engagement_id,
                }
            )
            .where(
                (MatchProposalTable.id == proposal_id) & (MatchProposalTable.status == "proposed")
            )
            .returning(MatchProposalTable.id)
        )
        if not updated:
            raise refusals.PROPOSAL_CLOSED.error()

    async def visible(
        self,
        *,
        need_ids: list[int],
        employee_ids: list[int],
        status: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Proposal], int]:
        condition: Any = MatchProposalTable.need.is_in(
            need_ids or [0]
        ) | MatchProposalTable.employee.is_in(employee_ids or [0])
        if status is not None:
            condition &= MatchProposalTable.status == status
        rows = await (
            MatchProposalTable.select()
            .where(condition)
            .order_by(MatchProposalTable.id, ascending=False)
            .limit(limit)
            .offset(offset)
        )
        return [_proposal(row) for row in rows], int(
            await MatchProposalTable.count().where(condition)
        )
