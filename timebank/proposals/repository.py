"""Loads and stores matching proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from timebank.db.tables import MatchProposalTable
from timebank.errors import Conflict
from timebank.proposals.model import Proposal

P = MatchProposalTable


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
        rows = await P.select(P.employee, P.need).where(P.status == "declined")
        return {(row["employee"], row["need"]) for row in rows}

    async def supersede_open(self, now: datetime) -> None:
        await P.update({P.status: "superseded", P.decided_at: now}).where(P.status == "proposed")

    async def add(self, rows: list[tuple[str, int, int, int, int, str]], now: datetime) -> None:
        """(run id, need, employee, hours, score per hour, explanation JSON) rows."""
        if rows:
            await P.insert(
                *[
                    P(
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
        row = await P.select().where(P.id == proposal_id).first()
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
            await P.update(
                {
                    P.status: status,
                    P.decided_by: user_id,
                    P.decided_at: now,
                    P.decline_reason: reason,
                    P.engagement: engagement_id,
                }
            )
            .where((P.id == proposal_id) & (P.status == "proposed"))
            .returning(P.id)
        )
        if not updated:
            raise Conflict(
                "Proposition déjà traitée ou remplacée.",
                "Proposal already decided or superseded.",
                field="proposal_id",
                code="proposal_closed",
            )

    async def visible(
        self,
        *,
        need_ids: list[int],
        employee_ids: list[int],
        status: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Proposal], int]:
        condition: Any = P.need.is_in(need_ids or [0]) | P.employee.is_in(employee_ids or [0])
        if status is not None:
            condition &= P.status == status
        rows = await (
            P.select().where(condition).order_by(P.id, ascending=False).limit(limit).offset(offset)
        )
        return [_proposal(row) for row in rows], int(await P.count().where(condition))
