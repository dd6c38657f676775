"""Loads and stores outbox rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from timebank.db.sql import Arguments, Row, fetch_page
from timebank.db.tables import OutboxTable, UserTable
from timebank.notifications.model import (
    EMAIL_ONLY_KINDS,
    SECRET_LINK_KINDS,
    SEND_ATTEMPTS_MAX,
    Notification,
    without_secret,
)

NOTIFICATION_COLUMNS = (
    'o.id, o."user", o.kind, o.subject, o.body, o.link, o.created_at, o.read_at, o.sent_at'
)
EMAIL_ONLY = sorted(EMAIL_ONLY_KINDS)


def _from_row(row: Row) -> Notification:
    return Notification(
        id=row["id"],
        user_id=row["user"],
        kind=row["kind"],
        subject=row["subject"],
        body=row["body"],
        link=row["link"],
        created_at=row["created_at"],
        read_at=row["read_at"],
        sent_at=row["sent_at"],
    )


class NotificationRepository:
    async def add(self, rows: list[tuple[int, str, str, str, str]], *, now: datetime) -> None:
        """(user id, kind, subject, body, link) rows."""
        if rows:
            await OutboxTable.insert(
                *[
                    OutboxTable(
                        user=user, kind=kind, subject=subject, body=body, link=link, created_at=now
                    )
                    for user, kind, subject, body, link in rows
                ]
            )

    async def for_user(
        self, user_id: int, *, unread_only: bool, limit: int, offset: int
    ) -> tuple[list[Notification], int]:
        # One-time links and the door's messages (welcome, sign-up tried) are for the mailbox.
        arg = Arguments()
        where = f'o."user" = {arg(user_id)} AND NOT (o.kind {arg.among(EMAIL_ONLY)})'
        if unread_only:
            where += " AND o.read_at IS NULL"
        rows, total = await fetch_page(
            columns=NOTIFICATION_COLUMNS,
            table="outbox o",
            key="o.id",
            where=where,
            order_by="o.id DESC",
            arguments=arg,
            limit=limit,
            offset=offset,
        )
        return [_from_row(row) for row in rows], total

    async def mark_read(
        self, notification_id: int, user_id: int, now: datetime
    ) -> Notification | None:
        """Mark read (keeping the first reading time); None if not this user's notification."""
        mine = (OutboxTable.id == notification_id) & (OutboxTable.user == user_id)
        await OutboxTable.update({OutboxTable.read_at: now}).where(
            mine & OutboxTable.read_at.is_null()
        )
        row = await OutboxTable.select().where(mine).first()
        return None if row is None else _from_row(row)

    async def mark_all_read(self, user_id: int, now: datetime) -> int:
        rows = (
            await OutboxTable.update({OutboxTable.read_at: now})
            .where((OutboxTable.user == user_id) & OutboxTable.read_at.is_null())
            .returning(OutboxTable.id)
        )
        return len(rows)

    async def claim_unsent(
        self, limit: int, *, claimant: str, now: datetime, stale_before: datetime
    ) -> list[tuple[Notification, str]]:
        """Claim the oldest unsent notifications that no live claim holds, with their
        recipient's e-mail address; each claim counts as an attempt.

        The update repeats the conditions of the read: on PostgreSQL a row another sender
        claimed meanwhile is re-checked after its lock and left out; on SQLite the transaction
        holds the write lock from its start. Either way a row goes to one claimant only.
        """
        free = (
            OutboxTable.sent_at.is_null()
            & (OutboxTable.attempts < SEND_ATTEMPTS_MAX)
            & (OutboxTable.claimed_at.is_null() | (OutboxTable.claimed_at < stale_before))
        )
        candidates = (
            await OutboxTable.select(OutboxTable.id)
            .where(free)
            .order_by(OutboxTable.id)
            .limit(limit)
        )
        if not candidates:
            return []
        claimed = await (
            OutboxTable.update(
                {
                    OutboxTable.claimed_by: claimant,
                    OutboxTable.claimed_at: now,
                    OutboxTable.attempts: OutboxTable.attempts + 1,
                }
            )
            .where(OutboxTable.id.is_in([row["id"] for row in candidates]) & free)
            .returning(OutboxTable.id)
        )
        if not claimed:
            return []
        rows = await (
            OutboxTable.select(*OutboxTable.all_columns(), OutboxTable.user.email.as_alias("email"))
            .where(OutboxTable.id.is_in([row["id"] for row in claimed]))
            .order_by(OutboxTable.id)
        )
        return [(_from_row(row), row["email"]) for row in rows]

    async def mark_sent(self, notification: Notification, now: datetime) -> None:
        values: dict[Any, Any] = {OutboxTable.sent_at: now}
        if notification.kind in SECRET_LINK_KINDS:
            # The e-mail carries the one-time link; the outbox keeps no usable copy of it.
            values[OutboxTable.link] = without_secret(notification.link)
        await OutboxTable.update(values).where(
            (OutboxTable.id == notification.id) & OutboxTable.sent_at.is_null()
        )

    async def mark_failed(self, notification_id: int, error: str, *, claimant: str) -> None:
        """Keep the error and give the claim back: the next round tries again."""
        await OutboxTable.update(
            {
                OutboxTable.last_error: error[:500],
                OutboxTable.claimed_by: None,
                OutboxTable.claimed_at: None,
            }
        ).where((OutboxTable.id == notification_id) & (OutboxTable.claimed_by == claimant))

    async def release_claims(self, notification_ids: list[int], *, claimant: str) -> None:
        """Give back claims this sender will not use (its round ran out of time)."""
        if notification_ids:
            await OutboxTable.update(
                {OutboxTable.claimed_by: None, OutboxTable.claimed_at: None}
            ).where(
                OutboxTable.id.is_in(notification_ids)
                & (OutboxTable.claimed_by == claimant)
                & OutboxTable.sent_at.is_null()
            )

    async def admins_of(self, company_id: int) -> list[int]:
        from timebank.db.tables import MembershipTable

        rows = await MembershipTable.select(MembershipTable.user).where(
            (MembershipTable.company == company_id) & (MembershipTable.role == "company_admin")
        )
        return sorted({row["user"] for row in rows})

    async def operators(self) -> list[int]:
        rows = await UserTable.select(UserTable.id).where(UserTable.is_operator.eq(True))
        return sorted(row["id"] for row in rows)

    async def user_email(self, user_id: int) -> str | None:
        row = await UserTable.select(UserTable.email).where(UserTable.id == user_id).first()
        return None if row is None else str(row["email"])
