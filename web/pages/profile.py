"""The employee's skills profile page."""

from __future__ import annotations

from litestar import Controller


class ProfilePages(Controller):
    include_in_schema = False
