"""Monthly statements, the company's position and its ledger history."""

from __future__ import annotations

from litestar import Controller


class StatementPages(Controller):
    include_in_schema = False
