"""One prepared export per company, fiscal year and kind."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T08:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounting export unique index"

STATEMENTS = [
    "CREATE UNIQUE INDEX accounting_export_once ON accounting_export (company, year, kind)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    async def run() -> None:
        from timebank.db.piccolo_conf import DB

        for statement in STATEMENTS:
            await DB.run_ddl(statement)

    manager.add_raw(run)
    return manager
