"""No injection through contract documents (issue 21, point 1): what a company admin types into
a loan is plain text in every format of its documents (the signed Markdown, the HTML, the PDF);
the PDF renderer requests no URL; the HTML is served sandboxed, as a file, under its own
policy, and shown in the pages inside a sandboxed frame."""

from __future__ import annotations

import html
import io
import re
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from contracts.render import html_pdf
from tests.exchange_helpers import World, now, previous_month_day, world
from web.security_headers import DOCUMENT_POLICY

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
HTML = {"accept": "text/html"}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local port that records whether anything connected to it (non-blocking accept)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        yield server


def connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            accepted, _ = server.accept()
        except BlockingIOError:
            return count
        accepted.close()
        count += 1


def payloads(port: int) -> dict[str, str]:
    return {
        "tasks": (
            "[x](javascript:alert(1)) <script>alert(2)</script> "
            f"![](http://127.0.0.1:{port}/tasks) ![](http://127.0.0.1:9/x) R&D &amp; tests"
        ),
        "working_hours": f'<img src="http://127.0.0.1:{port}/hours"> le mardi\n# Article 99',
        "post_characteristics": f"[r]: http://127.0.0.1:{port}/ref\n\n![y][r] *écran*",
        "place": "<javascript:alert(3)> Lyon",
    }


async def propose_with(client: Client, w: World, typed: dict[str, str]) -> int:
    response = await client.post(
        "/api/v1/engagements",
        headers=w.lender.headers,
        json={
            "need_id": w.need_id,
            "employee_id": w.employee_id,
            "planned_minutes": 12 * 60,
            "period_start": previous_month_day(1).isoformat(),
            "period_end": now().date().isoformat(),
            "remote": False,
            "probation_days": 0,
            **typed,
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def one_line(typed: str) -> str:
    """A typed value as the documents read it: its line breaks are spaces."""
    return re.sub(r"[ \t]*[\r\n]+[ \t]*|\t", " ", typed).strip()


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def markdown_unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


async def test_typed_loan_terms_are_plain_text_in_every_format_and_fetch_nothing(
    client: Client, listener: socket.socket
) -> None:
    w = await world(client, lender_cse=False)
    typed = payloads(listener.getsockname()[1])
    engagement_id = await propose_with(client, w, typed)
    listed = await client.get(
        f"/api/v1/engagements/{engagement_id}/documents", headers=w.host.headers
    )
    assert listed.status_code == 200, listed.text
    for document in listed.json():
        files: dict[str, Any] = {}
        for file_format in ("md", "html", "pdf"):
            files[file_format] = await client.get(
                document[f"{'markdown' if file_format == 'md' else file_format}_url"],
                headers=w.host.headers,
            )
            assert files[file_format].status_code == 200, files[file_format].text

        signed = files["md"].text
        page = files["html"].text
        body = page.split("<body>", 1)[1]
        # No link, image, script or heading of the user's own: no address at all in the page.
        assert not re.search(r"<(a|img|script|link|iframe|object|embed)\b", body), body[:2000]
        assert not re.search(r"<[^>]*\s(href|src)=", page), page[:2000]
        assert body.count("<h1>") == 1 and "Article 99</h" not in body  # The title only.
        # In the signed text, every `[`, `]` and `<` the user typed is escaped.
        assert not re.search(r"(?<!\\)[\[\]<]", signed), signed
        assert "\n# Article 99" not in signed and "\n[r]:" not in signed
        for name, value in typed.items():
            shown = one_line(value)
            # The signed text reads as typed once its Markdown escapes are read...
            assert shown in markdown_unescaped(signed), (name, signed)
            # ...and the page shows exactly what was typed, as text.
            assert shown in text_of(body), (name, text_of(body)[:3000])
        assert "R&D \\&amp; tests" in signed  # `&` stays `&`; an entity is escaped, not read.

        pdf = PdfReader(io.BytesIO(files["pdf"].content))
        pdf_text = "".join(p.extract_text() for p in pdf.pages)
        assert "R&D" in pdf_text and "alert(1)" in pdf_text
        assert connections(listener) == 0  # Rendering the PDF requested none of the URLs.

        # The HTML is a file to save, sandboxed under its own policy if opened anyway.
        assert files["html"].headers["content-disposition"].startswith("attachment;")
        assert files["html"].headers["content-security-policy"] == DOCUMENT_POLICY
        assert files["md"].headers["content-security-policy"] == DOCUMENT_POLICY
        assert files["html"].headers["x-content-type-options"] == "nosniff"
        assert "script-src" not in DOCUMENT_POLICY and "sandbox" in DOCUMENT_POLICY


async def test_the_pages_show_a_document_in_a_sandboxed_frame(client: Client) -> None:
    w = await world(client, lender_cse=False)
    engagement_id = await propose_with(client, w, payloads(9))
    page = await client.get(
        f"/mises-a-disposition/{engagement_id}/documents/convention",
        headers={**HTML, **w.host.headers},
    )
    assert page.status_code == 200, page.text[:500]
    frames = re.findall(r"<iframe[^>]*>", page.text)
    assert len(frames) == 1
    assert re.search(r'\ssandbox(\s|=""|>)', frames[0])  # No allow-scripts, no same origin.
    shown = html.unescape(re.search(r'srcdoc="([^"]*)"', frames[0])[1])  # type: ignore[index]
    assert not re.search(r"<(a|img|script)\b|<[^>]*\s(href|src)=", shown), shown[:2000]
    assert "[x](javascript:alert(1))" in text_of(shown)


def test_the_pdf_renderer_requests_no_url_even_from_raw_html(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    page = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
        f"<style>@import url(http://127.0.0.1:{port}/import.css);"
        f"body {{ background: url(http://127.0.0.1:{port}/background.png) }}</style></head>"
        f'<body><p>Bonjour</p><img src="http://127.0.0.1:{port}/image.png">'
        f'<img src="file:///etc/passwd"></body></html>'
    )
    pdf = html_pdf(page)
    assert pdf.startswith(b"%PDF")  # The refused resources are left out; the page renders.
    assert connections(listener) == 0
