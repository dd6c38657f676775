"""The FEC of billing, through the real flow: two liable companies lend to each other in a month
(one opted for VAT on debits, the other taxed on payment), the lender's employee has a train
ticket approved, both agree the statement, so each invoices the other and the two invoices are
set off. Both companies' files pass the strict layout check and an FEC reader we did not write;
invoices carry their number as PieceRef and their VAT on the account of its exigibility, the
set-off pays the VAT share it settles, 4181 / 4081 net to zero, one side's 411 is the other's
401; a credit note reverses its invoice."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fec_parser.parser import FECParser

from contracts import fec
from tests.exchange_helpers import (
    Party,
    active_engagement,
    approved_expense,
    approved_hours_cents,
    invoices_of,
    last_month_statement,
    lent_back,
    world,
)
from tests.helpers import company_json, now

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
DAY = re.compile(r"^\d{8}$")
MONEY = re.compile(r"^(0|[1-9]\d*),\d{2}$")


def strict_rows(text: str) -> list[dict[str, str]]:
    """The file's lines once checked rule by rule (LPF A47 A-1: the 18 columns in order, TAB,
    dates AAAAMMJJ, amounts with a decimal comma, one side per line, entries numbered from 1 in
    date order, each balanced on one date, validated on or after it) and read without a remark
    by fec-parser."""
    parser = FECParser.from_txt(text, "export.txt")
    assert parser.parse() == []
    header, *lines = text.split("\n")
    assert header.split("\t") == list(fec.COLUMNS)
    assert lines[-1] == ""
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) == len(lines) - 1
    balance: dict[str, int] = defaultdict(int)
    dates: dict[str, str] = {}
    for row in rows:
        assert len(row) == 18 and None not in row.values()
        for column in ("EcritureDate", "PieceDate", "ValidDate"):
            assert DAY.match(row[column]), row
        date.fromisoformat(row["EcritureDate"])
        assert MONEY.match(row["Debit"]) and MONEY.match(row["Credit"]), row
        debit, credit = _cents(row["Debit"]), _cents(row["Credit"])
        assert (debit == 0) != (credit == 0), row
        assert row["ValidDate"] >= row["EcritureDate"], row
        assert row["CompteNum"][:3].isdigit() and row["CompteLib"], row
        assert dates.setdefault(row["EcritureNum"], row["EcritureDate"]) == row["EcritureDate"]
        balance[row["EcritureNum"]] += debit - credit
    assert not any(balance.values())
    numbers = list(dates)
    assert numbers == [f"{n:08d}" for n in range(1, len(numbers) + 1)]
    assert list(dates.values()) == sorted(dates.values())
    return rows


def _cents(euros: str) -> int:
    whole, _, fraction = euros.partition(",")
    return int(whole) * 100 + int(fraction)


def _balances(rows: list[dict[str, str]]) -> dict[tuple[str, str], int]:
    """Debit minus credit per account and auxiliary account, in cents."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        found[(row["CompteNum"], row["CompAuxNum"])] += _cents(row["Debit"]) - _cents(row["Credit"])
    return dict(found)


def _entry(
    rows: list[dict[str, str]], piece: str, side: str = ""
) -> list[tuple[str, int, int, str]]:
    """The lines of the piece's entry; `side` (client, fournisseur) tells apart two issuers'
    invoices of the same number (each issuer has its own series) by the entry's label."""
    return [
        (row["CompteNum"], _cents(row["Debit"]), _cents(row["Credit"]), row["CompAuxNum"])
        for row in rows
        if row["PieceRef"] == piece and f" - {side}" in row["EcritureLib"]
    ]


def _share(vat_cents: int, total_cents: int, settled_cents: int) -> int:
    """The VAT a settlement pays: VAT × settled / total, to the nearest cent, half up."""
    return (2 * vat_cents * settled_cents + total_cents) // (2 * total_cents)


