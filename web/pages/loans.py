"""Loans (mises à disposition): lists, detail with timeline and paperwork, steps, documents."""

from __future__ import annotations

from litestar import Controller


class LoanPages(Controller):
    include_in_schema = False
