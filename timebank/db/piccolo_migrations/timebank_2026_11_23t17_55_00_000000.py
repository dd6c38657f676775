"""Unique paperwork per engagement, one statement per month and pair of companies."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T17:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "exchange lifecycle unique indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX engagement_paper_once ON engagement_paper (engagement, paper)",
    "CREATE UNIQUE INDEX settlement_statement_month_pair "
    "ON settlement_statement (month, company_a, company_b)",
    "CREATE INDEX outbox_unsent ON outbox (sent_at, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    async def run() -> None:
        from timebank.db.piccolo_conf import DB

        for statement in STATEMENTS:
            await DB.run_ddl(statement)

    manager.add_raw(run)
    return manager
