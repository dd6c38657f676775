"""The browser's protections on every response (issue 21, point 4): a Content-Security-Policy
without inline script, no framing, no MIME sniffing, a same-origin referrer, and HSTS only when
the service is HTTPS-only; no page template carries what that policy would block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.exchange_helpers import signup
from timebank.config import get_settings

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
WEB = Path(__file__).resolve().parents[2] / "web"
HTML = {"accept": "text/html"}
JSON = {"accept": "application/json"}


def policy(response: httpx.Response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive → sources."""
    found: dict[str, list[str]] = {}
    for directive in response.headers["content-security-policy"].split(";"):
        name, *sources = directive.split()
        found[name] = sources
    return found


def assert_protected(response: httpx.Response) -> None:
    where = f"{response.request.method} {response.request.url.path} → {response.status_code}"
    csp = policy(response)
    assert csp["default-src"] == ["'self'"], where
    assert csp["script-src"] == ["'self'"], where  # No inline script, no eval, no other host.
    assert "'unsafe-inline'" not in csp["style-src"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] == ["'none'"], where
    assert csp["form-action"] == ["'self'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert response.headers["x-frame-options"] == "DENY", where
    assert response.headers["x-content-type-options"] == "nosniff", where
    assert response.headers["referrer-policy"] == "same-origin", where


async def test_every_kind_of_response_carries_the_security_headers(client: Client) -> None:
    client.cookies.clear()
    admin = await signup(client, name="Atelier En-têtes")
    client.cookies.clear()
    sample = "/api/v1/templates/charte-bourse-de-temps/sample.pdf"
    answers = [
        (await client.get("/connexion", headers=HTML), 200),  # A page.
        (await client.get("/schema"), 200),  # The API documentation page.
        (await client.get("/api/v1/templates", headers=JSON), 200),  # A public API read.
        (await client.get("/api/v1/notifications", headers=admin.headers), 200),  # An API read.
        (await client.get("/static/style.css"), 200),  # A static file.
        (await client.get(sample), 200),  # A download.
        (await client.get("/healthz"), 200),
        (await client.get("/page-qui-n-existe-pas", headers=HTML), 404),  # The error page.
        (await client.get("/api/v1/nope", headers=JSON), 404),
        (await client.get("/api/v1/notifications", headers=JSON), 401),  # No session.
        (await client.delete("/healthz"), 405),  # Refused before any route handler.
    ]
    for response, status in answers:
        assert response.status_code == status, (response.request.url, response.status_code)
        assert_protected(response)
        assert "strict-transport-security" not in response.headers  # Plain HTTP allowed.


@pytest.fixture
def https_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TIMEBANK_COOKIE_SECURE", "true")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_hsts_only_when_the_service_is_https_only(https_only: None) -> None:
    del https_only
    from web.app import create_app

    app = create_app(manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver.local") as https:
        for response in (
            await https.get("/static/style.css"),
            await https.get("/page-qui-n-existe-pas", headers=HTML),
        ):
            hsts = response.headers["strict-transport-security"]
            assert re.fullmatch(r"max-age=(\d+)", hsts) and int(hsts.split("=")[1]) >= 180 * 86400
            assert_protected(response)


# What a policy without 'unsafe-inline' blocks: a script written in the page, an event handler
# attribute, a `javascript:` address, a style attribute or element.
INLINE_SCRIPT_OR_STYLE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|\sstyle\s*=|<style", re.IGNORECASE
)


def test_no_page_template_or_static_page_carries_inline_script_or_style() -> None:
    files = [*(WEB / "templates").rglob("*.html"), *(WEB / "static").glob("*/*.html")]
    assert len(files) > 20
    offending = [
        f"{path.relative_to(WEB)}: {match[0]}"
        for path in files
        for match in INLINE_SCRIPT_OR_STYLE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offending, offending


async def test_the_api_documentation_page_has_no_inline_script(client: Client) -> None:
    page = (await client.get("/schema")).text
    assert "swagger-ui-bundle.js" in page and "/static/swagger/start.js" in page
    assert not INLINE_SCRIPT_OR_STYLE.search(page), page[:500]
