"""Loads and stores trainings, their review and their rating."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from timebank.db.tables import TrainingTable
from timebank.trainings.model import Rating, Training


def _training(row: dict[str, Any]) -> Training:
    return Training(
        id=row["id"],
        employee_id=row["employee"],
        company_id=row["company"],
        title=row["title"],
        provider=row["provider"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        minutes=row["minutes"],
        status=row["status"],
        cost_cents=row["cost_cents"],
        rating=row["rating"],
        rating_comment=row["rating_comment"],
        created_at=row["created_at"],
        domain_code=row["domain_code"],
        plan_link=row["plan_link"],
    )


class TrainingRepository:
    async def add(
        self,
        *,
        employee_id: int,
        company_id: int,
        title: str,
        provider: str,
        starts_on: date,
        ends_on: date,
        minutes: int,
        domain_code: str | None = None,
        plan_link: str | None = None,
        now: datetime,
    ) -> int:
        rows = await TrainingTable.insert(
            TrainingTable(
                employee=employee_id,
                company=company_id,
                title=title,
                provider=provider,
                starts_on=starts_on,
                ends_on=ends_on,
                minutes=minutes,
                status="submitted",
                domain_code=domain_code,
                plan_link=plan_link,
                created_at=now,
            )
        ).returning(TrainingTable.id)
        training_id: int = rows[0]["id"]
        return training_id

    async def get(self, training_id: int) -> Training | None:
        row = await TrainingTable.select().where(TrainingTable.id == training_id).first()
        return None if row is None else _training(row)

    async def of_employee(self, employee_id: int) -> list[Training]:
        rows = (
            await TrainingTable.select()
            .where(TrainingTable.employee == employee_id)
            .order_by(TrainingTable.starts_on)
        )
        return [_training(row) for row in rows]

    async def review(
        self, training_id: int, *, status: str, cost_cents: int | None, user_id: int, now: datetime
    ) -> None:
        await TrainingTable.update(
            {
                TrainingTable.status: status,
                TrainingTable.cost_cents: cost_cents,
                TrainingTable.reviewed_by: user_id,
                TrainingTable.reviewed_at: now,
            }
        ).where(TrainingTable.id == training_id)

    async def rate(self, training_id: int, *, stars: int, comment: str, now: datetime) -> None:
        await TrainingTable.update(
            {
                TrainingTable.rating: stars,
                TrainingTable.rating_comment: comment or None,
                TrainingTable.rated_at: now,
            }
        ).where(TrainingTable.id == training_id)

    async def ratings(self, *, domain: str | None = None) -> list[Rating]:
        """Every rating given (of the skill domain asked), the newest first (titles, providers,
        stars, comments and skill domains only: never a name, a company or the plan)."""
        condition: Any = TrainingTable.rating.is_not_null()
        if domain is not None:
            condition &= TrainingTable.domain_code == domain
        rows = await (
            TrainingTable.select(
                TrainingTable.title,
                TrainingTable.provider,
                TrainingTable.rating,
                TrainingTable.rating_comment,
                TrainingTable.domain_code,
            )
            .where(condition)
            .order_by(TrainingTable.rated_at, ascending=False)
            .order_by(TrainingTable.id, ascending=False)
        )
        return [
            Rating(
                row["title"],
                row["provider"],
                row["rating"],
                row["rating_comment"],
                row["domain_code"],
            )
            for row in rows
        ]

    async def of_company(self, company_id: int, *, limit: int) -> list[tuple[Training, str]]:
        """The company's trainings with the employee's name: awaiting review first, then the
        newest; at most `limit`."""
        rows = await (
            TrainingTable.select(
                *TrainingTable.all_columns(),
                TrainingTable.employee.user.full_name.as_alias("employee_name"),  # type: ignore[union-attr]
            )
            .where(TrainingTable.company == company_id)
            .order_by(TrainingTable.created_at, ascending=False)
            .order_by(TrainingTable.id, ascending=False)
            .limit(limit)
        )
        found = [(_training(row), str(row["employee_name"])) for row in rows]
        found.sort(key=lambda pair: pair[0].status != "submitted")
        return found

    async def approved_of_company(self, company_id: int, first: date, last: date) -> list[Training]:
        rows = await (
            TrainingTable.select()
            .where(
                (TrainingTable.company == company_id)
                & (TrainingTable.status == "approved")
                & (TrainingTable.ends_on >= first)
                & (TrainingTable.ends_on <= last)
            )
            .order_by(TrainingTable.ends_on)
            .order_by(TrainingTable.id)
        )
        return [_training(row) for row in rows]
