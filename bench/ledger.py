"""Ledger benchmark: pure decision rate, store throughput, and a raw-SQL baseline, one run.

    python bench/ledger.py [--concurrency 8] [--singles 100] [--batches 10] [--repeat 3]

Prints one JSON document. For each engine (SQLite file; PostgreSQL through
TIMEBANK_BENCH_POSTGRES_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres, in a
throw-away database) it measures, with the same number of concurrent workers on each side:
- store_single: one transfer per transaction through `timebank.book.use_cases.submit`;
- store_batch_100: batches of 100 transfers per transaction;
- raw_single: the minimum equivalent work in plain SQL (update two balances, insert one row,
  one transaction per transfer, same durability settings);
and reports rates (transfers/s, best of `--repeat` runs on each side) and the ratios store/raw.
Rates vary with the machine's load: compare the ratios, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = 64


def pure_rate(transfers: int = 100_000) -> dict[str, float]:
    """The state machine alone, in memory, batches of 1 000."""
    sys.path.insert(0, str(ROOT))
    from ledger.model import Account, AccountKind, TransferCode, TransferKind, TransferRequest, Unit
    from ledger.state_machine import Snapshot, apply_batch

    snapshot = Snapshot(
        accounts={
            i: Account(i, Unit.MINUTES, AccountKind.COMPANY, i, -(10**12), None)
            for i in range(1, ACCOUNTS + 1)
        }
    )
    rng = random.Random(1)
    requests = []
    for _ in range(transfers):
        debit, credit = rng.sample(range(1, ACCOUNTS + 1), 2)
        requests.append(
            TransferRequest(
                id=str(uuid.uuid4()),
                kind=TransferKind.SINGLE,
                unit=Unit.MINUTES,
                code=TransferCode.EXCHANGE,
                debit_account_id=debit,
                credit_account_id=credit,
                amount=rng.randint(1, 600),
            )
        )
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, transfers, 1000):
        apply_batch(snapshot, requests[start : start + 1000], now=now)
    elapsed = time.perf_counter() - started
    return {
        "transfers": transfers,
        "seconds": round(elapsed, 3),
        "transfers_per_second": round(transfers / elapsed),
    }


async def _store_worker_setup() -> list[int]:
    from stdnum import luhn

    from timebank.book.use_cases import ensure_company_accounts, ensure_system_accounts
    from timebank.companies.model import draft_company
    from timebank.db.migrate import migrate
    from timebank.db.unit_of_work import piccolo_unit_of_work

    await migrate()
    now = datetime.now(UTC)
    await ensure_system_accounts(piccolo_unit_of_work, now=now)
    account_ids = []
    async with piccolo_unit_of_work() as repos:
        for number in range(ACCOUNTS):
            body = f"{10_000_000 + number:08d}"
            draft = draft_company(
                siren=body + luhn.calc_check_digit(body),
                name=f"Bench {number}",
                address="",
                postal_code="35000",
                city="Rennes",
                headcount_band_value="0-9",
                naf_code=None,
                has_cse=False,
            )
            company = await repos.companies.add(draft, now=now)
            accounts = await ensure_company_accounts(repos, company.id, now=now)
            account_ids.append(accounts[next(iter(accounts))].id)
            await repos.book.set_limits(account_ids[-1], None, None)
    return account_ids


async def _run_store(account_ids: list[int], workers: int, count: int, batch: int) -> float:
    from ledger.model import TransferCode, TransferKind, TransferRequest, Unit
    from timebank.book.use_cases import submit_grouped
    from timebank.db.unit_of_work import piccolo_unit_of_work

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(count):
            requests = []
            for _ in range(batch):
                debit, credit = rng.sample(account_ids, 2)
                requests.append(
                    TransferRequest(
                        id=str(uuid.uuid4()),
                        kind=TransferKind.SINGLE,
                        unit=Unit.MINUTES,
                        code=TransferCode.EXCHANGE,
                        debit_account_id=debit,
                        credit_account_id=credit,
                        amount=rng.randint(1, 600),
                    )
                )
            outcomes = await submit_grouped(piccolo_unit_of_work, requests)
            assert all(o.result.value == "created" for o in outcomes)

    started = time.perf_counter()
    await asyncio.gather(*[worker(n) for n in range(workers)])
    return workers * count * batch / (time.perf_counter() - started)


async def _raw_postgres(url: str, workers: int, count: int, *, prefix: str) -> float:
    import asyncpg

    pool = await asyncpg.create_pool(url, min_size=workers, max_size=workers)
    async with pool.acquire() as connection:
        await connection.execute(
            f"CREATE TABLE {prefix}raw_account (id INT PRIMARY KEY, balance BIGINT NOT NULL);"
            f"CREATE TABLE {prefix}raw_transfer (id UUID PRIMARY KEY, debit INT NOT NULL, "
            "credit INT NOT NULL, amount BIGINT NOT NULL)"
        )
        await connection.executemany(
            f"INSERT INTO {prefix}raw_account VALUES ($1, 0)",
            [(i,) for i in range(1, ACCOUNTS + 1)],
        )

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        async with pool.acquire() as connection:
            for _ in range(count):
                debit, credit = sorted(rng.sample(range(1, ACCOUNTS + 1), 2))
                amount = rng.randint(1, 600)
                async with connection.transaction():
                    await connection.execute(
                        f"UPDATE {prefix}raw_account SET balance = balance - $2 WHERE id = $1",
                        debit,
                        amount,
                    )
                    await connection.execute(
                        f"UPDATE {prefix}raw_account SET balance = balance + $2 WHERE id = $1",
                        credit,
                        amount,
                    )
                    await connection.execute(
                        f"INSERT INTO {prefix}raw_transfer VALUES ($1, $2, $3, $4)",
                        uuid.uuid4(),
                        debit,
                        credit,
                        amount,
                    )

    started = time.perf_counter()
    await asyncio.gather(*[worker(n) for n in range(workers)])
    rate = workers * count / (time.perf_counter() - started)
    await pool.close()
    return rate


def _raw_sqlite(path: str, workers: int, count: int) -> float:
    import threading

    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode = WAL")
    setup.execute("CREATE TABLE raw_account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
    setup.execute(
        "CREATE TABLE raw_transfer (id TEXT PRIMARY KEY, debit INTEGER, credit INTEGER,"
        " amount INTEGER)"
    )
    setup.executemany(
        "INSERT INTO raw_account VALUES (?, 0)", [(i,) for i in range(1, ACCOUNTS + 1)]
    )
    setup.commit()
    setup.close()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA synchronous = FULL")
        for _ in range(count):
            debit, credit = rng.sample(range(1, ACCOUNTS + 1), 2)
            amount = rng.randint(1, 600)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "UPDATE raw_account SET balance = balance - ? WHERE id = ?", (amount, debit)
            )
            connection.execute(
                "UPDATE raw_account SET balance = balance + ? WHERE id = ?", (amount, credit)
            )
            connection.execute(
                "INSERT INTO raw_transfer VALUES (?, ?, ?, ?)",
                (str(uuid.uuid4()), debit, credit, amount),
            )
            connection.execute("COMMIT")
        connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return workers * count / (time.perf_counter() - started)


async def engine_worker(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Runs inside a subprocess whose TIMEBANK_DATABASE_URL names the engine's database."""
    sys.path.insert(0, str(ROOT))
    from timebank.config import get_settings
    from timebank.db.engine import close_database, open_database
    from timebank.db.unit_of_work import engine as current_engine

    settings = get_settings()
    await open_database(current_engine(), settings.database, pool_size_max=args.concurrency + 2)
    try:
        account_ids = await _store_worker_setup()
        single = max(
            [
                await _run_store(account_ids, args.concurrency, args.singles, 1)
                for _ in range(args.repeat)
            ]
        )
        batched = max(
            [
                await _run_store(account_ids, args.concurrency, args.batches, 100)
                for _ in range(args.repeat)
            ]
        )
    finally:
        await close_database(current_engine(), settings.database)
    raws = []
    for attempt in range(args.repeat):
        if engine == "postgresql":
            raws.append(
                await _raw_postgres(
                    args.raw_url, args.concurrency, args.singles, prefix=f"r{attempt}_"
                )
            )
        else:
            raws.append(_raw_sqlite(f"{args.raw_url}.{attempt}", args.concurrency, args.singles))
    raw = max(raws)
    return {
        "concurrency": args.concurrency,
        "best_of": args.repeat,
        "store_single_per_second": round(single),
        "store_batch_100_per_second": round(batched),
        "raw_single_per_second": round(raw),
        "ratio_store_single_to_raw_single": round(single / raw, 3),
        "ratio_store_batch_100_to_raw_single": round(batched / raw, 3),
    }


