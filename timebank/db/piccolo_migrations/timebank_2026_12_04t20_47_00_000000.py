"""Notifications are claimed by one sending process before they are sent: who claimed each
outbox row and when (a claim never completed expires and the row is sent again).

Written by hand: two nullable columns added to the outbox."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Timestamptz, Varchar

ID = "2026-12-04T20:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox claims"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)
    manager.add_column(
        table_class_name="OutboxTable",
        tablename="outbox",
        column_name="claimed_by",
        db_column_name="claimed_by",
        column_class_name="Varchar",
        column_class=Varchar,
        params={"length": 100, "null": True, "default": None},
    )
    manager.add_column(
        table_class_name="OutboxTable",
        tablename="outbox",
        column_name="claimed_at",
        db_column_name="claimed_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={"null": True, "default": None},
    )
    return manager
