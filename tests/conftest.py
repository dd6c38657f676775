"""Test set-up shared by every layer.

The database comes from TIMEBANK_DATABASE_URL: CI runs the whole suite once on SQLite (the
default, a fresh file per run) and once on a fresh PostgreSQL database. Tests never assume an
empty database: each one creates its own companies and people with unique SIRENs and e-mails.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

if not os.environ.get("TIMEBANK_DATABASE_URL"):
    _DIRECTORY = tempfile.mkdtemp(prefix="timebank-tests-")
    os.environ["TIMEBANK_DATABASE_URL"] = f"sqlite:///{_DIRECTORY}/tests.sqlite3"
os.environ.setdefault("TIMEBANK_SECRET_KEY", "test-secret-key-that-is-long-enough-1234567890")
# Rotation plans in tests are small: a short CP-SAT budget keeps the suite quick (the plans'
# rules are checked whatever the budget).
os.environ.setdefault("TIMEBANK_ROTATION_TIME_LIMIT_SECONDS", "2")
# The whole suite comes from one address (127.0.0.1): its many sign-ups must not be throttled.
# The throttle's own tests give their app small limits (tests/e2e/test_login_throttle.py).
os.environ.setdefault("TIMEBANK_THROTTLE_ADDRESS_ATTEMPTS_MAX", "1000000")


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
async def database(anyio_backend: str) -> AsyncIterator[None]:
    """Open the database once per run, migrate it and load the taxonomy."""
    del anyio_backend
    from timebank.book.use_cases import ensure_system_accounts
    from timebank.config import get_settings
    from timebank.db.engine import close_database, open_database
    from timebank.db.migrate import migrate
    from timebank.db.unit_of_work import engine, piccolo_unit_of_work
    from timebank.skills.use_cases import sync_taxonomy

    settings = get_settings()
    await open_database(engine(), settings.database)
    await migrate()
    await ensure_system_accounts(piccolo_unit_of_work, now=datetime.now(UTC))
    await sync_taxonomy(piccolo_unit_of_work)
    yield
    await close_database(engine(), settings.database)
