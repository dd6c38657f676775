"""The programme operator: indicators with charts (and as CSV), matching runs in the background,
each company's credit line in hours, and a finished month's statements prepared again."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any, Final
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank import formatting, rules
from timebank.accounting.model import first_of_month
from timebank.book import use_cases as book
from timebank.companies import use_cases as company_use_cases
from timebank.errors import TimebankError
from timebank.indicators.model import Amount, Count, Indicators, csv_rows
from timebank.indicators.use_cases import programme_indicators
from timebank.jobs.model import JobKind
from timebank.jobs.use_cases import recent_jobs
from timebank.people.model import require_operator
from timebank.proposals.use_cases import start_matching_run
from timebank.settlements import use_cases as settlements
from web.charts import Bar, Chart, bar_chart
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    clamped_page,
    parse_day,
    read_form,
    refused,
    render,
    see_other,
    text,
    whole_number,
)

NOTICES.update({"ligne_de_credit": "Ligne de crédit enregistrée."})
STATEMENTS_PAGE: Final = "operator/statements.html"
# Finished months offered on the statements page, newest first (the monthly job prepares the
# last one on the 1st; a later month's approvals join the next month's statement).
STATEMENT_MONTHS_SHOWN: Final = 12
# The most hours of credit the operator gives one company (a year of full-time work).
CREDIT_LINE_HOURS_MAX: Final = 1607
CREDIT_LINES_PAGE_SIZE: Final = 20

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


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return formatting.month_label(date(int(year), int(month), 1))


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

    async def _credit_lines_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        *,
        search: str | None,
        page: str | None,
        refusal: TimebankError | None = None,
        refused_account: int | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        wanted = (search or "").strip()[: rules.NAME_LENGTH_MAX] or None

        async def one_page(offset: int) -> Any:
            return await company_use_cases.list_companies(
                uow, actor, region=None, search=wanted, limit=CREDIT_LINES_PAGE_SIZE, offset=offset
            )

        found, pagination = await clamped_page(page, CREDIT_LINES_PAGE_SIZE, one_page)
        accounts = await book.credit_lines(uow, actor, [c.id for c in found.items])
        values: dict[str, Any] = {
            "companies": found.items,
            "accounts": accounts,
            "search": wanted or "",
            "pagination": pagination,
            "refused_account": refused_account,
        }
        if refusal is not None:
            return refused(request, "operator/credit_lines.html", refusal, form or {}, **values)
        return render(request, "operator/credit_lines.html", form={}, **values)

    @get("/operateur/lignes-de-credit")
    async def credit_lines(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        recherche: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """Each company's hours: its balance and its credit line, which the operator sets."""
        return await self._credit_lines_page(request, uow, actor, search=recherche, page=page)

    @post("/operateur/lignes-de-credit/{account_id:int}")
    async def set_credit_line(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template | Redirect:
        form = await read_form(request)
        search = text(form, "recherche", length_max=rules.NAME_LENGTH_MAX)
        try:
            hours = rules.integer_range(
                whole_number(
                    form,
                    "credit_line_hours",
                    label_fr="ligne de crédit (heures)",
                    label_en="credit line (hours)",
                ),
                field="credit_line_hours",
                low=0,
                high=CREDIT_LINE_HOURS_MAX,
            )
            current = await book.balance(uow, actor, account_id, as_of=None)
            await book.set_limits(
                uow,
                actor,
                account_id,
                balance_min=-hours * 60,
                balance_max=current.account.balance_max,
            )
        except TimebankError as refusal:
            return await self._credit_lines_page(
                request,
                uow,
                actor,
                search=search,
                page=None,
                refusal=refusal,
                refused_account=account_id,
                form={"credit_line_hours": text(form, "credit_line_hours", length_max=12)},
            )
        query = f"?recherche={quote(search)}" if search else ""
        return see_other(f"/operateur/lignes-de-credit{query}", "ligne_de_credit")

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

    @get("/operateur/releves")
    async def statements(
        self, request: Request[Any, Any, Any], actor: CurrentActor, now: Now
    ) -> Template:
        """Prepare a finished month's statements again (the monthly job does it on the 1st):
        hours approved since join them, statements agreed stay as they are."""
        require_operator(actor)
        return _statements_page(request, now.date(), form={})

    @post("/operateur/releves")
    async def prepare_statements(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor, now: Now
    ) -> Template:
        require_operator(actor)
        form = await read_form(request)
        chosen = text(form, "month", length_max=7)
        try:
            month = parse_day(
                f"{chosen}-01", field="month", label_fr="Mois", label_en="Month", quote_input=True
            )
            prepared = await settlements.prepare_as_operator(uow, actor, month=month, now=now)
        except TimebankError as refusal:
            return _statements_page(request, now.date(), form={"month": chosen}, refusal=refusal)
        return _statements_page(
            request, now.date(), form={"month": chosen}, done=(month, len(prepared))
        )


def _statements_page(
    request: Request[Any, Any, Any],
    today: date,
    *,
    form: dict[str, Any],
    refusal: TimebankError | None = None,
    done: tuple[date, int] | None = None,
) -> Template:
    months = []
    month = first_of_month(today)
    for _ in range(STATEMENT_MONTHS_SHOWN):
        month = first_of_month(month - timedelta(days=1))
        months.append((month.isoformat()[:7], formatting.month_label(month).capitalize()))
    values: dict[str, Any] = {"months": months, "done": done, "month_label": formatting.month_label}
    if refusal is not None:
        return refused(request, STATEMENTS_PAGE, refusal, form, **values)
    return render(request, STATEMENTS_PAGE, form=form, **values)
