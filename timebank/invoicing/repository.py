"""Queries of the invoicing area (Piccolo rows <-> `timebank.invoicing.model`).

An invoice is written once; afterwards only its set-off and its PDF (once) are added.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final

from timebank.accounting.model import first_of_month
from timebank.db.sql import Arguments, Row, Sql, fetch, fetch_page, json_list, row_locks
from timebank.db.tables import (
    InvoiceCounterTable,
    InvoiceLineTable,
    InvoiceTable,
    TimesheetEntryTable,
)
from timebank.invoicing.model import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceOrigin,
    LineKind,
    LoanHours,
    Party,
)
from timebank.vat.model import VatExigibility

I = InvoiceTable  # noqa: E741 - the table's initial, as the other repositories do.
STATEMENT_ENTRIES_MAX: Final = 100_000  # Timesheet entries read to bill one statement.
# One upsert: the counter row is locked (PostgreSQL) or the database is (SQLite's
# BEGIN IMMEDIATE) until the issuing transaction ends, so a rollback gives the number back.
_NEXT_SEQUENCE_SQL: Final = (
    "INSERT INTO invoice_counter (issuer, last_sequence) VALUES ({}, 1) "
    "ON CONFLICT (issuer) DO UPDATE SET last_sequence = invoice_counter.last_sequence + 1 "
    "RETURNING last_sequence"
)

_COUNTER_ROW_SQL: Final = (
    "INSERT INTO invoice_counter (issuer, last_sequence) VALUES ({}, 0) "
    "ON CONFLICT (issuer) DO NOTHING"
)
# SQLite needs no row lock: its write transactions already hold the whole database.
_LAST_ISSUED_ON_SQL: Final = Sql(
    "SELECT issued_on FROM invoice WHERE issuer = {0} ORDER BY issued_on DESC LIMIT 1"
)
_LOCK_COUNTER_SQL: Final = "SELECT last_sequence FROM invoice_counter WHERE issuer = {} FOR UPDATE"


def _party(values: dict[str, Any]) -> Party:
    return Party(
        company_id=int(values["company_id"]),
        name=str(values["name"]),
        siren=str(values["siren"]),
        address=str(values["address"]),
        postal_code=str(values["postal_code"]),
        city=str(values["city"]),
        vat_number=values.get("vat_number"),
    )


def _party_values(party: Party) -> dict[str, Any]:
    return {
        "company_id": party.company_id,
        "name": party.name,
        "siren": party.siren,
        "address": party.address,
        "postal_code": party.postal_code,
        "city": party.city,
        "vat_number": party.vat_number,
    }


def _invoice(row: Row, lines: tuple[InvoiceLine, ...]) -> Invoice:
    parties = json.loads(row["parties"])
    return Invoice(
        id=row["id"],
        issuer=_party(parties["issuer"]),
        customer=_party(parties["customer"]),
        sequence=row["sequence"],
        number=row["number"],
        kind=InvoiceKind(row["kind"]),
        origin=InvoiceOrigin(row["origin"]),
        statement_id=row["statement"],
        group_id=row["group"],
        corrects_id=row["corrects"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        issued_on=row["issued_on"],
        due_on=row["due_on"],
        hours_cents=row["hours_cents"],
        expenses_cents=row["expenses_cents"],
        total_excl_vat_cents=row["total_excl_vat_cents"],
        vat_rate_basis_points=row["vat_rate_basis_points"],
        vat_cents=row["vat_cents"],
        total_cents=row["total_cents"],
        vat_exigibility=VatExigibility(row["vat_exigibility"]),
        mentions=tuple(m for m in row["mentions"].split("\n") if m),
        lines=lines,
        set_off_cents=row["set_off_cents"],
        set_off_on=row["set_off_on"],
        corrects_number=row["corrects_number"],
        corrects_issued_on=row["corrects_issued_on"],
    )


# An invoice read in one statement (see timebank/db/sql.py): its row carries its lines as one
# JSON array, in their order, and the number and date of the invoice it corrects; never its PDF.
_INVOICE_COLUMNS: Final = (
    'i.id, i.sequence, i.number, i.kind, i.origin, i.statement, i."group", i.corrects, '
    "i.period_start, i.period_end, i.issued_on, i.due_on, i.hours_cents, i.expenses_cents, "
    "i.total_excl_vat_cents, i.vat_rate_basis_points, i.vat_cents, i.total_cents, "
    "i.vat_exigibility, i.mentions, i.parties, i.set_off_cents, i.set_off_on, "
    "c.number AS corrects_number, c.issued_on AS corrects_issued_on, "
    "(SELECT {json_agg}({json_array}(l.position, l.kind, l.label, l.amount_cents, l.minutes, "
    "l.engagement, l.expense)) FROM invoice_line l WHERE l.invoice = i.id) AS lines"
)
_CORRECTED_JOIN: Final = "LEFT JOIN invoice c ON c.id = i.corrects"
_INVOICES_FROM: Final = f"FROM invoice i {_CORRECTED_JOIN}"
INVOICE_SQL: Final = Sql(f"SELECT {_INVOICE_COLUMNS} {_INVOICES_FROM} WHERE i.id = {{0}}")
OF_STATEMENT_SQL: Final = Sql(
    f"SELECT {_INVOICE_COLUMNS} {_INVOICES_FROM} WHERE i.statement = {{0}} ORDER BY i.id"
)
OF_GROUP_MONTH_SQL: Final = Sql(
    f'SELECT {_INVOICE_COLUMNS} {_INVOICES_FROM} WHERE i."group" = {{0}} '
    "AND i.period_start = {1} AND i.origin = {2} ORDER BY i.id"
)


def _lines_from_json(text: str | None) -> tuple[InvoiceLine, ...]:
    """An invoice's lines from the JSON array its row carries, in their order."""
    return tuple(
        InvoiceLine(
            kind=LineKind(kind),
            label=label,
            amount_cents=amount_cents,
            minutes=minutes,
            engagement_id=engagement,
            expense_id=expense,
        )
        for _, kind, label, amount_cents, minutes, engagement, expense in sorted(json_list(text))
    )


