"""Render a catalogue template with its data: Markdown (the signed text, whose SHA-256 is the
document's hash), HTML, and PDF (WeasyPrint; page numbers, and the template id, version,
licence and hash in every page's footer). The same data always gives the same bytes, so a
document's PDF is kept in a bounded in-memory cache, and PDFs are made in a process of their
own, beside the server's event loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import multiprocessing
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import jinja2

from contracts.catalogue import TEMPLATES, Template, TemplateDataError, check_data, template

TEMPLATE_FOLDER: Final = Path(__file__).parent / "templates"
# Each template filled with sample data, as published beside its source.
SAMPLES_FOLDER: Final = Path(__file__).parent / "samples"
NBSP: Final = "\u202f"  # Narrow no-break space: the French thousands separator.


def euros(amount_cents: int) -> str:
    """1 234,56 € (integer cents, no float)."""
    sign = "-" if amount_cents < 0 else ""
    whole, cents = divmod(abs(amount_cents), 100)
    grouped = f"{whole:,}".replace(",", NBSP)
    return f"{sign}{grouped},{cents:02d}{NBSP}€"


def date_fr(value: date | str) -> str:
    """23/11/2026."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return day.strftime("%d/%m/%Y")


# What a typed value may not carry into the signed Markdown: inline markup (emphasis, code,
# links and images, table cells, raw HTML and autolinks). `\<` is CommonMark's escape; the page
# renderer, whose Markdown has no HTML at all, reads it as a plain `<` (see `_page_text`).
_MARKDOWN_SPECIALS: Final = str.maketrans({c: "\\" + c for c in "\\`*_[]|<"})
# Line breaks and the spaces around them, and tabs (which the page's Markdown expands).
_LINE_BREAKS: Final = re.compile(r"[ \t]*[\r\n]+[ \t]*|\t")
# Control characters other than tab and line breaks: no text needs them, and the page's
# Markdown uses some (STX, ETX) as its own placeholders.
_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENTITY_START: Final = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # `&lt;` would read as `<`.
# What opens a block when it starts a line: a heading, a quote, a list item.
_BLOCK_MARKER: Final = re.compile(r"^(?:\d+(?=[.)])|(?=[#>+\-]))")


def _escape(value: Any) -> Any:
    """A value typed by a user is plain text in the signed Markdown, never markup.

    It is one line (its line breaks and tabs become spaces: Markdown shows a single line break
    as a space anyway, and a line of its own could open a heading, a list, a code block or a
    table row); its inline specials are backslash-escaped, and so is what would open a block
    where the value starts a line (a company's name, a list item). Every escape is Markdown's
    own, so the text reads as typed once rendered, `&` included (no HTML entity)."""
    if not isinstance(value, str):
        return value
    return plain_text(value)


def plain_text(value: str) -> str:
    """`value` as plain text in Markdown (see `_escape`): for texts built outside a template."""
    text = _LINE_BREAKS.sub(" ", _CONTROLS.sub("", value)).strip().translate(_MARKDOWN_SPECIALS)
    text = _ENTITY_START.sub(r"\\&", text)
    return _BLOCK_MARKER.sub(lambda opening: opening[0] + "\\", text, count=1)


RATE_DECIMALS: Final = 4


def euros_exact(numerator_cents: int, denominator: int) -> str:
    """An exact amount in cents given as a fraction, in euros: 4 decimals, followed by « … »
    when the decimals go on (truncated, never rounded): 41,6482… €."""
    assert numerator_cents >= 0
    assert denominator > 0
    scale = 10**RATE_DECIMALS
    units, remainder = divmod(numerator_cents * scale, denominator * 100)
    whole, decimals = divmod(units, scale)
    grouped = f"{whole:,}".replace(",", NBSP)
    more = "…" if remainder else ""
    return f"{grouped},{decimals:0{RATE_DECIMALS}d}{more}{NBSP}€"


_ENVIRONMENT: Final = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_FOLDER),
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # Markdown, not HTML: values are Markdown-escaped by `finalize`.
    finalize=_escape,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["euros"] = euros
_ENVIRONMENT.filters["date_fr"] = date_fr
_ENVIRONMENT.globals["euros_exact"] = euros_exact


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    template: Template
    markdown: str
    sha256: str  # Of the Markdown text, UTF-8: what the parties sign.

    @property
    def footer(self) -> str:
        return (
            f"Modèle {self.template.id} v{self.template.version} · {self.template.licence} · "
            f"empreinte SHA-256 {self.sha256}"
        )


def source_text(template_id: str) -> str:
    """The template's Jinja2 source, as published."""
    return (TEMPLATE_FOLDER / template(template_id).source).read_text(encoding="utf-8")


