"""What the stack allows a database-backed read, beside hello world, in one run:

    python -m bench.floor [--seconds 5] [--connections 16] [--rounds 2]

Serves `bench/hello.py`'s hello world and the same app with two more routes — one and two
PostgreSQL statements (`SELECT 1` through the service's own pool, `PostgresPool`, no table, no
JSON beyond a number)
— with uvicorn under the serve command's settings, and drives all three with `bench/api.py`'s
client, alternating in rounds. Prints JSON: req/s and the ratio of each to hello world. A read
of the service that needs a session look-up and one statement of its own cannot go above the
two-statement ratio, whatever its own work. PostgreSQL through TIMEBANK_BENCH_POSTGRES_ADMIN_URL
(default postgresql://postgres@127.0.0.1:5432/postgres); loopback only, bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any, Final

from litestar import Litestar, get

from bench.api import DEFAULT_ADMIN_URL, HOST, SECONDS_MAX, free_port, hammer, raw_request
from bench.hello import hello

ROUNDS_MAX: Final = 10
POOL_SIZE: Final = 8
START_SECONDS_MAX: Final = 30.0
_POOL: dict[str, Any] = {}


async def _open_pool() -> None:
    from timebank.db.engine import PostgresPool

    url = os.environ.get("TIMEBANK_BENCH_POSTGRES_ADMIN_URL", DEFAULT_ADMIN_URL)
    pool = PostgresPool({"dsn": url}, POOL_SIZE)
    await pool.start()
    _POOL["pool"] = pool


async def _close_pool() -> None:
    await _POOL["pool"].close()


@get("/one-statement")
async def one_statement() -> dict[str, int]:
    async with _POOL["pool"].acquire() as connection:
        return {"value": int(await connection.fetchval("SELECT 1"))}


@get("/two-statements")
async def two_statements() -> dict[str, int]:
    async with _POOL["pool"].acquire() as connection:
        first = await connection.fetchval("SELECT 1")
        second = await connection.fetchval("SELECT 2")
    return {"value": int(first + second)}


app = Litestar(
    [hello, one_statement, two_statements], on_startup=[_open_pool], on_shutdown=[_close_pool]
)

PATHS: Final = {
    "hello world": "/",
    "one statement": "/one-statement",
    "two statements": "/two-statements",
}


def _serve(port: int) -> subprocess.Popen[bytes]:
    from web.cli import KEEP_ALIVE_SECONDS

    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.floor:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "info",  # As `timebank serve` and bench/hello.py: each request is logged.
        "--timeout-keep-alive",
        str(KEEP_ALIVE_SECONDS),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + START_SECONDS_MAX
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise SystemExit("bench/floor.py: the server did not start")


async def _measure(port: int, args: argparse.Namespace) -> dict[str, Any]:
    await _wait_ready(port)
    rates: dict[str, list[float]] = {name: [] for name in PATHS}
    errors = 0
    for _ in range(args.rounds):
        for name, path in PATHS.items():
            result = await hammer(
                port,
                raw_request("GET", path, {}),
                connections=args.connections,
                seconds=args.seconds,
            )
            rates[name].append(result["req_per_second"])
            errors += result["errors"]
    hello_rate = sum(rates["hello world"]) / len(rates["hello world"])
    return {
        "requests": {
            name: {
                "req_per_second": values,
                "ratio_to_hello_world": round(sum(values) / len(values) / hello_rate, 3),
            }
            for name, values in rates.items()
        },
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not 0 < args.seconds <= SECONDS_MAX or not 1 <= args.rounds <= ROUNDS_MAX:
        parser.error(f"--seconds up to {SECONDS_MAX}, --rounds 1 to {ROUNDS_MAX}")
    port = free_port()
    server = _serve(port)
    try:
        report = asyncio.run(_measure(port, args))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "cpu_count": os.cpu_count(),
                "connections": args.connections,
                "seconds_per_figure": args.seconds,
                **report,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
