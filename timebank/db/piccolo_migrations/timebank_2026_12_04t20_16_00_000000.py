"""No two invoices of one issuer share a number: a unique index on (issuer, sequence), written
by hand (Piccolo has no composite unique column)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Serial
from piccolo.table import Table

ID = "2026-12-04T20:16:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique invoice number per issuer"


class InvoiceTable(Table, tablename="invoice", schema=None):
    id = Serial(primary_key=True)


async def _unique_numbers() -> None:
    await InvoiceTable.raw(
        "CREATE UNIQUE INDEX invoice_issuer_sequence ON invoice (issuer, sequence)"
    )


async def _drop_unique_numbers() -> None:
    await InvoiceTable.raw("DROP INDEX invoice_issuer_sequence")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)
    manager.add_raw(_unique_numbers)
    manager.add_raw_backwards(_drop_unique_numbers)
    return manager
