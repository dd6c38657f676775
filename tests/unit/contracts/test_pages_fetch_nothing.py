"""PDF pages fetch no URL: a document leaves such a resource out and still renders, an invoice
(nothing may go missing from it) stops."""

from __future__ import annotations

import pytest
from weasyprint.urls import FatalURLFetchingError

from contracts.invoice import page_pdf_a3
from contracts.render import html_pdf

# An address a stray value could point at from inside the server's network.
PAGE = '<html><body><p>Texte</p><img src="http://169.254.169.254/latest/meta-data"></body></html>'


def test_a_document_leaves_the_resource_out_and_renders() -> None:
    assert html_pdf(PAGE).startswith(b"%PDF-")


def test_an_invoice_page_with_a_url_is_not_rendered() -> None:
    with pytest.raises(FatalURLFetchingError, match=r"169\.254\.169\.254"):
        page_pdf_a3(PAGE)
