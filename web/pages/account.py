"""Pages of the door: company sign-up, invitations, password reset, notifications."""

from __future__ import annotations

from litestar import Controller


class AccountPages(Controller):
    include_in_schema = False
