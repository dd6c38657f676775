"""Issuing invoices (a lender's month to a host when both agree the statement; an employer
group's month of its CDO to each member when it is allocated), cancelling one by a credit note,
and reading them with their Factur-X PDF.

An invoice is never changed: a mistake is cancelled in full by a credit note (the issuer's
admin), which releases the invoice's expenses. A loan's hours, once in an agreed statement,
stay there: a correction of hours is made by the admins (or the operator's correction
transfer) in the next month's timesheets, so the next month's invoice carries it. An expense
released by a credit note is billed again with the pair's next agreed statement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from contracts.invoice import DocumentLine, DocumentParty, InvoiceDocument
from contracts.invoice import invoice_pdf as render_pdf
from contracts.render import in_pdf_process
from timebank import formatting, rules
from timebank.accounting.model import first_of_month, month_end
from timebank.book.use_cases import retrying
from timebank.companies.model import Company
from timebank.db.unit_of_work import Repositories, UnitOfWork
from timebank.expenses.model import Expense
from timebank.formatting import french_day
from timebank.groups.model import EmployerGroup
from timebank.invoicing import refusals
from timebank.invoicing.model import (
    CREDIT_NOTE_REASON_LENGTH_MAX,
    LINES_MAX,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceOrigin,
    LineKind,
    Party,
    credit_note,
    expense_base_cents,
    label_text,
    new_invoice,
)
from timebank.pagination import OFFSET_MAX, Page
from timebank.people.model import Actor, Role
from timebank.settlements.model import Statement
from timebank.vat.model import VatRegime, VatStatus, group_rebilling_vat, staff_loan_vat

INVOICES_PAGE_MAX: Final = 100
EXPENSE_KIND_WORDS: Final = {
    "transport": "Frais de transport",
    "lodging": "Frais d'hébergement",
    "meals": "Frais de repas",
    "other": "Frais",
}


def party_of(company: Company) -> Party:
    """The company as it stands today, copied onto the invoice."""
    return Party(
        company_id=company.id,
        name=company.name,
        siren=company.siren,
        address=company.address,
        postal_code=company.postal_code,
        city=company.city,
        vat_number=company.vat_number,
    )


def vat_status_of(company: Company) -> VatStatus:
    return VatStatus(
        regime=company.vat_regime, on_debits=company.vat_on_debits, vat_number=company.vat_number
    )


def require_vat_number(company: Company) -> None:
    """A company liable to VAT issues no invoice without its VAT number (CGI ann. II
    art. 242 nonies A, 2°): the agreement or allocation that would issue it is refused."""
    if company.vat_regime is VatRegime.REEL and not company.vat_number:
        raise refusals.VAT_NUMBER_MISSING.error(name=company.name)


def require_address(company: Company) -> None:
    """An invoice names both parties with their address (CGI ann. II art. 242 nonies A, I, 3°;
    C. com. L441-9): the agreement or allocation that would issue one without is refused."""
    if not company.address.strip() or not company.city.strip():
        raise refusals.ADDRESS_MISSING.error(name=company.name)


def _expense_line(expense: Expense, *, lender_liable: bool) -> InvoiceLine:
    words = EXPENSE_KIND_WORDS.get(expense.kind.value, "Frais")
    return InvoiceLine(
        kind=LineKind.EXPENSE,
        label=label_text(
            f"{words} du {expense.spent_on.strftime('%d/%m/%Y')} — {expense.description}"
        ),
        amount_cents=expense_base_cents(
            expense.amount_cents,
            expense.vat_cents,
            lender_liable=lender_liable,
            kind=expense.kind.value,
        ),
        expense_id=expense.id,
    )


async def issue_statement_invoices(
    repos: Repositories, statement: Statement, *, now: datetime, user_id: int | None
) -> list[Invoice]:
    """Inside the agreement of `statement` by its second company: each lender invoices the
    other company for its month (hours per loan at exact cost, approved expenses not billed
    yet), and when both did, the two invoices are set off against each other."""
    month = statement.month
    last_day = month_end(month)
    # Another month's statement of the pair may be agreed at the same time and bill the same
    # expenses: both issuers are held first (company_a < company_b, always in that order).
    for company_id in (statement.company_a, statement.company_b):
        await repos.invoices.lock_issuer(company_id)
    companies = await repos.companies.get_many([statement.company_a, statement.company_b])
    hours = await repos.invoices.statement_hours(statement.id)
    planned = []
    for lender_id, host_id in (
        (statement.company_a, statement.company_b),
        (statement.company_b, statement.company_a),
    ):
        lender = companies[lender_id]
        liable = lender.vat_regime is VatRegime.REEL
        lines = [
            InvoiceLine(
                kind=LineKind.HOURS,
                label=label_text(
                    f"Mise à disposition de {loan.employee_name} au coût exact — "
                    f"{formatting.month_label(loan.month)} (prêt n° {loan.engagement_id})"
                ),
                amount_cents=loan.cost_cents,
                minutes=loan.minutes,
                engagement_id=loan.engagement_id,
            )
            for loan in hours
            if loan.lender_company_id == lender_id and (loan.minutes or loan.cost_cents)
        ]
        expenses = await repos.expenses.billable(
            lender_company_id=lender_id,
            host_company_id=host_id,
            last_day=last_day,
            limit=LINES_MAX - len(lines),
        )
        lines += [_expense_line(expense, lender_liable=liable) for expense in expenses]
        if sum(line.amount_cents for line in lines) <= 0 and not expenses:
            continue
        require_vat_number(lender)
        require_address(lender)
        require_address(companies[host_id])
        # The period billed starts with the earliest month worked or spent in: hours approved
        # after their month's statement, and expenses not billed yet, come in a later one.
        starts = min(
            [month]
            + [loan.month for loan in hours if loan.lender_company_id == lender_id]
            + [first_of_month(e.spent_on) for e in expenses]
        )
        planned.append((lender, companies[host_id], tuple(lines), expenses, starts))
    issued = []
    for lender, host, billed_lines, expenses, starts in planned:
        total = sum(line.amount_cents for line in billed_lines)
        sequence = await repos.invoices.next_sequence(lender.id)
        invoice = new_invoice(
            issuer=party_of(lender),
            customer=party_of(host),
            sequence=sequence,
            origin=InvoiceOrigin.LOAN,
            lines=billed_lines,
            treatment=staff_loan_vat(vat_status_of(lender), total),
            issued_on=await repos.invoices.issue_day(lender.id, french_day(now)),
            period_start=starts,
            period_end=last_day,
            statement_id=statement.id,
        )
        invoice_id = await repos.invoices.add(invoice, issued_by=user_id, now=now)
        billed = await repos.expenses.mark_billed([e.id for e in expenses], invoice_id)
        assert billed == len(expenses), "the issuer's lock keeps them unbilled until now"
        issued.append((invoice_id, invoice.total_cents, invoice.issued_on))
    if len(issued) == 2:  # Each owes the other: the smaller total is settled both ways.
        await repos.invoices.record_set_off(
            [invoice_id for invoice_id, _, _ in issued],
            cents=min(total for _, total, _ in issued),
            on=max(day for _, _, day in issued),
        )
    found = [await repos.invoices.get(invoice_id) for invoice_id, _, _ in issued]
    return [invoice for invoice in found if invoice is not None]


async def issue_cdo_invoices(
    repos: Repositories,
    group: EmployerGroup,
    month: date,
    shares: Sequence[tuple[int, int, int, int]],
    *,
    now: datetime,
    user_id: int | None,
) -> list[Invoice]:
    """Inside the allocation of a group's month: the group's company invoices each member its
    share of the CDOs' cost. `shares` are (member company, CDO employee, minutes, cents)."""
    last_day = month_end(month)
    members = [m for m in group.members if m.joined_on <= last_day and m.left_on is None]
    members += [
        m for m in group.members if m.left_on is not None and m.joined_on <= last_day < m.left_on
    ]
    member_ids = sorted({m.company_id for m in members} | {s[0] for s in shares})
    companies = await repos.companies.get_many([group.company_id, *member_ids])
    issuer = companies[group.company_id]
    regimes = [companies[c].vat_regime for c in member_ids]
    cdos = await repos.employees.get_many([s[1] for s in shares])
    names = {
        e: cdos[e].full_name if e in cdos else f"n° {e}" for e in sorted({s[1] for s in shares})
    }
    per_member: dict[int, list[InvoiceLine]] = {}
    for company_id, employee_id, minutes, cents in shares:
        if cents <= 0:
            continue
        per_member.setdefault(company_id, []).append(
            InvoiceLine(
                kind=LineKind.CDO,
                label=label_text(
                    f"CDO mutualisé — {formatting.month_label(month)} ({names[employee_id]})"
                ),
                amount_cents=cents,
                minutes=minutes,
            )
        )
    if not per_member:
        return []
    require_vat_number(issuer)
    for company in (issuer, *(companies[company_id] for company_id in per_member)):
        require_address(company)
    issued = []
    for company_id in sorted(per_member):
        lines = tuple(per_member[company_id])
        _, treatment = group_rebilling_vat(
            vat_status_of(issuer), regimes, sum(line.amount_cents for line in lines)
        )
        sequence = await repos.invoices.next_sequence(issuer.id)
        invoice = new_invoice(
            issuer=party_of(issuer),
            customer=party_of(companies[company_id]),
            sequence=sequence,
            origin=InvoiceOrigin.CDO,
            lines=lines,
            treatment=treatment,
            issued_on=await repos.invoices.issue_day(issuer.id, french_day(now)),
            period_start=month,
            period_end=last_day,
            group_id=group.id,
        )
        invoice_id = await repos.invoices.add(invoice, issued_by=user_id, now=now)
        found = await repos.invoices.get(invoice_id)
        assert found is not None
        issued.append(found)
    return issued


