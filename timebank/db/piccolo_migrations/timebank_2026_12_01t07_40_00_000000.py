"""One request per member and period, one CDO entry per period, one version number per period,
one allocation per month, CDO and member, and the slots of a plan found by day."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T07:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rotation unique indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX rotation_request_once ON rotation_request (period, company)",
    "CREATE UNIQUE INDEX rotation_cdo_once ON rotation_cdo (period, employee)",
    "CREATE UNIQUE INDEX rotation_plan_version ON rotation_plan (period, version)",
    "CREATE UNIQUE INDEX rotation_slot_cdo_once ON rotation_slot (plan, employee, day, COALESCE(half, ''))",
    "CREATE UNIQUE INDEX rotation_slot_member_once ON rotation_slot (plan, company, day, COALESCE(half, ''))",
    "CREATE UNIQUE INDEX cdo_allocation_once ON cdo_allocation (\"group\", month, employee, company)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    async def run() -> None:
        from timebank.db.piccolo_conf import DB

        for statement in STATEMENTS:
            await DB.run_ddl(statement)

    manager.add_raw(run)
    return manager
