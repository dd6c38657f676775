"""API under load: each main authenticated read beside a hello-world baseline, and a mixed load
that follows real journeys, in one run.

    python -m bench.api [--database sqlite --database postgresql] [--workers 1]
                        [--connections 16] [--seconds 5] [--mixed-database postgresql]
                        [--mixed-workers 2] [--rate 200] [--mixed-seconds 20] [--quick]

Starts `timebank serve --demo --no-scheduler` on a free loopback port (SQLite in a temporary
folder; PostgreSQL in a throw-away database made through TIMEBANK_BENCH_POSTGRES_ADMIN_URL,
default postgresql://postgres@127.0.0.1:5432/postgres, dropped after) and `bench/hello.py`
under the same server settings and worker count. Both are driven by the same client: wrk when
installed, else the small keep-alive asyncio client below (N connections, fixed duration).
For each request: req/s, p50/p99 latency, errors and the ratio to hello world (measured
before and after the requests, same run). The mixed load is an open-loop schedule at a
target rate over journeys with about 90 % reads (log in, browse needs, log hours as the lent
employee, approve them as the host's admin, read a statement, download a document); then
`timebank ledger verify` runs. Peak memory: VmHWM of each server process. Beside each read,
the CPU time per request of the server's processes, of PostgreSQL's (all of the machine's) and
of the client (from /proc): on a machine where the three share the cores, the busiest one
bounds the rate. Prints one JSON document. Loopback only; connections, durations and rates are
bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[1]
HOST: Final = "127.0.0.1"
CONNECTIONS_MAX: Final = 256
SECONDS_MAX: Final = 300.0
RATE_MAX: Final = 5_000
START_SECONDS_MAX: Final = 600.0
REQUEST_SECONDS_MAX: Final = 30.0
WARM_UP_REQUESTS: Final = 20
RESPONSE_BYTES_MAX: Final = 50_000_000
# One log-in in this many requests of the mixed load: a person opens a session, then works.
MIXED_REQUESTS_PER_LOGIN: Final = 200
MIXED_IN_FLIGHT_MAX: Final = 256
WORKERS_MAX: Final = 16
APPROVE_BATCH_MAX: Final = 20
# The mixed load waits this long for the answers still due once its schedule has run out.
DRAIN_SECONDS_MAX: Final = 60.0
# A document's PDF is fetched in one round of journeys out of this many (about 1 % of the
# requests; each worker makes it once in its PDF thread, then serves it from its cache); the
# other rounds list the statements instead.
DOWNLOAD: Final = "GET /api/v1/documents/{id}/file"
DOWNLOAD_ROUNDS: Final = 4
DEFAULT_ADMIN_URL: Final = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# ---- a small keep-alive HTTP/1.1 client -------------------------------------------------


class ResponseError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> Reply:
        reused = self.writer is not None
        try:
            return await self._send(raw)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            # The server closes a keep-alive connection left idle (uvicorn: after 5 s); like
            # any HTTP client, send again once on a new connection when nothing came back.
            if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                raise
            return await self._send(raw)

    async def _send(self, raw: bytes) -> Reply:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        try:
            self.writer.write(raw)
            return await asyncio.wait_for(read_reply(self.reader), REQUEST_SECONDS_MAX)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def read_reply(reader: asyncio.StreamReader) -> Reply:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        if length > RESPONSE_BYTES_MAX:
            raise ResponseError(f"response of {length} bytes")
        body = await reader.readexactly(length)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = b""
    return Reply(status, headers, body)


def raw_request(
    method: str, path: str, headers: dict[str, str] | None = None, body: Any = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: keep-alive"]
    payload = b""
    if body is not None:
        payload = json.dumps(body).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    elif method != "GET":
        lines.append("Content-Length: 0")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class Pool:
    """At most `size` keep-alive connections to one port."""

    def __init__(self, port: int, size: int) -> None:
        self.port = port
        self.idle: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(Connection(port))

    async def send(self, raw: bytes) -> Reply:
        connection = await self.idle.get()
        try:
            return await connection.send(raw)
        finally:
            self.idle.put_nowait(connection)

    async def call(
        self, method: str, path: str, *, token: str | None = None, body: Any = None
    ) -> Reply:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.send(raw_request(method, path, headers, body))

    async def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().close()


def percentile_ms(latencies: list[float], fraction: float) -> float | None:
    if not latencies:
        return None
    ordered = sorted(latencies)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 2)


async def hammer(port: int, raw: bytes, *, connections: int, seconds: float) -> dict[str, Any]:
    """Closed loop: each connection sends the request again as soon as the answer is in."""
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    pool = [Connection(port) for _ in range(connections)]
    for connection in pool[:1]:  # Warm the server (first-request imports, caches).
        for _ in range(WARM_UP_REQUESTS):
            await connection.send(raw)
    deadline = time.perf_counter() + seconds

    async def loop(connection: Connection) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                reply = await connection.send(raw)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ResponseError):
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            statuses[reply.status] = statuses.get(reply.status, 0) + 1
            if not 200 <= reply.status < 300:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*[loop(c) for c in pool])
    elapsed = time.perf_counter() - started
    for connection in pool:
        connection.close()
    return {
        "requests": len(latencies),
        "req_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": percentile_ms(latencies, 0.5),
        "p99_ms": percentile_ms(latencies, 0.99),
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


WRK_LINE: Final = re.compile(r"Requests/sec:\s+([\d.]+)")


def wrk(port: int, path: str, headers: dict[str, str], *, connections: int, seconds: float):  # type: ignore[no-untyped-def]
    """The same measure through wrk, when it is installed."""
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    command += ["--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    found = WRK_LINE.search(out)
    rate = float(found[1]) if found else 0.0

    def latency(label: str) -> float | None:
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        if not match:
            return None
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]
        return round(float(match[1]) * scale, 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    count = int(errors[1]) if errors else 0
    if socket_errors:
        count += sum(int(socket_errors[i]) for i in range(1, 5))
    return {
        "req_per_second": rate,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": count,
    }


async def measure(
    port: int, path: str, headers: dict[str, str], *, connections: int, seconds: float
) -> dict[str, Any]:
    if shutil.which("wrk"):
        return await asyncio.to_thread(
            wrk, port, path, headers, connections=connections, seconds=seconds
        )
    raw = raw_request("GET", path, headers)
    return await hammer(port, raw, connections=connections, seconds=seconds)


# ---- CPU time per request, by process -------------------------------------------------

CLOCK_TICKS_PER_SECOND: Final = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (0 when it is gone or /proc is absent)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_SECOND


def postgres_pids() -> list[int]:
    """The processes of the PostgreSQL server on this machine (its backends included)."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            if (folder / "comm").read_text().strip() == "postgres":
                found.append(int(folder.name))
        except OSError:
            continue
    return found


