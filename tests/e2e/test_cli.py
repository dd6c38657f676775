"""The `timebank` command: serve the demo (the README's first command), refuse bad settings,
migrate, create the operator."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

SERVE_START_SECONDS_MAX = 120


def timebank(
    args: list[str], env: dict[str, str], **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
        **kwargs,
    )


def environment(**overrides: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, data: dict[str, object] | None = None) -> tuple[int, Any]:
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_until_healthy(process: subprocess.Popen[Any], base: str) -> tuple[int, Any]:
    """Poll the served app's /healthz until it answers (its status and JSON); the process must
    stay up, within SERVE_START_SECONDS_MAX."""
    deadline = time.monotonic() + SERVE_START_SECONDS_MAX
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            return fetch(f"{base}/healthz")
        except OSError:
            assert time.monotonic() < deadline, "the service did not start in time"
            time.sleep(0.5)


def test_malformed_database_url_stops_with_a_clear_message() -> None:
    result = timebank(["db", "migrate"], environment(TIMEBANK_DATABASE_URL="mysql://db/x"))
    assert result.returncode == 2
    assert "TIMEBANK_DATABASE_URL" in result.stderr and "unsupported scheme" in result.stderr


def test_unreachable_database_stops_with_a_clear_message() -> None:
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    result = timebank(["serve"], environment(TIMEBANK_DATABASE_URL=url))
    assert result.returncode == 2
    assert "injoignable" in result.stderr and "unreachable" in result.stderr


def test_migrate_and_create_operator_on_the_configured_database() -> None:
    env = environment()
    migrated = timebank(["db", "migrate"], env)
    assert migrated.returncode == 0, migrated.stderr
    email = f"operator-{time.time_ns()}@test.example"
    created = timebank(
        ["users", "create-operator", "--email", email, "--password-stdin"],
        env,
        input="a-strong-password\n",
    )
    assert created.returncode == 0, created.stderr
    assert email in created.stdout
    too_short = timebank(
        ["users", "create-operator", "--email", email, "--password-stdin"], env, input="short\n"
    )
    assert too_short.returncode == 1 and "mot de passe" in too_short.stderr.lower()


@pytest.mark.slow
def test_serve_demo_on_the_default_sqlite_file(tmp_path: Path) -> None:
    """`timebank serve --demo` in an empty folder: health, OpenAPI, demo logins all work."""
    port = free_port()
    env = environment(TIMEBANK_DATABASE_URL=None)
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        status, health = wait_until_healthy(process, base)
        assert (status, health["database"]) == (200, "sqlite")
        assert (tmp_path / "timebank.sqlite3").exists()
        status, schema = fetch(f"{base}/schema/openapi.json")
        assert status == 200 and len(schema["paths"]) >= 25
        status, session = fetch(
            f"{base}/api/v1/auth/login",
            {"email": "operateur@demo.example", "password": "demo-bourse-2026"},
        )
        assert status == 200 and session["user"]["is_operator"] is True
        request = urllib.request.Request(
            f"{base}/api/v1/companies?limit=1",
            headers={"Authorization": f"Bearer {session['token']}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["total"] == 152
        bearer = {"Authorization": f"Bearer {session['token']}"}
        request = urllib.request.Request(f"{base}/api/v1/engagements?limit=200", headers=bearer)
        with urllib.request.urlopen(request, timeout=10) as response:
            statuses = {e["status"] for e in json.loads(response.read())["items"]}
        assert statuses == {
            "proposed",
            "accepted_by_host",
            "approved_by_lender",
            "consented",
            "active",
            "completed",
            "cancelled",
        }
        request = urllib.request.Request(f"{base}/api/v1/companies/1/settlements", headers=bearer)
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "agreed" in {s["status"] for s in json.loads(response.read())}
        # Both employer groups have a published shared-CDO plan and last month allocated.
        request = urllib.request.Request(f"{base}/api/v1/groups", headers=bearer)
        with urllib.request.urlopen(request, timeout=10) as response:
            groups = json.loads(response.read())["items"]
        assert len(groups) == 2
        from timebank.demo.plan import plan_demo

        for group in groups:
            (coordinator,) = [
                g.coordinator.email
                for g in plan_demo(today=datetime.now(UTC).date()).groups
                if g.name == group["name"]
            ]
            status, session_of = fetch(
                f"{base}/api/v1/auth/login", {"email": coordinator, "password": "demo-bourse-2026"}
            )
            coordinates = {"Authorization": f"Bearer {session_of['token']}"}
            url = f"{base}/api/v1/groups/{group['id']}/rotation-periods"
            with urllib.request.urlopen(
                urllib.request.Request(url, headers=coordinates)
            ) as response:
                periods = json.loads(response.read())
            assert [p["published_plan_id"] is not None for p in periods] == [True]
            # A group's periods are its coordinators' business, not the operator's.
            with urllib.request.urlopen(urllib.request.Request(url, headers=bearer)) as response:
                assert json.loads(response.read()) == []
            url = f"{base}/api/v1/rotation-periods/{periods[0]['id']}/slots"
            with urllib.request.urlopen(
                urllib.request.Request(url, headers=coordinates)
            ) as response:
                assert len(json.loads(response.read())["slots"]) > 0
            # The shares are the CDO's salary at cost: their coordinator's, never the operator's.
            url = f"{base}/api/v1/groups/{group['id']}/allocations"
            with urllib.request.urlopen(urllib.request.Request(url, headers=bearer)) as response:
                assert json.loads(response.read()) == []
            with urllib.request.urlopen(
                urllib.request.Request(url, headers=coordinates)
            ) as response:
                assert len(json.loads(response.read())) > 0
        # The demo accountant exports its first client's year: FEC layout, legal name.
        accountant_email = plan_demo(today=datetime.now(UTC).date()).accountant.email
        status, accountant = fetch(
            f"{base}/api/v1/auth/login", {"email": accountant_email, "password": "demo-bourse-2026"}
        )
        assert status == 200
        own = {"Authorization": f"Bearer {accountant['token']}"}
        url = f"{base}/api/v1/accountant/clients"
        with urllib.request.urlopen(urllib.request.Request(url, headers=own)) as response:
            clients = json.loads(response.read())
        assert len(clients) == 6
        year = time.gmtime().tm_year
        url = f"{base}/api/v1/companies/{clients[0]['id']}/exports/fec?year={year}"
        with urllib.request.urlopen(urllib.request.Request(url, headers=own)) as response:
            assert response.read().startswith(b"JournalCode\tJournalLib\tEcritureNum")
            disposition = response.headers["content-disposition"]
        assert f"{clients[0]['siren']}FEC{year}1231.txt" in disposition
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Ouvrez http://127.0.0.1:" in output
    assert "operateur@demo.example / demo-bourse-2026" in output
    # Signed contracts: both documents of every running loan and every group document carry
    # all their parties' signatures, each on the document's own SHA-256.
    with sqlite3.connect(tmp_path / "timebank.sqlite3") as db:
        unsigned = db.execute(
            "SELECT d.kind, d.id, COUNT(s.id) FROM contract_document d "
            "LEFT JOIN contract_signature s ON s.document = d.id AND s.sha256 = d.sha256 "
            "GROUP BY d.id HAVING COUNT(s.id) < 2"
        ).fetchall()
        active = db.execute("SELECT COUNT(*) FROM engagement WHERE status = 'active'").fetchone()
        loans = db.execute(
            "SELECT COUNT(DISTINCT d.engagement) FROM contract_document d "
            "JOIN engagement e ON e.id = d.engagement WHERE e.status = 'active'"
        ).fetchone()
        groups = db.execute(
            'SELECT kind, COUNT(*) FROM contract_document WHERE "group" IS NOT NULL GROUP BY kind'
        ).fetchall()
    assert unsigned == []
    assert active[0] > 0 and loans == active
    assert dict(groups)["cdo_contract"] == 2 and dict(groups)["member_agreement"] > 0


def test_sqlite_file_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/folder/db.sqlite3"
    result = timebank(["db", "migrate"], environment(TIMEBANK_DATABASE_URL=url))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


# Commands that work on an existing database, with what they need besides.
NEEDS_A_DATABASE = [
    (["export", "fec", "--company", "732829320", "--year", "2026", "-o", "out.txt"], ""),
    (["users", "create-operator", "--email", "x@test.example", "--password-stdin"], "pass\n"),
    (["ledger", "verify"], ""),
    (["ledger", "expire"], ""),
    (["match", "run"], ""),
]


@pytest.mark.parametrize(("command", "given"), NEEDS_A_DATABASE, ids=lambda v: str(v)[:30])
def test_a_command_needing_a_database_creates_none(
    command: list[str], given: str, tmp_path: Path
) -> None:
    path = tmp_path / "timebank.sqlite3"
    env = environment(TIMEBANK_DATABASE_URL=None)  # The default: a file in the working folder.
    result = timebank(command, env, input=given, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "introuvable" in result.stderr and "not found" in result.stderr
    assert str(path) in result.stderr and "TIMEBANK_DATABASE_URL" in result.stderr
    assert "timebank db migrate" in result.stderr
    assert list(tmp_path.iterdir()) == []  # Nothing was created.


def test_a_database_without_the_services_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).close()  # An existing file, but not the service's.
    env = environment(TIMEBANK_DATABASE_URL=f"sqlite:///{path}")
    result = timebank(["ledger", "verify"], env)
    assert result.returncode == 2
    assert "holds no tables of the service" in result.stderr and str(path) in result.stderr
    with sqlite3.connect(path) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == []  # Still empty: nothing was migrated into it.
