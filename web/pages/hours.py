"""Hours: the employee's week view (log, correct, withdraw an entry) and the host's approval
queue (approve many at once, reject one with a reason).

The form to log hours carries a client id the server draws when it renders the form, so a
double submit posts once. htmx swaps the page's content in place; every form also works as a
plain POST.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from timebank.engagements import use_cases as engagements
from timebank.engagements.model import TimesheetEntry
from timebank.engagements.use_cases import RunningLoan
from timebank.errors import TimebankError
from timebank.formatting import parse_duration_minutes
from timebank.people.model import Actor
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    PAGE_SIZE,
    clamped_page,
    day_of,
    is_htmx,
    read_form,
    render,
    see_other,
    text,
    values_of,
)
from web.statuses import status_of

WEEK_PAGE: Final = "hours/week.html"
EDIT_PAGE: Final = "hours/edit.html"
QUEUE_PAGE: Final = "hours/queue.html"
QUEUE_ROW: Final = "hours/_queue_row.html"
DAY_NAMES: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ENTRY_FIELDS: Final = ("work_date", "minutes", "description")
ENTRY_IDS_MAX: Final = 200


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    name: str
    entries: tuple[TimesheetEntry, ...]
    minutes: int


def week_code(day: date) -> str:
    """`2026-W49`: the ISO week holding `day`, as `<input type=week>` writes it."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(code: str | None, today: date) -> date:
    """The Monday of the week asked for (`2026-W49`); this week when unreadable."""
    if code:
        year_text, _, week_text = code.upper().partition("-W")
        if year_text.isdigit() and week_text.isdigit() and len(code) <= 9:
            try:
                return date.fromisocalendar(int(year_text), int(week_text), 1)
            except ValueError:
                pass
    return today - timedelta(days=today.weekday())


def refusal_status(request: Request[Any, Any, Any], refusal: TimebankError) -> int:
    """htmx swaps only successful answers: it gets the refused form with a 200."""
    return 200 if is_htmx(request) else status_of(refusal)


def day_field(form: FormMultiDict) -> date:
    """The day worked, from `<input type=date>` or typed as 23/11/2026."""
    day = day_of(form, "work_date", label_fr="Jour travaillé", label_en="Day worked")
    assert day is not None, "a required date is never None"
    return day


def entry_ids_of(form: FormMultiDict) -> list[int]:
    raw = [value for value in form.getall("entry_ids", []) if isinstance(value, str)]
    if len(raw) > ENTRY_IDS_MAX or not all(value.isdigit() and len(value) < 10 for value in raw):
        raise refusals.INVALID_SELECTION.error()
    return [int(value) for value in raw]


def typed_duration(minutes: int) -> str:
    """`90` → `1h30`, `120` → `2h`: as a person types it, read back by the same parser."""
    whole, rest = divmod(minutes, 60)
    return f"{whole}h{rest:02d}" if rest else f"{whole}h"


def week_path(engagement_id: int, day: date) -> str:
    return f"/mes-heures?mission={engagement_id}&semaine={week_code(day)}"


def queue_path(company_id: int) -> str:
    return f"/entreprises/{company_id}/heures-a-approuver"


