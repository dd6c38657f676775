"""Loads and stores employer groups and their members."""

from __future__ import annotations

import builtins
from collections import defaultdict
from datetime import date, datetime
from typing import Any, Final

from timebank.db.errors import is_unique_violation
from timebank.db.tables import EmployerGroupTable, GroupJoinRequestTable, GroupMemberTable
from timebank.groups import refusals
from timebank.groups.model import (
    EmployerGroup,
    GroupMember,
    JoinRequest,
    JoinStatus,
    LegalForm,
    weekdays_of_text,
    weekdays_text,
)
from timebank.pagination import PageRequest

GROUPS_LISTED_MAX: Final = 1000


def _join_request(row: dict[str, Any]) -> JoinRequest:
    return JoinRequest(
        id=row["id"],
        group_id=row["group"],
        company_id=row["company"],
        half_days_per_month=row["half_days_per_month"],
        preferred_weekdays=weekdays_of_text(row["preferred_weekdays"]),
        message=row["message"],
        status=JoinStatus(row["status"]),
        reason=row["reason"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
    )


class GroupRepository:
    async def _members_of(self, group_ids: list[int]) -> dict[int, tuple[GroupMember, ...]]:
        if not group_ids:
            return {}
        rows = await GroupMemberTable.select().where(GroupMemberTable.group.is_in(group_ids))
        found: dict[int, list[GroupMember]] = defaultdict(list)
        for row in rows:
            found[row["group"]].append(
                GroupMember(
                    company_id=row["company"], joined_on=row["joined_on"], left_on=row["left_on"]
                )
            )
        return {
            key: tuple(sorted(value, key=lambda m: m.company_id)) for key, value in found.items()
        }

    async def _hydrate(self, rows: list[dict[str, Any]]) -> list[EmployerGroup]:
        members = await self._members_of([row["id"] for row in rows])
        return [
            EmployerGroup(
                id=row["id"],
                company_id=row["company"],
                name=row["name"],
                legal_form=LegalForm(row["legal_form"]),
                members=members.get(row["id"], ()),
                created_at=row["created_at"],
            )
            for row in rows
        ]

    async def add(self, *, company_id: int, name: str, legal_form: LegalForm, now: datetime) -> int:
        try:
            rows = await EmployerGroupTable.insert(
                EmployerGroupTable(
                    company=company_id, name=name, legal_form=legal_form.value, created_at=now
                )
            ).returning(EmployerGroupTable.id)
        except Exception as exc:
            if is_unique_violation(exc):
                raise refusals.DUPLICATE_GROUP.error() from exc
            raise
        group_id: int = rows[0]["id"]
        return group_id

    async def get(self, group_id: int) -> EmployerGroup | None:
        row = await EmployerGroupTable.select().where(EmployerGroupTable.id == group_id).first()
        return None if row is None else (await self._hydrate([row]))[0]

    async def list(self, *, page: PageRequest) -> tuple[list[EmployerGroup], int]:
        rows = await (
            EmployerGroupTable.select()
            .order_by(EmployerGroupTable.name)
            .limit(page.limit)
            .offset(page.offset)
        )
        return await self._hydrate(list(rows)), int(await EmployerGroupTable.count())

    async def entities_among(self, company_ids: builtins.list[int]) -> set[int]:
        """Those of these companies that are a group's legal entity (it employs shared CDOs)."""
        if not company_ids:
            return set()
        rows = await EmployerGroupTable.select(EmployerGroupTable.company).where(
            EmployerGroupTable.company.is_in(company_ids)
        )
        return {row["company"] for row in rows}

    async def add_member(self, group_id: int, company_id: int, joined_on: date) -> None:
        existing = (
            await GroupMemberTable.select()
            .where((GroupMemberTable.group == group_id) & (GroupMemberTable.company == company_id))
            .first()
        )
        if existing is None:
            await GroupMemberTable.insert(
                GroupMemberTable(group=group_id, company=company_id, joined_on=joined_on)
            )
        else:
            # A former member joins again: the row is reopened with the new date.
            await GroupMemberTable.update(
                {GroupMemberTable.joined_on: joined_on, GroupMemberTable.left_on: None}
            ).where(GroupMemberTable.id == existing["id"])

    async def end_member(self, group_id: int, company_id: int, left_on: date) -> None:
        await GroupMemberTable.update({GroupMemberTable.left_on: left_on}).where(
            (GroupMemberTable.group == group_id) & (GroupMemberTable.company == company_id)
        )

    async def count(self) -> int:
        return int(await EmployerGroupTable.count())

    async def all(self) -> builtins.list[EmployerGroup]:
        """Every group (a network has a few dozen; at most GROUPS_LISTED_MAX), by name."""
        rows = await (
            EmployerGroupTable.select()
            .order_by(EmployerGroupTable.name)
            .order_by(EmployerGroupTable.id)
            .limit(GROUPS_LISTED_MAX)
        )
        return await self._hydrate(list(rows))

    # -- Companies asking to join ---------------------------------------------------------

    async def add_join_request(
        self,
        *,
        group_id: int,
        company_id: int,
        half_days_per_month: int,
        preferred_weekdays: frozenset[int],
        message: str,
        user_id: int,
        now: datetime,
    ) -> int:
        rows = await GroupJoinRequestTable.insert(
            GroupJoinRequestTable(
                group=group_id,
                company=company_id,
                half_days_per_month=half_days_per_month,
                preferred_weekdays=weekdays_text(preferred_weekdays),
                message=message,
                status=JoinStatus.PENDING.value,
                requested_by=user_id,
                created_at=now,
            )
        ).returning(GroupJoinRequestTable.id)
        request_id: int = rows[0]["id"]
        return request_id

    async def get_join_request(self, request_id: int) -> JoinRequest | None:
        row = (
            await GroupJoinRequestTable.select()
            .where(GroupJoinRequestTable.id == request_id)
            .first()
        )
        return None if row is None else _join_request(row)

    async def join_requests_of_group(self, group_id: int) -> builtins.list[JoinRequest]:
        rows = (
            await GroupJoinRequestTable.select()
            .where(GroupJoinRequestTable.group == group_id)
            .order_by(GroupJoinRequestTable.created_at)
            .order_by(GroupJoinRequestTable.id)
        )
        return [_join_request(row) for row in rows]

    async def join_requests_of_company(self, company_id: int) -> builtins.list[JoinRequest]:
        rows = await (
            GroupJoinRequestTable.select()
            .where(GroupJoinRequestTable.company == company_id)
            .order_by(GroupJoinRequestTable.created_at)
            .order_by(GroupJoinRequestTable.id)
        )
        return [_join_request(row) for row in rows]

    async def decide_join_request(
        self, request_id: int, *, status: JoinStatus, reason: str, user_id: int, now: datetime
    ) -> bool:
        """Answer a pending request; False when it was answered meanwhile."""
        rows = await (
            GroupJoinRequestTable.update(
                {
                    GroupJoinRequestTable.status: status.value,
                    GroupJoinRequestTable.reason: reason,
                    GroupJoinRequestTable.decided_by: user_id,
                    GroupJoinRequestTable.decided_at: now,
                }
            )
            .where(
                (GroupJoinRequestTable.id == request_id)
                & (GroupJoinRequestTable.status == JoinStatus.PENDING.value)
            )
            .returning(GroupJoinRequestTable.id)
        )
        return bool(rows)
