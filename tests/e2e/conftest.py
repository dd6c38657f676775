"""HTTP through the real application, in the test's own event loop.

httpx's ASGI transport calls the app directly in this loop, so the database pool opened by the
session fixture serves both the tests and the handlers (Litestar's test client would run the
app in another loop, where a PostgreSQL pool cannot follow).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar


@pytest.fixture(scope="session")
def app(database: None) -> Litestar:
    del database
    from web.app import create_app

    return create_app(manage_database=False)


@pytest.fixture(name="client")
async def fx_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        yield client


@pytest.fixture(autouse=True)
def _uses_database(database: None) -> None:
    """Every end-to-end test runs against the migrated database of this run."""
    del database
