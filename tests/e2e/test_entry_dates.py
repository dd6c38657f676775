"""Entries dated by the work, not by its approval: a month's work lands in that month's fiscal
year whenever it is approved (even after the year's files were prepared), and no entry is
validated before the day it is dated (LPF A47 A-1: ValidDate, the entry's validation date)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fec_parser.parser import FECParser

from tests.exchange_helpers import active_engagement, log, previous_month_day, world

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
ROOT = Path(__file__).resolve().parents[2]
DEMO_SECONDS_MAX = 600


def _rows(text: str) -> list[dict[str, str]]:
    """The file's lines, once an FEC reader we did not write has read it without a remark."""
    parser = FECParser.from_txt(text, "export.txt")
    assert parser.parse() == []
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def _year_ending_last_month() -> tuple[int, int, int]:
    """A fiscal year ending on the last day of last month (month, day, year)."""
    end = previous_month_day(1).replace(day=28) + timedelta(days=4)
    end -= timedelta(days=end.day)
    if (end.month, end.day) == (2, 29):
        end = end.replace(day=28)  # Not a year-end setting; days 3 and 10 stay inside.
    return end.month, end.day, end.year


async def _last_months_work_approved_now(client: Client) -> tuple[int, int]:
    """Last month's work (days 3 and 10), approved today: the lender's and host's ids."""
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
    assert w.lender.company_id is not None and w.host.company_id is not None
    return w.lender.company_id, w.host.company_id


async def _fec(company_id: int, year: int, settings: object) -> list[dict[str, str]]:
    from timebank.accounting.use_cases import AccountingSettings, accountant_actor, export_fec
    from timebank.db.unit_of_work import piccolo_unit_of_work

    assert isinstance(settings, AccountingSettings)
    out = io.StringIO()
    await export_fec(
        piccolo_unit_of_work,
        accountant_actor(company_id, "Test"),
        company_id,
        year=year,
        out=out,
        settings=settings,
        now=datetime.now(UTC),
    )
    return _rows(out.getvalue())


async def test_work_approved_after_the_year_end_lands_in_the_year_worked(client: Client) -> None:
    from timebank.accounting.use_cases import AccountingSettings, accountant_actor, hours_table
    from timebank.db.unit_of_work import piccolo_unit_of_work

    month, day, year = _year_ending_last_month()
    settings = AccountingSettings(fiscal_year_end=(month, day))
    lender, host = await _last_months_work_approved_now(client)
    year_end = f"{date(year, month, day):%Y%m%d}"
    today = f"{datetime.now(ZoneInfo('Europe/Paris')).date():%Y%m%d}"
    for company, accounts in ((lender, {"4181", "7084"}), (host, {"6214", "4081"})):
        worked = await _fec(company, year, settings)
        assert {row["CompteNum"] for row in worked} == accounts
        # Dated by the last day of the month worked (here the year's end), validated the day
        # the hours were approved.
        assert {row["EcritureDate"] for row in worked} == {year_end}
        assert {row["PieceDate"] for row in worked} == {year_end}
        assert all(year_end <= row["ValidDate"] <= today for row in worked)
        assert await _fec(company, year + 1, settings) == []  # Not in the year approved.
    _, table = await hours_table(
        piccolo_unit_of_work,
        accountant_actor(lender, "Test"),
        lender,
        year=year,
        settings=settings,
    )
    assert table[-1][5] == 330  # The hours export counts them in the year worked too.


