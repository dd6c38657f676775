"""Use cases on notifications: write (inside another use case's transaction), read, send."""

from __future__ import annotations

import asyncio
import os
import smtplib
import socket
import time
from datetime import datetime, timedelta
from email.message import EmailMessage

from timebank.config import Settings
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.notifications import refusals
from timebank.notifications.model import (
    CLAIM_EXPIRY_SECONDS,
    SEND_BATCH_MAX,
    SEND_ROUND_SECONDS_MAX,
    SMTP_TIMEOUT_SECONDS,
    Kind,
    Notification,
    email_body,
    render,
)
from timebank.pagination import Page, page_request
from timebank.people.model import Actor


async def notify(
    repos: Repositories,
    user_ids: list[int],
    kind: Kind,
    values: dict[str, str],
    *,
    link: str,
    now: datetime,
) -> None:
    """Queue one notification per user, in the caller's transaction."""
    subject, body = render(kind, values)
    await repos.notifications.add(
        [(user_id, kind.value, subject, body, link) for user_id in sorted(set(user_ids))], now=now
    )


async def list_notifications(
    uow: UnitOfWork, actor: Actor, *, unread_only: bool, limit: int, offset: int
) -> Page[Notification]:
    page = page_request(limit, offset)
    async with uow(write=False) as repos:
        items, total = await repos.notifications.for_user(
            actor.user_id, unread_only=unread_only, limit=page.limit, offset=page.offset
        )
    return Page(items=tuple(items), total=total, limit=page.limit, offset=page.offset)


async def mark_read(
    uow: UnitOfWork, actor: Actor, notification_id: int, *, now: datetime
) -> Notification:
    """Mark one of the person's own notifications read; another person's is not found."""
    async with uow() as repos:
        notification = await repos.notifications.mark_read(notification_id, actor.user_id, now)
    if notification is None:
        raise refusals.NOTIFICATION_NOT_FOUND.error(id=notification_id)
    return notification


async def mark_all_read(uow: UnitOfWork, actor: Actor, *, now: datetime) -> int:
    """Mark every unread notification of the person read; returns how many were unread."""
    async with uow() as repos:
        return await repos.notifications.mark_all_read(actor.user_id, now)


def _send_one(settings: Settings, to: str, subject: str, body: str) -> None:
    assert settings.smtp_host is not None
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
    ) as client:
        client.send_message(message)


def this_sender() -> str:
    """Names the sending process in its claims: host and process id."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


async def send_pending(
    uow: UnitOfWork, settings: Settings, *, now: datetime, claimant: str | None = None
) -> int:
    """Send unsent notifications by e-mail; without SMTP settings, keep them in the outbox.

    A batch is claimed first, in one transaction, so that two processes never send the same
    e-mail; a claim left by a sender that died expires and the notification is sent again
    (at least once, at most SEND_ATTEMPTS_MAX claims).
    """
    if settings.smtp_host is None:
        return 0
    claimant = claimant or this_sender()
    async with uow() as repos:
        pending = await repos.notifications.claim_unsent(
            SEND_BATCH_MAX,
            claimant=claimant,
            now=now,
            stale_before=now - timedelta(seconds=CLAIM_EXPIRY_SECONDS),
        )
    started = time.monotonic()
    sent = 0
    for position, (notification, email) in enumerate(pending):
        if time.monotonic() - started > SEND_ROUND_SECONDS_MAX:
            async with uow() as repos:
                await repos.notifications.release_claims(
                    [n.id for n, _ in pending[position:]], claimant=claimant
                )
            break
        try:
            await asyncio.to_thread(
                _send_one,
                settings,
                email,
                notification.subject,
                email_body(notification.body, notification.link),
            )
        except (OSError, smtplib.SMTPException) as exc:
            async with uow() as repos:
                await repos.notifications.mark_failed(notification.id, str(exc), claimant=claimant)
            continue
        async with uow() as repos:
            await repos.notifications.mark_sent(notification, now)
        sent += 1
    return sent
