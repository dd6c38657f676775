"""A document's PDF is made once per process and kept within a byte bound; PDFs are made in
a process of their own, never on the server's event loop."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import contracts.render as render
from contracts.render import (
    PdfCache,
    cached_pdf,
    from_markdown,
    html_pdf,
    in_pdf_process,
    page_html,
    render_html,
    render_markdown,
    render_pdf,
    start_pdf_process,
)

SAMPLES = Path(__file__).resolve().parents[3] / "contracts" / "samples"


def _sample(template_id: str = "convention-mise-a-disposition") -> render.RenderedDocument:
    data = json.loads((SAMPLES / f"{template_id}.json").read_text(encoding="utf-8"))
    return render_markdown(template_id, data)


def test_the_cache_drops_the_least_recently_used_pdf_beyond_its_bytes() -> None:
    cache = PdfCache(bytes_max=10)
    cache.put(("a", "1"), b"12345")
    cache.put(("b", "2"), b"12345")
    assert cache.get(("a", "1")) == b"12345"  # Now the most recently used.
    cache.put(("c", "3"), b"123")
    assert cache.get(("b", "2")) is None
    assert cache.get(("a", "1")) == b"12345"
    assert cache.get(("c", "3")) == b"123"
    assert cache.size_bytes == 8
    cache.put(("d", "4"), b"x" * 11)  # Larger than the whole cache: not kept.
    assert cache.get(("d", "4")) is None
    assert cache.size_bytes == 8


def test_a_pdf_is_rendered_once_then_served_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(render, "_PDF_CACHE", PdfCache(render.PDF_CACHE_BYTES_MAX))
    made: list[str] = []
    real = render.html_pdf

    def counted(page: str) -> bytes:
        made.append(page)
        return real(page)

    monkeypatch.setattr(render, "html_pdf", counted)
    document = _sample()
    assert cached_pdf(document) is None
    first = render_pdf(document)
    again = from_markdown(document.template.id, document.markdown)  # A stored text read back.
    assert cached_pdf(again) == first
    assert render_pdf(again) == first
    assert len(made) == 1


def test_another_text_is_another_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_PDF_CACHE", PdfCache(render.PDF_CACHE_BYTES_MAX))
    document = _sample()
    render_pdf(document)
    changed = from_markdown(document.template.id, document.markdown + "\nAjout.\n")
    assert cached_pdf(changed) is None
    assert render_pdf(changed) != render_pdf(document)


def test_the_page_gives_the_same_bytes_without_the_cache() -> None:
    """What makes caching exact: a page always renders to the same bytes."""
    page = render_html(_sample())
    assert html_pdf(page) == html_pdf(page)


@pytest.mark.anyio
async def test_pdfs_are_made_in_a_process_of_their_own() -> None:
    page = page_html("Essai", "Un **texte**.", "pied de page")
    pdf = await in_pdf_process(html_pdf, page)
    assert pdf.startswith(b"%PDF") and pdf == html_pdf(page)
    executor = render._pdf_executor()
    children = list(executor._processes)
    assert children and os.getpid() not in children


@pytest.mark.anyio
async def test_a_dead_pdf_process_is_replaced() -> None:
    page = page_html("Essai", "Texte.", "pied")
    await in_pdf_process(html_pdf, page)
    executor = render._pdf_executor()
    for process in list(executor._processes.values()):
        process.kill()
        process.join()
    assert (await in_pdf_process(html_pdf, page)).startswith(b"%PDF")
    assert render._pdf_executor() is not executor


@pytest.mark.anyio
async def test_the_server_starts_the_pdf_process_with_a_first_pdf_made() -> None:
    await start_pdf_process()
    assert render._pdf_process is not None
    assert list(render._pdf_process._processes)