def _reads(actor: Actor, company_id: int) -> bool:
    """Company admins and the company's accountants read its invoices; the operator does not."""
    return actor.has_role(company_id, Role.COMPANY_ADMIN, Role.ACCOUNTANT)


def _readable(actor: Actor, invoice: Invoice | None, invoice_id: int) -> Invoice:
    if invoice is None or not (
        _reads(actor, invoice.issuer.company_id) or _reads(actor, invoice.customer.company_id)
    ):
        raise refusals.INVOICE_NOT_FOUND.error(id=invoice_id)
    return invoice


async def list_invoices(
    uow: UnitOfWork, actor: Actor, company_id: int, *, page: int, size: int
) -> Page[Invoice]:
    """The invoices a company issued or received, newest first; `page` counts from 1 and is
    clamped to the last page."""
    if not _reads(actor, company_id):
        raise refusals.INVOICES_NOT_YOURS.error()
    rules.integer_range(size, field="size", low=1, high=INVOICES_PAGE_MAX)
    rules.integer_range(page, field="page", low=1, high=OFFSET_MAX // size)
    async with uow(write=False) as repos:
        total = await repos.invoices.count_of_company(company_id)
        offset = (min(page, max(1, -(-total // size))) - 1) * size
        invoices, total = await repos.invoices.page_of_company(
            company_id, limit=size, offset=offset
        )
    return Page(items=tuple(invoices), total=total, limit=size, offset=offset)


async def get_invoice(uow: UnitOfWork, actor: Actor, invoice_id: int) -> Invoice:
    async with uow(write=False) as repos:
        return _readable(actor, await repos.invoices.get(invoice_id), invoice_id)


async def invoice_status(uow: UnitOfWork, actor: Actor, invoice_id: int) -> tuple[Invoice, bool]:
    """The invoice and whether a credit note cancelled it."""
    async with uow(write=False) as repos:
        invoice = _readable(actor, await repos.invoices.get(invoice_id), invoice_id)
        cancelled = await repos.invoices.credit_note_of(invoice.id) is not None
    return invoice, cancelled


async def cancelled_among(uow: UnitOfWork, invoice_ids: Sequence[int]) -> set[int]:
    async with uow(write=False) as repos:
        return await repos.invoices.cancelled_among(invoice_ids)


async def statement_invoices(
    uow: UnitOfWork, actor: Actor, company_id: int, statement_id: int
) -> list[Invoice]:
    """The invoices issued for a statement, for a company of the statement's pair."""
    if not _reads(actor, company_id):
        return []
    async with uow(write=False) as repos:
        invoices = await repos.invoices.of_statement(statement_id)
    return [i for i in invoices if company_id in (i.issuer.company_id, i.customer.company_id)]


@dataclass(frozen=True, slots=True)
class BillableExpense:
    """An approved expense that the statement's agreement will bill, as its invoice will."""

    expense: Expense
    lender_company_id: int
    billed_cents: int  # Excluding the VAT a liable lender recovers.


async def statement_expenses(
    uow: UnitOfWork, actor: Actor, company_id: int, statement: Statement
) -> list[BillableExpense]:
    """The approved expenses not billed yet that agreeing `statement` would invoice, both ways
    (for a company of the pair, read by its admins and accountants)."""
    if not _reads(actor, company_id) or company_id not in (
        statement.company_a,
        statement.company_b,
    ):
        return []
    found: list[BillableExpense] = []
    async with uow(write=False) as repos:
        companies = await repos.companies.get_many([statement.company_a, statement.company_b])
        for lender_id, host_id in (
            (statement.company_a, statement.company_b),
            (statement.company_b, statement.company_a),
        ):
            liable = companies[lender_id].vat_regime is VatRegime.REEL
            billable = await repos.expenses.billable(
                lender_company_id=lender_id,
                host_company_id=host_id,
                last_day=month_end(statement.month),
                limit=LINES_MAX,
            )
            found.extend(
                BillableExpense(
                    expense=expense,
                    lender_company_id=lender_id,
                    billed_cents=expense_base_cents(
                        expense.amount_cents,
                        expense.vat_cents,
                        lender_liable=liable,
                        kind=expense.kind.value,
                    ),
                )
                for expense in billable
            )
    return found


async def invoice_pdf(uow: UnitOfWork, actor: Actor, invoice_id: int) -> tuple[Invoice, bytes]:
    """The invoice's Factur-X PDF: built the first time it is asked for, then always the same
    bytes (kept with their SHA-256)."""
    async with uow(write=False) as repos:
        invoice = _readable(actor, await repos.invoices.get(invoice_id), invoice_id)
        stored = await repos.invoices.pdf(invoice.id)
    if stored is not None:
        return invoice, stored
    pdf = await in_pdf_process(render_pdf, document_of(invoice))
    async with uow() as repos:
        if not await repos.invoices.store_pdf(
            invoice.id, pdf, sha256=hashlib.sha256(pdf).hexdigest()
        ):
            kept = await repos.invoices.pdf(invoice.id)
            assert kept is not None
            pdf = kept
    return invoice, pdf


async def issue_credit_note(
    uow: UnitOfWork, actor: Actor, invoice_id: int, *, reason: str, now: datetime
) -> Invoice:
    """The issuer's admin cancels an invoice in full by a credit note (next number of the same
    sequence); the invoice's expenses are released, to be billed again."""
    checked = rules.text(reason, field="reason", length_max=CREDIT_NOTE_REASON_LENGTH_MAX)

    async def work() -> Invoice:
        async with uow() as repos:
            invoice = _readable(actor, await repos.invoices.get(invoice_id), invoice_id)
            if not actor.has_role(invoice.issuer.company_id, Role.COMPANY_ADMIN):
                raise refusals.ONLY_THE_ISSUER_CANCELS.error()
            if invoice.kind is not InvoiceKind.INVOICE:
                raise refusals.NOT_AN_INVOICE.error()
            # The number is taken first: it locks the issuer's counter, so two credit notes
            # of one invoice wait for each other and the second sees the first.
            sequence = await repos.invoices.next_sequence(invoice.issuer.company_id)
            if await repos.invoices.credit_note_of(invoice.id) is not None:
                raise refusals.INVOICE_ALREADY_CANCELLED.error(number=invoice.number)
            issued_on = await repos.invoices.issue_day(invoice.issuer.company_id, french_day(now))
            note = credit_note(invoice, sequence=sequence, issued_on=issued_on, reason=checked)
            note_id = await repos.invoices.add(note, issued_by=actor.user_id, now=now)
            await repos.expenses.unbill(invoice.id)
            stored = await repos.invoices.get(note_id)
            assert stored is not None
            return stored

    return await retrying(work)


# The invoice handed to `contracts.invoice` (page, EN 16931 XML, Factur-X PDF) as plain values.


def _party(party: Party) -> DocumentParty:
    return DocumentParty(
        company_id=party.company_id,
        name=party.name,
        siren=party.siren,
        address=party.address,
        postal_code=party.postal_code,
        city=party.city,
        vat_number=party.vat_number,
    )


def document_of(invoice: Invoice) -> InvoiceDocument:
    """The invoice as the document renderers read it: the same fields, enums as strings."""
    return InvoiceDocument(
        id=invoice.id,
        issuer=_party(invoice.issuer),
        customer=_party(invoice.customer),
        sequence=invoice.sequence,
        number=invoice.number,
        kind=invoice.kind.value,
        origin=invoice.origin.value,
        statement_id=invoice.statement_id,
        group_id=invoice.group_id,
        corrects_id=invoice.corrects_id,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        hours_cents=invoice.hours_cents,
        expenses_cents=invoice.expenses_cents,
        total_excl_vat_cents=invoice.total_excl_vat_cents,
        vat_rate_basis_points=invoice.vat_rate_basis_points,
        vat_cents=invoice.vat_cents,
        total_cents=invoice.total_cents,
        vat_exigibility=invoice.vat_exigibility.value,
        mentions=invoice.mentions,
        lines=tuple(
            DocumentLine(
                kind=line.kind.value,
                label=line.label,
                amount_cents=line.amount_cents,
                minutes=line.minutes,
                engagement_id=line.engagement_id,
                expense_id=line.expense_id,
            )
            for line in invoice.lines
        ),
        set_off_cents=invoice.set_off_cents,
        set_off_on=invoice.set_off_on,
        corrects_number=invoice.corrects_number,
        corrects_issued_on=invoice.corrects_issued_on,
    )
