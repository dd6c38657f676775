"""A sending process for the claims test: signals it is ready, waits for the go file, then
sends every unsent notification to the test's SMTP server and prints how many it sent.

Run as `python -m tests.integration.notification_sender --smtp-port P --ready FILE --go FILE`;
the database comes from TIMEBANK_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from timebank.config import get_settings
from timebank.db.engine import close_database, open_database
from timebank.db.unit_of_work import engine, piccolo_unit_of_work
from timebank.notifications.use_cases import send_pending

GO_WAIT_SECONDS_MAX: Final = 60.0
ROUNDS_MAX: Final = 100


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--ready", type=Path, required=True)
    parser.add_argument("--go", type=Path, required=True)
    args = parser.parse_args()
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=args.smtp_port)
    await open_database(engine(), settings.database)
    try:
        args.ready.touch()
        deadline = time.monotonic() + GO_WAIT_SECONDS_MAX
        while not args.go.exists():
            assert time.monotonic() < deadline, "no go signal"
            await asyncio.sleep(0.005)
        sent = 0
        for _ in range(ROUNDS_MAX):
            batch = await send_pending(piccolo_unit_of_work, settings, now=datetime.now(UTC))
            sent += batch
            if batch == 0:
                break
        print(sent)
    finally:
        await close_database(engine(), settings.database)


if __name__ == "__main__":
    asyncio.run(main())
