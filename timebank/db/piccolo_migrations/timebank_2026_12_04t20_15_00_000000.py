"""Billing: expenses with their receipts, invoices and credit notes with their lines, and one
continuous invoice number sequence per issuer (its unique index is the next migration: Piccolo
runs a migration's raw SQL before its new tables).

Written by hand: the tables are frozen here as they were created (later changes go in later
migrations), the foreign keys point at stubs of the tables they reference."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import (
    BigInt,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

ID = "2026-12-04T20:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "expenses, invoices, invoice lines and invoice counters"

RESTRICT = OnDelete.restrict


class CompanyTable(Table, tablename="company", schema=None):
    id = Serial(primary_key=True)


class UserTable(Table, tablename="app_user", schema=None):
    id = Serial(primary_key=True)


class EmployeeTable(Table, tablename="employee", schema=None):
    id = Serial(primary_key=True)


class EngagementTable(Table, tablename="engagement", schema=None):
    id = Serial(primary_key=True)


class ExpenseTable(Table, tablename="expense", schema=None):
    id = Serial(primary_key=True)
    client_id = Varchar(length=36, unique=True)
    engagement = ForeignKey(references=EngagementTable, on_delete=RESTRICT, index=True)
    employee = ForeignKey(references=EmployeeTable, on_delete=RESTRICT, index=True)
    spent_on = Date(index=True)
    kind = Varchar(length=20)
    description = Varchar(length=500)
    amount_cents = BigInt()
    vat_cents = BigInt(default=0)
    receipt_name = Varchar(length=200)
    receipt_media_type = Varchar(length=60)
    receipt_sha256 = Varchar(length=64)
    receipt = Bytea()
    status = Varchar(length=12, index=True)
    reviewed_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    rejection_reason = Varchar(length=500, null=True, default=None)
    invoice = Integer(null=True, default=None, index=True)
    created_by = ForeignKey(references=UserTable, on_delete=RESTRICT)
    created_at = Timestamptz()


class InvoiceCounterTable(Table, tablename="invoice_counter", schema=None):
    id = Serial(primary_key=True)
    issuer = ForeignKey(references=CompanyTable, on_delete=RESTRICT, unique=True)
    last_sequence = Integer(default=0)


class InvoiceTable(Table, tablename="invoice", schema=None):
    id = Serial(primary_key=True)
    issuer = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    customer = ForeignKey(references=CompanyTable, on_delete=RESTRICT, index=True)
    sequence = Integer()
    number = Varchar(length=30)
    kind = Varchar(length=12)
    origin = Varchar(length=12)
    statement = Integer(null=True, default=None, index=True)
    group = Integer(null=True, default=None, index=True)
    corrects = Integer(null=True, default=None, index=True)
    period_start = Date()
    period_end = Date()
    issued_on = Date(index=True)
    due_on = Date()
    hours_cents = BigInt(default=0)
    expenses_cents = BigInt(default=0)
    total_excl_vat_cents = BigInt()
    vat_rate_basis_points = Integer(default=0)
    vat_cents = BigInt(default=0)
    total_cents = BigInt()
    vat_exigibility = Varchar(length=10)
    mentions = Text(default="")
    parties = Text()
    set_off_cents = BigInt(default=0)
    set_off_on = Date(null=True, default=None)
    pdf = Bytea(null=True, default=None)
    pdf_sha256 = Varchar(length=64, null=True, default=None)
    issued_by = ForeignKey(references=UserTable, on_delete=RESTRICT, null=True, default=None)
    created_at = Timestamptz()


class InvoiceLineTable(Table, tablename="invoice_line", schema=None):
    id = Serial(primary_key=True)
    invoice = ForeignKey(references=InvoiceTable, on_delete=RESTRICT, index=True)
    position = Integer()
    kind = Varchar(length=12)
    label = Varchar(length=300)
    minutes = Integer(null=True, default=None)
    amount_cents = BigInt()
    engagement = Integer(null=True, default=None)
    expense = Integer(null=True, default=None)


NEW_TABLES = (ExpenseTable, InvoiceCounterTable, InvoiceTable, InvoiceLineTable)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)
    for table in NEW_TABLES:
        manager.add_table(class_name=table.__name__, tablename=table._meta.tablename)
        for column in table._meta.non_default_columns:
            manager.add_column(
                table_class_name=table.__name__,
                tablename=table._meta.tablename,
                column_name=column._meta.name,
                db_column_name=column._meta.db_column_name,
                column_class_name=type(column).__name__,
                column_class=type(column),
                params=dict(column._meta.params),
            )
    return manager
