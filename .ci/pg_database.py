"""Create or drop the throw-away PostgreSQL database of one CI run.

Usage: python .ci/pg_database.py ADMIN_URL NAME create|drop
"""

import asyncio
import re
import sys

import asyncpg


async def main(admin_url: str, name: str, action: str) -> None:
    assert re.fullmatch(r"[a-z0-9_]{1,63}", name), name
    connection = await asyncpg.connect(admin_url)
    try:
        if action == "create":
            await connection.execute(f'CREATE DATABASE "{name}"')
        elif action == "drop":
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            raise SystemExit(f"unknown action {action!r}")
    finally:
        await connection.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
