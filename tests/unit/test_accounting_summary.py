"""The FEC summary counts and sums exactly what `contracts.fec.write` writes; the export page
offers the last closed fiscal year first."""

from __future__ import annotations

import csv
import io
from datetime import date

from contracts import fec
from contracts.fec import AccountPlan
from timebank.accounting.model import (
    YEARS_OFFERED,
    FecTally,
    FiscalYear,
    Movement,
    SetOff,
    last_closed_year,
    movement_entries,
    set_off_entry,
    years_offered,
)

PLAN = AccountPlan()


def _movement(day: date, cents: int, *, gives: bool, asset: str | None = None) -> Movement:
    return Movement(
        transfer_id=f"t-{day}-{cents}",
        day=day,
        code="exchange",
        cents=cents,
        company_gives=gives,
        counterpart_id=2,
        counterpart_siren="732829320",
        counterpart_name="Fromagerie du Val",
        asset_account=asset,
    )


def _cents(text: str) -> int:
    whole, _, fraction = text.partition(",")
    return int(whole) * 100 + int(fraction)


def test_the_summary_counts_and_sums_what_the_file_holds() -> None:
    entries = [
        *movement_entries(_movement(date(2026, 3, 2), 12_345, gives=True), PLAN),
        *movement_entries(_movement(date(2026, 4, 9), 9_990, gives=False, asset="205"), PLAN),
        set_off_entry(
            SetOff(date(2026, 4, 30), "BT-000007 / BT-000002", 9_990, "732829320", "Fromagerie"),
            PLAN,
        ),
    ]
    out = io.StringIO()
    written = fec.write(entries, out, validated_on=date(2027, 1, 5))
    tally = FecTally()
    for entry in entries:
        tally.add(entry)
    summary = tally.summary("x.txt", FiscalYear(date(2026, 1, 1), date(2026, 12, 31)))
    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert summary.entries == written == len({row["EcritureNum"] for row in rows}) == 4
    assert summary.lines == len(rows) == 8
    assert summary.debit_cents == summary.credit_cents == sum(_cents(r["Debit"]) for r in rows)
    assert (summary.first_day, summary.last_day) == (date(2026, 3, 2), date(2026, 4, 30))
    assert {(a.number, a.label) for a in summary.accounts} == {
        (r["CompteNum"], r["CompteLib"]) for r in rows
    }
    by_number = {a.number: a for a in summary.accounts}
    assert (by_number["232"].debit_cents, by_number["721"].credit_cents) == (9_990, 9_990)


def test_an_empty_year_has_no_period_and_nothing_to_balance() -> None:
    summary = FecTally().summary("x.txt", FiscalYear(date(2026, 1, 1), date(2026, 12, 31)))
    assert (summary.entries, summary.lines, summary.debit_cents) == (0, 0, 0)
    assert summary.first_day is None and summary.accounts == ()


def test_the_last_closed_year_is_offered_after_the_year_in_progress() -> None:
    assert last_closed_year(date(2026, 12, 4), (12, 31)) == 2025
    assert last_closed_year(date(2027, 1, 1), (12, 31)) == 2026
    assert last_closed_year(date(2026, 6, 30), (6, 30)) == 2025  # Closes at the day's end.
    assert last_closed_year(date(2026, 7, 1), (6, 30)) == 2026
    offered = years_offered(date(2026, 12, 4), (12, 31))
    assert offered[:2] == (2026, 2025) and len(offered) == YEARS_OFFERED + 1
