"""Composite unique indexes the table definitions cannot express (same SQL on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique indexes"

# Column names are double-quoted: "user" and "group" are reserved words.
STATEMENTS = [
    'CREATE UNIQUE INDEX membership_user_company_role ON membership ("user", company, role)',
    'CREATE UNIQUE INDEX employee_user_company ON employee ("user", company)',
    "CREATE UNIQUE INDEX employee_skill_employee_skill ON employee_skill (employee, skill)",
    "CREATE UNIQUE INDEX need_skill_need_skill ON need_skill (need, skill)",
    'CREATE UNIQUE INDEX group_member_group_company ON group_member ("group", company)',
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    async def run() -> None:
        from timebank.db.piccolo_conf import DB

        for statement in STATEMENTS:
            await DB.run_ddl(statement)

    manager.add_raw(run)
    return manager