class HourPages(Controller):
    include_in_schema = False

    async def _week(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        *,
        today: date,
        mission: str | None,
        week: str | None,
        status_code: int = 200,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        loans = await engagements.my_running_loans(uow, actor)
        chosen: RunningLoan | None = loans[0] if loans else None
        if mission:
            chosen = next((loan for loan in loans if str(loan.engagement.id) == mission), None)
            if chosen is None:
                raise refusals.LOAN_NOT_RUNNING.error()
        monday = monday_of(week, today)
        days: list[Day] = []
        if chosen is not None:
            entries = await engagements.week_entries(uow, actor, chosen.engagement.id, day=monday)
            for offset, name in enumerate(DAY_NAMES):
                day = monday + timedelta(days=offset)
                of_day = tuple(e for e in entries if e.work_date == day)
                counted = sum(e.minutes for e in of_day if e.status != "rejected")
                days.append(Day(day, name, of_day, counted))
        values = form or {}
        if "client_id" not in values:
            values = {**values, "client_id": str(uuid.uuid4())}
        values.setdefault("work_date", today.isoformat())
        return render(
            request,
            WEEK_PAGE,
            status_code=status_code,
            loans=loans,
            chosen=chosen,
            monday=monday,
            days=days,
            week_minutes=sum(d.minutes for d in days),
            this_week=week_code(monday),
            previous_week=week_code(monday - timedelta(days=7)),
            next_week=week_code(monday + timedelta(days=7)),
            today=today,
            refusal=refusal,
            form=values,
            entry_fields=ENTRY_FIELDS,
        )

    @get("/mes-heures")
    async def week(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        mission: FromQuery[str | None] = None,
        semaine: FromQuery[str | None] = None,
    ) -> Template:
        return await self._week(
            request, uow, actor, today=now.date(), mission=mission, week=semaine
        )

    @post("/mes-heures")
    async def log_time(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor, now: Now
    ) -> Response[Any]:
        form = await read_form(request)
        mission = text(form, "mission", length_max=12)
        try:
            if not mission.isdigit() or len(mission) > 9:  # Ids are int32.
                raise refusals.REQUIRED.error()
            work_date = day_field(form)
            entry, _ = await engagements.log_time(
                uow,
                actor,
                int(mission),
                client_id=text(form, "client_id", length_max=40),
                work_date=work_date,
                minutes=parse_duration_minutes(
                    text(form, "minutes", length_max=40), field="minutes"
                ),
                description=text(form, "description"),
                now=now,
            )
        except TimebankError as refusal:
            values = values_of(form)
            if refusal.code == "duplicate_submission":
                values.pop("client_id", None)  # A fresh id for the next attempt.
            return await self._week(
                request,
                uow,
                actor,
                today=now.date(),
                mission=mission if mission.isdigit() else None,
                week=text(form, "semaine", length_max=9) or None,
                status_code=refusal_status(request, refusal),
                refusal=refusal,
                form=values,
            )
        return see_other(week_path(entry.engagement_id, entry.work_date), "heures")

    @get("/mes-heures/saisies/{entry_id:int}/modifier")
    async def edit_form(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        entry_id: FromPath[int],
    ) -> Template:
        entry = await engagements.get_entry(uow, actor, entry_id)
        return render(
            request,
            EDIT_PAGE,
            entry=entry,
            back=week_path(entry.engagement_id, entry.work_date),
            form={
                "work_date": entry.work_date.isoformat(),
                "minutes": typed_duration(entry.minutes),
                "description": entry.description,
            },
            entry_fields=ENTRY_FIELDS,
        )

    @post("/mes-heures/saisies/{entry_id:int}/modifier")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        entry_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        try:
            entry = await engagements.edit_entry(
                uow,
                actor,
                entry_id,
                work_date=day_field(form),
                minutes=parse_duration_minutes(
                    text(form, "minutes", length_max=40), field="minutes"
                ),
                description=text(form, "description"),
                now=now,
            )
        except TimebankError as refusal:
            current = await engagements.get_entry(uow, actor, entry_id)
            return render(
                request,
                EDIT_PAGE,
                status_code=status_of(refusal),
                entry=current,
                back=week_path(current.engagement_id, current.work_date),
                refusal=refusal,
                form=values_of(form),
                entry_fields=ENTRY_FIELDS,
            )
        return see_other(week_path(entry.engagement_id, entry.work_date), "heures_modifiees")

    @post("/mes-heures/saisies/{entry_id:int}/supprimer")
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        entry_id: FromPath[int],
    ) -> Response[Any]:
        try:
            entry = await engagements.withdraw_entry(uow, actor, entry_id)
        except TimebankError as refusal:
            current = await engagements.get_entry(uow, actor, entry_id)
            return await self._week(
                request,
                uow,
                actor,
                today=now.date(),
                mission=str(current.engagement_id),
                week=week_code(current.work_date),
                status_code=refusal_status(request, refusal),
                refusal=refusal,
            )
        return see_other(week_path(entry.engagement_id, entry.work_date), "heures_supprimees")

    async def _queue(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        company_id: int,
        *,
        page: str | None,
        status_code: int = 200,
        refusal: TimebankError | None = None,
        refused_entry_id: int | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:

        async def one_page(offset: int) -> Any:
            return await engagements.entries_to_review(
                uow, actor, company_id, limit=PAGE_SIZE, offset=offset
            )

        result, pagination = await clamped_page(page, PAGE_SIZE, one_page)
        return render(
            request,
            QUEUE_PAGE,
            status_code=status_code,
            company_id=company_id,
            company_name=actor.company_name(company_id),
            result=result,
            pagination=pagination,
            refusal=refusal,
            refused_entry_id=refused_entry_id,
            form=form or {},
        )

    @get("/entreprises/{company_id:int}/heures-a-approuver")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        page: FromQuery[str | None] = None,
    ) -> Template:
        return await self._queue(request, uow, actor, company_id, page=page)

    @post("/entreprises/{company_id:int}/heures-a-approuver/approuver")
    async def approve(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        try:
            await engagements.approve_entries(uow, actor, entry_ids_of(form), now=now)
        except TimebankError as refusal:
            return await self._queue(
                request,
                uow,
                actor,
                company_id,
                page=text(form, "page", length_max=7) or None,
                status_code=refusal_status(request, refusal),
                refusal=refusal,
                form=values_of(form),
            )
        return see_other(queue_path(company_id), "approuve")

    @post("/entreprises/{company_id:int}/heures-a-approuver/{entry_id:int}/refuser")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        entry_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        try:
            entry = await engagements.reject_entry(
                uow, actor, entry_id, reason=text(form, "reason", length_max=600), now=now
            )
        except TimebankError as refusal:
            # htmx keeps only this row of the page (hx-select), refusal beside its reason.
            return await self._queue(
                request,
                uow,
                actor,
                company_id,
                page=text(form, "page", length_max=7) or None,
                status_code=refusal_status(request, refusal),
                refusal=refusal,
                refused_entry_id=entry_id,
                form=values_of(form),
            )
        if is_htmx(request):
            return render(request, QUEUE_ROW, company_id=company_id, rejected=entry)
        return see_other(queue_path(company_id), "refuse")
