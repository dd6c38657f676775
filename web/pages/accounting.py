"""Accountant pages: client companies, the export page per fiscal year, asset projects."""

from __future__ import annotations

from litestar import Controller


class AccountingPages(Controller):
    include_in_schema = False
