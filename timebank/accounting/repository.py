"""Reads what the accounting exports need: a company's at-cost movements of a period in ledger
order (in pages, so an export holds one page in memory), its invoices, set-offs and approved
expenses of a period (a few per month: read month by month), its asset projects and its
approved hours; stores asset projects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Final

from timebank.db.tables import (
    AccountingExportTable,
    AssetProjectTable,
    CdoAllocationTable,
    CompanyTable,
    ExpenseTable,
    InvoiceLineTable,
    InvoiceTable,
    LedgerTransferTable,
    NeedTable,
    SettlementStatementTable,
    TimesheetEntryTable,
    TrainingTable,
)
from timebank.settlements.model import StatementStatus

PAGE_ROWS: Final = 5000
# Rows in this order: id, sequence, code, amount, day approved (local), external_ref,
# debit_company, credit_company, debit_siren, debit_name, credit_siren, credit_name. Integers
# are cast so that on SQLite the engine's converters (Python, per value, in the driver's thread,
# which then holds the lock the caller's thread needs) do not run.
# A transfer belongs to the period worked: an approved timesheet entry's work date, a shared-CDO
# share's month (the end of its reference), or else the day it was made.
MOVEMENTS_SQL: Final = (
    "SELECT t.id, CAST(t.sequence AS BIGINT), t.code, CAST(t.amount AS BIGINT), {day}, "
    "t.external_ref, CAST(da.company AS BIGINT), CAST(ca.company AS BIGINT), "
    "dc.siren, dc.name, cc.siren, cc.name "
    "FROM ledger_transfer t "
    "JOIN ledger_account da ON da.id = t.debit_account "
    "JOIN ledger_account ca ON ca.id = t.credit_account "
    "JOIN company dc ON dc.id = da.company "
    "JOIN company cc ON cc.id = ca.company "
    "WHERE t.unit = 'cents' AND t.code IN ({codes}) AND t.kind = 'single' "
    "AND t.sequence > {0} "
    "AND da.kind = 'company' AND ca.kind = 'company' "
    "AND (da.company = {1} OR ca.company = {2}) "
    "AND (t.external_ref IN (SELECT 'timesheet:' || CAST(te.id AS TEXT) "
    "FROM timesheet_entry te JOIN engagement g ON g.id = te.engagement "
    "WHERE te.work_date >= {3} AND te.work_date <= {4} "
    "AND (g.host_company = {5} OR g.lender_company = {6})) "
    "OR (t.external_ref LIKE 'cdo_allocation:%' "
    "AND SUBSTR(t.external_ref, LENGTH(t.external_ref) - 9) >= {7} "
    "AND SUBSTR(t.external_ref, LENGTH(t.external_ref) - 9) <= {8}) "
    "OR ((t.external_ref IS NULL OR (t.external_ref NOT LIKE 'timesheet:%' "
    "AND t.external_ref NOT LIKE 'cdo_allocation:%')) "
    "AND t.created_at >= {9} AND t.created_at < {10})) "
    f"ORDER BY t.sequence LIMIT {PAGE_ROWS}"
)
MOVEMENTS_MARKS: Final = 11


def _sqlite_time(moment: datetime) -> str:
    """Timestamps as Piccolo stores them on SQLite (UTC, ISO with a space), so text order is
    time order."""
    return moment.astimezone(UTC).isoformat(sep=" ")


class LocalDays:
    """The day in `zone` of timestamps stored as text in UTC (as Piccolo stores them on
    SQLite), worked out once per UTC hour: every hour of a year at most."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.days: dict[str, date] = {}

    def __call__(self, text: str) -> date:
        day = self.days.get(text[:13])
        if day is None:
            local = datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone(self.zone)
            offset = local.utcoffset()
            if offset is not None and offset % timedelta(hours=1):
                return local.date()  # A zone whose offset is not whole hours: no cache.
            day = self.days[text[:13]] = local.date()
        return day


T, P = LedgerTransferTable, AssetProjectTable
AT_COST_CODES: Final = ("exchange", "cdo_allocation")


