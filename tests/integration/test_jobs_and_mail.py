"""Scheduled jobs and the e-mail sender: the SMTP server is a real one, started by the test."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from ledger.model import TransferKind
from tests.helpers import now, sign_up
from tests.ledger_helpers import OPERATOR, clock, company_minutes_account, move
from timebank.accounting.model import first_of_month
from timebank.book import use_cases as book
from timebank.config import get_settings
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.notifications.model import Kind
from timebank.notifications.use_cases import list_notifications, notify, send_pending
from timebank.scheduler import Leadership, build_scheduler

pytestmark = pytest.mark.anyio


class SmtpServer:
    """A minimal SMTP server (RFC 5321 subset) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 test ESMTP\r\n")
        data_mode, lines = False, []
        while line := await reader.readline():
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if data_mode:
                if text == ".":
                    self.messages.append("\n".join(lines))
                    data_mode, lines = False, []
                    writer.write(b"250 queued\r\n")
                else:
                    lines.append(text)
                continue
            command = text.split(" ", 1)[0].upper()
            if command in ("EHLO", "HELO"):
                writer.write(b"250 test\r\n")
            elif command == "DATA":
                data_mode = True
                writer.write(b"354 go\r\n")
            elif command == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()

    async def __aenter__(self) -> SmtpServer:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with SmtpServer() as server:
        yield server


async def test_outbox_is_kept_without_smtp_and_sent_with_it(smtp: SmtpServer) -> None:
    signed = await sign_up()
    async with uow() as repos:
        await notify(
            repos,
            [signed.actor.user_id],
            Kind.STATEMENT_TO_AGREE,
            {"month": "octobre 2026", "other": "Atelier Test", "summary": "rien"},
            link="/x",
            now=now(),
        )
    settings = get_settings()
    assert await send_pending(uow, dataclasses.replace(settings, smtp_host=None), now=now()) == 0
    page = await list_notifications(uow, signed.actor, unread_only=True, limit=10, offset=0)
    assert page.items[0].sent_at is None
    configured = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port)
    # The shared test database holds other tests' unsent notifications: drain the outbox.
    sent = 0
    for _ in range(1000):
        batch = await send_pending(uow, configured, now=now())
        sent += batch
        if batch == 0:
            break
    assert sent >= 1
    received = [email.message_from_string(m, policy=email.policy.default) for m in smtp.messages]
    assert any(
        str(m["Subject"]) == "Relevé de compensation à valider"
        and str(m["To"]) == signed.email
        and "octobre 2026" in m.get_content()
        for m in received
    )
    page = await list_notifications(uow, signed.actor, unread_only=True, limit=10, offset=0)
    assert page.items[0].sent_at is not None
    assert await send_pending(uow, configured, now=now()) == 0  # Nothing is sent twice.


async def test_unreachable_smtp_keeps_the_notification_for_later() -> None:
    signed = await sign_up()
    async with uow() as repos:
        await notify(
            repos,
            [signed.actor.user_id],
            Kind.CONSENT_NEEDED,
            {"host": "H", "need": "N", "hours": "1 h"},
            link="/x",
            now=now(),
        )
    closed = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=1)
    await send_pending(uow, closed, now=now())
    page = await list_notifications(uow, signed.actor, unread_only=True, limit=10, offset=0)
    assert page.items[0].sent_at is None


async def test_scheduler_has_its_jobs_and_one_leader() -> None:
    scheduler = build_scheduler()
    assert {job.id for job in scheduler.get_jobs()} == {
        "prepare_statements",
        "expire_reservations",
        "send_notifications",
        "run_matching",
        "plan_rotations",
        "remind_rotations",
        "allocate_rotations",
        "prepare_year_end_exports",
    }
    plan = next(job for job in scheduler.get_jobs() if job.id == "plan_rotations")
    assert str(plan.trigger.fields[2]) == str(get_settings().rotation_plan_day)  # Day of month.
    settings = get_settings()
    first, second = Leadership(), Leadership()
    try:
        assert await first.acquire(settings.database)
        if settings.database.kind.value == "postgresql":
            assert not await second.acquire(settings.database)
    finally:
        await first.release()
        await second.release()


async def test_jobs_run_against_the_database(caplog: pytest.LogCaptureFixture) -> None:
    from timebank.jobs import scheduled as jobs

    caplog.set_level(logging.INFO, logger=jobs.LOGGER.name)
    host, lender = await company_minutes_account(), await company_minutes_account()
    hold = move(
        host, lender, 90, kind=TransferKind.PENDING, expires_at=now() + timedelta(seconds=0.3)
    )
    await book.submit(uow, [hold], clock=clock)
    await asyncio.sleep(0.5)

    await jobs.expire_reservations()
    await jobs.prepare_last_month_statements()
    await jobs.send_notifications()

    said = [r.getMessage() for r in caplog.records if r.name == jobs.LOGGER.name]
    expired = [int(m.rsplit(" ", 1)[1]) for m in said if m.startswith("reservations expired: ")]
    assert expired and expired[0] >= 1, said
    last_month = first_of_month(first_of_month(now().date()) - timedelta(days=1))
    assert any(m.startswith(f"statements prepared for {last_month.isoformat()}: ") for m in said)
    account = await book.balance(uow, OPERATOR, host.id, as_of=None)
    assert (account.balance, account.debits_pending) == (0, 0)  # The hold is gone.
    assert await book.expire_pending(uow, clock=clock) == 0  # Nothing is left to expire.