async def test_work_approved_after_the_years_files_were_prepared_still_lands_in_that_year(
    client: Client,
) -> None:
    from timebank.accounting.use_cases import AccountingSettings, prepare_year_end
    from timebank.db.unit_of_work import piccolo_unit_of_work

    month, day, year = _year_ending_last_month()
    settings = AccountingSettings(fiscal_year_end=(month, day))
    w = await world(client)
    engagement_id = await active_engagement(client, w)
    first = (await log(client, w, engagement_id, previous_month_day(3), 180)).json()["id"]
    done = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [first]}
    )
    assert done.status_code == 200, done.text
    assert w.lender.company_id is not None
    # The year's files are prepared the morning after its end (the year is closed)...
    morning = datetime.combine(date(year, month, day) + timedelta(days=1), time(6), UTC)
    assert await prepare_year_end(piccolo_unit_of_work, now=morning, settings=settings) > 0
    # ...then a day of that year is approved.
    late = (await log(client, w, engagement_id, previous_month_day(10), 150)).json()["id"]
    done = await client.post(
        "/api/v1/timesheets/approve", headers=w.host.headers, json={"entry_ids": [late]}
    )
    assert done.status_code == 200, done.text
    late_cents = done.json()[0]["cost_cents"]
    worked = await _fec(w.lender.company_id, year, settings)
    assert len({row["EcritureNum"] for row in worked}) == 2
    assert {row["EcritureDate"] for row in worked} == {f"{date(year, month, day):%Y%m%d}"}
    assert f"{late_cents // 100},{late_cents % 100:02d}" in {row["Debit"] for row in worked}
    assert await _fec(w.lender.company_id, year + 1, settings) == []


# The demo: every company's file for last year and this one, read back by fec-parser; each
# entry balanced, dated in its year, validated on or after its date. Run in a fresh database.
DEMO_CHECK = """
import asyncio, csv, io, sys
from collections import defaultdict
from datetime import UTC, datetime
from fec_parser.parser import FECParser
from timebank.accounting.use_cases import accountant_actor, accounting_settings, export_fec
from timebank.config import get_settings
from timebank.db.engine import close_database, open_database
from timebank.db.tables import CompanyTable
from timebank.db.unit_of_work import engine, piccolo_unit_of_work

async def main():
    settings = get_settings()
    await open_database(engine(), settings.database)
    now = datetime.now(UTC)
    lines = 0
    try:
        for row in await CompanyTable.select(CompanyTable.id).order_by(CompanyTable.id):
            for year in (now.year - 1, now.year):
                out = io.StringIO()
                await export_fec(piccolo_unit_of_work, accountant_actor(row["id"], "Test"),
                    row["id"], year=year, out=out, settings=accounting_settings(), now=now)
                text = out.getvalue()
                parser = FECParser.from_txt(text, "export.txt")
                assert parser.parse() == [], (row["id"], year)
                sums = defaultdict(int)
                for line in csv.DictReader(io.StringIO(text), delimiter="\\t",
                                           quoting=csv.QUOTE_NONE):
                    lines += 1
                    assert line["ValidDate"] >= line["EcritureDate"], (row["id"], line)
                    assert line["EcritureDate"][:4] == str(year), line
                    debit, credit = (int(line[k].replace(",", "")) for k in ("Debit", "Credit"))
                    sums[line["EcritureNum"]] += debit - credit
                assert not any(sums.values()), (row["id"], year)
    finally:
        await close_database(engine(), settings.database)
    print(lines)

asyncio.run(main())
"""


def _fresh_database(tmp_path: Path) -> tuple[str, list[str] | None]:
    """A fresh database on the engine of this run: its URL, and how to drop it."""
    url = os.environ["TIMEBANK_DATABASE_URL"]
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'demo.sqlite3'}", None
    base, _, name = url.rpartition("/")
    fresh = f"{name}_demo"
    admin = f"{base}/postgres"
    script = str(ROOT / ".ci" / "pg_database.py")
    subprocess.run([sys.executable, script, admin, fresh, "drop"], check=False, cwd=ROOT)
    subprocess.run([sys.executable, script, admin, fresh, "create"], check=True, cwd=ROOT)
    return f"{base}/{fresh}", [sys.executable, script, admin, fresh, "drop"]


@pytest.mark.slow
def test_no_line_of_any_demo_company_is_validated_before_its_date(tmp_path: Path) -> None:
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
        assert int(done.stdout.split()[-1]) > 100  # The demo's files are not empty.
    finally:
        if drop is not None:
            subprocess.run(drop, check=False, cwd=ROOT)
