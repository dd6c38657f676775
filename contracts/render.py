"""Render a catalogue template with its data: Markdown (the signed text, whose SHA-256 is the
document's hash), HTML, and PDF (WeasyPrint; page numbers, and the template id, version,
licence and hash in every page's footer). The same data always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import jinja2

from contracts.catalogue import Template, TemplateDataError, check_data, template

TEMPLATE_FOLDER: Final = Path(__file__).parent / "templates"
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


_MARKDOWN_SPECIALS: Final = str.maketrans({c: "\\" + c for c in "\\`*_[]|"})


def _escape(value: Any) -> Any:
    """Values typed by users never become Markdown markup: its inline specials are
    backslash-escaped. The signed text is Markdown, so no HTML entity here (`&` stays `&`);
    raw HTML is neutralised when the page is built (`page_html`)."""
    return value.translate(_MARKDOWN_SPECIALS) if isinstance(value, str) else value


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


def page_html(title: str, text: str, footer: str) -> str:
    """An A4 page of Markdown `text`, its footer on every page (contracts and statements)."""
    import markdown

    # The Markdown carries no intended HTML: `&` and `<` are escaped here, for the page only.
    safe = html.escape(text, quote=False)
    body = markdown.markdown(safe, extensions=["tables"], output_format="html")
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f'<div class="footer">{html.escape(footer)}</div>'
        f"{body}</body></html>\n"
    )


def html_pdf(page: str) -> bytes:
    import weasyprint

    # The embedded font subsets carry a "modified" date, taken from SOURCE_DATE_EPOCH when it is
    # set (reproducible builds): fixed here, so that the same document gives the same bytes.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    pdf: bytes = weasyprint.HTML(string=page).write_pdf()
    return pdf


def render_html(document: RenderedDocument) -> str:
    return page_html(document.template.title, document.markdown, document.footer)


def render_pdf(document: RenderedDocument) -> bytes:
    return html_pdf(render_html(document))


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
