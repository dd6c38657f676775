"""Accounting export benchmark: the FEC-layout writer streaming 1 000 000 entries (2 000 000
lines) from a generator, against a plain `csv` writer of the same rows in the same run (the
ratio is the measure), each in its own process for its peak memory; and one amortisation PDF.

    python bench/exports.py [--entries 1000000]

Prints JSON. The entries are built by the service's own builders (`movement_entries`) from
seeded movements; the database read (pages of 5 000 transfers) is not timed here.
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
from contracts.fec import AccountPlan, Entry  # noqa: E402
from timebank.accounting.model import Movement, movement_entries  # noqa: E402

PLAN = AccountPlan()


def entries(count: int) -> Iterator[Entry]:
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


def rows_of(entry: Entry, number: int) -> Iterator[tuple[str, ...]]:
    """The same 18 fields, built plainly, for the baseline writer."""
    day = entry.day.strftime("%Y%m%d")
    for line in entry.lines:
        yield (
            entry.journal_code,
            entry.journal_label,
            f"{number:08d}",
            day,
            line.account,
            fec.LABELS.get(line.account, line.account),
            line.aux_number,
            line.aux_label,
            entry.piece_ref,
            day,
            entry.label,
            fec.amount(line.debit_cents),
            fec.amount(line.credit_cents),
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
                written, part, last = 0, [], None
                for entry in entries(count):
                    part.append(entry)
                    if len(part) == 1000:
                        written += fec.write(
                            part,
                            out,
                            validated_on=date(2027, 1, 15),
                            header=written == 0,
                            first_number=written + 1,
                            not_before=last,
                        )
                        last, part = part[-1].day, []
                written += fec.write(
                    part,
                    out,
                    validated_on=date(2027, 1, 15),
                    header=written == 0,
                    first_number=written + 1,
                    not_before=last,
                )
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
        print(json.dumps(one(args.one, args.entries)))
        return
    runs = {}
    for kind in ("csv", "fec"):
        command = [sys.executable, __file__, "--one", kind, "--entries", str(args.entries)]
        child = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ)
        runs[kind] = json.loads(child.stdout)
    print(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "fec": runs["fec"],
                "plain_csv": runs["csv"],
                "ratio_fec_to_csv_seconds": round(
                    runs["fec"]["seconds"] / runs["csv"]["seconds"], 3
                ),
                "amortisation_pdf_seconds": amortisation_pdf_seconds(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
