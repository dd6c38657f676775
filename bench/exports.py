"""Accounting export benchmark: the FEC-layout writer streaming 1 000 000 entries (2 000 000
lines) from a generator, against a plain `csv` writer of the same rows in the same run (the
ratio is the measure), each in its own process for its peak memory; and one amortisation PDF.

    python bench/exports.py [--entries 1000000] [--repeat 3] [--postgres ADMIN_URL]

Prints JSON. The entries are built by the service's own builders (`movement_entries`) from
seeded movements. The `sqlite` run (and `postgresql`, given an admin URL) is the whole service
path on a throw-away database: 1 000 000 at-cost transfers of one company stored in the ledger
tables, then `export_fec` reading them in pages and writing the file (the same code as the API
and the `timebank export fec` command). With `--repeat`, the kinds run in turn, so that a slow
spell of the shared machine hits them all; medians and ratios to the plain writer are reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
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


COMPANIES = ((1, "552100554"), (2, "732829320"))
TRANSFER_COLUMNS = (
    "id",
    "sequence",
    "kind",
    "unit",
    "code",
    "debit_account",
    "credit_account",
    "amount",
    "request_hash",
    "created_at",
    "previous_hash",
    "hash",
)


def transfer_rows(count: int) -> Iterator[tuple[Any, ...]]:
    """`count` single cents transfers between the two companies over 2026, seeded."""
    import uuid
    from datetime import UTC, datetime

    rng = random.Random(2017)
    step = 365 * 86400 / max(1, count)
    start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    for n in range(count):
        lends = rng.random() < 0.5
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
            datetime.fromtimestamp(start + n * step, UTC),
            "0" * 64,
            "0" * 64,
        )


def store_sqlite(path: Path, count: int) -> None:
    import sqlite3

    stamp = "2026-01-01 00:00:00+00:00"
    with sqlite3.connect(path) as db:
        for company_id, siren in COMPANIES:
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
        db.executemany(
            f"INSERT INTO ledger_transfer ({', '.join(TRANSFER_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(TRANSFER_COLUMNS))})",
            ((*row[:9], row[9].isoformat(sep=" "), *row[10:]) for row in transfer_rows(count)),
        )


async def store_postgres(url: str, count: int) -> None:
    from datetime import UTC, datetime

    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(url)
    try:
        stamp = datetime(2026, 1, 1, tzinfo=UTC)
        for company_id, siren in COMPANIES:
            await connection.execute(
                "INSERT INTO company (id, siren, name, postal_code, departement, region, "
                "headcount_band, created_at) VALUES ($1, $2, $3, '69002', '69', "
                "'Auvergne-Rhône-Alpes', '10-19', $4)",
                company_id,
                siren,
                f"Entreprise {company_id}",
                stamp,
            )
            await connection.execute(
                "INSERT INTO ledger_account (id, unit, kind, company, created_at) "
                "VALUES ($1, 'cents', 'company', $1, $2)",
                company_id,
                stamp,
            )
        await connection.copy_records_to_table(
            "ledger_transfer", records=transfer_rows(count), columns=list(TRANSFER_COLUMNS)
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def database_run(count: int, postgres_admin_url: str | None) -> dict[str, Any]:
    """Store `count` single cents transfers between two companies in a throw-away database
    (a SQLite file, or a PostgreSQL database created and dropped through the admin URL),
    then export one company's FEC file through the service's use case; times the export
    alone."""
    import asyncio
    from datetime import UTC, datetime

    folder = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    name = f"bench_exports_{os.getpid()}"
    if postgres_admin_url is None:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        url = postgres_admin_url.rsplit("/", 1)[0] + f"/{name}"
    os.environ["TIMEBANK_DATABASE_URL"] = url
    from timebank.accounting.use_cases import AccountingSettings, export_fec
    from timebank.config import get_settings
    from timebank.db.engine import close_database, open_database
    from timebank.db.migrate import migrate
    from timebank.db.unit_of_work import engine, piccolo_unit_of_work
    from timebank.people.model import Actor, Role

    async def admin(statement: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(postgres_admin_url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def prepare() -> None:
        if postgres_admin_url is not None:
            await admin(f'CREATE DATABASE "{name}"')
        await open_database(engine(), get_settings().database)
        await migrate()
        await close_database(engine(), get_settings().database)
        if postgres_admin_url is not None:
            await store_postgres(url, count)

    actor = Actor(
        user_id=0,
        email="bench@localhost",
        full_name="bench",
        memberships=frozenset({(1, Role.ACCOUNTANT)}),
    )

    async def export() -> tuple[float, int, int]:
        await open_database(engine(), get_settings().database)
        target = folder / "fec.txt"
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

    try:
        asyncio.run(prepare())
        if postgres_admin_url is None:
            store_sqlite(folder / "bench.sqlite3", count)
        seconds, written, size = asyncio.run(export())
    finally:
        if postgres_admin_url is not None:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "kind": "postgresql" if postgres_admin_url else "sqlite",
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
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="also export from PostgreSQL: a throw-away database is created through this URL",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each kind, interleaved")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        if args.one in ("sqlite", "postgresql"):
            result = database_run(args.entries, args.postgres if args.one == "postgresql" else None)
        else:
            result = one(args.one, args.entries)
        print(json.dumps(result))
        return
    kinds = ["csv", "fec", "sqlite"] + (["postgresql"] if args.postgres else [])
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for _ in range(args.repeat):
        for kind in kinds:  # Interleaved: a slow spell of the machine hits every kind.
            command = [sys.executable, __file__, "--one", kind, "--entries", str(args.entries)]
            command += ["--postgres", args.postgres] if args.postgres else []
            child = subprocess.run(
                command, capture_output=True, text=True, check=True, env=os.environ
            )
            runs[kind].append(json.loads(child.stdout))
    median = {kind: statistics.median(r["seconds"] for r in found) for kind, found in runs.items()}
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "entries": args.entries,
        "runs": {
            kind: {
                "seconds": [r["seconds"] for r in found],
                "median_seconds": median[kind],
                "entries_written": found[0]["entries"],
                "bytes": found[0]["bytes"],
                "peak_memory_mb": max(r["peak_memory_mb"] for r in found),
            }
            for kind, found in runs.items()
        },
        "ratio_to_plain_csv": {
            kind: round(median[kind] / median["csv"], 3) for kind in kinds if kind != "csv"
        },
        "amortisation_pdf_seconds": amortisation_pdf_seconds(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