def _admin(url: str, statement: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--singles", type=int, default=100, help="transfers per worker")
    parser.add_argument("--batches", type=int, default=10, help="batches of 100 per worker")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs, both sides")
    parser.add_argument("--worker", choices=["sqlite", "postgresql"])
    parser.add_argument("--raw-url", default="")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(engine_worker(args.worker, args))))
        return
    report: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "cpu_count": os.cpu_count(),
        "pure_core": pure_rate(),
    }
    common = [
        "--concurrency",
        str(args.concurrency),
        "--singles",
        str(args.singles),
        "--batches",
        str(args.batches),
    ]
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TIMEBANK_DATABASE_URL": f"sqlite:///{folder}/store.sqlite3",
        }
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                "sqlite",
                "--raw-url",
                f"{folder}/raw.sqlite3",
                *common,
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        report["sqlite"] = json.loads(out.stdout.strip().splitlines()[-1])
    admin = os.environ.get(
        "TIMEBANK_BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = f"timebank_bench_{os.getpid()}"
    _admin(admin, f'CREATE DATABASE "{name}"')
    try:
        url = f"{admin.rsplit('/', 1)[0]}/{name}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TIMEBANK_DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, __file__, "--worker", "postgresql", "--raw-url", url, *common],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        report["postgresql"] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
