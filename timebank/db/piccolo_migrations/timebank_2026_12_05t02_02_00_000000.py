"""The browsed needs are sorted newest first: an index on (created_at, id) lets a page read the
needs in that order instead of sorting every need matching, written by hand (Piccolo has no
composite index column)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Serial
from piccolo.table import Table

ID = "2026-12-05T02:02:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "needs sorted newest first"


class NeedTable(Table, tablename="need", schema=None):
    id = Serial(primary_key=True)


async def _newest_first() -> None:
    await NeedTable.raw("CREATE INDEX need_created_at_id ON need (created_at, id)")


async def _drop_newest_first() -> None:
    await NeedTable.raw("DROP INDEX need_created_at_id")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)
    manager.add_raw(_newest_first)
    manager.add_raw_backwards(_drop_newest_first)
    return manager
