"""One scheduler, always one, and each e-mail sent once, with several serving processes.

Real `timebank serve` processes run on the database of the test run (SQLite file or
PostgreSQL) with a one-second leadership retry interval. Each process logs its changes of
state ("scheduler: this process leads (pid N)", "stands by", "lost the lead"): the tests read
those lines to know who leads. Every wait is a bounded wait-until loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

import asyncpg
import httpx
import pytest

from tests.e2e.test_cli import free_port
from tests.helpers import now, sign_up
from tests.integration.test_jobs_and_mail import SmtpServer
from timebank.config import DatabaseKind, get_settings
from timebank.db.tables import OutboxTable
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.jobs import scheduled
from timebank.notifications.model import CLAIM_EXPIRY_SECONDS, Kind
from timebank.notifications.use_cases import notify, send_pending
from timebank.scheduler import LEADER_LOCK_KEY, Leadership, SchedulerLeader, lock_file_path
from web.cli import WORKERS_MAX, build_parser

pytestmark = pytest.mark.anyio
ROOT: Final = Path(__file__).resolve().parents[2]
START_SECONDS_MAX: Final = 60.0
# Retry interval 1 s: a new leader within a few intervals, with room for a loaded machine.
TAKEOVER_SECONDS_MAX: Final = 30.0
SENDERS_SECONDS_MAX: Final = 60.0
QUEUED_EMAILS: Final = 60
STATE_LINE: Final = re.compile(
    r"scheduler: this process (leads|stands by|lost the lead) \(pid (\d+)\)"
)

postgres_only = pytest.mark.skipif(
    get_settings().database.kind is not DatabaseKind.POSTGRESQL, reason="PostgreSQL's sessions"
)


class Served:
    """One `timebank serve` process group, its port and its log."""

    def __init__(self, log: Path, *extra: str) -> None:
        self.port = free_port()
        self.log = log
        environment = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TIMEBANK_LEADERSHIP_RETRY_SECONDS": "1",
        }
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "web.cli", "serve", "--port", str(self.port), *extra],
                env=environment,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Its workers too are stopped with the group.
            )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def states(self) -> dict[int, str]:
        """Each logging process's last state, by process id."""
        found: dict[int, str] = {}
        for match in STATE_LINE.finditer(self.log.read_text(errors="replace")):
            found[int(match[2])] = match[1]
        return found

    async def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS_MAX
        async with httpx.AsyncClient() as client:
            while True:
                try:
                    if (await client.get(f"{self.base}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                assert self.process.poll() is None, self.log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the service did not start"
                await asyncio.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # Graceful: the lease is given back.
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*extra: str) -> Served:
        started.append(Served(tmp_path / f"serve-{len(started)}.log", *extra))
        return started[-1]

    yield start
    for served in started:
        served.stop()


async def wait_until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds:.0f} s: {what}"
        await asyncio.sleep(0.1)


def leaders(*served: Served) -> list[int]:
    return [pid for s in served for pid, state in s.states().items() if state == "leads"]


async def two_servers(serve: Callable[..., Served]) -> tuple[Served, Served]:
    """Two single-process services on one database, each with its state known."""
    first, second = serve(), serve()
    await first.wait_until_up()
    await second.wait_until_up()
    await wait_until(
        lambda: first.process.pid in first.states() and second.process.pid in second.states(),
        TAKEOVER_SECONDS_MAX,
        "both processes report their state",
    )
    return first, second


@pytest.mark.slow
async def test_two_processes_elect_one_leader_and_a_killed_leader_is_replaced(
    serve: Callable[..., Served],
) -> None:
    first, second = await two_servers(serve)
    assert len(leaders(first, second)) == 1
    leader, follower = (first, second) if leaders(first) else (second, first)
    assert follower.states()[follower.process.pid] == "stands by"

    leader.process.send_signal(signal.SIGKILL)
    leader.process.wait(timeout=20)
    await wait_until(
        lambda: leaders(follower) == [follower.process.pid],
        TAKEOVER_SECONDS_MAX,
        "the survivor leads",
    )