def _year_covering_last_month_and_today() -> tuple[tuple[int, int], int]:
    """A fiscal year end (month, day) and year such that the year holds last month's work and
    today's invoices."""
    today = now().date()
    if today.month == 2:
        return (3, 31), today.year
    end = today.replace(day=28) + timedelta(days=4)
    end -= timedelta(days=end.day)
    return (end.month, end.day), end.year


async def _fec(company_id: int, year: int, fiscal_year_end: tuple[int, int]) -> str:
    from timebank.accounting.use_cases import AccountingSettings, accountant_actor, export_fec
    from timebank.db.unit_of_work import piccolo_unit_of_work

    out = io.StringIO()
    await export_fec(
        piccolo_unit_of_work,
        accountant_actor(company_id, "Test"),
        company_id,
        year=year,
        out=out,
        settings=AccountingSettings(fiscal_year_end=fiscal_year_end),
        now=datetime.now(UTC),
    )
    return out.getvalue()


async def _hours_csv(
    company_id: int, year: int, fiscal_year_end: tuple[int, int]
) -> list[dict[str, str]]:
    from timebank.accounting.use_cases import AccountingSettings, accountant_actor, hours_csv
    from timebank.db.unit_of_work import piccolo_unit_of_work

    _, text = await hours_csv(
        piccolo_unit_of_work,
        accountant_actor(company_id, "Test"),
        company_id,
        year=year,
        settings=AccountingSettings(fiscal_year_end=fiscal_year_end),
    )
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


