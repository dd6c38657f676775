"""Matching proposals: the host's and lender's inbox, the employee's own proposals."""

from __future__ import annotations

from litestar import Controller


class ProposalPages(Controller):
    include_in_schema = False
