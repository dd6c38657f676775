"""Asset projects for the accounting exports."""

from __future__ import annotations

from datetime import date

from web.schemas.common import In


class AssetProjectIn(In):
    account: str  # 203 or 205
    in_service_on: date | None = None
