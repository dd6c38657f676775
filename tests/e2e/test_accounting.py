"""Accounting exports through HTTP: the lender's and the host's FEC-layout files (read back by
fec-parser), capitalisation and amortisation of an asset project, hours, the amortisation
statement, and who may export (admins and granted accountants only)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fec_parser.parser import FECParser
from openpyxl import load_workbook

from tests.exchange_helpers import (
    Party,
    active_engagement,
    log,
    operator,
    prepare_last_month,
    previous_month_day,
    world,
)
from tests.helpers import emailed_invitation_token, new_email, now

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient


def _company_siren() -> str:
    """A company of this run's database (the command opens the database itself)."""
    import sqlite3

    url = os.environ["TIMEBANK_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return str(db.execute("SELECT siren FROM company ORDER BY id LIMIT 1").fetchone()[0])
    import asyncpg

    async def first() -> str:
        connection = await asyncpg.connect(url)
        try:
            return str(await connection.fetchval("SELECT siren FROM company ORDER BY id LIMIT 1"))
        finally:
            await connection.close()

    import asyncio

    return asyncio.run(first())


def _french_csv(text: str) -> list[dict[str, str]]:
    """A CSV as a French Excel reads it: byte order mark first, `;` between fields."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _cents(euros: str) -> int:
    """1234,56 → 123456 (decimal comma, no thousands separator)."""
    whole, _, fraction = euros.partition(",")
    assert whole.isdigit() and len(fraction) == 2, euros
    return int(whole) * 100 + int(fraction)


def _totals(text: str) -> dict[str, tuple[Decimal, Decimal]]:
    parser = FECParser.from_txt(text, "export.txt")
    assert parser.parse() == []
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for e in parser.get_ecritures():
        sums[e.compte_num][0] += e.debit
        sums[e.compte_num][1] += e.credit
    return {account: (d, c) for account, (d, c) in sums.items()}


async def _summary_matches_the_file(company_id: int | None, year: int, text: str) -> None:
    """The summary shown before download counts and sums exactly what the file holds."""
    from timebank.accounting.use_cases import accountant_actor, accounting_settings, fec_summary
    from timebank.db.unit_of_work import piccolo_unit_of_work

    assert company_id is not None
    summary = await fec_summary(
        piccolo_unit_of_work,
        accountant_actor(company_id, "Test"),
        company_id,
        year=year,
        settings=accounting_settings(),
    )
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert summary.entries == len({row["EcritureNum"] for row in rows}) > 0
    assert summary.lines == len(rows)
    debit = sum(_cents(row["Debit"]) for row in rows)
    assert summary.debit_cents == summary.credit_cents == debit
    assert debit == sum(_cents(row["Credit"]) for row in rows)
    accounts = {row["CompteNum"]: row["CompteLib"] for row in rows}
    assert {(a.number, a.label) for a in summary.accounts} == set(accounts.items())
    days = sorted(row["EcritureDate"] for row in rows)
    assert summary.first_day is not None and summary.last_day is not None
    assert (f"{summary.first_day:%Y%m%d}", f"{summary.last_day:%Y%m%d}") == (days[0], days[-1])
    for account in summary.accounts:
        mine = [row for row in rows if row["CompteNum"] == account.number]
        assert account.debit_cents == sum(_cents(row["Debit"]) for row in mine)
        assert account.credit_cents == sum(_cents(row["Credit"]) for row in mine)


async def _accountant(client: Client, company: Party) -> dict[str, str]:
    grant = await client.post(
        f"/api/v1/companies/{company.company_id}/accountants",
        headers=company.headers,
        json={"email": new_email("cabinet"), "full_name": "Cabinet Durand"},
    )
    assert grant.status_code == 201, grant.text
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={
            "token": await emailed_invitation_token(grant.json()["accountant"]["id"]),
            "password": "cabinet-password",
        },
    )
    client.cookies.clear()
    return {"Authorization": f"Bearer {accepted.json()['token']}"}


async def test_fec_hours_and_amortisation_for_lender_and_host(client: Client) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    entries = [
        (await log(client, w, engagement_id, previous_month_day(day), minutes)).json()["id"]
        for day, minutes in ((3, 180), (10, 150))
    ]
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entries}
    )
    assert approved.status_code == 200, approved.text
    cents = sum(e["cost_cents"] for e in approved.json())
    marked = await client.put(
        f"/api/v1/needs/{w.need_id}/asset-project",
        headers=w.host.headers,
        json={"account": "205", "in_service_on": now().date().replace(day=1).isoformat()},
    )
    assert marked.status_code == 204, marked.text
    foreign = await client.put(
        f"/api/v1/needs/{w.need_id}/asset-project",
        headers=w.lender.headers,
        json={"account": "205"},
    )
    assert foreign.status_code == 403
    bad = await client.put(
        f"/api/v1/needs/{w.need_id}/asset-project", headers=w.host.headers, json={"account": "999"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "account"
    await prepare_last_month(client)
    year = now().year

    lender = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/fec",
        headers=w.lender.headers,
        params={"year": year},
    )
    assert lender.status_code == 200, lender.text
    siren = (
        await client.get(f"/api/v1/companies/{w.lender.company_id}", headers=w.lender.headers)
    ).json()["siren"]
    assert f'filename="{siren}FEC{year}1231.txt"' in lender.headers["content-disposition"]
    assert lender.headers["content-type"] == "text/plain; charset=utf-8"
    totals = _totals(lender.text)
    assert totals["4181"] == (Decimal(cents) / 100, Decimal(0))  # To invoice: no statement.
    assert totals["7084"] == (Decimal(0), Decimal(cents) / 100)

    host = await client.get(
        f"/api/v1/companies/{w.host.company_id}/exports/fec",
        headers=w.host.headers,
        params={"year": year},
    )
    totals = _totals(host.text)
    assert totals["6214"] == (Decimal(cents) / 100, Decimal(0))
    assert totals["4081"] == (Decimal(0), Decimal(cents) / 100)
    assert totals["232"] == (Decimal(cents) / 100, Decimal(cents) / 100)  # In, then in service.
    assert totals["721"] == (Decimal(0), Decimal(cents) / 100)
    assert totals["205"][0] == Decimal(cents) / 100
    charge = totals["6811"][0]
    assert 0 < charge < Decimal(cents) / 100 / 3 and totals["2805"] == (Decimal(0), charge)
    await _summary_matches_the_file(w.host.company_id, year, host.text)
    await _summary_matches_the_file(w.lender.company_id, year, lender.text)

    hours = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/hours.csv",
        headers=w.lender.headers,
        params={"year": year},
    )
    assert hours.headers["content-type"] == "text/csv; charset=utf-8"
    rows = _french_csv(hours.text)
    assert list(rows[0])[:3] == ["Mois", "Salarié·e", "Mise à disposition"]
    year_total = rows[-1]
    assert (year_total["Mois"], year_total["Salarié·e"]) == (f"Exercice {year}", "Total")
    assert year_total["Durée prêtée (minutes)"] == "330"
    assert _cents(year_total["Montant au coût (€)"]) == cents
    assert rows[0]["Mois"] == previous_month_day(1).strftime("%m/%Y")
    workbook = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/hours.xlsx",
        headers=w.lender.headers,
        params={"year": year},
    )
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    first, last = sheet[2], sheet[sheet.max_row]
    assert first[0].number_format == "MM/YYYY" and first[8].number_format == '#,##0.00 "€"'
    assert last[1].value == "Total" and last[5].value == 5.5  # 330 minutes.
    assert round(last[8].value * 100) == cents

    statement = await client.get(
        f"/api/v1/companies/{w.host.company_id}/exports/amortisation.csv",
        headers=w.host.headers,
        params={"year": year},
    )
    lines = _french_csv(statement.text)
    assert [line["Fondement"] for line in lines] == ["Droit actuel"]
    assert _cents(lines[0]["Dotation de l'exercice (€)"]) == int(charge * 100)
    simulated = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/amortisation.csv",
        headers=w.lender.headers,
        params={"year": year},
    )
    assert [line["Fondement"] for line in _french_csv(simulated.text)] == [
        "Simulation (proposition CNNum)"
    ]
    pdf = await client.get(
        f"/api/v1/companies/{w.host.company_id}/exports/amortisation.pdf",
        headers=w.host.headers,
        params={"year": year},
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_the_lenders_simulation_counts_only_time_not_reimbursed(client: Client) -> None:
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    today = now().date()
    entries = [
        (await log(client, w, engagement_id, day, minutes)).json()["id"]
        for day, minutes in ((previous_month_day(3), 180), (today, 60))
    ]
    approved = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": entries}
    )
    assert approved.status_code == 200, approved.text
    await prepare_last_month(client)
    statement = (
        await client.get(
            f"/api/v1/companies/{w.host.company_id}/settlements", headers=w.host.headers
        )
    ).json()[0]
    for party in (w.host, w.lender):
        agreed = await client.post(
            f"/api/v1/settlements/{statement['id']}/agree", headers=party.headers
        )
        assert agreed.status_code == 200, agreed.text
    assert agreed.json()["status"] == "agreed"
    simulated = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/amortisation.csv",
        headers=w.lender.headers,
        params={"year": today.year},
    )
    lines = _french_csv(simulated.text)
    # Last month's 3 h were reimbursed by the agreed statement; only today's hour is left:
    # 60 min × 42 000 € × 1,42 / 1 607 h = 37,1126… → 37,11 €, from today.
    assert [(line["Base amortissable (€)"], line["Mise en service"]) for line in lines] == [
        ("37,11", f"{today:%d/%m/%Y}")
    ]


async def test_only_admins_and_granted_accountants_export(client: Client) -> None:
    w = await world(client)
    mine = await _accountant(client, w.lender)
    theirs = await _accountant(client, w.host)
    url = f"/api/v1/companies/{w.lender.company_id}/exports/fec"
    year = {"year": now().year}
    assert (await client.get(url, headers=mine, params=year)).status_code == 200
    assert (await client.get(url, headers=theirs, params=year)).status_code == 403
    assert (await client.get(url, headers=w.employee.headers, params=year)).status_code == 403
    ops = await operator(client)
    assert (await client.get(url, headers=ops.headers, params=year)).status_code == 404
    bad_year = await client.get(url, headers=mine, params={"year": 1999})
    assert bad_year.status_code == 422 and bad_year.json()["field"] == "year"
    for path in ("hours.csv", "amortisation.csv", "amortisation.pdf"):
        other = f"/api/v1/companies/{w.lender.company_id}/exports/{path}"
        assert (await client.get(other, headers=theirs, params=year)).status_code == 403


async def test_trainings_are_approved_at_cost_rated_publicly_and_exported(client: Client) -> None:
    w = await world(client)
    today = now().date()
    body = {
        "title": "Référencement naturel avancé",
        "provider": f"Organisme {new_email('x')[:8]}",
        "starts_on": today.replace(day=1).isoformat(),
        "ends_on": today.isoformat(),
        "minutes": 14 * 60,
    }
    logged = await client.post(
        f"/api/v1/employees/{w.employee_id}/trainings", headers=w.employee.headers, json=body
    )
    assert logged.status_code == 201, logged.text
    training = logged.json()
    assert training["status"] == "submitted"
    future = await client.post(
        f"/api/v1/employees/{w.employee_id}/trainings",
        headers=w.employee.headers,
        json={**body, "ends_on": (today.replace(year=today.year + 1)).isoformat()},
    )
    assert future.status_code == 422 and future.json()["field"] == "ends_on"
    for_someone_else = await client.post(
        f"/api/v1/employees/{w.employee_id}/trainings", headers=w.host.headers, json=body
    )
    assert for_someone_else.status_code == 404
    too_early = await client.post(
        f"/api/v1/trainings/{training['id']}/rating", headers=w.employee.headers, json={"rating": 4}
    )
    assert too_early.status_code == 409
    not_employer = await client.post(
        f"/api/v1/trainings/{training['id']}/approve", headers=w.host.headers
    )
    assert not_employer.status_code == 403
    approved = await client.post(
        f"/api/v1/trainings/{training['id']}/approve", headers=w.lender.headers
    )
    assert approved.status_code == 200 and approved.json()["cost_cents"] > 0
    out_of_range = await client.post(
        f"/api/v1/trainings/{training['id']}/rating", headers=w.employee.headers, json={"rating": 6}
    )
    assert out_of_range.status_code == 422 and out_of_range.json()["field"] == "rating"
    rated = await client.post(
        f"/api/v1/trainings/{training['id']}/rating",
        headers=w.employee.headers,
        json={"rating": 4, "comment": "Très concret."},
    )
    assert rated.status_code == 200
    client.cookies.clear()
    scores = (await client.get("/api/v1/trainings/ratings", params={"limit": 200})).json()
    mine = [s for s in scores if s["provider"] == body["provider"]]
    assert mine == [
        {"title": body["title"], "provider": body["provider"], "average": 4.0, "count": 1}
    ]
    hours = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/hours.csv",
        headers=w.lender.headers,
        params={"year": today.year},
    )
    rows = _french_csv(hours.text)
    assert rows[-1]["Durée de formation (minutes)"] == str(14 * 60)
    statement = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/amortisation.csv",
        headers=w.lender.headers,
        params={"year": today.year},
    )
    lines = _french_csv(statement.text)
    assert [line["Fondement"] for line in lines] == ["Simulation (proposition CNNum)"]
    assert lines[0]["Libellé"].startswith("Formation")
    assert _cents(lines[0]["Base amortissable (€)"]) == approved.json()["cost_cents"]


async def test_year_end_exports_are_prepared_once_for_the_accountants(client: Client) -> None:
    from datetime import UTC, datetime

    from timebank.accounting.use_cases import AccountingSettings, prepare_year_end
    from timebank.db.unit_of_work import piccolo_unit_of_work

    w = await world(client)
    accountant = await _accountant(client, w.lender)
    today = now().date()
    # A fiscal year ending yesterday: the job prepares its files (and only once).
    yesterday = today.fromordinal(today.toordinal() - 1)
    if (yesterday.month, yesterday.day) == (2, 29):
        yesterday = yesterday.fromordinal(yesterday.toordinal() - 1)  # Not a year-end setting.
    settings = AccountingSettings(fiscal_year_end=(yesterday.month, yesterday.day))
    training = await client.post(
        f"/api/v1/employees/{w.employee_id}/trainings",
        headers=w.employee.headers,
        json={
            "title": "Tableurs",
            "provider": "Organisme",
            "starts_on": yesterday.isoformat(),
            "ends_on": yesterday.isoformat(),
            "minutes": 120,
        },
    )
    await client.post(
        f"/api/v1/trainings/{training.json()['id']}/approve", headers=w.lender.headers
    )
    run_at = datetime.now(UTC)
    await prepare_year_end(piccolo_unit_of_work, now=run_at, settings=settings)
    listed = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/prepared", headers=accountant
    )
    assert listed.status_code == 200
    kinds = {row["kind"]: row for row in listed.json()}
    assert set(kinds) == {"fec", "hours", "amortisation"}
    assert kinds["fec"]["filename"].endswith(f"FEC{yesterday:%Y%m%d}.txt")
    again = await prepare_year_end(piccolo_unit_of_work, now=run_at, settings=settings)
    assert again == 0  # Every active company's files are there already: nothing twice.
    second = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/prepared", headers=accountant
    )
    assert len(second.json()) == 3
    from timebank.accounting.use_cases import accountant_actor, export_page

    assert w.lender.company_id is not None
    shown = await export_page(
        piccolo_unit_of_work,
        accountant_actor(w.lender.company_id, "Test"),
        w.lender.company_id,
        year=yesterday.year,
        settings=settings,
        today=today,
    )
    assert {(x.kind, x.filename) for x in shown.prepared} == {
        (row["kind"], row["filename"]) for row in listed.json()
    }
    assert shown.may_mark  # The accountant decides what is capitalised, like the admins.
    fec_file = await client.get(kinds["fec"]["url"], headers=accountant)
    assert fec_file.status_code == 200 and fec_file.text.startswith("JournalCode\t")
    assert fec_file.headers["content-type"] == "text/plain; charset=utf-8"
    notes = (await client.get("/api/v1/notifications", headers=accountant)).json()["items"]
    assert any(n["kind"] == "exports_ready" for n in notes)
    other = await world(client)
    refused = await client.get(
        f"/api/v1/companies/{w.lender.company_id}/exports/prepared", headers=other.lender.headers
    )
    assert refused.status_code == 403


@pytest.mark.slow
def test_the_export_command_names_the_fec_file_legally_in_a_folder(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    siren = _company_siren()
    for kind in ("fec", "hours", "amortisation"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "web.cli",
                "export",
                kind,
                "--company",
                siren,
                "--year",
                "2026",
                "-o",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            cwd=root,
        )
        assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        f"{siren}-amortissements-2026.pdf",
        f"{siren}-heures-2026.csv",
        f"{siren}FEC20261231.txt",
    ]
    unknown = subprocess.run(
        [
            sys.executable,
            "-m",
            "web.cli",
            "export",
            "fec",
            "--company",
            "000000000",
            "--year",
            "2026",
            "-o",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=root,
    )
    assert unknown.returncode == 1 and "SIREN" in unknown.stderr