class AccountingRepository:
    async def movements(
        self,
        company_id: int,
        first: date,
        last: date,
        zone: tzinfo,
    ) -> AsyncIterator[list[Sequence[Any]]]:
        """Pages of the company's single at-cost cents transfers for the work of the days
        `first` to `last` (whenever approved), by sequence, with both companies' SIREN and name
        and the day in `zone` they were made (rows in MOVEMENTS_SQL's order). On PostgreSQL the
        next page is read while the caller works on this one (the caller must not query
        meanwhile)."""

        # Plain SQL on the transaction's driver connection: a million rows through the query
        # builder cost three times as much as the database's own work.
        db = T._meta.db
        transaction = db.current_transaction.get()
        assert transaction is not None, "read inside a unit of work"
        connection = transaction.connection
        postgres = db.engine_type == "postgres"
        marks = (
            [f"${n}" for n in range(1, MOVEMENTS_MARKS + 1)]
            if postgres
            else ["?"] * MOVEMENTS_MARKS
        )
        start = datetime.combine(first, time(), zone).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
        codes = ",".join(f"'{code}'" for code in AT_COST_CODES)
        # SQLite: the stored text, its day worked out here (no converter, as above).
        day = (
            f"(t.created_at AT TIME ZONE ${MOVEMENTS_MARKS + 1})::date"
            if postgres
            else "CAST(t.created_at AS TEXT)"
        )
        sql = MOVEMENTS_SQL.format(*marks, codes=codes, day=day)
        local_day = LocalDays(zone)
        zone_name = str(zone)

        async def page(after: int) -> list[Sequence[Any]]:
            common = (company_id, company_id)
            months = (first.isoformat(), last.isoformat())
            if postgres:
                args = (after, *common, first, last, *common, *months, start, end, zone_name)
                return list(await connection.fetch(sql, *args))
            params = (
                after,
                *common,
                first.isoformat(),
                last.isoformat(),
                *common,
                *months,
                _sqlite_time(start),
                _sqlite_time(end),
            )
            async with connection.execute(sql, params) as cursor:
                # Plain tuples: the engine's row factory would make a dict per row in Python.
                cursor.row_factory = None
                found = await cursor.fetchall()
            return [(*row[:4], local_day(row[4]), *row[5:]) for row in found]

        if not postgres:
            # The driver's thread and this one share one lock: reading ahead only slows both.
            after = -1
            while rows := await page(after):
                after = rows[-1][1]
                yield rows
            return
        pending = asyncio.ensure_future(page(-1))
        try:
            while rows := await pending:
                pending = asyncio.ensure_future(page(rows[-1][1]))
                yield rows
        finally:
            if not pending.done():
                pending.cancel()

    async def companies(self, company_ids: list[int]) -> dict[int, tuple[str, str]]:
        if not company_ids:
            return {}
        rows = await CompanyTable.select(
            CompanyTable.id, CompanyTable.siren, CompanyTable.name
        ).where(CompanyTable.id.is_in(company_ids))
        return {row["id"]: (row["siren"], row["name"]) for row in rows}

    async def vat_regimes(self, company_ids: list[int]) -> dict[int, str]:
        """Each company's VAT regime (reel, franchise, exempt)."""
        if not company_ids:
            return {}
        rows = await CompanyTable.select(CompanyTable.id, CompanyTable.vat_regime).where(
            CompanyTable.id.is_in(company_ids)
        )
        return {row["id"]: str(row["vat_regime"]) for row in rows}

    async def _invoices(self, condition: Any) -> list[dict[str, Any]]:
        i = InvoiceTable
        rows = await (
            i.select(
                i.id,
                i.number,
                i.kind,
                i.corrects,
                i.issuer,
                i.customer,
                i.statement,
                i.issued_on,
                i.total_excl_vat_cents,
                i.vat_cents,
                i.total_cents,
                i.vat_exigibility,
                i.set_off_cents,
                i.set_off_on,
                i.created_at,
            )
            .where(condition)
            .order_by(i.id)
        )
        return list(rows)

    async def invoices_issued(
        self, company_id: int, first: date, last: date
    ) -> list[dict[str, Any]]:
        """Invoices and credit notes the company issued or received, issued from `first` to
        `last`, in the order they were issued."""
        i = InvoiceTable
        return await self._invoices(
            (i.issued_on >= first)
            & (i.issued_on <= last)
            & ((i.issuer == company_id) | (i.customer == company_id))
        )

    async def invoices_set_off(
        self, company_id: int, first: date, last: date
    ) -> list[dict[str, Any]]:
        """The company's invoices (issued or received) settled by set-off from `first` to
        `last`."""
        i = InvoiceTable
        return await self._invoices(
            (i.set_off_cents > 0)
            & (i.set_off_on >= first)
            & (i.set_off_on <= last)
            & ((i.issuer == company_id) | (i.customer == company_id))
        )

    async def invoice_numbers(self, invoice_ids: list[int]) -> dict[int, str]:
        if not invoice_ids:
            return {}
        i = InvoiceTable
        rows = await i.select(i.id, i.number).where(i.id.is_in(invoice_ids))
        return {row["id"]: str(row["number"]) for row in rows}

    async def approved_expenses(
        self, company_id: int, first: date, last: date
    ) -> list[dict[str, Any]]:
        """Approved expenses spent from `first` to `last` on loans where the company lent or
        hosted, with the amount the invoice that billed them charged (`billed_cents`, None while
        not billed)."""
        x = ExpenseTable
        rows = await (
            x.select(
                x.id,
                x.spent_on,
                x.kind,
                x.amount_cents,
                x.vat_cents,
                x.reviewed_at,
                x.invoice,
                x.engagement.as_alias("engagement"),
                x.employee.user.full_name.as_alias("employee_name"),  # type: ignore[union-attr]
                x.engagement.lender_company.as_alias("lender"),
                x.engagement.host_company.as_alias("host"),
            )
            .where(
                (x.status == "approved")
                & (x.spent_on >= first)
                & (x.spent_on <= last)
                & (
                    (x.engagement.lender_company == company_id)
                    | (x.engagement.host_company == company_id)
                )
            )
            .order_by(x.spent_on)
            .order_by(x.id)
        )
        found = [dict(row) for row in rows]
        billed = [row["id"] for row in found if row["invoice"] is not None]
        lines: dict[tuple[int, int], int] = {}
        if billed:
            ln = InvoiceLineTable
            for line in await ln.select(ln.invoice, ln.expense, ln.amount_cents).where(
                ln.expense.is_in(billed)
            ):
                lines[(int(line["invoice"]), int(line["expense"]))] = int(line["amount_cents"])
        for row in found:
            invoice = row["invoice"]
            row["billed_cents"] = None if invoice is None else lines.get((invoice, row["id"]))
        return found

    async def asset_projects(self, company_id: int) -> list[dict[str, Any]]:
        rows = await (
            P.select(P.id, P.need, P.need.title.as_alias("title"), P.account, P.in_service_on)
            .where(P.company == company_id)
            .order_by(P.id)
        )
        return list(rows)

    async def timesheets_of_needs(self, need_ids: list[int]) -> dict[int, int]:
        """Timesheet entry id → need id, for the needs given."""
        if not need_ids:
            return {}
        rows = await TimesheetEntryTable.select(
            TimesheetEntryTable.id, TimesheetEntryTable.engagement.need.as_alias("need")
        ).where(TimesheetEntryTable.engagement.need.is_in(need_ids))
        return {row["id"]: row["need"] for row in rows}

    async def put_asset_project(
        self,
        *,
        need_id: int,
        company_id: int,
        account: str,
        in_service_on: date | None,
        user_id: int,
        now: datetime,
    ) -> None:
        values = {
            P.account: account,
            P.in_service_on: in_service_on,
            P.set_by: user_id,
            P.set_at: now,
        }
        if await P.exists().where(P.need == need_id):
            await P.update(values).where(P.need == need_id)  # type: ignore[arg-type]
        else:
            await P.insert(
                P(
                    need=need_id,
                    company=company_id,
                    account=account,
                    in_service_on=in_service_on,
                    set_by=user_id,
                    set_at=now,
                )
            )

    async def delete_asset_project(self, need_id: int) -> None:
        await P.delete().where(P.need == need_id)

    async def needs_of(self, company_id: int, *, limit: int) -> list[dict[str, Any]]:
        """The company's needs (id, title), the newest first, at most `limit`."""
        rows = await (
            NeedTable.select(NeedTable.id, NeedTable.title)
            .where(NeedTable.company == company_id)
            .order_by(NeedTable.id, ascending=False)
            .limit(limit)
        )
        return list(rows)

    async def need_company(self, need_id: int) -> int | None:
        row = await NeedTable.select(NeedTable.company).where(NeedTable.id == need_id).first()
        return None if row is None else int(row["company"])

    async def approved_hours(
        self, company_id: int, first: date, last: date
    ) -> list[dict[str, Any]]:
        """Approved timesheet entries of the period where the company lent or received."""
        e = TimesheetEntryTable
        rows = await (
            e.select(
                e.id,
                e.work_date,
                e.minutes,
                e.cost_cents,
                e.statement,
                e.engagement.as_alias("engagement"),
                e.engagement.host_company.as_alias("host"),
                e.engagement.lender_company.as_alias("lender"),
                e.employee.user.full_name.as_alias("employee_name"),  # type: ignore[union-attr]
            )
            .where(
                (e.status == "approved")
                & (e.work_date >= first)
                & (e.work_date <= last)
                & (
                    (e.engagement.host_company == company_id)
                    | (e.engagement.lender_company == company_id)
                )
            )
            .order_by(e.work_date)
            .order_by(e.id)
        )
        return list(rows)

    async def agreed_statements(self, ids: Sequence[int]) -> set[int]:
        """Those of these monthly statements both companies agreed (their net is settled)."""
        if not ids:
            return set()
        s = SettlementStatementTable
        rows = await s.select(s.id).where(
            s.id.is_in(list(ids)) & (s.status == StatementStatus.AGREED.value)
        )
        return {int(row["id"]) for row in rows}

    async def put_export(
        self,
        *,
        company_id: int,
        year: int,
        kind: str,
        filename: str,
        media_type: str,
        content: bytes,
        now: datetime,
    ) -> bool:
        """Store a prepared export once; False when that one was already there."""
        x = AccountingExportTable
        condition = (x.company == company_id) & (x.year == year) & (x.kind == kind)
        if await x.exists().where(condition):
            return False
        await x.insert(
            x(
                company=company_id,
                year=year,
                kind=kind,
                filename=filename,
                media_type=media_type,
                content=content,
                created_at=now,
            )
        )
        return True

    async def exports_of(self, company_id: int) -> list[dict[str, Any]]:
        x = AccountingExportTable
        rows = await (
            x.select(x.id, x.year, x.kind, x.filename, x.media_type, x.created_at)
            .where(x.company == company_id)
            .order_by(x.year)
            .order_by(x.kind)
        )
        return list(rows)

    async def export(self, company_id: int, export_id: int) -> dict[str, Any] | None:
        x = AccountingExportTable
        row = await x.select().where((x.company == company_id) & (x.id == export_id)).first()
        return None if row is None else dict(row)

    async def companies_active(self, first: date, last: date) -> list[int]:
        """Companies with approved hours, approved trainings or CDO shares in the period."""
        e = TimesheetEntryTable
        found: set[int] = set()
        for row in await e.select(
            e.engagement.host_company.as_alias("host"),
            e.engagement.lender_company.as_alias("lender"),
        ).where((e.status == "approved") & (e.work_date >= first) & (e.work_date <= last)):
            found |= {row["host"], row["lender"]}
        tr = TrainingTable
        for row in await tr.select(tr.company).where(
            (tr.status == "approved") & (tr.ends_on >= first) & (tr.ends_on <= last)
        ):
            found.add(row["company"])
        al = CdoAllocationTable
        for row in await al.select(al.company, al.group.company.as_alias("group_company")).where(
            (al.month >= first) & (al.month <= last)
        ):
            found |= {row["company"], row["group_company"]}
        return sorted(found)
