"""The programme's indicators as JSON (operator only): the figures of /operateur/indicateurs."""

from __future__ import annotations

from litestar import Controller, get

from timebank.indicators.model import Indicators
from timebank.indicators.use_cases import programme_indicators
from web.dependencies import CurrentActor, Now, Uow


class IndicatorController(Controller):
    path = "/api/v1/indicators"
    tags = ["Indicateurs"]

    @get("/")
    async def indicators(self, uow: Uow, actor: CurrentActor, now: Now) -> Indicators:
        """Every indicator; euro amounts of cells under 3 employees are null (secret)."""
        return await programme_indicators(uow, actor, today=now.date())
