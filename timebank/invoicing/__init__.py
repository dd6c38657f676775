"""Invoices and credit notes: numbered per issuer, immutable once issued, Factur-X PDFs."""
