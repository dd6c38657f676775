"""Concurrency: two OS processes with 16 workers each (32 connections) hammer one hot account
whose credit line would be breached if any transfer were counted twice.

Afterwards: balances equal the sum of acknowledged transfers, no entry ever went below the
credit line, every acknowledged id is stored exactly once and nothing else is, and the audit
passes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from pathlib import Path

import pytest

from tests.ledger_helpers import company_minutes_account
from timebank.book import use_cases as book
from timebank.db.tables import LedgerEntryTable, LedgerTransferTable
from timebank.db.unit_of_work import engine
from timebank.db.unit_of_work import piccolo_unit_of_work as uow

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 2


async def test_thirty_two_workers_in_two_processes_never_double_count(tmp_path: Path) -> None:
    postgres = engine().engine_type == "postgres"
    workers = 16 if postgres else 4  # SQLite serialises writers: fewer, same checks.
    # On SQLite a loaded machine turns many attempts into `busy`: more attempts make sure the
    # hot account still reaches its credit line, which the test must see to prove anything.
    attempts = 10 if postgres else 25
    hot, cold1, cold2 = (
        await company_minutes_account(),
        await company_minutes_account(),
        await company_minutes_account(),
    )
    tag = f"load-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.ledger_load",
            str(hot.id),
            str(cold1.id),
            str(cold2.id),
            "--workers",
            str(workers),
            "--attempts",
            str(attempts),
            "--tag",
            tag,
            "--out",
            str(tmp_path / f"log{n}.json"),
            env=env,
            cwd=ROOT,
        )
        for n in range(PROCESSES)
    ]
    for process in processes:
        assert await asyncio.wait_for(process.wait(), timeout=600) == 0
    log = [
        entry
        for n in range(PROCESSES)
        for entry in json.loads((tmp_path / f"log{n}.json").read_text())
    ]
    assert len(log) == PROCESSES * workers * attempts
    created = [entry for entry in log if entry["result"] == "created"]
    refused = [entry for entry in log if entry["result"] == "exceeds_debit_limit"]
    assert len(created) + len(refused) + sum(e["result"] == "busy" for e in log) == len(log)
    assert refused, "the credit line was never reached: the test would prove nothing"
    busy = len(log) - len(created) - len(refused)
    print(f"{len(created)} created, {len(refused)} refused, {busy} busy")

    expected: dict[int, int] = {hot.id: 0, cold1.id: 0, cold2.id: 0}
    for entry in created:
        expected[int(entry["debit"])] -= int(entry["amount"])
        expected[int(entry["credit"])] += int(entry["amount"])
    for account_id, value in expected.items():
        assert (await book.balance(uow, book_operator(), account_id, as_of=None)).balance == value

    stored = await LedgerTransferTable.select(LedgerTransferTable.id).where(
        LedgerTransferTable.external_ref == tag
    )
    stored_ids = [row["id"] for row in stored]
    assert len(stored_ids) == len(set(stored_ids))
    assert set(stored_ids) == {entry["id"] for entry in created}

    entries = await LedgerEntryTable.select(
        LedgerEntryTable.balance_after, LedgerEntryTable.debits_pending_after
    ).where(LedgerEntryTable.account == hot.id)
    assert hot.balance_min is not None
    assert all(e["balance_after"] - e["debits_pending_after"] >= hot.balance_min for e in entries)
    report = await book.verify(uow)
    assert report.ok, report.problems


def book_operator() -> book.Actor:
    return book.Actor(user_id=0, email="op@test.example", full_name="Op", is_operator=True)