def client_cpu_seconds() -> float:
    """This process's CPU time and its finished children's (wrk)."""
    own = os.times()
    return own.user + own.system + own.children_user + own.children_system


@dataclass
class CpuSplit:
    """CPU time used during one measure by the server's processes, PostgreSQL's and the
    client's, divided by the requests answered: where each request's time goes on a machine
    where all three share the cores."""

    server_pids: list[int]
    database: bool
    start: dict[str, float] = field(default_factory=dict)
    end: dict[str, float] = field(default_factory=dict)

    def _now(self) -> dict[str, float]:
        now = {
            "server": sum(cpu_seconds(pid) for pid in self.server_pids),
            "client": client_cpu_seconds(),
        }
        if self.database:
            now["postgresql"] = sum(cpu_seconds(pid) for pid in postgres_pids())
        return now

    def __enter__(self) -> CpuSplit:
        self.start = self._now()
        return self

    def __exit__(self, *exc: object) -> None:
        self.end = self._now()

    def per_request_ms(self, requests: int) -> dict[str, float] | None:
        if not requests:
            return None
        return {
            name: round((self.end[name] - start) / requests * 1000, 3)
            for name, start in self.start.items()
        }


async def measure_with_cpu(
    server: Server,
    path: str,
    headers: dict[str, str],
    *,
    database: bool,
    connections: int,
    seconds: float,
) -> dict[str, Any]:
    """`measure`, with the CPU time per request of the server, PostgreSQL and the client."""
    with CpuSplit(process_tree(server.process.pid), database) as split:
        result = await measure(server.port, path, headers, connections=connections, seconds=seconds)
    answered = result.get("requests") or round(rate_of(result) * seconds)
    result["cpu_ms_per_request"] = split.per_request_ms(answered)
    return result


# ---- the servers ------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += process_tree(int(child))
    return found


def peak_memory_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return round(int(match[1]) / 1024, 1) if match else None


