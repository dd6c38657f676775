"""Invoice numbers per issuer: one continuous sequence, no gap and no duplicate, whatever the
interleaving of concurrent issuings and of issuings that fail (rolled back) after taking their
number. Each issuing is its own unit of work, as in the use cases; on PostgreSQL the tasks run
on separate connections at once, on SQLite they queue on the write lock."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import company_input, now, sign_up
from timebank.book.use_cases import retrying
from timebank.companies.use_cases import company_draft
from timebank.db import tables
from timebank.db.unit_of_work import engine, piccolo_unit_of_work
from timebank.invoicing import use_cases as invoicing
from timebank.invoicing.model import (
    InvoiceLine,
    InvoiceOrigin,
    LineKind,
    Party,
    invoice_number,
    new_invoice,
)
from timebank.vat.model import VatRegime, VatStatus, staff_loan_vat

pytestmark = pytest.mark.anyio
MONTH: Final = date(2026, 11, 1)


class Abandoned(Exception):
    """An issuing that fails after taking its number (its transaction rolls back)."""


async def _company() -> Party:
    async with piccolo_unit_of_work() as repos:
        company = await repos.companies.add(company_draft(company_input()), now=now())
    return Party(
        company_id=company.id,
        name=company.name,
        siren=company.siren,
        address=company.address,
        postal_code=company.postal_code,
        city=company.city,
        vat_number=None,
    )


async def _issue(issuer: Party, customer: Party, *, fail: bool) -> int | None:
    """Take the issuer's next number and store an invoice with it, in one unit of work; a
    failing issuing raises after both (nothing of it stays)."""

    async def work() -> int:
        async with piccolo_unit_of_work() as repos:
            sequence = await repos.invoices.next_sequence(issuer.company_id)
            cents = 1000 + sequence
            invoice = new_invoice(
                issuer=issuer,
                customer=customer,
                sequence=sequence,
                origin=InvoiceOrigin.LOAN,
                lines=(InvoiceLine(LineKind.HOURS, "Heures", cents, minutes=60),),
                treatment=staff_loan_vat(VatStatus(VatRegime.FRANCHISE), cents),
                issued_on=MONTH,
                period_start=MONTH,
                period_end=MONTH,
            )
            await repos.invoices.add(invoice, issued_by=None, now=now())
            if fail:
                raise Abandoned
            return sequence

    try:
        return await retrying(work)
    except Abandoned:
        return None


async def _numbers(issuer: Party) -> list[tuple[int, str]]:
    rows = (
        await tables.InvoiceTable.select(tables.InvoiceTable.sequence, tables.InvoiceTable.number)
        .where(tables.InvoiceTable.issuer == issuer.company_id)
        .order_by(tables.InvoiceTable.sequence)
    )
    return [(row["sequence"], row["number"]) for row in rows]


def _continuous(count: int) -> list[tuple[int, str]]:
    return [(n, invoice_number(n)) for n in range(1, count + 1)]


async def test_concurrent_issuings_number_each_issuer_from_one_without_gap_or_duplicate() -> None:
    postgres = engine().engine_type == "postgres"
    per_issuer = 24 if postgres else 12
    issuers = [await _company() for _ in range(3)]
    customer = await _company()
    plan = [
        (issuer, n % 5 == 3)  # Some fail after taking a number.
        for n in range(per_issuer)
        for issuer in issuers
    ]
    results = await asyncio.gather(*[_issue(issuer, customer, fail=fail) for issuer, fail in plan])
    for issuer in issuers:
        kept = [
            sequence
            for (owner, _), sequence in zip(plan, results, strict=True)
            if owner == issuer and sequence is not None
        ]
        assert len(kept) == sum(1 for owner, fail in plan if owner == issuer and not fail)
        assert sorted(kept) == list(range(1, len(kept) + 1))
        assert await _numbers(issuer) == _continuous(len(kept))
        counter = await tables.InvoiceCounterTable.select().where(
            tables.InvoiceCounterTable.issuer == issuer.company_id
        )
        assert counter[0]["last_sequence"] == len(kept)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.integers(0, 1), st.booleans()), min_size=1, max_size=10))
async def test_any_interleaving_of_issued_and_failed_issuings_leaves_no_gap(
    steps: list[tuple[int, bool]],
) -> None:
    issuers = [await _company() for _ in range(2)]
    customer = await _company()
    for index, fail in steps:
        await _issue(issuers[index], customer, fail=fail)
    for index, issuer in enumerate(issuers):
        issued = sum(1 for i, fail in steps if i == index and not fail)
        assert await _numbers(issuer) == _continuous(issued)


async def test_two_credit_notes_of_one_invoice_at_once_cancel_it_once() -> None:
    admin = await sign_up()
    issuer = await _issuer_of(admin.company_id)
    customer = await _company()
    sequence = await _issue(issuer, customer, fail=False)
    assert sequence == 1
    (invoice,) = await tables.InvoiceTable.select(tables.InvoiceTable.id).where(
        tables.InvoiceTable.issuer == issuer.company_id
    )
    outcomes = await asyncio.gather(
        *[
            invoicing.issue_credit_note(
                piccolo_unit_of_work, admin.actor, invoice["id"], reason=f"Erreur {n}", now=now()
            )
            for n in range(4)
        ],
        return_exceptions=True,
    )
    notes = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(notes) == 1
    assert [getattr(r, "code", r) for r in refused] == ["invoice_already_cancelled"] * 3
    assert await _numbers(issuer) == _continuous(2)


async def _issuer_of(company_id: int) -> Party:
    async with piccolo_unit_of_work(write=False) as repos:
        company = await repos.companies.get(company_id)
    assert company is not None
    return invoicing.party_of(company)


async def test_a_later_number_never_carries_an_earlier_day() -> None:
    """An issuing that read its clock just before midnight but took its number after one dated
    the next day carries that day: numbers and days go up together (CGI ann. II art. 242
    nonies A, I, 7°, a chronological sequence)."""
    issuer, customer = await _company(), await _company()
    async with piccolo_unit_of_work() as repos:
        await repos.invoices.lock_issuer(issuer.company_id)
        assert await repos.invoices.issue_day(issuer.company_id, MONTH) == MONTH
    await _issue(issuer, customer, fail=False)  # Dated MONTH (1 November).
    async with piccolo_unit_of_work() as repos:
        await repos.invoices.lock_issuer(issuer.company_id)
        before = date(2026, 10, 31)
        assert await repos.invoices.issue_day(issuer.company_id, before) == MONTH
        after = date(2026, 11, 2)
        assert await repos.invoices.issue_day(issuer.company_id, after) == after
