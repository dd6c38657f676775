"""The programme operator: indicators with charts (and as CSV), matching runs in the background."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from timebank import formatting
from timebank.indicators.model import Amount, Count, Indicators, csv_rows
from timebank.indicators.use_cases import programme_indicators
from timebank.jobs.model import JobKind
from timebank.jobs.use_cases import recent_jobs
from timebank.proposals.use_cases import start_matching_run
from web.charts import Bar, Chart, bar_chart
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import render, see_other

COUNT_LABELS = {
    "gave_only": "Ont seulement prêté",
    "received_only": "Ont seulement accueilli",
    "both": "Ont prêté et accueilli",
    "open": "Besoins ouverts",
    "staffed": "Besoins pourvus (mise à disposition en cours ou terminée)",
    "made": "Propositions faites",
    "accepted": "Acceptées",
    "declined": "Déclinées",
    "planned": "Demi-journées planifiées",
    "worked": "Demi-journées travaillées",
    "logged": "Formations déclarées",
    "approved": "Approuvées",
    "rated": "Notées",
}


def _hours_chart(values: tuple[Amount, ...], *, month: bool = False) -> Chart:
    return bar_chart(
        [
            Bar(_month_label(a.key) if month else a.key, a.minutes, formatting.hours(a.minutes))
            for a in values
        ]
    )


def _count_chart(values: tuple[Count, ...]) -> Chart:
    return bar_chart([Bar(COUNT_LABELS.get(c.key, c.key), c.value, str(c.value)) for c in values])


MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS_FR[int(month) - 1]} {year}"


def _charts(figures: Indicators) -> dict[str, Chart]:
    return {
        "month": _hours_chart(figures.hours_by_month, month=True),
        "region": _hours_chart(figures.hours_by_region),
        "domain": _hours_chart(figures.hours_by_domain),
        "companies": _count_chart(figures.companies),
        "needs": _count_chart(figures.needs),
        "proposals": _count_chart(figures.proposals),
        "reasons": _count_chart(figures.decline_reasons),
        "cdo": _count_chart(figures.cdo),
        "members": _count_chart(figures.members_per_group),
        "trainings": _count_chart(figures.trainings),
        "balances": _count_chart(figures.balance_spread),
    }


class OperatorPages(Controller):
    include_in_schema = False

    @get("/operateur/appariement")
    async def matching_runs(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor
    ) -> Template:
        runs = await recent_jobs(uow, actor, JobKind.MATCHING_RUN)
        return render(request, "operator/matching.html", runs=runs)

    @post("/operateur/appariement")
    async def start_matching(self, uow: Uow, actor: CurrentActor, now: Now) -> Redirect:
        job = await start_matching_run(uow, actor, now=now)
        return see_other(f"/taches/{job.id}")

    @get("/operateur/indicateurs")
    async def indicators(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor, now: Now
    ) -> Template:
        figures = await programme_indicators(uow, actor, today=now.date())
        return render(
            request,
            "operator/indicators.html",
            figures=figures,
            charts=_charts(figures),
            count_labels=COUNT_LABELS,
            month_label=_month_label,
        )

    @get("/operateur/indicateurs.csv")
    async def indicators_csv(self, uow: Uow, actor: CurrentActor, now: Now) -> Response[bytes]:
        figures = await programme_indicators(uow, actor, today=now.date())
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(("indicateur", "clé", "valeur", "unité"))
        writer.writerows(csv_rows(figures))
        return Response(
            ("\ufeff" + buffer.getvalue()).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": 'attachment; filename="indicateurs-bourse-de-temps.csv"'
            },
        )