async def _lock_holders(connection: asyncpg.Connection) -> list[int]:
    rows = await connection.fetch(
        """
        SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((classid::bigint << 32) | objid::bigint) = $1
        """,
        LEADER_LOCK_KEY,
    )
    return [int(row["pid"]) for row in rows]


async def _connect() -> asyncpg.Connection:
    database = get_settings().database
    return await asyncpg.connect(
        host=database.pg_host,
        port=database.pg_port,
        user=database.pg_user,
        password=database.pg_password,
        database=database.pg_database,
    )


@postgres_only
async def test_a_terminated_lock_session_leaves_exactly_one_leader(
    serve: Callable[..., Served],
) -> None:
    first, second = await two_servers(serve)
    assert len(leaders(first, second)) == 1
    old_leader = first if leaders(first) else second
    connection = await _connect()
    try:
        [backend] = await _lock_holders(connection)
        assert await connection.fetchval("SELECT pg_terminate_backend($1)", backend)

        holders: list[int] = []

        async def settled() -> bool:
            holders[:] = await _lock_holders(connection)
            log = old_leader.log.read_text(errors="replace")
            return (
                "lost the lead" in log
                and len(holders) == 1
                and holders[0] != backend
                and len(leaders(first, second)) == 1
            )

        deadline = time.monotonic() + TAKEOVER_SECONDS_MAX
        while not await settled():
            assert time.monotonic() < deadline, (
                f"leaders {leaders(first, second)}, lock held by {holders}"
            )
            await asyncio.sleep(0.1)
    finally:
        await connection.close()


@pytest.mark.slow
async def test_serve_with_two_workers_answers_and_one_worker_leads(
    serve: Callable[..., Served],
) -> None:
    served = serve("--workers", "2")
    await served.wait_until_up()
    async with httpx.AsyncClient(base_url=served.base) as client:
        for _ in range(20):
            assert (await client.get("/healthz")).status_code == 200
    await wait_until(
        lambda: len(served.states()) == 2, TAKEOVER_SECONDS_MAX, "both workers report their state"
    )
    assert sorted(served.states().values()) == ["leads", "stands by"]


def test_workers_are_bounded() -> None:
    parser = build_parser()
    assert parser.parse_args(["serve", "--workers", str(WORKERS_MAX)]).workers == WORKERS_MAX
    for refused in ("0", str(WORKERS_MAX + 1), "two"):
        with pytest.raises(SystemExit):
            parser.parse_args(["serve", "--workers", refused])


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with SmtpServer() as server:
        yield server


async def _queue(count: int) -> tuple[str, list[int]]:
    """`count` notifications to one person, each with its own token in the body."""
    signed = await sign_up()
    tag = uuid.uuid4().hex[:12]
    for number in range(count):
        async with uow() as repos:
            await notify(
                repos,
                [signed.actor.user_id],
                Kind.STATEMENT_TO_AGREE,
                {"month": f"{tag}-{number}-", "other": "Atelier Test", "summary": "rien"},
                link="/x",
                now=now(),
            )
    rows = await OutboxTable.select(OutboxTable.id).where(
        (OutboxTable.user == signed.actor.user_id) & OutboxTable.body.like(f"%{tag}-%")
    )
    return tag, [row["id"] for row in rows]


def _bodies(smtp: SmtpServer) -> list[str]:
    return [
        str(email.message_from_string(m, policy=email.policy.default).get_content())
        for m in smtp.messages
    ]


