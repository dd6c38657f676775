"""The programme operator: indicators with charts, matching runs in the background."""

from __future__ import annotations

from litestar import Controller


class OperatorPages(Controller):
    include_in_schema = False
