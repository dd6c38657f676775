"""Crash: the server is killed (SIGKILL) while clients send transfers through the API.

Every transfer acknowledged to a client must be stored after restart; every acknowledged
refusal must not; requests cut off in flight, sent again with the same ids, are created or
found existing, never doubled; `timebank ledger verify` passes. Runs on the database of the
test run (SQLite file or PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.test_cli import free_port
from tests.helpers import new_email, now
from tests.ledger_helpers import company_minutes_account
from timebank.book import use_cases as book
from timebank.db.unit_of_work import piccolo_unit_of_work as uow
from timebank.people.use_cases import create_operator

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]
SENDERS = 4
LOAD_SECONDS = 2.0
START_SECONDS_MAX = 60


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + START_SECONDS_MAX
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            await asyncio.sleep(0.2)


@pytest.mark.slow
async def test_acknowledged_transfers_survive_a_sigkill() -> None:
    first, second = await company_minutes_account(), await company_minutes_account()
    email, password = new_email("operator"), "operator-password"
    await create_operator(uow, email=email, password=password, full_name="Op", now=now())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    acknowledged: dict[str, str] = {}
    in_flight: dict[str, list[dict[str, Any]]] = {}
    try:
        await wait_until_up(base)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            login = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            stop_at = time.monotonic() + LOAD_SECONDS
            killed = asyncio.Event()

            async def sender(number: int) -> None:
                flip = number % 2 == 0
                while not killed.is_set():
                    batch = []
                    for _ in range(3):
                        flip = not flip
                        debit, credit = (first, second) if flip else (second, first)
                        batch.append(
                            {
                                "id": str(uuid.uuid4()),
                                "unit": "minutes",
                                "debit_account_id": debit.id,
                                "credit_account_id": credit.id,
                                "amount": 15,
                            }
                        )
                    key = batch[0]["id"]
                    in_flight[key] = batch
                    try:
                        response = await client.post(
                            "/api/v1/ledger/transfers", json={"transfers": batch}, headers=headers
                        )
                    except httpx.TransportError:
                        return  # Cut off by the kill: stays in flight.
                    assert response.status_code == 200, response.text
                    for result in response.json()["results"]:
                        acknowledged[result["id"]] = result["result"]
                    del in_flight[key]

            async def killer() -> None:
                await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
                server.send_signal(signal.SIGKILL)
                killed.set()

            await asyncio.gather(killer(), *[sender(n) for n in range(SENDERS)])
        server.wait(timeout=30)
        assert len(acknowledged) >= 30, "too little load before the kill"

        server = start_server(port)
        await wait_until_up(base)
        for transfer_id, result in acknowledged.items():
            async with uow(write=False) as repos:
                stored = await repos.book.transfer(transfer_id)
            assert (stored is not None) == (result in ("created", "exists")), transfer_id

        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            login = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            for batch in in_flight.values():
                for _ in range(2):  # Sent again twice: created or existing, never doubled.
                    response = await client.post(
                        "/api/v1/ledger/transfers", json={"transfers": batch}, headers=headers
                    )
                    assert response.status_code == 200
                    assert {r["result"] for r in response.json()["results"]} <= {
                        "created",
                        "exists",
                    }
        verify = subprocess.run(
            [sys.executable, "-m", "web.cli", "ledger", "verify"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
        report = await book.verify(uow)
        assert report.ok, report.problems
    finally:
        server.kill()
        server.wait(timeout=30)