def render_markdown(template_id: str, data: dict[str, Any]) -> RenderedDocument:
    """The document's text; TemplateDataError lists every missing or wrongly typed variable."""
    spec = template(template_id)
    problems = check_data(template_id, data)
    if problems:
        raise TemplateDataError(template_id, problems)
    body = _ENVIRONMENT.get_template(spec.source).render(**data, template=spec)
    text = body.strip() + "\n"
    return RenderedDocument(spec, text, hashlib.sha256(text.encode("utf-8")).hexdigest())


def from_markdown(template_id: str, text: str) -> RenderedDocument:
    """A stored document's text again (its hash recomputed, never trusted)."""
    spec = template(template_id)
    return RenderedDocument(spec, text, hashlib.sha256(text.encode("utf-8")).hexdigest())


_CSS: Final = """
@page {
  size: A4;
  margin: 22mm 20mm 26mm 20mm;
  @bottom-left { content: element(footer); width: 75%; }
  @bottom-right { content: "Page " counter(page) " / " counter(pages);
                  font: 8pt "DejaVu Sans", sans-serif; color: #555; }
}
body { font: 10.5pt/1.45 "DejaVu Serif", "DejaVu Sans", serif; color: #111; }
h1 { font: bold 16pt "DejaVu Sans", sans-serif; margin: 0 0 4mm; }
h2 { font: bold 11.5pt "DejaVu Sans", sans-serif; margin: 6mm 0 2mm; }
p, li { text-align: left; }
table { border-collapse: collapse; width: 100%; margin: 3mm 0; font-size: 8pt; }
td, th { border: 0.4pt solid #999; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
.footer { position: running(footer); font: 7pt "DejaVu Sans", sans-serif; color: #555;
          overflow-wrap: anywhere; }
"""


# The page's only style: constant, so a Content-Security-Policy allows it by its hash
# (`DOCUMENT_STYLE_SOURCE`) and no other inline style.
_STYLE_ELEMENT: Final = f"<style>{_CSS}</style>"
DOCUMENT_STYLE_SOURCE: Final = (
    "'sha256-" + base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode() + "'"
)
# The Markdown of a document page: headings, emphasis, lists and tables, never a link, an image
# or HTML (a document stored before its values were escaped cannot make one either).
_NO_LINKS_OR_IMAGES: Final = (
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
)
_HTML_ESCAPED_BY_MARKDOWN: Final = re.compile(r"\\(.)", re.DOTALL)


def _page_text(text: str) -> str:
    r"""The Markdown as HTML-safe text: the document carries no intended HTML, so `&`, `<` and
    `>` are escaped, for the page only; their Markdown escapes (`\<`, which this Markdown
    does not know) are read first. A pair `\\` is kept whole: `\\<` stays an escaped
    backslash before `<`."""
    unescaped = _HTML_ESCAPED_BY_MARKDOWN.sub(
        lambda pair: pair[1] if pair[1] in "<>&" else pair[0], text
    )
    return html.escape(unescaped, quote=False)


def _markdown_html(text: str) -> str:
    import markdown

    converter = markdown.Markdown(extensions=["tables"], output_format="html")
    for name in _NO_LINKS_OR_IMAGES:
        converter.inlinePatterns.deregister(name)
    converter.parser.blockprocessors.deregister("reference")
    body: str = converter.convert(_page_text(text))
    return body


def page_html(title: str, text: str, footer: str) -> str:
    """An A4 page of Markdown `text`, its footer on every page (contracts and statements)."""
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"{_STYLE_ELEMENT}</head><body>"
        f'<div class="footer">{html.escape(footer)}</div>'
        f"{_markdown_html(text)}</body></html>\n"
    )


def refusing_fetcher(*, stop_rendering: bool) -> Any:
    """A WeasyPrint URL fetcher that fetches nothing: the pages' style is inline and their fonts
    are the system's, so the package has no asset to serve, and a URL in a page (a user's value,
    a stray link, an image in an old text) is never requested, internal hosts included. With
    `stop_rendering` the refusal stops the rendering (invoices: nothing may go missing from
    them); otherwise it only leaves that resource out, and a document still renders."""
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            del headers
            raise PermissionError(f"pages fetch nothing, refused: {url[:100]}")

    return RefusingFetcher(fail_on_errors=stop_rendering)


def html_pdf(page: str) -> bytes:
    import weasyprint

    # The embedded font subsets carry a "modified" date, taken from SOURCE_DATE_EPOCH when it is
    # set (reproducible builds): fixed here, so that the same document gives the same bytes.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    pdf: bytes = weasyprint.HTML(
        string=page, url_fetcher=refusing_fetcher(stop_rendering=False)
    ).write_pdf()
    return pdf


def render_html(document: RenderedDocument) -> str:
    return page_html(document.template.title, document.markdown, document.footer)


# Rendered documents' PDFs kept per process, least recently used dropped first.
PDF_CACHE_BYTES_MAX: Final = 32 * 1024 * 1024


