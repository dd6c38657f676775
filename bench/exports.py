"""Accounting export benchmark: the FEC-layout writer streaming 1 000 000 entries (2 000 000
lines) from a generator, against a plain `csv` writer of the same rows in the same run (the
ratio is the measure), each in its own process for its peak memory; and one amortisation PDF.

    python bench/exports.py [--entries 1000000]

Prints JSON. The entries are built by the service's own builders (`movement_entries`) from
seeded movements. A third run, `database`, is the whole service path on a throw-away SQLite
file: 1 000 000 at-cost transfers of one company stored in the ledger tables, then
`export_fec` reading them in pages and writing the file (the same code as the API and the
`timebank export fec` command).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contracts import fec  # noqa: E402
from contracts.fec import AccountPlan, OneAmount  # noqa: E402
from timebank.accounting.model import Movement, movement_entries  # noqa: E402

PLAN = AccountPlan()


def entries(count: int) -> Iterator[OneAmount]:
    rng = random.Random(2017)
    start = date(2026, 1, 1)
    made = 0
    step = 365 / max(1, count)
    while made < count:
        movement = Movement(
            transfer_id=f"{made:08x}-0000-4000-8000-000000000000",
            day=start + timedelta(days=int(made * step)),
            code="exchange",
            cents=rng.randrange(1_000, 500_000),
            company_gives=rng.random() < 0.5,
            counterpart_id=rng.randrange(1, 150),
            counterpart_siren=f"{rng.randrange(10**8, 10**9)}",
            counterpart_name=f"Entreprise {rng.randrange(150)}",
            asset_account=None,
        )
        for entry in movement_entries(movement, PLAN):
            yield entry
            made += 1


def rows_of(entry: OneAmount, number: int) -> Iterator[tuple[str, ...]]:
    """The same 18 fields, built plainly, for the baseline writer."""
    day = entry.day.strftime("%Y%m%d")
    shape = entry.shape
    money = fec.amount(entry.cents)
    for line in shape.lines:
        yield (
            shape.journal_code,
            shape.journal_label,
            f"{number:08d}",
            day,
            line.account,
            fec.LABELS.get(line.account, line.account),
            line.aux_number,
            line.aux_label,
            entry.piece_ref,
            day,
            shape.label,
            money if line.debit else fec.ZERO,
            fec.ZERO if line.debit else money,
            "",
            "",
            "20270115",
            "",
            "",
        )


def one(kind: str, count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.txt"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8", newline="") as out:
            if kind == "fec":
                # One call over the generator: the writer streams entry by entry.
                fec.write(entries(count), out, validated_on=date(2027, 1, 15))
            else:
                writer = csv.writer(out, delimiter="\t", lineterminator="\n")
                writer.writerow(fec.COLUMNS)
                for number, entry in enumerate(entries(count), start=1):
                    writer.writerows(rows_of(entry, number))
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    return {
        "kind": kind,
        "entries": count,
        "seconds": round(seconds, 3),
        "bytes": size,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def database_run(count: int) -> dict[str, Any]:
    """Store `count` single cents transfers between two companies, then export one company's
    FEC file through the service's use case; times the export alone."""
    import asyncio
    import sqlite3
    import uuid
    from datetime import UTC, datetime

    folder = tempfile.mkdtemp(prefix="bench-exports-")
    path = Path(folder) / "bench.sqlite3"
    os.environ["TIMEBANK_DATABASE_URL"] = f"sqlite:///{path}"
    from timebank.accounting.use_cases import AccountingSettings, export_fec
    from timebank.config import get_settings
    from timebank.db.engine import close_database, open_database
    from timebank.db.migrate import migrate
    from timebank.db.unit_of_work import engine, piccolo_unit_of_work
    from timebank.people.model import Actor, Role

    async def prepare() -> None:
        await open_database(engine(), get_settings().database)
        await migrate()
        await close_database(engine(), get_settings().database)

    asyncio.run(prepare())
    stamp = "2026-01-01 00:00:00+00:00"
    with sqlite3.connect(path) as db:
        for company_id, siren in ((1, "552100554"), (2, "732829320")):
            db.execute(
                "INSERT INTO company (id, siren, name, postal_code, departement, region, "
                "headcount_band, created_at) VALUES (?, ?, ?, '69002', '69', "
                "'Auvergne-Rhône-Alpes', '10-19', ?)",
                (company_id, siren, f"Entreprise {company_id}", stamp),
            )
            db.execute(
                "INSERT INTO ledger_account (id, unit, kind, company, created_at) "
                "VALUES (?, 'cents', 'company', ?, ?)",
                (company_id, company_id, stamp),
            )
        rng = random.Random(2017)
        step = 365 * 86400 / max(1, count)
        start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()

        def rows() -> Iterator[tuple[Any, ...]]:
            for n in range(count):
                lends = rng.random() < 0.5
                moment = datetime.fromtimestamp(start + n * step, UTC)
                yield (
                    str(uuid.UUID(int=n + 1)),
                    n + 1,
                    "single",
                    "cents",
                    "exchange",
                    2 if lends else 1,
                    1 if lends else 2,
                    rng.randrange(1_000, 500_000),
                    "0" * 64,
                    moment.isoformat(sep=" "),
                    "0" * 64,
                    "0" * 64,
                )

        db.executemany(
            "INSERT INTO ledger_transfer (id, sequence, kind, unit, code, debit_account, "
            "credit_account, amount, request_hash, created_at, previous_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    actor = Actor(
        user_id=0,
        email="bench@localhost",
        full_name="bench",
        memberships=frozenset({(1, Role.ACCOUNTANT)}),
    )

    async def export() -> tuple[float, int, int]:
        await open_database(engine(), get_settings().database)
        target = Path(folder) / "fec.txt"
        try:
            started = time.perf_counter()
            with target.open("w", encoding="utf-8", newline="") as out:
                _, entries_written = await export_fec(
                    piccolo_unit_of_work,
                    actor,
                    1,
                    year=2026,
                    out=out,
                    settings=AccountingSettings(),
                    now=datetime.now(UTC),
                )
            return time.perf_counter() - started, entries_written, target.stat().st_size
        finally:
            await close_database(engine(), get_settings().database)

    seconds, written, size = asyncio.run(export())
    return {
        "kind": "database",
        "entries": written,
        "seconds": round(seconds, 3),
        "bytes": size,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def amortisation_pdf_seconds() -> float:
    from contracts.render import html_pdf  # noqa: F401 - warm the import like a server would.
    from contracts.statements import StatementLine, amortisation_markdown, amortisation_pdf

    lines = [
        StatementLine(
            "law" if k % 2 else "simulation",
            f"Projet {k}",
            "205",
            1_000_000 + k,
            date(2026, 3, 1),
            300,
            277_778,
            277_778,
            722_222 + k,
            0,
        )
        for k in range(20)
    ]
    text = amortisation_markdown(
        company_name="Atelier",
        siren="552100554",
        year_start=date(2026, 1, 1),
        year_end=date(2026, 12, 31),
        lines=lines,
        life_years=3,
        day_count="30/360",
        suramortissement_percent="0 %",
    )
    amortisation_pdf(text, siren="552100554", year_end=date(2026, 12, 31))  # Fonts loaded once.
    started = time.perf_counter()
    amortisation_pdf(text, siren="552100554", year_end=date(2026, 12, 31))
    return round(time.perf_counter() - started, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = (
            database_run(args.entries) if args.one == "database" else one(args.one, args.entries)
        )
        print(json.dumps(result))
        return
    runs = {}
    for kind in ("csv", "fec", "database"):
        command = [sys.executable, __file__, "--one", kind, "--entries", str(args.entries)]
        child = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ)
        runs[kind] = json.loads(child.stdout)
    print(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "fec": runs["fec"],
                "plain_csv": runs["csv"],
                "database": runs["database"],
                "ratio_fec_to_csv_seconds": round(
                    runs["fec"]["seconds"] / runs["csv"]["seconds"], 3
                ),
                "ratio_database_to_csv_seconds": round(
                    runs["database"]["seconds"] / runs["csv"]["seconds"], 3
                ),
                "amortisation_pdf_seconds": amortisation_pdf_seconds(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