async def test_two_sending_processes_send_each_email_once(smtp: SmtpServer, tmp_path: Path) -> None:
    tag, ids = await _queue(QUEUED_EMAILS)
    go = tmp_path / "go"
    senders = []
    for number in range(2):
        senders.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.integration.notification_sender",
                "--smtp-port",
                str(smtp.port),
                "--ready",
                str(tmp_path / f"ready-{number}"),
                "--go",
                str(go),
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=asyncio.subprocess.PIPE,
            )
        )
    await wait_until(
        lambda: all((tmp_path / f"ready-{n}").exists() for n in range(2)),
        START_SECONDS_MAX,
        "both senders ready",
    )
    go.touch()  # Both start sending at the same moment.
    outputs = await asyncio.wait_for(
        asyncio.gather(*[sender.communicate() for sender in senders]), SENDERS_SECONDS_MAX
    )
    assert [sender.returncode for sender in senders] == [0, 0]
    assert sum(int(out) for out, _ in outputs) >= QUEUED_EMAILS

    bodies = _bodies(smtp)
    for number in range(QUEUED_EMAILS):
        assert sum(f"{tag}-{number}-" in body for body in bodies) == 1, number
    rows = await OutboxTable.select(OutboxTable.sent_at, OutboxTable.attempts).where(
        OutboxTable.id.is_in(ids)
    )
    assert all(row["sent_at"] is not None and row["attempts"] == 1 for row in rows)


async def _drain(smtp: SmtpServer, *, at: datetime) -> None:
    configured = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=smtp.port)
    for _ in range(1000):
        if await send_pending(uow, configured, now=at) == 0:
            return


async def test_a_claim_never_completed_expires_and_is_sent_again(smtp: SmtpServer) -> None:
    tag, [notification_id] = await _queue(1)
    # A sender claimed it and was killed before sending.
    await OutboxTable.update(
        {
            OutboxTable.claimed_by: "killed-host:1",
            OutboxTable.claimed_at: now(),
            OutboxTable.attempts: 1,
        }
    ).where(OutboxTable.id == notification_id)

    await _drain(smtp, at=now())
    assert not any(tag in body for body in _bodies(smtp))  # The claim still holds.

    await _drain(smtp, at=now() + timedelta(seconds=CLAIM_EXPIRY_SECONDS + 1))
    assert sum(tag in body for body in _bodies(smtp)) == 1
    row = await OutboxTable.select().where(OutboxTable.id == notification_id).first()
    assert row is not None and row["sent_at"] is not None and row["attempts"] == 2


async def test_a_lease_is_held_once_and_checked_against_its_lock() -> None:
    database = get_settings().database
    first, second = Leadership(), Leadership()
    try:
        assert await first.acquire(database)
        assert await first.held()
        assert not await second.acquire(database)
        if database.kind is DatabaseKind.SQLITE:
            lock = lock_file_path(database)
            lock.rename(lock.with_name(lock.name + ".moved"))  # Another file at the path now.
            assert not await first.held()
        else:
            connection = await _connect()
            try:
                [backend] = await _lock_holders(connection)
                await connection.fetchval("SELECT pg_terminate_backend($1)", backend)
                gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)"
                deadline = time.monotonic() + TAKEOVER_SECONDS_MAX
                while not await connection.fetchval(gone, backend):
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.05)
            finally:
                await connection.close()
            assert not await first.held()
        await first.release()
        assert await second.acquire(database)
        assert await second.held()
    finally:
        await first.release()
        await second.release()


class FakeLease:
    """A lease the test takes away."""

    def __init__(self) -> None:
        self.ours = True

    async def acquire(self, database: object) -> bool:
        del database
        return self.ours

    async def held(self) -> bool:
        return self.ours

    async def release(self) -> None:
        pass


async def test_a_leader_that_lost_its_lease_starts_no_job_and_pauses_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[str] = []

    async def send_notifications() -> None:
        started.append("send_notifications")

    monkeypatch.setattr(scheduled, "send_notifications", send_notifications)
    leader = SchedulerLeader(get_settings().database, retry_seconds=1)
    lease = FakeLease()
    leader.leadership = lease  # type: ignore[assignment]
    try:
        await leader.tick()
        assert leader.leads and leader.scheduler is not None
        job = leader.scheduler.get_job("send_notifications").func
        await job()
        assert started == ["send_notifications"]

        lease.ours = False
        await job()  # The job checks the lease first: it does not run.
        assert started == ["send_notifications"]
        assert not leader.leads  # Paused at once, before the next tick.
        await leader.tick()
        assert leader.scheduler is None and leader.state == "stands by"
    finally:
        await leader.stop()
