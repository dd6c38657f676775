"""Company admin pages: settings, staff, invitations, at-cost inputs, lending approvals."""

from __future__ import annotations

from litestar import Controller


class CompanyPages(Controller):
    include_in_schema = False
