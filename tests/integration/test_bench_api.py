"""`bench/api.py --quick` runs end to end on this run's database kind: its JSON has every
figure, no request failed, and the ledger verifies after the mixed load. No timing is checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from timebank.config import DatabaseKind, get_settings

pytestmark = pytest.mark.anyio
ROOT: Final = Path(__file__).resolve().parents[2]
BENCH_SECONDS_MAX: Final = 600
READS: Final = 9


@pytest.mark.slow
async def test_quick_bench_reports_every_figure_without_errors() -> None:
    database = get_settings().database
    engine = "postgresql" if database.kind is DatabaseKind.POSTGRESQL else "sqlite"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    if engine == "postgresql":  # The bench's throw-away database, on this run's server.
        url = os.environ["TIMEBANK_DATABASE_URL"]
        environment["TIMEBANK_BENCH_POSTGRES_ADMIN_URL"] = f"{url.rsplit('/', 1)[0]}/postgres"
    options = ["--quick", "--database", engine, "--mixed-database", engine, "--mixed-workers", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.api", *options],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=BENCH_SECONDS_MAX,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["machine"]["cpu_count"] >= 1
    reads = report[engine]["reads"]
    hello = reads["hello_world"]
    assert hello["before"]["errors"] == hello["after"]["errors"] == 0
    assert hello["req_per_second_mean"] > 0
    assert len(reads["requests"]) == READS
    for name, figures in reads["requests"].items():
        assert figures["errors"] == 0, (name, figures)
        assert figures["req_per_second"] > 0, name
        assert figures["p50_ms"] <= figures["p99_ms"], name
        assert figures["ratio_to_hello_world"] > 0, name
        cpu = figures["cpu_ms_per_request"]
        assert cpu["server"] > 0 and cpu["client"] > 0, (name, cpu)
        assert (engine == "postgresql") == ("postgresql" in cpu), (name, cpu)
        assert cpu.get("postgresql", 0) >= 0, (name, cpu)
    assert all(mib > 0 for mib in reads["peak_memory_mib"]["timebank"].values())
    mixed = report[engine]["mixed"]
    assert mixed["errors"] == 0, mixed["first_errors"]
    assert mixed["requests"] > 0
    assert mixed["hours_logged"] > 0
    assert {"read", "write"} <= set(mixed["by_kind"])
    assert mixed["ledger_verify"]["ok"], mixed["ledger_verify"]["output"]
