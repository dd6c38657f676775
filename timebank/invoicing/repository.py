"""Queries of the invoicing area (Piccolo rows <-> `timebank.invoicing.model`)."""

from __future__ import annotations


class InvoiceRepository:
    """The only place with queries on the invoice, invoice line and invoice counter tables."""
