"""Hours: the employee's week view and the host's approval queue."""

from __future__ import annotations

from litestar import Controller


class HourPages(Controller):
    include_in_schema = False
