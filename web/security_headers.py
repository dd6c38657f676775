"""The browser's protections on every response (pages, API, static files, errors, downloads):
a Content-Security-Policy without inline script, no framing, no MIME sniffing, no full
referrer to other sites, and HSTS when cookies are HTTPS-only.

A `before_send` hook of the application, so that it sees every response, the ones Litestar
makes before any route (404, 405) and error pages included. A response that carries its own
policy (a contract's HTML: `DOCUMENT_POLICY`) keeps it.
"""

from __future__ import annotations

from typing import Final

from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from contracts.render import DOCUMENT_STYLE_SOURCE

HSTS_MAX_AGE_SECONDS: Final = 365 * 24 * 3600

# Scripts and styles only from our own static files. The one inline style allowed, by its hash,
# is a contract's page shown in a sandboxed `srcdoc` frame, which takes the page's policy.
# `data:` images: Swagger UI's stylesheet draws its icons with them.
PAGE_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {DOCUMENT_STYLE_SOURCE}",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# A contract's HTML on its own: its inline style and nothing else, in a sandbox (no script,
# no form, an origin of its own) even when a browser opens it.
DOCUMENT_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        f"style-src {DOCUMENT_STYLE_SOURCE}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "sandbox",
    )
)


def security_headers(*, https_only: bool) -> dict[str, str]:
    """The headers every response carries; HSTS only when the service is reached over HTTPS
    (`TIMEBANK_COOKIE_SECURE=true`), since a browser would then refuse plain HTTP for a year."""
    headers = {
        "Content-Security-Policy": PAGE_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if https_only:
        headers["Strict-Transport-Security"] = f"max-age={HSTS_MAX_AGE_SECONDS}"
    return headers


def add_security_headers(*, https_only: bool) -> BeforeMessageSendHookHandler:
    """The `before_send` hook: adds each header the response does not set itself.

    The headers are encoded once per process; a response's own header names are read once.
    """
    wanted = tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in security_headers(https_only=https_only).items()
    )

    async def before_send(message: Message, scope: Scope) -> None:
        del scope
        if message["type"] != "http.response.start":
            return
        headers = message.get("headers")
        if not isinstance(headers, list):
            headers = message["headers"] = list(headers or ())
        present = {name.lower() for name, _ in headers}
        headers.extend(header for header in wanted if header[0] not in present)

    return before_send
