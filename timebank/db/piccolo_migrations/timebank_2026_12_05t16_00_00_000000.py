"""Approved hours keep the cost rate they were valued at, so that a loan's entries at the same
rate are valued together and add up to its minutes rounded once.

Written by hand: two nullable columns added to the timesheet entries (entries approved before
have none and keep the cents they were approved at)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt

ID = "2026-12-05T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "timesheet entries' cost rate"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)
    for column in ("cost_rate_numerator", "cost_rate_denominator"):
        manager.add_column(
            table_class_name="TimesheetEntryTable",
            tablename="timesheet_entry",
            column_name=column,
            db_column_name=column,
            column_class_name="BigInt",
            column_class=BigInt,
            params={"null": True, "default": None},
        )
    return manager
