"""One signature per document and party; documents found by subject and text."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T08:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "contract signature unique index"

STATEMENTS = [
    "CREATE UNIQUE INDEX contract_signature_once ON contract_signature (document, role)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    async def run() -> None:
        from timebank.db.piccolo_conf import DB

        for statement in STATEMENTS:
            await DB.run_ddl(statement)

    manager.add_raw(run)
    return manager
