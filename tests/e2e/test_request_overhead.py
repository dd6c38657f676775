"""What the web layer does around every handler stays small (issue 22): routes that never read
who asks do not look the session up, and no handler has its dependencies resolved together
(Litestar would start a task group for them on every request), and a serving process keeps
its start-up objects out of garbage collections. No timing is checked."""

from __future__ import annotations

import gc
from typing import Final

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.exchange_helpers import signup
from tests.sql_counter import count_statements

pytestmark = pytest.mark.anyio

FROZEN_OBJECTS_MIN: Final = 10_000


async def test_health_check_and_static_files_do_not_look_up_the_session(
    client: httpx.AsyncClient,
) -> None:
    party = await signup(client)
    token = party.headers["Authorization"].removeprefix("Bearer ")
    cookie = {"cookie": f"tb_session={token}"}
    with count_statements() as statements:
        health = await client.get("/healthz", headers=party.headers)
        static = await client.get("/static/style.css", headers=cookie)
    assert health.status_code == 200, health.text
    assert static.status_code == 200
    assert len(statements.queries) == 1, statements.describe()  # The health check's ping.
    assert "auth_session" not in " ".join(statements.queries).lower(), statements.describe()
    # The session still works where the route reads it.
    me = await client.get("/api/v1/auth/me", headers=party.headers)
    assert me.status_code == 200, me.text


def test_no_handler_resolves_two_dependencies_at_once(app: Litestar) -> None:
    together = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, kwargs_model) in route.route_handler_map.items():
            for batch in kwargs_model.dependency_batches:
                if len(batch) > 1:
                    names = sorted(dependency.key for dependency in batch)
                    together.append(f"{method} {route.path} ({handler.handler_name}): {names}")
    assert not together, "\n".join(together)


async def test_a_serving_process_leaves_its_start_up_objects_out_of_collections() -> None:
    from web.app import create_app

    assert gc.get_freeze_count() == 0
    served = create_app(manage_database=False, serving=True)
    try:
        async with served.lifespan():
            frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    # The routes, schemas and modules loaded: far more than a few objects.
    assert frozen > FROZEN_OBJECTS_MIN