def _invoices_of(rows: Sequence[Row]) -> builtins.list[Invoice]:
    return [_invoice(row, _lines_from_json(row["lines"])) for row in rows]


def _of_company(company_id: int) -> Any:
    return (I.issuer == company_id) | (I.customer == company_id)


class InvoiceRepository:
    """The only place with queries on the invoice, invoice line and invoice counter tables."""

    async def lock_issuer(self, issuer_id: int) -> None:
        """Hold the issuer's counter row until the transaction ends (creating it at 0), so
        what the issuer bills is read by one issuing transaction at a time. Callers lock
        several issuers in ascending id order."""
        await InvoiceCounterTable.raw(_COUNTER_ROW_SQL, issuer_id)
        if row_locks():
            await InvoiceCounterTable.raw(_LOCK_COUNTER_SQL, issuer_id)

    async def issue_day(self, issuer_id: int, today: date) -> date:
        """The day a new invoice of this issuer carries: `today`, or its last invoice's day if
        that is later (an issuing that read its clock just before midnight and took its number
        after another's). Numbers and days go up together (a chronological sequence, CGI ann.
        II art. 242 nonies A, I, 7°); read under the issuer's counter lock."""
        rows = await fetch(_LAST_ISSUED_ON_SQL, issuer_id)
        if not rows:
            return today
        last = rows[0]["issued_on"]
        return max(today, last if isinstance(last, date) else date.fromisoformat(str(last)))

    async def next_sequence(self, issuer_id: int) -> int:
        """The issuer's next number, taken inside the issuing transaction: no gap (a rollback
        returns it) and no duplicate (concurrent issuers of one company wait for each other)."""
        rows = await InvoiceCounterTable.raw(_NEXT_SEQUENCE_SQL, issuer_id)
        sequence = int(rows[0]["last_sequence"])
        assert sequence >= 1
        return sequence

    async def add(self, invoice: Invoice, *, issued_by: int | None, now: datetime) -> int:
        """Store an issued invoice and its lines; returns its id."""
        assert invoice.id == 0
        rows = await I.insert(
            I(
                {
                    I.issuer: invoice.issuer.company_id,
                    I.customer: invoice.customer.company_id,
                    I.sequence: invoice.sequence,
                    I.number: invoice.number,
                    I.kind: invoice.kind.value,
                    I.origin: invoice.origin.value,
                    I.statement: invoice.statement_id,
                    I.group: invoice.group_id,
                    I.corrects: invoice.corrects_id,
                    I.period_start: invoice.period_start,
                    I.period_end: invoice.period_end,
                    I.issued_on: invoice.issued_on,
                    I.due_on: invoice.due_on,
                    I.hours_cents: invoice.hours_cents,
                    I.expenses_cents: invoice.expenses_cents,
                    I.total_excl_vat_cents: invoice.total_excl_vat_cents,
                    I.vat_rate_basis_points: invoice.vat_rate_basis_points,
                    I.vat_cents: invoice.vat_cents,
                    I.total_cents: invoice.total_cents,
                    I.vat_exigibility: invoice.vat_exigibility.value,
                    I.mentions: "\n".join(invoice.mentions),
                    I.parties: json.dumps(
                        {
                            "issuer": _party_values(invoice.issuer),
                            "customer": _party_values(invoice.customer),
                        },
                        ensure_ascii=False,
                    ),
                    I.set_off_cents: invoice.set_off_cents,
                    I.set_off_on: invoice.set_off_on,
                    I.issued_by: issued_by,
                    I.created_at: now,
                }
            )
        ).returning(I.id)
        invoice_id = int(rows[0]["id"])
        await InvoiceLineTable.insert(
            *[
                InvoiceLineTable(
                    {
                        InvoiceLineTable.invoice: invoice_id,
                        InvoiceLineTable.position: position,
                        InvoiceLineTable.kind: line.kind.value,
                        InvoiceLineTable.label: line.label,
                        InvoiceLineTable.minutes: line.minutes,
                        InvoiceLineTable.amount_cents: line.amount_cents,
                        InvoiceLineTable.engagement: line.engagement_id,
                        InvoiceLineTable.expense: line.expense_id,
                    }
                )
                for position, line in enumerate(invoice.lines, start=1)
            ]
        )
        return invoice_id

    async def get(self, invoice_id: int) -> Invoice | None:
        found = _invoices_of(await fetch(INVOICE_SQL, invoice_id))
        return found[0] if found else None

    async def count_of_company(self, company_id: int) -> int:
        """How many invoices a company issued or received."""
        return int(await I.count().where(_of_company(company_id)))

    async def page_of_company(
        self, company_id: int, *, limit: int, offset: int
    ) -> tuple[builtins.list[Invoice], int]:
        """The invoices a company issued or received, newest first, and how many there are:
        one statement."""
        arg = Arguments()
        company = arg(company_id)
        rows, total = await fetch_page(
            columns=_INVOICE_COLUMNS,
            table="invoice i",
            key="i.id",
            joins=_CORRECTED_JOIN,
            where=f"(i.issuer = {company} OR i.customer = {company})",
            order_by="i.issued_on DESC, i.id DESC",
            arguments=arg,
            limit=limit,
            offset=offset,
        )
        return _invoices_of(rows), total

    async def of_statement(self, statement_id: int) -> builtins.list[Invoice]:
        return _invoices_of(await fetch(OF_STATEMENT_SQL, statement_id))

    async def of_group_month(self, group_id: int, period_start: date) -> builtins.list[Invoice]:
        return _invoices_of(
            await fetch(OF_GROUP_MONTH_SQL, group_id, period_start, InvoiceOrigin.CDO.value)
        )

    async def credit_note_of(self, invoice_id: int) -> int | None:
        """The id of the credit note that cancelled the invoice, if any."""
        row = (
            await I.select(I.id)
            .where((I.corrects == invoice_id) & (I.kind == InvoiceKind.CREDIT_NOTE.value))
            .first()
        )
        return None if row is None else int(row["id"])

    async def cancelled_among(self, invoice_ids: Sequence[int]) -> set[int]:
        if not invoice_ids:
            return set()
        rows = await I.select(I.corrects).where(
            I.corrects.is_in(list(invoice_ids)) & (I.kind == InvoiceKind.CREDIT_NOTE.value)
        )
        return {int(row["corrects"]) for row in rows}

    async def record_set_off(self, invoice_ids: Sequence[int], *, cents: int, on: date) -> None:
        """Both invoices of a pair settled by set-off (a payment, for VAT's exigibility)."""
        assert cents >= 0
        await I.update({I.set_off_cents: cents, I.set_off_on: on}).where(
            I.id.is_in(list(invoice_ids)) & I.set_off_on.is_null()
        )

    async def pdf(self, invoice_id: int) -> bytes | None:
        row = await I.select(I.pdf).where(I.id == invoice_id).first()
        return None if row is None or row["pdf"] is None else bytes(row["pdf"])

    async def store_pdf(self, invoice_id: int, pdf: bytes, *, sha256: str) -> bool:
        """Keep the invoice's PDF, once: False when one was already stored (it stays)."""
        rows = await (
            I.update({I.pdf: pdf, I.pdf_sha256: sha256})
            .where((I.id == invoice_id) & I.pdf.is_null())
            .returning(I.id)
        )
        return len(rows) == 1

    async def statement_hours(self, statement_id: int) -> builtins.list[LoanHours]:
        """Each loan's hours and exact cost in a statement per month worked, summed from its
        timesheet entries."""
        rows = (
            await TimesheetEntryTable.select(
                TimesheetEntryTable.engagement.as_alias("engagement_id"),
                TimesheetEntryTable.work_date,
                TimesheetEntryTable.minutes,
                TimesheetEntryTable.cost_cents,
                TimesheetEntryTable.engagement.lender_company.as_alias("lender"),
                TimesheetEntryTable.engagement.host_company.as_alias("host"),
                TimesheetEntryTable.employee.user.full_name.as_alias("employee_name"),  # type: ignore[union-attr]
            )
            .where(TimesheetEntryTable.statement == statement_id)
            .order_by(TimesheetEntryTable.engagement)
            .limit(STATEMENT_ENTRIES_MAX)
        )
        assert len(rows) < STATEMENT_ENTRIES_MAX
        totals: dict[tuple[int, date], LoanHours] = {}
        for row in rows:
            worked = row["work_date"]
            key = (row["engagement_id"], first_of_month(worked))
            found = totals.get(key)
            minutes = (found.minutes if found else 0) + row["minutes"]
            cents = (found.cost_cents if found else 0) + (row["cost_cents"] or 0)
            totals[key] = LoanHours(
                engagement_id=row["engagement_id"],
                month=key[1],
                lender_company_id=row["lender"],
                host_company_id=row["host"],
                employee_name=row["employee_name"],
                minutes=minutes,
                cost_cents=cents,
            )
        return [totals[key] for key in sorted(totals)]

    async def count(self) -> int:
        return int(await I.count())