def role(pid: int, supervisor: int) -> str:
    if pid == supervisor:
        return "supervisor"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        command = b""
    return f"resource tracker {pid}" if b"resource_tracker" in command else f"worker {pid}"


class Server:
    def __init__(self, name: str, command: list[str], env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = folder / f"{name}-{self.port}.log"
        self.seen: dict[int, float] = {}
        self.env = env
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)],
                env={**env, "PYTHONPATH": str(ROOT)},
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, path: str) -> None:
        started = time.monotonic()
        while time.monotonic() - started < START_SECONDS_MAX:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}{path}", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"{self.name} not ready within {START_SECONDS_MAX} s")

    def sample_memory(self) -> None:
        """VmHWM of the supervisor and of each worker, kept per pid (workers may be gone by
        the end of the run, so this is called while they serve)."""
        for pid in process_tree(self.process.pid):
            peak = peak_memory_mib(pid)
            if peak is not None:
                self.seen[pid] = max(peak, self.seen.get(pid, 0.0))

    def peak_memory(self) -> dict[str, float]:
        self.sample_memory()
        return {role(pid, self.process.pid): mib for pid, mib in sorted(self.seen.items())}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve_command(workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "web.cli",
        "serve",
        "--demo",
        "--no-scheduler",
        "--workers",
        str(workers),
    ]


def hello_command(workers: int) -> list[str]:
    return [sys.executable, "-m", "bench.hello", "--workers", str(workers)]


