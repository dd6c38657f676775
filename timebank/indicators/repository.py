"""The queries behind the indicators: plain rows and counts, grouped in the pure model."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from piccolo.engine.sqlite import SQLiteEngine
from piccolo.query.functions.aggregate import Count, Sum

from timebank.db.tables import (
    EmployerGroupTable,
    EngagementEventTable,
    EngagementTable,
    GroupMemberTable,
    MatchProposalTable,
    NeedSkillTable,
    NeedTable,
    RotationSlotTable,
    TimesheetEntryTable,
    TrainingTable,
)
from timebank.indicators.model import SummaryFigures, WorkRow

INDICATOR_ROWS_MAX: Final = 500_000
UNKNOWN_DOMAIN: Final = "Domaine non renseigné"
STAFFED_STATUSES: Final = ("active", "completed")
APPROVED: Final = "approved"
PUBLISHED: Final = "published"


class IndicatorRepository:
    async def work_rows(self) -> list[WorkRow]:
        """Approved hours summed by the database per month, employee, loan's companies, host
        region and need (one row per group, not per entry), with the need's main domain."""
        month = (
            "substr(t.work_date, 1, 7)"
            if isinstance(TimesheetEntryTable._meta.db, SQLiteEngine)
            else "to_char(t.work_date, 'YYYY-MM')"
        )
        rows = await TimesheetEntryTable.raw(
            f"""
            SELECT {month} AS month, t.employee AS employee, e.lender_company AS lender,
              e.host_company AS host, c.region AS host_region, e.need AS need,
              SUM(t.minutes) AS minutes, SUM(COALESCE(t.cost_cents, 0)) AS cents
            FROM timesheet_entry AS t
              JOIN engagement AS e ON e.id = t.engagement
              JOIN company AS c ON c.id = e.host_company
            WHERE t.status = {{}}
            GROUP BY 1, 2, 3, 4, 5, 6
            ORDER BY 1, 2, 3, 4, 5, 6
            LIMIT {{}}
            """,
            APPROVED,
            INDICATOR_ROWS_MAX,
        )
        domains = await self._main_domains(sorted({int(row["need"]) for row in rows}))
        return [
            WorkRow(
                month=date.fromisoformat(f"{row['month']}-01"),
                minutes=int(row["minutes"]),
                cents=int(row["cents"]),
                employee_id=int(row["employee"]),
                lender_company_id=int(row["lender"]),
                host_company_id=int(row["host"]),
                host_region=str(row["host_region"]),
                domain_label=domains.get(int(row["need"]), UNKNOWN_DOMAIN),
            )
            for row in rows
        ]

    async def _main_domains(self, need_ids: list[int]) -> dict[int, str]:
        """Each need's main domain: the domain of its heaviest skill (then the first code)."""
        if not need_ids:
            return {}
        skill = NeedSkillTable
        rows = await skill.select(
            skill.need,
            skill.weight,
            skill.skill.code.as_alias("code"),
            skill.skill.domain.label_fr.as_alias("domain"),  # type: ignore[union-attr]
        ).where(skill.need.is_in(need_ids))
        best: dict[int, tuple[int, str, str]] = {}
        for row in rows:
            rank = (-int(row["weight"]), str(row["code"]), str(row["domain"]))
            need_id = int(row["need"])
            if need_id not in best or rank < best[need_id]:
                best[need_id] = rank
        return {need_id: rank[2] for need_id, rank in best.items()}

    async def open_needs(self) -> int:
        return int(await NeedTable.count().where(NeedTable.status == "open"))

    async def staffed_needs(self) -> int:
        rows = await EngagementTable.select(
            Count(distinct=[EngagementTable.need], alias="staffed")
        ).where(EngagementTable.status.is_in(list(STAFFED_STATUSES)))
        return int(rows[0]["staffed"])

    async def publication_to_activation(self) -> list[tuple[date, date]]:
        """Per need: the day it was created and the day its first loan became active."""
        event = EngagementEventTable
        rows = await event.select(
            event.engagement.need.as_alias("need"),
            event.engagement.need.created_at.as_alias("published"),  # type: ignore[union-attr]
            event.created_at,
        ).where(event.to_status == "active")
        first: dict[int, tuple[date, date]] = {}
        for row in rows:
            need_id = int(row["need"])
            pair = (row["published"].date(), row["created_at"].date())
            if need_id not in first or pair[1] < first[need_id][1]:
                first[need_id] = pair
        return list(first.values())

    async def proposal_counts(self) -> dict[str, int]:
        rows = await MatchProposalTable.select(
            MatchProposalTable.status, Count(alias="proposals")
        ).group_by(MatchProposalTable.status)
        return {str(row["status"]): int(row["proposals"]) for row in rows}

    async def decline_reasons(self) -> list[str]:
        rows = await MatchProposalTable.select(MatchProposalTable.decline_reason).where(
            (MatchProposalTable.status == "declined")
            & MatchProposalTable.decline_reason.is_not_null()
        )
        return [str(row["decline_reason"]) for row in rows]

    async def cdo_half_days(self, today: date) -> tuple[int, int]:
        """Half-days planned in published plans, and those worked (days already past)."""
        rows = await RotationSlotTable.raw(
            """
            SELECT
              COALESCE(SUM(CASE WHEN s.half IS NULL OR s.half = '' THEN 2 ELSE 1 END), 0)
                AS planned,
              COALESCE(SUM(CASE WHEN s.worked AND s.day < {}
                THEN (CASE WHEN s.half IS NULL OR s.half = '' THEN 2 ELSE 1 END)
                ELSE 0 END), 0) AS worked
            FROM rotation_slot AS s JOIN rotation_plan AS p ON p.id = s.plan
            WHERE p.status = {}
            """,
            today,
            PUBLISHED,
        )
        return int(rows[0]["planned"]), int(rows[0]["worked"])

    async def members_per_group(self, today: date) -> list[tuple[str, int]]:
        groups = await EmployerGroupTable.select(EmployerGroupTable.id, EmployerGroupTable.name)
        members = await GroupMemberTable.select(GroupMemberTable.group, GroupMemberTable.left_on)
        counts: dict[int, int] = {int(group["id"]): 0 for group in groups}
        for member in members:
            if member["left_on"] is None or member["left_on"] > today:
                counts[int(member["group"])] = counts.get(int(member["group"]), 0) + 1
        names = {int(group["id"]): str(group["name"]) for group in groups}
        return sorted((names[group_id], n) for group_id, n in counts.items())

    async def training_figures(self) -> tuple[int, int, int, float | None]:
        rows: list[dict[str, Any]] = await TrainingTable.select(
            TrainingTable.status,
            Count(alias="logged"),
            Count(TrainingTable.rating, alias="rated"),
            Sum(TrainingTable.rating, alias="rating_sum"),
        ).group_by(TrainingTable.status)
        logged = sum(int(row["logged"]) for row in rows)
        approved = sum(int(row["logged"]) for row in rows if row["status"] == APPROVED)
        rated = sum(int(row["rated"]) for row in rows)
        rating_sum = sum(int(row["rating_sum"] or 0) for row in rows)
        return logged, approved, rated, rating_sum / rated if rated else None

    async def summary_figures(self) -> SummaryFigures:
        """The home page's figures, each one aggregate computed by the database in one query."""
        staffed = ", ".join("{}" for _ in STAFFED_STATUSES)
        rows = await TimesheetEntryTable.raw(
            f"""
            SELECT
              (SELECT COALESCE(SUM(minutes), 0) FROM timesheet_entry
                WHERE status = {{}}) AS minutes,
              (SELECT COUNT(*) FROM (
                  SELECT lender_company AS company FROM engagement AS e WHERE EXISTS (
                    SELECT 1 FROM timesheet_entry AS t
                    WHERE t.engagement = e.id AND t.status = {{}})
                  UNION
                  SELECT host_company AS company FROM engagement AS e WHERE EXISTS (
                    SELECT 1 FROM timesheet_entry AS t
                    WHERE t.engagement = e.id AND t.status = {{}})
                ) AS taking_part) AS companies,
              (SELECT COUNT(DISTINCT need) FROM engagement
                WHERE status IN ({staffed})) AS staffed,
              (SELECT COALESCE(SUM(CASE WHEN s.half IS NULL OR s.half = '' THEN 2 ELSE 1 END), 0)
                FROM rotation_slot AS s JOIN rotation_plan AS p ON p.id = s.plan
                WHERE p.status = {{}}) AS half_days,
              (SELECT COUNT(rating) FROM training) AS rated,
              (SELECT COALESCE(SUM(rating), 0) FROM training) AS rating_sum
            """,
            APPROVED,
            APPROVED,
            APPROVED,
            *STAFFED_STATUSES,
            PUBLISHED,
        )
        row = rows[0]
        return SummaryFigures(
            minutes=int(row["minutes"]),
            companies=int(row["companies"]),
            needs_staffed=int(row["staffed"]),
            cdo_half_days_planned=int(row["half_days"]),
            trainings_rated=int(row["rated"]),
            rating_sum=int(row["rating_sum"]),
        )
