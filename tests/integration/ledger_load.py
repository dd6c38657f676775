"""A load process for concurrency tests: N workers, each on its own connection, each sending
single transfers between hot accounts and recording what was acknowledged.

Run as `python -m tests.integration.ledger_load HOT COLD1 COLD2 --workers 16 --attempts 10
--tag TAG --out FILE`; the database comes from TIMEBANK_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import uuid
from datetime import UTC, datetime

from ledger.model import TransferCode, TransferKind, TransferRequest, Unit
from timebank.book.use_cases import submit
from timebank.config import get_settings
from timebank.db.engine import close_database, open_database
from timebank.db.unit_of_work import engine, piccolo_unit_of_work
from timebank.errors import ServiceUnavailable


async def worker(number: int, args: argparse.Namespace, log: list[dict[str, object]]) -> None:
    rng = random.Random(f"{args.tag}-{number}")
    for _ in range(args.attempts):
        cold = rng.choice([args.cold1, args.cold2])
        # Mostly drain the hot account; sometimes pay it back, in the opposite lock order.
        debit, credit, amount = (args.hot, cold, 60) if rng.random() < 0.8 else (cold, args.hot, 30)
        request = TransferRequest(
            id=str(uuid.uuid4()),
            kind=TransferKind.SINGLE,
            unit=Unit.MINUTES,
            code=TransferCode.EXCHANGE,
            debit_account_id=debit,
            credit_account_id=credit,
            amount=amount,
            external_ref=args.tag,
        )
        try:
            outcome = (
                await submit(piccolo_unit_of_work, [request], clock=lambda: datetime.now(UTC))
            )[0]
            result = outcome.result.value
        except ServiceUnavailable:
            result = "busy"
        log.append(
            {"id": request.id, "result": result, "debit": debit, "credit": credit, "amount": amount}
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("hot", type=int)
    parser.add_argument("cold1", type=int)
    parser.add_argument("cold2", type=int)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    settings = get_settings()
    await open_database(engine(), settings.database, pool_size_max=args.workers + 2)
    log: list[dict[str, object]] = []
    try:
        await asyncio.gather(*[worker(n, args, log) for n in range(args.workers)])
    finally:
        await close_database(engine(), settings.database)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(log, handle)


if __name__ == "__main__":
    asyncio.run(main())
