"""Dependencies injected into handlers: the unit of work, the actor, the clock, the settings."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.di import NamedDependency, Provide

from timebank.config import Settings, get_settings
from timebank.db.unit_of_work import UnitOfWork, piccolo_unit_of_work
from timebank.people.model import Actor
from web.auth import provide_actor


def provide_unit_of_work() -> UnitOfWork:
    return piccolo_unit_of_work


def provide_now() -> datetime:
    return datetime.now(UTC)


def provide_settings() -> Settings:
    return get_settings()


DEPENDENCIES = {
    "uow": Provide(provide_unit_of_work, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
}


# Handler parameters filled by name from DEPENDENCIES (Litestar asks for explicit markers).
Uow = NamedDependency[UnitOfWork]
CurrentActor = NamedDependency[Actor]
Now = NamedDependency[datetime]
AppSettings = NamedDependency[Settings]