@contextmanager
def database(engine: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database for this run, removed afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{folder}/bench.sqlite3"
        return
    admin = os.environ.get("TIMEBANK_BENCH_POSTGRES_ADMIN_URL", DEFAULT_ADMIN_URL)
    name = f"timebank_bench_api_{os.getpid()}"
    _admin(admin, f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(url: str, statement: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


# ---- the demo's people and the requests -------------------------------------------------


@dataclass
class Demo:
    """Who logs in and what they read, found through the API once the demo is loaded."""

    admin_email: str
    employee_email: str
    password: str
    host_admin_email: str = ""
    admin_token: str = ""
    company_id: int = 0
    loan_id: int = 0
    statement_id: int = 0
    document_id: int = 0
    work_dates: list[date] = field(default_factory=list)


def demo_people() -> Demo:
    sys.path.insert(0, str(ROOT))
    from timebank.demo.plan import DEMO_PASSWORD, demo_employee_index, plan_demo

    first = plan_demo(today=datetime.now(UTC).date()).companies[0]
    return Demo(
        admin_email=first.admin.email,
        employee_email=first.employees[demo_employee_index(first)].person.email,
        password=DEMO_PASSWORD,
    )


def admin_of_company(siren: str) -> str:
    from timebank.demo.plan import plan_demo

    plan = plan_demo(today=datetime.now(UTC).date())
    return next(c.admin.email for c in plan.companies if c.siren == siren)


async def log_in(pool: Pool, email: str, password: str) -> str:
    reply = await pool.call(
        "POST", "/api/v1/auth/login", body={"email": email, "password": password}
    )
    if reply.status != 200:
        raise SystemExit(f"login {email}: {reply.status} {reply.body[:300]!r}")
    return str(reply.json()["token"])


async def ok(pool: Pool, method: str, path: str, token: str, body: Any = None) -> Any:
    reply = await pool.call(method, path, token=token, body=body)
    if not 200 <= reply.status < 300:
        raise SystemExit(f"{method} {path}: {reply.status} {reply.body[:300]!r}")
    return reply.json()


async def find_demo(port: int) -> Demo:
    demo = demo_people()
    pool = Pool(port, 1)
    try:
        token = await log_in(pool, demo.admin_email, demo.password)
        demo.admin_token = token
        me = await ok(pool, "GET", "/api/v1/auth/me", token)
        demo.company_id = me["roles"][0]["company_id"]
        employee_token = await log_in(pool, demo.employee_email, demo.password)
        loans = await ok(pool, "GET", "/api/v1/engagements?status=active&limit=1", employee_token)
        loan = loans["items"][0]
        demo.loan_id = loan["id"]
        statements = await ok(
            pool, "GET", f"/api/v1/companies/{demo.company_id}/settlements", token
        )
        demo.statement_id = statements[0]["id"]
        documents = await ok(pool, "GET", f"/api/v1/engagements/{demo.loan_id}/documents", token)
        demo.document_id = next(d["id"] for d in documents if d["id"] is not None)
        host = await ok(pool, "GET", f"/api/v1/companies/{loan['host_company_id']}", token)
        demo.host_admin_email = admin_of_company(host["siren"])
        entries = await ok(
            pool, "GET", f"/api/v1/engagements/{demo.loan_id}/timesheets?limit=200", employee_token
        )
        first_day = min(date.fromisoformat(e["work_date"]) for e in entries["items"])
        today = datetime.now(UTC).date()
        last_day = min(today, date.fromisoformat(loan["period_end"]))
        demo.work_dates = [
            first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)
        ]
    finally:
        await pool.close()
    return demo


def read_requests(demo: Demo) -> list[tuple[str, str, dict[str, str]]]:
    bearer = {"Authorization": f"Bearer {demo.admin_token}"}
    company = demo.company_id
    return [
        ("GET /api/v1/needs?limit=20", "/api/v1/needs?limit=20", bearer),
        (
            "GET /api/v1/companies/{id}/employees?limit=20",
            f"/api/v1/companies/{company}/employees?limit=20",
            bearer,
        ),
        ("GET /api/v1/engagements/{id}", f"/api/v1/engagements/{demo.loan_id}", bearer),
        ("GET /api/v1/companies/{id}/position", f"/api/v1/companies/{company}/position", bearer),
        ("GET /api/v1/settlements/{id}", f"/api/v1/settlements/{demo.statement_id}", bearer),
        ("GET /api/v1/notifications?limit=20", "/api/v1/notifications?limit=20", bearer),
        (
            "GET /tableau-de-bord (cookie)",
            "/tableau-de-bord",
            {"Cookie": f"tb_session={demo.admin_token}"},
        ),
        ("GET /api/v1/auth/me", "/api/v1/auth/me", bearer),
        ("GET /healthz", "/healthz", {}),
    ]


# ---- the mixed load ---------------------------------------------------------------------


@dataclass
class Step:
    kind: str  # "login", "read" or "write": how the step is counted
    role: str  # "admin", "employee" or "host"
    name: str


def journeys(demo: Demo) -> list[Step]:
    """One round of the three journeys: the lender's admin browses, the lent employee logs
    hours, the host's admin approves them; about one request in ten writes."""
    admin = [
        Step("read", "admin", "GET /api/v1/needs?limit=20"),
        Step("read", "admin", "GET /api/v1/needs?limit=20&offset=20"),
        Step("read", "admin", "GET /api/v1/companies/{id}/employees?limit=20"),
        Step("read", "admin", "GET /tableau-de-bord"),
        Step("read", "admin", "GET /api/v1/engagements/{id}"),
        Step("read", "admin", "GET /api/v1/companies/{id}/position"),
        Step("read", "admin", "GET /api/v1/settlements/{id}"),
        Step("read", "admin", "GET /api/v1/notifications?limit=20"),
        Step("read", "admin", DOWNLOAD),
    ]
    employee = [
        Step("read", "employee", "GET /api/v1/auth/me"),
        Step("write", "employee", "POST /api/v1/engagements/{id}/timesheets"),
        Step("read", "employee", "GET /api/v1/engagements/{id}/timesheets?limit=20"),
    ]
    host = [
        Step("read", "host", "GET /api/v1/notifications?limit=20"),
        Step("write", "host", "POST /api/v1/timesheets/approve"),
        Step("read", "host", "GET /api/v1/companies/{id}/position"),
    ]
    statements = Step("read", "admin", "GET /api/v1/companies/{id}/settlements")
    browse_again = [statements if step.name == DOWNLOAD else step for step in admin]
    return admin + employee + browse_again + host


@dataclass
class Mixed:
    demo: Demo
    tokens: dict[str, str]
    company_ids: dict[str, int]
    to_approve: list[int] = field(default_factory=list)
    logged: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)

    def emails(self) -> dict[str, str]:
        d = self.demo
        return {"admin": d.admin_email, "employee": d.employee_email, "host": d.host_admin_email}


async def run_step(pool: Pool, login_pool: Pool, mixed: Mixed, step: Step) -> tuple[str, Reply]:
    demo = mixed.demo
    token = mixed.tokens[step.role]
    if step.kind == "login":
        reply = await login_pool.call(
            "POST",
            "/api/v1/auth/login",
            body={"email": mixed.emails()[step.role], "password": demo.password},
        )
        if reply.status == 200:
            mixed.tokens[step.role] = reply.json()["token"]
        return "POST /api/v1/auth/login", reply
    company = mixed.company_ids[step.role]
    paths = {
        "GET /api/v1/needs?limit=20": "/api/v1/needs?limit=20",
        "GET /api/v1/needs?limit=20&offset=20": "/api/v1/needs?limit=20&offset=20",
        "GET /api/v1/companies/{id}/employees?limit=20": (
            f"/api/v1/companies/{company}/employees?limit=20"
        ),
        "GET /api/v1/engagements/{id}": f"/api/v1/engagements/{demo.loan_id}",
        "GET /api/v1/companies/{id}/position": f"/api/v1/companies/{company}/position",
        "GET /api/v1/settlements/{id}": f"/api/v1/settlements/{demo.statement_id}",
        "GET /api/v1/companies/{id}/settlements": f"/api/v1/companies/{company}/settlements",
        "GET /api/v1/notifications?limit=20": "/api/v1/notifications?limit=20",
        "GET /api/v1/documents/{id}/file": f"/api/v1/documents/{demo.document_id}/file",
        "GET /api/v1/auth/me": "/api/v1/auth/me",
        "GET /api/v1/engagements/{id}/timesheets?limit=20": (
            f"/api/v1/engagements/{demo.loan_id}/timesheets?limit=20"
        ),
    }
    if step.name == "GET /tableau-de-bord":
        raw = raw_request("GET", "/tableau-de-bord", {"Cookie": f"tb_session={token}"})
        return step.name, await pool.send(raw)
    if step.name == "POST /api/v1/engagements/{id}/timesheets":
        mixed.logged += 1
        day = demo.work_dates[mixed.logged % len(demo.work_dates)]
        body = {
            "client_id": str(uuid.uuid4()),
            "work_date": day.isoformat(),
            "minutes": 1,
            "description": "Atelier de travail (charge de test).",
        }
        reply = await pool.call(
            "POST", f"/api/v1/engagements/{demo.loan_id}/timesheets", token=token, body=body
        )
        if reply.status == 201:
            mixed.to_approve.append(int(reply.json()["id"]))
        return step.name, reply
    if step.name == "POST /api/v1/timesheets/approve":
        batch = mixed.to_approve[:APPROVE_BATCH_MAX]
        if not batch:  # Nothing logged yet: the host's admin looks at the list instead.
            path = f"/api/v1/engagements/{demo.loan_id}/timesheets?limit=20"
            return "GET /api/v1/engagements/{id}/timesheets?limit=20", await pool.call(
                "GET", path, token=token
            )
        del mixed.to_approve[: len(batch)]
        reply = await pool.call(
            "POST", "/api/v1/timesheets/approve", token=token, body={"entry_ids": batch}
        )
        return step.name, reply
    return step.name, await pool.call("GET", paths[step.name], token=token)


async def mixed_load(
    port: int, demo: Demo, *, rate: float, seconds: float, connections: int
) -> dict[str, Any]:
    setup = Pool(port, 1)
    tokens = {
        "admin": await log_in(setup, demo.admin_email, demo.password),
        "employee": await log_in(setup, demo.employee_email, demo.password),
        "host": await log_in(setup, demo.host_admin_email, demo.password),
    }
    host_me = await ok(setup, "GET", "/api/v1/auth/me", tokens["host"])
    host_company = host_me["roles"][0]["company_id"]
    # Room for the hours the load logs (one minute each, one request in 24): the lender
    # approves more lendable hours, the host asks for an extension, the lender grants it.
    loan = await ok(setup, "GET", f"/api/v1/engagements/{demo.loan_id}", tokens["admin"])
    await ok(
        setup,
        "PUT",
        f"/api/v1/employees/{loan['employee_id']}/approval",
        tokens["admin"],
        {
            "approved_minutes_per_month": 100 * 60,
            "valid_from": loan["period_start"],
            "valid_until": loan["period_end"],
        },
    )
    extra_minutes = int(rate * seconds) // 10 + 60
    extension = await ok(
        setup,
        "POST",
        f"/api/v1/engagements/{demo.loan_id}/extensions",
        tokens["host"],
        {"extra_minutes": extra_minutes, "reason": "Charge de test."},
    )
    await ok(
        setup,
        "POST",
        f"/api/v1/engagements/{demo.loan_id}/extensions/{extension['id']}/approve",
        tokens["admin"],
    )
    await setup.close()
    mixed = Mixed(
        demo=demo,
        tokens=tokens,
        company_ids={"admin": demo.company_id, "employee": demo.company_id, "host": host_company},
    )
    rounds = journeys(demo)
    roles = ["admin", "employee", "host"]
    pool = Pool(port, connections)
    login_pool = Pool(port, len(roles))
    total = int(rate * seconds)
    in_flight = asyncio.Semaphore(MIXED_IN_FLIGHT_MAX)
    started = time.perf_counter()

    async def one(index: int, due: float) -> None:
        async with in_flight:
            if index % MIXED_REQUESTS_PER_LOGIN == MIXED_REQUESTS_PER_LOGIN // 2:
                role = roles[(index // MIXED_REQUESTS_PER_LOGIN) % len(roles)]
                step = Step("login", role, "POST /api/v1/auth/login")
            else:
                step = rounds[index % len(rounds)]
                if step.name == DOWNLOAD and (index // len(rounds)) % DOWNLOAD_ROUNDS:
                    step = rounds[rounds.index(step) + len(rounds) // 2]  # The statements.
            sent = time.perf_counter()
            mixed.lags.append(sent - due)
            try:
                name, reply = await run_step(pool, login_pool, mixed, step)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ResponseError) as exc:
                mixed.errors.append(f"{step.name}: {exc!r}")
                return
            elapsed = time.perf_counter() - sent
            kind = (
                "login"
                if step.kind == "login"
                else ("write" if name.startswith("POST") else "read")
            )
            mixed.by_kind.setdefault(kind, []).append(elapsed)
            mixed.latencies.setdefault(name, []).append(elapsed)
            if not 200 <= reply.status < 300:
                mixed.errors.append(f"{name}: {reply.status} {reply.body[:200]!r}")

    tasks = []
    for index in range(total):
        due = started + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    _, late = await asyncio.wait(tasks, timeout=DRAIN_SECONDS_MAX)
    for task in late:
        task.cancel()
    mixed.errors += [f"no answer {DRAIN_SECONDS_MAX} s after the schedule's end"] * len(late)
    elapsed = time.perf_counter() - started
    await pool.close()
    await login_pool.close()
    everything = [x for values in mixed.by_kind.values() for x in values]

    def figures(values: list[float]) -> dict[str, Any]:
        return {
            "requests": len(values),
            "p50_ms": percentile_ms(values, 0.5),
            "p99_ms": percentile_ms(values, 0.99),
        }

    reads = mixed.by_kind.get("read", [])
    return {
        "target_rate_per_second": rate,
        "seconds": seconds,
        "connections": connections,
        "requests": total,
        "answered": len(everything),
        "achieved_rate_per_second": round(len(everything) / elapsed, 1),
        "read_share": round(len(reads) / max(1, len(everything)), 3),
        "p50_ms": percentile_ms(everything, 0.5),
        "p99_ms": percentile_ms(everything, 0.99),
        "p99_ms_without_logins": percentile_ms(reads + mixed.by_kind.get("write", []), 0.99),
        "send_lag_p99_ms": percentile_ms(mixed.lags, 0.99),
        "errors": len(mixed.errors),
        "first_errors": mixed.errors[:5],
        "hours_logged": len(mixed.latencies.get("POST /api/v1/engagements/{id}/timesheets", [])),
        "by_kind": {kind: figures(values) for kind, values in sorted(mixed.by_kind.items())},
        "by_request": {name: figures(values) for name, values in sorted(mixed.latencies.items())},
    }


def ledger_verify(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "web.cli", "ledger", "verify"],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=START_SECONDS_MAX,
    )
    return {"ok": done.returncode == 0, "output": (done.stdout + done.stderr).strip()[-500:]}


# ---- the runs ---------------------------------------------------------------------------


def rate_of(result: dict[str, Any]) -> float:
    return float(result["req_per_second"])


async def drive_reads(
    served: Server, hello: Server, demo: Demo, args: argparse.Namespace
) -> dict[str, Any]:
    database = served.env["TIMEBANK_DATABASE_URL"].startswith("postgresql")

    async def baseline() -> dict[str, Any]:
        result = await measure_with_cpu(
            hello,
            "/",
            {},
            database=database,
            connections=args.connections,
            seconds=args.seconds,
        )
        hello.sample_memory()
        return result

    before = await baseline()
    requests: dict[str, Any] = {}
    for name, path, headers in read_requests(demo):
        requests[name] = await measure_with_cpu(
            served,
            path,
            headers,
            database=database,
            connections=args.connections,
            seconds=args.seconds,
        )
        served.sample_memory()
    after = await baseline()
    hello_rate = (rate_of(before) + rate_of(after)) / 2
    for result in requests.values():
        result["ratio_to_hello_world"] = (
            round(rate_of(result) / hello_rate, 3) if hello_rate else None
        )
    return {
        "hello_world": {
            "before": before,
            "after": after,
            "req_per_second_mean": round(hello_rate, 1),
        },
        "requests": requests,
    }


def run_engine(engine: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    report: dict[str, Any] = {}
    with database(engine, folder / engine) as url:
        env = {**os.environ, "TIMEBANK_DATABASE_URL": url}
        if engine in args.database:
            report["reads"] = serve_and(
                env, folder, args.workers, args, lambda s, h, d: drive_reads(s, h, d, args)
            )
        if engine == args.mixed_database:

            async def mixed(served: Server, hello: Server, demo: Demo) -> dict[str, Any]:
                result = await mixed_load(
                    served.port,
                    demo,
                    rate=args.rate,
                    seconds=args.mixed_seconds,
                    connections=args.mixed_connections,
                )
                served.sample_memory()
                return result

            report["mixed"] = serve_and(env, folder, args.mixed_workers, args, mixed)
            report["mixed"]["ledger_verify"] = ledger_verify(env)
    return report


def serve_and(
    env: dict[str, str], folder: Path, workers: int, args: argparse.Namespace, work: Any
) -> dict[str, Any]:
    (folder / "logs").mkdir(exist_ok=True)
    served = Server("timebank", serve_command(workers), env, folder / "logs")
    hello = Server("hello", hello_command(workers), env, folder / "logs")
    try:
        hello.wait_ready("/")
        served.wait_ready("/healthz")
        demo = asyncio.run(find_demo(served.port))
        result = asyncio.run(work(served, hello, demo))
        result["workers"] = workers
        result["peak_memory_mib"] = {
            "timebank": served.peak_memory(),
            "hello_world": hello.peak_memory(),
        }
        return dict(result)
    finally:
        served.stop()
        hello.stop()


def git(*command: str) -> str:
    done = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database", action="append", choices=["sqlite", "postgresql", "none"], help="reads on"
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="per request measured")
    parser.add_argument(
        "--mixed-database", choices=["sqlite", "postgresql", "none"], default="postgresql"
    )
    parser.add_argument("--mixed-workers", type=int, default=2)
    parser.add_argument("--mixed-connections", type=int, default=64)
    parser.add_argument("--rate", type=float, default=200.0, help="mixed load, requests/s")
    parser.add_argument("--mixed-seconds", type=float, default=20.0)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 1 s per figure, 3 s of mixed load"
    )
    args = parser.parse_args()
    args.database = args.database or ["sqlite", "postgresql"]  # "none": the mixed load only
    if args.quick:
        args.seconds = min(args.seconds, 1.0)
        args.mixed_seconds = min(args.mixed_seconds, 3.0)
        args.rate = min(args.rate, 50.0)
        args.connections = min(args.connections, 4)
    if not 1 <= min(args.connections, args.mixed_connections) <= CONNECTIONS_MAX:
        parser.error(f"connections: 1 to {CONNECTIONS_MAX}")
    if not 1 <= min(args.workers, args.mixed_workers) <= WORKERS_MAX:
        parser.error(f"workers: 1 to {WORKERS_MAX}")
    if not 0 < args.seconds <= SECONDS_MAX or not 0 < args.mixed_seconds <= SECONDS_MAX:
        parser.error(f"durations: up to {SECONDS_MAX} s")
    if not 0 < args.rate <= RATE_MAX:
        parser.error(f"--rate: up to {RATE_MAX} requests/s")
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "commit": git("rev-parse", "--short", "HEAD"),
        "files_changed_since_commit": len(
            git("status", "--porcelain", "--untracked-files=no").splitlines()
        ),
        "client": "wrk" if shutil.which("wrk") else "asyncio keep-alive client (bench/api.py)",
        "connections": args.connections,
        "seconds_per_request": args.seconds,
    }
    with tempfile.TemporaryDirectory(prefix="bench-api-") as name:
        folder = Path(name)
        for engine in ("sqlite", "postgresql"):
            if engine in args.database or engine == args.mixed_database:
                (folder / engine).mkdir()
                report[engine] = run_engine(engine, args, folder)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
