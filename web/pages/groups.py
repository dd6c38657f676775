"""Shared CDO: employer groups for PMEs (find, join, member view) and for their coordinators."""

from __future__ import annotations

from litestar import Controller


class GroupPages(Controller):
    include_in_schema = False