async def _on_debits(client: Client, party: Party) -> None:
    stored = (
        await client.get(f"/api/v1/companies/{party.company_id}", headers=party.headers)
    ).json()
    body = {key: stored[key] for key in company_json()} | {"vat_on_debits": True}
    edited = await client.patch(
        f"/api/v1/companies/{party.company_id}", headers=party.headers, json=body
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["vat_on_debits"] is True


async def test_invoices_vat_and_set_off_in_both_companies_files(client: Client) -> None:
    w = await world(client)
    await _on_debits(client, w.lender)
    back = await lent_back(client, w)
    loan = await active_engagement(client, w)
    loan_back = await active_engagement(client, back)
    lent = await approved_hours_cents(client, w, loan, [(3, 180), (10, 150)])
    lent_back_cents = await approved_hours_cents(client, back, loan_back, [(4, 120)])
    await approved_expense(client, w, loan, amount=12_000, vat=2_000)  # 100,00 € billed.
    statement_id = await last_month_statement(client, w)
    for party in (w.host, w.lender):
        agreed = await client.post(
            f"/api/v1/settlements/{statement_id}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    assert w.lender.company_id is not None and w.host.company_id is not None
    by_issuer = {i["issuer"]["company_id"]: i for i in await invoices_of(client, w.lender)}
    mine, theirs = by_issuer[w.lender.company_id], by_issuer[w.host.company_id]
    assert (mine["vat_exigibility"], theirs["vat_exigibility"]) == ("debits", "payment")
    assert mine["total_excl_vat_cents"] == lent + 10_000
    assert theirs["total_excl_vat_cents"] == lent_back_cents
    assert mine["vat_cents"] > 0 and theirs["vat_cents"] > 0
    settled = min(mine["total_cents"], theirs["total_cents"])
    sirens = {
        party.company_id: (
            await client.get(f"/api/v1/companies/{party.company_id}", headers=party.headers)
        ).json()["siren"]
        for party in (w.lender, w.host)
    }
    host_siren, lender_siren = sirens[w.host.company_id], sirens[w.lender.company_id]
    year_end, year = _year_covering_last_month_and_today()
    lender = strict_rows(await _fec(w.lender.company_id, year, year_end))
    host = strict_rows(await _fec(w.host.company_id, year, year_end))
    issued = f"{date.fromisoformat(mine['issued_on']):%Y%m%d}"

    # The lender's invoice, under its number on its day: on debits, its VAT is collected now,
    # and its customer deducts it now.
    assert _entry(lender, mine["number"], "client") == [
        ("411", mine["total_cents"], 0, host_siren),
        ("4181", 0, mine["total_excl_vat_cents"], ""),
        ("44571", 0, mine["vat_cents"], ""),
    ]
    assert {
        (r["EcritureDate"], r["PieceDate"]) for r in lender if r["PieceRef"] == mine["number"]
    } == {(issued, issued)}
    assert _entry(host, mine["number"], "fournisseur") == [
        ("4081", mine["total_excl_vat_cents"], 0, ""),
        ("44566", mine["vat_cents"], 0, ""),
        ("401", 0, mine["total_cents"], lender_siren),
    ]
    # The host's invoice, taxed on payment: its VAT waits on both sides...
    assert _entry(host, theirs["number"], "client") == [
        ("411", theirs["total_cents"], 0, lender_siren),
        ("4181", 0, lent_back_cents, ""),
        ("44574", 0, theirs["vat_cents"], ""),
    ]
    assert _entry(lender, theirs["number"], "fournisseur") == [
        ("4081", lent_back_cents, 0, ""),
        ("44564", theirs["vat_cents"], 0, ""),
        ("401", 0, theirs["total_cents"], host_siren),
    ]
    # ...until the set-off pays the share of it that it settles.
    share = _share(theirs["vat_cents"], theirs["total_cents"], settled)
    assert _entry(host, f"{theirs['number']} / {mine['number']}") == [
        ("401", settled, 0, lender_siren),
        ("411", 0, settled, lender_siren),
        ("44574", share, 0, ""),
        ("44571", 0, share, ""),
    ]
    assert _entry(lender, f"{mine['number']} / {theirs['number']}") == [
        ("401", settled, 0, host_siren),
        ("411", 0, settled, host_siren),
        ("44566", share, 0, ""),
        ("44564", 0, share, ""),
    ]

    ours, others = _balances(lender), _balances(host)
    for balances in (ours, others):
        assert balances[("4181", "")] == balances[("4081", "")] == 0  # The month is invoiced.
        assert sum(balances.values()) == 0
    # What one company is owed is what the other owes.
    assert ours.get(("411", host_siren), 0) == -others.get(("401", lender_siren), 0)
    assert ours.get(("401", host_siren), 0) == -others.get(("411", lender_siren), 0)
    assert ours[("411", host_siren)] == mine["total_cents"] - settled
    assert others[("44574", "")] == -(theirs["vat_cents"] - share)

    # The accountant's hours export shows the ticket re-billed, on both sides.
    for company_id in (w.lender.company_id, w.host.company_id):
        rows = await _hours_csv(company_id, year, year_end)
        assert rows[-1]["Frais refacturés au coût (€)"] == "100,00"
        assert _cents(rows[-1]["Montant au coût (€)"]) == lent + lent_back_cents

    # A credit note reverses its invoice: the work is to invoice again.
    note = await client.post(
        f"/api/v1/invoices/{mine['id']}/credit-note",
        headers=w.lender.headers,
        json={"reason": "Billet compté deux fois"},
    )
    assert note.status_code == 201, note.text
    credit = note.json()
    lender = strict_rows(await _fec(w.lender.company_id, year, year_end))
    assert _entry(lender, credit["number"], "client") == [
        ("411", 0, mine["total_cents"], host_siren),
        ("4181", mine["total_excl_vat_cents"], 0, ""),
        ("44571", mine["vat_cents"], 0, ""),
    ]
    assert _balances(lender)[("4181", "")] == mine["total_excl_vat_cents"]
    host = strict_rows(await _fec(w.host.company_id, year, year_end))
    assert _entry(host, credit["number"], "fournisseur") == [
        ("4081", 0, mine["total_excl_vat_cents"], ""),
        ("44566", 0, mine["vat_cents"], ""),
        ("401", mine["total_cents"], 0, lender_siren),
    ]


# The demo: every company's file for last year and this one passes the strict check, and every
# invoice issued in those years is in its issuer's and its customer's files under its number,
# with its VAT on the accounts of its exigibility; one side's 411 is the other's 401.
DEMO_CHECK = """
import asyncio, io
from collections import defaultdict
from datetime import UTC, date, datetime
from tests.e2e.test_fec_billing import strict_rows, _cents
from timebank.accounting.use_cases import accountant_actor, accounting_settings, export_fec
from timebank.config import get_settings
from timebank.db.engine import close_database, open_database
from timebank.db.tables import CompanyTable, InvoiceTable
from timebank.db.unit_of_work import engine, piccolo_unit_of_work

async def main():
    settings = get_settings()
    await open_database(engine(), settings.database)
    now = datetime.now(UTC)
    years = (now.year - 1, now.year)
    files, sirens, owed = {}, {}, defaultdict(int)
    try:
        for row in await CompanyTable.select(CompanyTable.id, CompanyTable.siren):
            sirens[row["id"]] = row["siren"]
            for year in years:
                out = io.StringIO()
                await export_fec(piccolo_unit_of_work, accountant_actor(row["id"], "Test"),
                    row["id"], year=year, out=out, settings=accounting_settings(), now=now)
                files[(row["id"], year)] = strict_rows(out.getvalue())
        invoices = await InvoiceTable.select().where(InvoiceTable.issued_on >= date(years[0], 1, 1))
        vat_lines = 0
        for invoice in invoices:
            year = invoice["issued_on"].year
            sides = (
                (invoice["issuer"], " - client", {"44571", "44574"}, -1, "411"),
                (invoice["customer"], " - fournisseur", {"44566", "44564", "6214"}, 1, "401"),
            )
            for company, side, accounts, sign, third in sides:
                rows = [r for r in files[(company, year)]
                        if r["PieceRef"] == invoice["number"] and side in r["EcritureLib"]]
                assert rows, (invoice["number"], company)
                vat = sum(_cents(r["Debit"]) - _cents(r["Credit"]) for r in rows
                          if r["CompteNum"] in accounts)
                assert vat == sign * invoice["vat_cents"], (invoice["number"], rows)
                vat_lines += bool(invoice["vat_cents"])
                other = invoice["customer"] if third == "411" else invoice["issuer"]
                total = sum(_cents(r["Debit"]) - _cents(r["Credit"]) for r in rows
                            if r["CompteNum"] == third and r["CompAuxNum"] == sirens[other])
                assert total == -sign * invoice["total_cents"], (invoice["number"], rows)
        for (company, year), rows in files.items():
            for r in rows:
                if r["CompteNum"] in ("411", "401"):
                    key = (company, r["CompAuxNum"], year)
                    owed[(r["CompteNum"],) + key] += _cents(r["Debit"]) - _cents(r["Credit"])
        for (account, company, aux, year), cents in owed.items():
            other = next(c for c, s in sirens.items() if s == aux)
            mirror_account = "401" if account == "411" else "411"
            mirror = owed.get((mirror_account, other, sirens[company], year), 0)
            assert cents == -mirror, (account, company, aux, year)
    finally:
        await close_database(engine(), settings.database)
    print(len(invoices), vat_lines)

asyncio.run(main())
"""


@pytest.mark.slow
def test_every_demo_companys_file_carries_its_invoices_and_their_vat(tmp_path: Path) -> None:
    from tests.e2e.test_entry_dates import DEMO_SECONDS_MAX, ROOT, _fresh_database

    url, drop = _fresh_database(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TIMEBANK_DATABASE_URL": url}
    try:
        for args in (["-m", "web.cli", "demo"], ["-c", DEMO_CHECK]):
            done = subprocess.run(
                [sys.executable, *args],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                timeout=DEMO_SECONDS_MAX,
                check=False,
            )
            assert done.returncode == 0, done.stderr[-3000:]
        invoices, vat_lines = (int(word) for word in done.stdout.split()[-2:])
        assert invoices > 0 and vat_lines > 0  # The demo invoices, with VAT.
    finally:
        if drop is not None:
            subprocess.run(drop, check=False, cwd=ROOT)
