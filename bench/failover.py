"""Scheduler failover: how long the jobs go without a leader.

Starts two `timebank serve` processes on the database of TIMEBANK_DATABASE_URL (migrated
first), then, ROUNDS times: kills the leader with SIGKILL and times until the survivor logs
that it leads (a new process is started to keep two). On PostgreSQL it also terminates the
lock's session (`pg_terminate_backend`) and times until exactly one process leads again and
the lock is held. Prints one line per kind: median and max in seconds.

Run as `python -m bench.failover [--rounds 5] [--retry-seconds 1]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

import asyncpg

from timebank.config import DatabaseKind, get_settings
from timebank.scheduler import LEADER_LOCK_KEY

ROOT: Final = Path(__file__).resolve().parents[1]
WAIT_SECONDS_MAX: Final = 120.0
STATE_LINE: Final = re.compile(
    r"scheduler: this process (leads|stands by|lost the lead) \(pid (\d+)\)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    def __init__(self, folder: Path, retry_seconds: int) -> None:
        self.log = folder / f"serve-{time.monotonic_ns()}.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "web.cli", "serve", "--port", str(free_port())],
                env={
                    **os.environ,
                    "PYTHONPATH": str(ROOT),
                    "TIMEBANK_LEADERSHIP_RETRY_SECONDS": str(retry_seconds),
                },
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def state(self) -> str | None:
        found = None
        for match in STATE_LINE.finditer(self.log.read_text(errors="replace")):
            if int(match[2]) == self.process.pid:
                found = match[1]
        return found


async def until(condition: object, what: str) -> float:
    """Seconds until the condition (a callable, maybe async) holds."""
    started = time.monotonic()
    while True:
        result = condition()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return time.monotonic() - started
        if time.monotonic() - started > WAIT_SECONDS_MAX:
            raise SystemExit(f"not within {WAIT_SECONDS_MAX} s: {what}")
        await asyncio.sleep(0.02)


async def lock_holders(connection: asyncpg.Connection) -> list[int]:
    rows = await connection.fetch(
        """SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND ((classid::bigint << 32) | objid::bigint) = $1""",
        LEADER_LOCK_KEY,
    )
    return [int(row["pid"]) for row in rows]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--retry-seconds", type=int, default=1)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "web.cli", "db", "migrate"], cwd=ROOT, check=True)
    database = get_settings().database
    folder = Path(tempfile.mkdtemp(prefix="failover-"))
    pair = [Served(folder, args.retry_seconds), Served(folder, args.retry_seconds)]
    kills: list[float] = []
    terminations: list[float] = []
    try:
        await until(lambda: all(s.state() for s in pair), "both processes report")
        for _ in range(args.rounds):
            leader = next(s for s in pair if s.state() == "leads")
            survivor = next(s for s in pair if s is not leader)
            leader.process.send_signal(signal.SIGKILL)
            kills.append(await until(lambda s=survivor: s.state() == "leads", "survivor leads"))
            leader.process.wait()
            pair = [survivor, Served(folder, args.retry_seconds)]
            await until(lambda s=pair[1]: s.state() == "stands by", "newcomer stands by")
        if database.kind is DatabaseKind.POSTGRESQL:
            connection = await asyncpg.connect(
                host=database.pg_host,
                port=database.pg_port,
                user=database.pg_user,
                password=database.pg_password,
                database=database.pg_database,
            )
            for _ in range(args.rounds):
                [backend] = await lock_holders(connection)
                await connection.fetchval("SELECT pg_terminate_backend($1)", backend)

                async def one_leader(backend: int = backend) -> bool:
                    holders = await lock_holders(connection)
                    leading = [s for s in pair if s.state() == "leads"]
                    return len(leading) == 1 and len(holders) == 1 and holders[0] != backend

                terminations.append(await until(one_leader, "one leader again"))
            await connection.close()
    finally:
        for served in pair:
            served.process.terminate()
            served.process.wait()
    print(f"{database.kind.value}, retry {args.retry_seconds} s, {args.rounds} rounds")
    print(f"kill -9 → new leader: median {statistics.median(kills):.2f} s, max {max(kills):.2f} s")
    if terminations:
        print(
            f"session terminated → one leader: median {statistics.median(terminations):.2f} s, "
            f"max {max(terminations):.2f} s"
        )


if __name__ == "__main__":
    asyncio.run(main())
