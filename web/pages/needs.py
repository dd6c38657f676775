"""Company admin pages for needs: create, edit, publish, close, with the skills picker."""

from __future__ import annotations

from litestar import Controller


class NeedPages(Controller):
    include_in_schema = False