class PdfCache:
    """PDFs by what determines their bytes, at most `bytes_max` bytes in all (thread-safe)."""

    def __init__(self, bytes_max: int) -> None:
        assert bytes_max > 0
        self.bytes_max = bytes_max
        self._pdfs: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            pdf = self._pdfs.get(key)
            if pdf is not None:
                self._pdfs.move_to_end(key)
            return pdf

    def put(self, key: tuple[str, str], pdf: bytes) -> None:
        if len(pdf) > self.bytes_max:
            return
        with self._lock:
            if key in self._pdfs:
                return
            self._pdfs[key] = pdf
            self._bytes += len(pdf)
            while self._bytes > self.bytes_max:
                _, dropped = self._pdfs.popitem(last=False)
                self._bytes -= len(dropped)

    @property
    def size_bytes(self) -> int:
        return self._bytes


_PDF_CACHE: Final = PdfCache(PDF_CACHE_BYTES_MAX)


def _pdf_key(document: RenderedDocument) -> tuple[str, str]:
    """What the page is made of besides constants: the title, and the footer, which names the
    template's id, version and licence and the SHA-256 of the Markdown text."""
    return (document.template.title, document.footer)


def cached_pdf(document: RenderedDocument) -> bytes | None:
    """The document's PDF when it was made lately in this process, else None."""
    return _PDF_CACHE.get(_pdf_key(document))


def _kept(document: RenderedDocument, pdf: bytes) -> bytes:
    _PDF_CACHE.put(_pdf_key(document), pdf)
    return pdf


def render_pdf(document: RenderedDocument) -> bytes:
    """A rendered document's PDF, made here when not in the cache (the command line's way;
    the server's is `document_pdf`)."""
    pdf = cached_pdf(document)
    return pdf if pdf is not None else _kept(document, html_pdf(render_html(document)))


# PDFs are made in one child process per server process. WeasyPrint is Python for the most
# part: in a thread it holds the interpreter lock, and the event loop, waiting for the lock at
# each of its steps, stalled every request of the worker for as long as a rendering lasted
# (hundreds of ms under load). The child renders beside the server, one PDF at a time (the
# renderings queue instead of piling up). It is started at the first PDF by "spawn": the server
# has threads (database connections), which a fork would copy in an unknown state.
PDF_PROCESS_START_METHOD: Final = "spawn"

_pdf_process: ProcessPoolExecutor | None = None
_pdf_process_lock: Final = threading.Lock()


def _pdf_executor() -> ProcessPoolExecutor:
    global _pdf_process
    with _pdf_process_lock:
        if _pdf_process is None:
            _pdf_process = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context(PDF_PROCESS_START_METHOD)
            )
        return _pdf_process


def _discard(executor: ProcessPoolExecutor) -> None:
    global _pdf_process
    with _pdf_process_lock:
        if _pdf_process is executor:
            _pdf_process = None
    executor.shutdown(wait=False, cancel_futures=True)


async def in_pdf_process(make: Callable[..., bytes], *args: Any) -> bytes:
    """`make(*args)` (a PDF rendering: a module-level function and picklable arguments) run in
    the PDF process, the event loop free meanwhile. A child that died (killed, out of memory)
    is replaced once."""
    loop = asyncio.get_running_loop()
    executor = _pdf_executor()
    try:
        return await loop.run_in_executor(executor, make, *args)
    except BrokenProcessPool:
        _discard(executor)
    return await loop.run_in_executor(_pdf_executor(), make, *args)


def _first_pdf() -> bytes:
    return html_pdf(page_html("Préparation", "Prêt.", "préparation"))


async def start_pdf_process() -> None:
    """Start the PDF process and make a first PDF in it (WeasyPrint imported, fonts loaded), so
    that the first download under load does not pay for it (the server calls it at start)."""
    await in_pdf_process(_first_pdf)


def close_pdf_process() -> None:
    """Stop the PDF process, if started (at shutdown)."""
    with _pdf_process_lock:
        executor = _pdf_process
    if executor is not None:
        _discard(executor)


async def document_pdf(document: RenderedDocument) -> bytes:
    """A rendered document's PDF: from the cache, else made in the PDF process and kept."""
    pdf = cached_pdf(document)
    if pdf is not None:
        return pdf
    return _kept(document, await in_pdf_process(html_pdf, render_html(document)))


@lru_cache(maxsize=len(TEMPLATES))
def sample_document(template_id: str) -> RenderedDocument:
    """A template filled with its published sample data (read and rendered once)."""
    data = json.loads((SAMPLES_FOLDER / f"{template_id}.json").read_text(encoding="utf-8"))
    return render_markdown(template_id, data)


MEDIA_TYPES: Final = {"pdf": "application/pdf", "html": "text/html", "md": "text/markdown"}


def render_as(document: RenderedDocument, file_format: str) -> bytes:
    """The document as PDF, HTML or Markdown (`file_format`: a key of MEDIA_TYPES)."""
    if file_format == "pdf":
        return render_pdf(document)
    if file_format == "html":
        return render_html(document).encode()
    if file_format == "md":
        return document.markdown.encode()
    raise ValueError(f"unknown format {file_format!r}")
