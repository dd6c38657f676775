"""Dependencies injected into handlers: the unit of work, the actor, the clock, the settings.

Litestar resolves the dependencies of a handler level by level, and the ones of a level together
in a task group made for each request: with two or more on one level (most handlers ask for
`uow` and `actor`) that cost more than a whole hello-world request served in-process. Ours are
plain function calls, so each takes one before it: unit of work → now → actor (or settings),
one level each, called one after the other. The
actor comes last because public handlers ask for the others and have none; no handler asks for
both actor and settings (`tests/e2e/test_request_overhead.py` checks every route).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from timebank.config import Settings, get_settings
from timebank.db.unit_of_work import UnitOfWork, piccolo_unit_of_work
from timebank.people.model import Actor
from web.auth import provide_actor

# Handler parameters filled by name from DEPENDENCIES (Litestar asks for explicit markers). The
# unit of work is not checked against its type on each request: an isinstance() on a
# runtime-checkable Protocol costs more than the rest of the dependency.
Uow = NamedDependency[SkipValidation[UnitOfWork]]
CurrentActor = NamedDependency[Actor]
Now = NamedDependency[datetime]
AppSettings = NamedDependency[Settings]


def provide_unit_of_work() -> UnitOfWork:
    return piccolo_unit_of_work


def provide_now(uow: Uow) -> datetime:
    del uow  # Asked for only to be called after it (see the module's docstring).
    return datetime.now(UTC)


def provide_settings(now: Now) -> Settings:
    del now  # Same.
    return get_settings()


def provide_current_actor(request: SkipValidation[Request[Any, Any, Any]], now: Now) -> Actor:
    del now  # Same.
    return provide_actor(request)


DEPENDENCIES = {
    "uow": Provide(provide_unit_of_work, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "actor": Provide(provide_current_actor, sync_to_thread=False),
}
