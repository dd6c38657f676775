"""Every page form answers nonsense without a server error, for each kind of demo user.

`timebank serve --demo` on a fresh SQLite file (a subprocess, as a person runs it); each demo
login posts to every page route that takes a form, with every field the templates name filled
with the same nonsense (empty, a word, a negative number, a very long text), its own company's
id in the path and 1 elsewhere. No answer may be a 5xx; the ledger still verifies afterwards.
(The JSON API is fuzzed from its schema in `test_fuzz.py`.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Final

import httpx
import pytest

from tests.e2e.test_cli import environment, free_port, wait_until_healthy
from timebank.demo.plan import DEMO_PASSWORD

ROOT: Final = Path(__file__).resolve().parents[2]
NONSENSE: Final = ("", "x", "-1", "9" * 40, "é<" * 2500)
# Routes that end the session (the next posts would only be refused as anonymous).
SESSION_ENDERS: Final = ("deconnexion", "mot-de-passe")
DEMO_USERS: Final = (
    "operateur@demo.example",
    "celine.arnaud@ateliers-laporte-fils-0.demo.example",
    "herve.schneider@ateliers-laporte-fils-0.demo.example",
    "caroline.fontaine@groupement-d-employeurs-numerique-bretag-150.demo.example",
    "hugo.nicolas@cabinet-durand-expertise.demo.example",
)


def _form_fields() -> set[str]:
    """Every field name the page templates write, directly or through the field macros."""
    found: set[str] = set()
    for template in (ROOT / "web" / "templates").rglob("*.html"):
        text = template.read_text()
        found |= set(re.findall(r'name="([a-z_0-9]+)"', text))
        found |= set(re.findall(r'\b[a-z_]*field\("([a-z_0-9]+)"', text))
    return found - {"_csrf"}


def _form_routes() -> list[str]:
    from web.app import create_app

    app = create_app()
    return sorted(
        {
            route.path
            for route in app.routes
            if "POST" in getattr(route, "methods", set())
            and not route.path.startswith(("/api", "/schema", "/static"))
            and not any(ender in route.path for ender in SESSION_ENDERS)
        }
    )


@pytest.mark.slow
def test_every_page_form_answers_nonsense_without_a_server_error(tmp_path: Path) -> None:
    fields = _form_fields()
    routes = _form_routes()
    assert len(fields) > 50 and len(routes) > 40
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--demo", "--no-scheduler", "--port", str(port)],
        cwd=tmp_path,
        env=environment(TIMEBANK_DATABASE_URL=None),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    errors: list[str] = []
    answered: dict[int, int] = {}
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until_healthy(process, base)[0] == 200
        with httpx.Client(base_url=base, timeout=30) as client:
            for email in DEMO_USERS:
                session = client.post(
                    "/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}
                ).json()
                bearer = {"Authorization": f"Bearer {session['token']}"}
                roles = client.get("/api/v1/auth/me", headers=bearer).json()["roles"]
                own = str(roles[0]["company_id"]) if roles else "1"
                client.cookies.clear()
                client.cookies.set("tb_session", session["token"])
                for route in routes:
                    path = re.sub(r"\{company_id:int\}", own, route)
                    path = re.sub(r"\{[a-z_]+:(int|str|path)\}", "1", path)
                    for value in NONSENSE:
                        form = dict.fromkeys(fields, value) | {"_csrf": session["csrf_token"]}
                        response = client.post(path, data=form)
                        answered[response.status_code] = answered.get(response.status_code, 0) + 1
                        if response.status_code >= 500:
                            errors.append(
                                f"{email} POST {path} {value[:12]!r}: {response.status_code}"
                            )
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert errors == [], "\n".join(errors[:20])
    assert sum(n for status, n in answered.items() if status < 300) > 0, answered  # Some pass.
    verify = subprocess.run(
        [sys.executable, "-m", "web.cli", "ledger", "verify"],
        cwd=tmp_path,
        env=environment(TIMEBANK_DATABASE_URL=None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
