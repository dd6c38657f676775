"""Shared CDO: employer groups for PMEs (find one near, ask to join, then the member's calendar,
feed, cost and agreement) and for their coordinators (members and requests to join, periods,
plans generated in the background, adjusted by hand and published, feeds, documents, costs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank import formatting, rules
from timebank.accounting.model import first_of_month, next_month
from timebank.db.unit_of_work import UnitOfWork
from timebank.documents import use_cases as documents
from timebank.documents.model import SIGNERS, CdoTerms, DocumentKind
from timebank.employees import use_cases as employee_use_cases
from timebank.errors import Forbidden, NotFound, TimebankError
from timebank.formatting import month_label
from timebank.geography import public_holidays
from timebank.groups import use_cases as groups
from timebank.groups.model import JoinStatus
from timebank.people.model import Actor
from timebank.rotations import use_cases as rotations
from timebank.rotations.model import (
    CdoAvailability,
    MemberOutcomeRecord,
    MemberRequest,
    PlannedSlot,
    PlanStatus,
    PlanVersion,
    RotationPeriod,
    days_label,
)
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    checked,
    day_of,
    euros_to_cents,
    parse_day,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
    whole_number,
)

NOTICES.update(
    {
        "groupement_declare": (
            "Groupement déclaré : vous en êtes le coordinateur. Invitez son CDO comme salarié·e "
            "de l'entreprise, puis ouvrez une période."
        ),
        "adhesion_demandee": (
            "Demande d'adhésion envoyée : le coordinateur du groupement va y répondre."
        ),
        "adhesion_acceptee": "Demande acceptée : l'entreprise est membre du groupement.",
        "adhesion_refusee": "Demande refusée : l'entreprise lira le motif.",
        "membre_sorti": "Sortie du membre enregistrée.",
        "periode": "Période créée : déclarez ses CDO et les demandes des membres.",
        "cdo": "Disponibilités du CDO enregistrées.",
        "demande_jours": "Demande de jours enregistrée.",
        "creneau": "Créneau fixé à la main : la prochaine génération le garde.",
        "creneau_retire": "Créneau retiré du projet.",
        "creneau_effectue": "Créneau noté effectué : il compte dans le coût du mois.",
        "creneau_non_effectue": (
            "Créneau noté non effectué : il ne compte pas dans le coût du mois des membres."
        ),
        "publie": "Planning publié : les membres et les CDO sont prévenus.",
        "agenda_revoque": "Adresse d'abonnement révoquée : elle ne fonctionne plus.",
        "imputation": "Mois imputé aux membres et inscrit au grand livre.",
        "document_signe": "Document signé.",
    }
)

WEEKDAYS_FR: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
WEEKDAY_SHORT_FR: Final = ("lun.", "mar.", "mer.", "jeu.", "ven.")
JOIN_STATUS_FR: Final = {
    JoinStatus.PENDING: "En attente de réponse",
    JoinStatus.ACCEPTED: "Acceptée",
    JoinStatus.REFUSED: "Refusée",
}
PLAN_STATUS_FR: Final = {
    PlanStatus.DRAFT: "Projet",
    PlanStatus.PUBLISHED: "Publié",
    PlanStatus.SUPERSEDED: "Remplacé",
}
HALF_FR: Final = {None: "journée", "am": "matin", "pm": "après-midi"}
# The coming days a CDO's page lists per group (the calendar feed has them all).
CDO_UPCOMING_LISTED_MAX: Final = 40
MEMBER_COLOURS: Final = 8  # Colour classes m0…m7 in groups.css; the name is always written.
DATES_TEXT_LENGTH_MAX: Final = 4000
DEFAULT_ESTIMATE_DAYS: Final = 2.0
JOIN_FIELDS: Final = ("days_per_month", "preferred_weekdays", "message", "company_id")
REQUEST_FIELDS: Final = (
    "company_id",
    "days",
    "preferred_weekdays",
    "unavailable",
    "same_cdo_as_before",
)
PERIOD_FIELDS: Final = (
    "starts_on",
    "ends_on",
    "slot",
    "travel_km_max",
    "monthly_management_costs_cents",
)
CDO_FIELDS: Final = ("employee_id", "max_days_per_week", "unavailable")
SLOT_FIELDS: Final = ("employee_id", "company_id", "day", "half")
DOCUMENT_FIELDS: Final = ("kind", "employee_id", "company_id", "period_id")


# -- Reading forms -----------------------------------------------------------------------------


def _days(form: FormMultiDict, name: str, *, label_fr: str, label_en: str) -> float:
    """Days as people type them: `2`, `2,5`, `2.5`."""
    raw = text(form, name, length_max=12).replace(",", ".").replace(" ", "")
    try:
        value = float(raw)
    except ValueError:
        raise refusals.NOT_A_NUMBER_OF_DAYS_OR_HALVES.error(
            label_fr=label_fr, label_en=label_en, field=name
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise refusals.NOT_A_NUMBER_OF_DAYS.error(label_fr=label_fr, label_en=label_en, field=name)
    return value


def _weekdays(form: FormMultiDict, name: str = "preferred_weekdays") -> list[int]:
    values = [v for v in form.getall(name) if isinstance(v, str)] if name in form else []
    found = []
    for value in values[:7]:
        if not value.isdigit() or len(value) > 1:
            raise refusals.INVALID_WEEKDAYS.error(field=name)
        found.append(int(value))
    return found


def _dates(form: FormMultiDict, name: str) -> list[date]:
    """Dates typed one after the other (`24/12/2026, 31/12/2026` or ISO), commas or spaces."""
    raw = text(form, name, length_max=DATES_TEXT_LENGTH_MAX)
    found = []
    for part in raw.replace(";", ",").replace("\n", ",").replace(" ", ",").split(","):
        if not part:
            continue
        found.append(
            parse_day(
                part, field=name, label_fr="Jours d'absence", label_en="Days off", quote_input=True
            )
        )
    return found


def _month(raw: str | None) -> date | None:
    """`2026-12` (or a date in it) as the first of the month; None when unreadable."""
    if not raw:
        return None
    try:
        if len(raw) == 7:
            return date.fromisoformat(f"{raw}-01")
        return first_of_month(date.fromisoformat(raw))
    except ValueError:
        return None


def _month_of_form(form: FormMultiDict, name: str) -> date:
    found = _month(text(form, name, length_max=20))
    if found is None:
        raise refusals.NOT_A_MONTH.error(field=name)
    return found


def _refused(
    request: Request[Any, Any, Any],
    template_name: str,
    refusal: TimebankError,
    form: dict[str, Any],
    **values: Any,
) -> Template:
    """`refused`, with a refusal about one date of a list (`unavailable[2]`) shown beside the
    list's field."""
    if refusal.field is not None and "[" in refusal.field:
        refusal.field = refusal.field.split("[", 1)[0]
    return refused(request, template_name, refusal, form, **values)


def _dates_text(days: frozenset[date]) -> str:
    return ", ".join(formatting.day(d) for d in sorted(days))


def _weekdays_text(days: frozenset[int]) -> str:
    return ", ".join(WEEKDAYS_FR[d] for d in sorted(days)) or "aucun en particulier"


# -- Calendars ---------------------------------------------------------------------------------


def _cdo_terms(form: Any) -> CdoTerms | None:
    """The CDO contract's terms typed in the documents page's form (None when the hire date or
    the weekly hours are left out: the use case names what is missing)."""
    hired_on = day_of(
        form, "hired_on", label_fr="Date d'embauche", label_en="Hire date", required=False
    )
    raw_hours = text(form, "weekly_hours", length_max=20)
    if hired_on is None or not raw_hours:
        return None
    return CdoTerms(
        hired_on=hired_on,
        weekly_minutes=formatting.parse_duration_minutes(raw_hours, field="weekly_hours"),
        hours_spread=text(form, "hours_spread", length_max=1001),
        permanent=text(form, "contract", length_max=5) != "cdd",
        fixed_term=text(form, "fixed_term", length_max=1001),
        collective_agreement=text(form, "collective_agreement", length_max=1001),
    )


@dataclass(slots=True)
class Entry:
    slot: PlannedSlot
    who: str
    colour: int
    changed: bool


@dataclass(slots=True)
class Cell:
    day: date
    entries: list[Entry] = field(default_factory=list)
    shade: str | None = None  # Why nobody can be planned here, in words.


@dataclass(slots=True)
class Row:
    name: str
    employee_id: int
    cells: list[Cell]


def _working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _holidays(first: date, last: date) -> frozenset[date]:
    """France's public holidays (Alsace-Moselle's two more are shaded per member, by the
    planner; here the national ones)."""
    return frozenset(
        d for year in range(first.year, last.year + 1) for d in public_holidays(year, False)
    )


def _month_bounds(period: RotationPeriod, month: date) -> tuple[date, date]:
    last = next_month(month) - timedelta(days=1)
    return max(month, period.starts_on), min(last, period.ends_on)


def _months_of(period: RotationPeriod) -> list[date]:
    months, month = [], first_of_month(period.starts_on)
    while month <= period.ends_on:
        months.append(month)
        month = next_month(month)
    return months


def _chosen_month(period: RotationPeriod, raw: str | None, today: date) -> date:
    months = _months_of(period)
    asked = _month(raw)
    if asked in months:
        assert asked is not None
        return asked
    this = first_of_month(today)
    return this if this in months else months[0]


def _plan_grid(
    period: RotationPeriod,
    month: date,
    cdos: list[CdoAvailability],
    cdo_names: dict[int, str],
    member_names: dict[int, str],
    colours: dict[int, int],
    slots: list[PlannedSlot],
    changed: set[int],
) -> tuple[list[date], list[Row]]:
    first, last = _month_bounds(period, month)
    days = _working_days(first, last)
    holidays = _holidays(first, last)
    by_key: dict[tuple[int, date], list[PlannedSlot]] = defaultdict(list)
    for slot in slots:
        by_key[slot.employee_id, slot.day].append(slot)
    rows = []
    employee_ids = [c.employee_id for c in cdos]
    employee_ids += sorted({s.employee_id for s in slots} - set(employee_ids))
    availability = {c.employee_id: c for c in cdos}
    for employee_id in employee_ids:
        cells = []
        for day in days:
            cell = Cell(day)
            if day in holidays:
                cell.shade = "Jour férié"
            elif employee_id in availability and day in availability[employee_id].unavailable:
                cell.shade = "Absence du CDO"
            for slot in sorted(by_key[employee_id, day], key=lambda s: s.half or ""):
                cell.entries.append(
                    Entry(
                        slot,
                        member_names.get(slot.company_id, f"Membre {slot.company_id}"),
                        colours.get(slot.company_id, 0),
                        slot.id in changed,
                    )
                )
            cells.append(cell)
        rows.append(Row(cdo_names.get(employee_id, f"CDO {employee_id}"), employee_id, cells))
    return days, rows


def _month_weeks(
    period: RotationPeriod, month: date, slots: list[PlannedSlot]
) -> list[list[tuple[date | None, list[PlannedSlot], str | None]]]:
    """A member's month as weeks of Monday to Friday: (day or None outside the month, its
    slots, why it is shaded)."""
    first = month
    last = next_month(month) - timedelta(days=1)
    holidays = _holidays(first, last)
    by_day: dict[date, list[PlannedSlot]] = defaultdict(list)
    for slot in slots:
        by_day[slot.day].append(slot)
    weeks = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        week: list[tuple[date | None, list[PlannedSlot], str | None]] = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            if not first <= day <= last:
                week.append((None, [], None))
                continue
            shade = None
            if day in holidays:
                shade = "Jour férié"
            elif not period.covers(day):
                shade = "Hors période"
            week.append((day, sorted(by_day[day], key=lambda s: s.half or ""), shade))
        weeks.append(week)
        monday += timedelta(days=7)
    return weeks


def _unmet(outcome: MemberOutcomeRecord) -> list[str]:
    """What the plan could not give a member, in words."""
    reasons = []
    if outcome.shortfall_days > 0:
        reasons.append(
            f"non servi : {days_label(outcome.shortfall_days)} (demande : "
            f"{days_label(outcome.requested_days)}) ; le calendrier des CDO (maximum "
            "hebdomadaire, absences, jours fériés, autres membres) ne permet pas davantage"
        )
    if outcome.off_preferred_days > 0:
        reasons.append(f"{days_label(outcome.off_preferred_days)} hors des jours préférés")
    if outcome.cdos > 1:
        reasons.append(f"servi par {outcome.cdos} CDO différents")
    if outcome.previous_slots_moved > 0:
        reasons.append(
            f"{outcome.previous_slots_moved} créneau(x) de la version précédente déplacé(s)"
        )
    if outcome.uneven_weeks > 0:
        reasons.append(f"{outcome.uneven_weeks} semaine(s) moins régulière(s)")
    return reasons


def _slot_key(slot: PlannedSlot) -> tuple[int, int, date, str | None]:
    return slot.employee_id, slot.company_id, slot.day, slot.half


def _slot_words(slot: PlannedSlot, names: dict[int, str], cdos: dict[int, str]) -> str:
    part = "" if slot.half is None else f" ({HALF_FR[slot.half]})"
    return (
        f"{formatting.day(slot.day)}{part} : {cdos.get(slot.employee_id, 'CDO')} chez "
        f"{names.get(slot.company_id, 'membre')}"
    )


# -- Paths -------------------------------------------------------------------------------------


def _company_base(company_id: int) -> str:
    return f"/entreprises/{company_id}/cdo-mutualise"


def _member_path(company_id: int, group_id: int) -> str:
    return f"{_company_base(company_id)}/groupes/{group_id}"


def _group_path(group_id: int) -> str:
    return f"/groupements/{group_id}"


def _period_path(group_id: int, period_id: int) -> str:
    return f"/groupements/{group_id}/periodes/{period_id}"


def _feed_url(request: Request[Any, Any, Any], token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/feeds/rotations/{token}.ics"


async def _add_member_period(
    values: dict[str, Any],
    uow: UnitOfWork,
    actor: Actor,
    company_id: int,
    period: RotationPeriod,
    month_raw: str | None,
    today: date,
) -> MemberRequest | None:
    """What a member's page shows of a period: its request, its slots in the current plan by
    week of the month shown, its CDOs' names and what the plan gave it. Returns its request."""
    view = await rotations.get_period(uow, actor, period.id)
    own = next((r for r in view.requests if r.company_id == company_id), None)
    plan, slots = await rotations.list_slots(uow, actor, period.id, plan_id=None)
    slots = [s for s in slots if s.company_id == company_id]
    month = _chosen_month(period, month_raw, today)
    values.update(
        request_of=own,
        plan=plan,
        slots=slots,
        month=month,
        months=_months_of(period),
        weeks=_month_weeks(period, month, slots),
        cdo_names=await rotations.cdo_names(uow, actor, period.id),
        outcome=next(
            (o for o in (plan.outcomes if plan else ()) if o.company_id == company_id),
            None,
        ),
    )
    return own


def _request_form(own: MemberRequest) -> dict[str, Any]:
    """A member's request as its form shows it."""
    return {
        "days": formatting.decimal(own.days_requested),
        "preferred_weekdays": [str(d) for d in sorted(own.preferred_weekdays)],
        "unavailable": _dates_text(own.unavailable),
        "same_cdo_as_before": "on" if own.same_cdo_as_before else "",
    }


@dataclass(frozen=True, slots=True)
class _PlanShown:
    """The plan a period's page shows (the one asked for, else the latest), its slots, and
    what changed from the version before."""

    plan: PlanVersion | None = None
    previous: PlanVersion | None = None
    slots: list[PlannedSlot] = field(default_factory=list)
    added: list[PlannedSlot] = field(default_factory=list)
    removed: list[PlannedSlot] = field(default_factory=list)


async def _plan_shown(
    uow: UnitOfWork, actor: Actor, view: rotations.PeriodView, plan_raw: str | None
) -> _PlanShown:
    if not view.plans:
        return _PlanShown()
    asked = int(plan_raw) if plan_raw and plan_raw.isdigit() else None
    plan = next((p for p in view.plans if p.id == asked), None) or view.plans[-1]
    period_id = view.period.id
    _, slots = await rotations.list_slots(uow, actor, period_id, plan_id=plan.id)
    previous = next((p for p in view.plans if p.version == plan.version - 1), None)
    if previous is None:
        return _PlanShown(plan, None, slots)
    _, before = await rotations.list_slots(uow, actor, period_id, plan_id=previous.id)
    before_keys = {_slot_key(s) for s in before}
    now_keys = {_slot_key(s) for s in slots}
    added = [s for s in slots if _slot_key(s) not in before_keys]
    removed = [s for s in before if _slot_key(s) not in now_keys]
    return _PlanShown(plan, previous, slots, added, removed)


async def _note_worked(
    uow: UnitOfWork, actor: Actor, slot_id: int, form: FormMultiDict, now: datetime
) -> str:
    """A slot's « Noter (non) effectué » button, from the calendar or the CDO's page: records
    it and names the notice."""
    worked = text(form, "effectue", length_max=3) != "non"
    await rotations.set_worked(uow, actor, slot_id, worked=worked, now=now)
    return "creneau_effectue" if worked else "creneau_non_effectue"


class GroupPages(Controller):
    include_in_schema = False

    # == A shared CDO's own days ==============================================================

    async def _cdo_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        now: datetime,
        *,
        feed_url: str | None = None,
        feed_group_id: int | None = None,
        refusal: TimebankError | None = None,
        schedules: list[rotations.CdoSchedule] | None = None,
    ) -> Template:
        """`schedules`: the CDO's, when the caller has read them already."""
        today = now.date()
        if schedules is None:
            schedules = await rotations.cdo_schedules(uow, actor)
        contracts = {
            schedule.group.id: [
                d
                for d in await documents.group_documents(uow, actor, schedule.group.id)
                if d.subject.kind is DocumentKind.CDO_CONTRACT
            ]
            for schedule in schedules
        }
        return render(
            request,
            "groups/cdo.html",
            schedules=schedules,
            contracts=contracts,
            today=today,
            upcoming_max=CDO_UPCOMING_LISTED_MAX,
            half_fr=HALF_FR,
            weekdays=WEEKDAYS_FR,
            first_of_month=first_of_month,
            feed_url=feed_url,
            feed_group_id=feed_group_id,
            refusal=refusal,
            form={},
        )

    @get("/mes-jours-cdo")
    async def cdo_days(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor, now: Now
    ) -> Template:
        """A shared CDO's days at the members: coming, past to confirm (not) worked until the
        month is allocated, its calendar and its contract to sign."""
        return await self._cdo_page(request, uow, actor, now)

    @post("/mes-jours-cdo/creneaux/{slot_id:int}/effectue")
    async def cdo_slot_worked(
        self,
        request: Request[Any, Any, Any],
        slot_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            notice = await _note_worked(uow, actor, slot_id, form, now)
        except TimebankError as exc:
            return await self._cdo_page(request, uow, actor, now, refusal=exc)
        return see_other("/mes-jours-cdo", notice)

    @post("/mes-jours-cdo/groupes/{group_id:int}/agenda")
    async def cdo_feed(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Template:
        """A new subscription URL for the CDO's own calendar, shown once (any earlier one
        stops working)."""
        schedules = await rotations.cdo_schedules(uow, actor)
        mine = {s.group.id: s.employee_id for s in schedules}
        if group_id not in mine:
            raise refusals.GROUP_PAGE_NOT_FOUND.error()
        token = await rotations.create_feed(
            uow, actor, group_id, employee_id=mine[group_id], company_id=None, now=now
        )
        return await self._cdo_page(
            request,
            uow,
            actor,
            now,
            feed_url=_feed_url(request, token),
            feed_group_id=group_id,
            schedules=schedules,
        )

    # == A company looking for, then using, a shared CDO =====================================

    @get("/entreprises/{company_id:int}/cdo-mutualise")
    async def company(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        jours: FromQuery[str | None] = None,
    ) -> Template:
        """The groups the company belongs to, its requests to join, and the groups near it."""
        company, offers = await groups.groups_near(uow, actor, company_id, now=now)
        requests = await groups.join_requests_of_company(uow, actor, company_id)
        try:
            estimate_days = float((jours or "").replace(",", "."))
        except ValueError:
            estimate_days = DEFAULT_ESTIMATE_DAYS
        if not 0.5 <= estimate_days <= 23:
            estimate_days = DEFAULT_ESTIMATE_DAYS
        estimate_days = round(estimate_days * 2) / 2
        names = {o.group.id: o.group.name for o in offers}
        return render(
            request,
            "groups/company.html",
            company=company,
            offers=offers,
            members_of=[o for o in offers if o.is_member],
            near=[o for o in offers if not o.is_member],
            requests=list(reversed(requests)),
            group_names=names,
            estimate_days=estimate_days,
            estimate_halves=round(estimate_days * 2),
            join_status=JOIN_STATUS_FR,
            weekdays_text=_weekdays_text,
            days_label=days_label,
        )

    @get("/entreprises/{company_id:int}/cdo-mutualise/porter-un-groupement")
    async def declare_form(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template:
        """The admin of a company that is itself an employer group declares it."""
        company = await employee_use_cases.company_for_staff_admin(uow, actor, company_id)
        return render(request, "groups/declare.html", company=company, form={"name": company.name})

    @post("/entreprises/{company_id:int}/cdo-mutualise/porter-un-groupement")
    async def declare(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Template | Redirect:
        form = await read_form(request)
        try:
            group = await groups.create_group(
                uow,
                actor,
                company_id=company_id,
                name=text(form, "name", length_max=rules.NAME_LENGTH_MAX + 1),
                legal_form_value=text(form, "legal_form", length_max=20),
                now=now,
            )
        except (Forbidden, NotFound):
            raise
        except TimebankError as refusal:
            company = await employee_use_cases.company_for_staff_admin(uow, actor, company_id)
            return _refused(
                request, "groups/declare.html", refusal, values_of(form), company=company
            )
        return see_other(_group_path(group.id), "groupement_declare")

    async def _join_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: datetime,
        company_id: int,
        group_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        company, offers = await groups.groups_near(uow, actor, company_id, now=now)
        offer = next((o for o in offers if o.group.id == group_id), None)
        if offer is None:
            raise refusals.GROUP_PAGE_NOT_FOUND.error()
        typed = (form or {}).get("days_per_month", "2")
        try:
            estimate_days = float(str(typed).replace(",", "."))
        except ValueError:
            estimate_days = DEFAULT_ESTIMATE_DAYS
        if not 0.5 <= estimate_days <= 23:
            estimate_days = DEFAULT_ESTIMATE_DAYS
        estimate_days = round(estimate_days * 2) / 2
        values: dict[str, Any] = {
            "company": company,
            "offer": offer,
            "estimate_days": estimate_days,
            "estimate_cents": offer.estimate_cents(round(estimate_days * 2)),
            "weekdays": WEEKDAYS_FR,
            "join_status": JOIN_STATUS_FR,
            "days_label": days_label,
            "weekdays_text": _weekdays_text,
        }
        if refusal is not None:
            return _refused(request, "groups/join.html", refusal, form or {}, **values)
        return render(request, "groups/join.html", form={"days_per_month": "2"}, **values)

    @get("/entreprises/{company_id:int}/cdo-mutualise/groupes/{group_id:int}/adhesion")
    async def join_form(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Template:
        """What the group offers, its cost estimate, and the request to join."""
        return await self._join_page(request, uow, actor, now, company_id, group_id)

    @post("/entreprises/{company_id:int}/cdo-mutualise/groupes/{group_id:int}/adhesion")
    async def join(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            await groups.request_to_join(
                uow,
                actor,
                group_id,
                company_id=company_id,
                days_per_month=_days(
                    form, "days_per_month", label_fr="Jours par mois", label_en="Days a month"
                ),
                preferred_weekdays=_weekdays(form),
                message=text(form, "message"),
                now=now,
            )
        except TimebankError as exc:
            values = values_of(form)
            values["preferred_weekdays"] = form.getall("preferred_weekdays", [])
            return await self._join_page(
                request, uow, actor, now, company_id, group_id, refusal=exc, form=values
            )
        return see_other(_company_base(company_id), "adhesion_demandee")

    async def _member_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: datetime,
        company_id: int,
        group_id: int,
        *,
        period_raw: str | None = None,
        month_raw: str | None = None,
        feed_url: str | None = None,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        mine = await groups.member_groups(uow, actor, company_id)
        group = next((g for g in mine if g.id == group_id), None)
        if group is None:
            raise refusals.NOT_A_MEMBER_OF_THIS_GROUP.error()
        periods = await rotations.list_periods(uow, actor, group_id)
        today = now.date()
        period = None
        if periods:
            asked = int(period_raw) if period_raw and period_raw.isdigit() else None
            period = next((p for p in periods if p.id == asked), None)
            period = period or next((p for p in periods if p.covers(today)), None) or periods[-1]
        values: dict[str, Any] = {
            "company_id": company_id,
            "company_name": actor.company_name(company_id),
            "group": group,
            "periods": periods,
            "period": period,
            "feed_url": feed_url,
            "weekdays": WEEKDAYS_FR,
            "weekday_short": WEEKDAY_SHORT_FR,
            "half_fr": HALF_FR,
            "days_label": days_label,
            "weekdays_text": _weekdays_text,
            "dates_text": _dates_text,
            "month_label": month_label,
        }
        if period is not None:
            own = await _add_member_period(values, uow, actor, company_id, period, month_raw, today)
            if form is None and own is not None:
                form = _request_form(own)
        allocations = [
            a
            for a in await rotations.allocations_of_company(uow, actor, company_id)
            if a.group_id == group_id
        ]
        by_month: dict[date, list[Any]] = defaultdict(list)
        for allocation in allocations:
            by_month[allocation.month].append(allocation)
        values["allocations"] = sorted(by_month.items(), reverse=True)
        values["documents"] = [
            d
            for d in await documents.group_documents(uow, actor, group_id)
            if d.subject.company_id == company_id
        ]
        values["signers"] = SIGNERS
        if refusal is not None:
            return _refused(request, "groups/member.html", refusal, form or {}, **values)
        return render(request, "groups/member.html", form=form or {}, **values)

    @get("/entreprises/{company_id:int}/cdo-mutualise/groupes/{group_id:int}")
    async def member(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        periode: FromQuery[str | None] = None,
        mois: FromQuery[str | None] = None,
    ) -> Template:
        """A member's shared CDO: its request, its days in a month calendar, its calendar feed,
        its monthly cost and its agreement to sign."""
        return await self._member_page(
            request, uow, actor, now, company_id, group_id, period_raw=periode, month_raw=mois
        )

    @post(
        "/entreprises/{company_id:int}/cdo-mutualise/groupes/{group_id:int}"
        "/periodes/{period_id:int}/demande"
    )
    async def member_request(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        group_id: FromPath[int],
        period_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            await rotations.set_request(
                uow,
                actor,
                period_id,
                company_id=company_id,
                days=_days(form, "days", label_fr="Jours demandés", label_en="Days requested"),
                preferred_weekdays=_weekdays(form),
                unavailable=_dates(form, "unavailable"),
                same_cdo_as_before=checked(form, "same_cdo_as_before"),
                now=now,
            )
        except TimebankError as exc:
            values = values_of(form)
            values["preferred_weekdays"] = form.getall("preferred_weekdays", [])
            return await self._member_page(
                request,
                uow,
                actor,
                now,
                company_id,
                group_id,
                period_raw=str(period_id),
                refusal=exc,
                form=values,
            )
        return see_other(
            f"{_member_path(company_id, group_id)}?periode={period_id}", "demande_jours"
        )

    @post("/entreprises/{company_id:int}/cdo-mutualise/groupes/{group_id:int}/agenda")
    async def member_feed(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Template:
        """A new subscription URL for the member's calendar, shown once (any earlier one
        stops working)."""
        token = await rotations.create_feed(
            uow, actor, group_id, employee_id=None, company_id=company_id, now=now
        )
        return await self._member_page(
            request, uow, actor, now, company_id, group_id, feed_url=_feed_url(request, token)
        )

    @post("/entreprises/{company_id:int}/cdo-mutualise/groupes/{group_id:int}/agenda/revoquer")
    async def member_feed_revoke(
        self,
        company_id: FromPath[int],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect:
        await rotations.revoke_feed(
            uow, actor, group_id, employee_id=None, company_id=company_id, now=now
        )
        return see_other(_member_path(company_id, group_id), "agenda_revoque")

    # == Documents of a group (member's agreement, CDO's contract) ===========================

    async def _document_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        document_id: int,
        back: tuple[str, str],
        action: str,
        *,
        refusal: TimebankError | None = None,
    ) -> Template:
        shown = await documents.group_document(uow, actor, document_id)
        values: dict[str, Any] = {
            "shown": shown,
            "signers": SIGNERS[shown.document.subject.kind],
            "back": back,
            "action": action,
        }
        if refusal is not None:
            return _refused(request, "groups/document.html", refusal, {}, **values)
        return render(request, "groups/document.html", **values)

    @get("/entreprises/{company_id:int}/cdo-mutualise/documents/{document_id:int}")
    async def member_document(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        document_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template:
        """The member's agreement as stored: read it, then sign this exact text."""
        shown = await documents.group_document(uow, actor, document_id)
        group_id = shown.document.subject.group_id or 0
        return await self._document_page(
            request,
            uow,
            actor,
            document_id,
            (_member_path(company_id, group_id), "Retour au CDO mutualisé"),
            f"{_company_base(company_id)}/documents/{document_id}",
        )

    @post("/entreprises/{company_id:int}/cdo-mutualise/documents/{document_id:int}")
    async def member_sign(
        self,
        request: Request[Any, Any, Any],
        company_id: FromPath[int],
        document_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        path = f"{_company_base(company_id)}/documents/{document_id}"
        try:
            await documents.sign_group_document(
                uow, actor, document_id, sha256=text(form, "sha256", length_max=100), now=now
            )
        except TimebankError as exc:
            return await self._document_page(
                request,
                uow,
                actor,
                document_id,
                (_company_base(company_id), "Retour au CDO mutualisé"),
                path,
                refusal=exc,
            )
        return see_other(path, "document_signe")

    # == Coordinators ========================================================================

    @get("/groupements")
    async def coordinated(
        self, request: Request[Any, Any, Any], uow: Uow, actor: CurrentActor
    ) -> Template:
        """The groups the person coordinates."""
        found = await groups.coordinated_groups(uow, actor)
        return render(request, "groups/list.html", groups=found)

    async def _group_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: datetime,
        group_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
        refused_request: int | None = None,
        refused_member: int | None = None,
    ) -> Template:
        group = await groups.get_group(uow, actor, group_id)
        join_requests = await groups.join_requests_of_group(uow, actor, group_id)
        staff = await groups.list_shared_staff(uow, actor, group_id, limit=100, offset=0)
        companies = await groups.group_companies(uow, actor, group_id)
        today = now.date()
        values: dict[str, Any] = {
            "group": group,
            "entity": companies[group.company_id],
            "companies": companies,
            "active": [m for m in group.members if m.left_on is None or m.left_on > today],
            "former": [m for m in group.members if m.left_on is not None and m.left_on <= today],
            "pending": [r for r in join_requests if r.status is JoinStatus.PENDING],
            "answered": [r for r in reversed(join_requests) if r.status is not JoinStatus.PENDING],
            "staff": staff.items,
            "periods": await rotations.list_periods(uow, actor, group_id),
            "join_status": JOIN_STATUS_FR,
            "weekdays_text": _weekdays_text,
            "days_label": days_label,
            "refused_request": refused_request,
            "refused_member": refused_member,
        }
        if refusal is not None:
            return _refused(request, "groups/group.html", refusal, form or {}, **values)
        return render(
            request,
            "groups/group.html",
            form=form or {"slot": "day", "travel_km_max": "50", "left_on": today.isoformat()},
            **values,
        )

    @get("/groupements/{group_id:int}")
    async def group(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Template:
        """A group for its coordinator: requests to join, members, CDOs, periods."""
        return await self._group_page(request, uow, actor, now, group_id)

    @post("/groupements/{group_id:int}/demandes/{request_id:int}/accepter")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        request_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        try:
            await groups.decide_join_request(
                uow, actor, request_id, accept=True, reason="", now=now
            )
        except TimebankError as exc:
            return await self._group_page(
                request, uow, actor, now, group_id, refusal=exc, refused_request=request_id
            )
        return see_other(_group_path(group_id), "adhesion_acceptee")

    @post("/groupements/{group_id:int}/demandes/{request_id:int}/refuser")
    async def refuse(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        request_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            await groups.decide_join_request(
                uow, actor, request_id, accept=False, reason=text(form, "reason"), now=now
            )
        except TimebankError as exc:
            return await self._group_page(
                request,
                uow,
                actor,
                now,
                group_id,
                refusal=exc,
                form=values_of(form),
                refused_request=request_id,
            )
        return see_other(_group_path(group_id), "adhesion_refusee")

    @post("/groupements/{group_id:int}/membres/{company_id:int}/sortie")
    async def end_membership(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            left_on = day_of(form, "left_on", label_fr="Date de sortie", label_en="Leaving date")
            assert left_on is not None
            await groups.end_membership(
                uow, actor, group_id, company_id=company_id, left_on=left_on
            )
        except TimebankError as exc:
            return await self._group_page(
                request,
                uow,
                actor,
                now,
                group_id,
                refusal=exc,
                form=values_of(form),
                refused_member=company_id,
            )
        return see_other(_group_path(group_id), "membre_sorti")

    @post("/groupements/{group_id:int}/periodes")
    async def create_period(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            starts_on = day_of(form, "starts_on", label_fr="Début", label_en="Start")
            ends_on = day_of(form, "ends_on", label_fr="Fin", label_en="End")
            assert starts_on is not None
            assert ends_on is not None
            raw_costs = text(form, "monthly_management_costs_cents")
            view = await rotations.create_period(
                uow,
                actor,
                group_id,
                starts_on=starts_on,
                ends_on=ends_on,
                half_days=text(form, "slot") == "half_day",
                travel_km_max=whole_number(
                    form,
                    "travel_km_max",
                    label_fr="Distance maximale",
                    label_en="Travel limit",
                    required=False,
                    default=50,
                ),
                monthly_management_costs_cents=0
                if not raw_costs
                else _cents(form, "monthly_management_costs_cents"),
                now=now,
            )
        except TimebankError as exc:
            return await self._group_page(
                request, uow, actor, now, group_id, refusal=exc, form=values_of(form)
            )
        return see_other(_period_path(group_id, view.period.id), "periode")

    # -- A period and its plans ------------------------------------------------------------

    async def _period_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: datetime,
        group_id: int,
        period_id: int,
        *,
        plan_raw: str | None = None,
        month_raw: str | None = None,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
        form_name: str | None = None,
    ) -> Template:
        view = await rotations.get_period(uow, actor, period_id)
        if view.group.id != group_id:
            raise refusals.PERIOD_PAGE_NOT_FOUND.error()
        staff = await groups.list_shared_staff(uow, actor, group_id, limit=100, offset=0)
        companies = await groups.group_companies(uow, actor, group_id)
        cdo_names = {e.id: e.full_name for e in staff.items}
        member_names = {c: companies[c].name for c in companies}
        members = sorted(
            {m.company_id for m in view.group.members}, key=lambda c: member_names[c].lower()
        )
        colours = {c: index % MEMBER_COLOURS for index, c in enumerate(members)}
        period = view.period
        shown = await _plan_shown(uow, actor, view, plan_raw)
        plan = shown.plan
        month = _chosen_month(period, month_raw, now.date())
        days, rows = _plan_grid(
            period,
            month,
            list(view.cdos),
            cdo_names,
            member_names,
            colours,
            shown.slots,
            {s.id for s in shown.added},
        )
        values: dict[str, Any] = {
            "group": view.group,
            "period": period,
            "view": view,
            "plan": plan,
            "previous": shown.previous,
            "added": shown.added,
            "removed": shown.removed,
            "slots": shown.slots,
            "month": month,
            "months": _months_of(period),
            "days": days,
            "rows": rows,
            "staff": staff.items,
            "cdo_names": cdo_names,
            "member_names": member_names,
            "members": members,
            "colours": colours,
            "unmet": [(o, _unmet(o)) for o in (plan.outcomes if plan else ()) if _unmet(o)],
            "plan_status": PLAN_STATUS_FR,
            "weekdays": WEEKDAYS_FR,
            "weekday_short": WEEKDAY_SHORT_FR,
            "half_fr": HALF_FR,
            "days_label": days_label,
            "weekdays_text": _weekdays_text,
            "dates_text": _dates_text,
            "slot_words": lambda s: _slot_words(s, member_names, cdo_names),
            "month_label": month_label,
            "form_name": form_name,
            "today": now.date(),
        }
        if refusal is not None:
            return _refused(request, "groups/period.html", refusal, form or {}, **values)
        return render(request, "groups/period.html", form=form or {}, **values)

    @get("/groupements/{group_id:int}/periodes/{period_id:int}")
    async def period(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        plan: FromQuery[str | None] = None,
        mois: FromQuery[str | None] = None,
    ) -> Template:
        """A period: its CDOs, the members' requests, the plan as a calendar, what moved since
        the previous version, the requests not served, and the actions on the draft."""
        return await self._period_page(
            request, uow, actor, now, group_id, period_id, plan_raw=plan, month_raw=mois
        )

    @post("/groupements/{group_id:int}/periodes/{period_id:int}/cdos")
    async def set_cdo(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            await rotations.set_cdo(
                uow,
                actor,
                period_id,
                employee_id=whole_number(form, "employee_id", label_fr="CDO", label_en="CDO"),
                max_days_per_week=_days(
                    form,
                    "max_days_per_week",
                    label_fr="Maximum par semaine",
                    label_en="Weekly maximum",
                ),
                unavailable=_dates(form, "unavailable"),
                now=now,
            )
        except TimebankError as exc:
            return await self._period_page(
                request,
                uow,
                actor,
                now,
                group_id,
                period_id,
                refusal=exc,
                form=values_of(form),
                form_name="cdo",
            )
        return see_other(_period_path(group_id, period_id), "cdo")

    @post("/groupements/{group_id:int}/periodes/{period_id:int}/demandes")
    async def set_request(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            await rotations.set_request(
                uow,
                actor,
                period_id,
                company_id=whole_number(form, "company_id", label_fr="Membre", label_en="Member"),
                days=_days(form, "days", label_fr="Jours demandés", label_en="Days requested"),
                preferred_weekdays=_weekdays(form),
                unavailable=_dates(form, "unavailable"),
                same_cdo_as_before=checked(form, "same_cdo_as_before"),
                now=now,
            )
        except TimebankError as exc:
            values = values_of(form)
            values["preferred_weekdays"] = form.getall("preferred_weekdays", [])
            return await self._period_page(
                request,
                uow,
                actor,
                now,
                group_id,
                period_id,
                refusal=exc,
                form=values,
                form_name="request",
            )
        return see_other(_period_path(group_id, period_id), "demande_jours")

    @post("/groupements/{group_id:int}/periodes/{period_id:int}/plans")
    async def generate(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        """Start the plan's computation in the background and follow it on the job's page."""
        try:
            job = await rotations.start_plan_job(
                uow,
                actor,
                period_id,
                now=now,
                path_of=lambda plan: f"{_period_path(group_id, period_id)}?plan={plan.id}",
            )
        except TimebankError as exc:
            return await self._period_page(
                request, uow, actor, now, group_id, period_id, refusal=exc, form_name="generate"
            )
        return Redirect(f"/taches/{job.id}", status_code=303)

    @post("/groupements/{group_id:int}/periodes/{period_id:int}/plans/{plan_id:int}/creneaux")
    async def add_slot(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        plan_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            day = day_of(form, "day", label_fr="Jour", label_en="Day")
            assert day is not None
            half = text(form, "half", length_max=5) or None
            await rotations.add_slot_by_hand(
                uow,
                actor,
                plan_id,
                employee_id=whole_number(form, "employee_id", label_fr="CDO", label_en="CDO"),
                company_id=whole_number(form, "company_id", label_fr="Membre", label_en="Member"),
                day=day,
                half=half,
                now=now,
            )
        except TimebankError as exc:
            return await self._period_page(
                request,
                uow,
                actor,
                now,
                group_id,
                period_id,
                plan_raw=str(plan_id),
                month_raw=text(form, "mois", length_max=10) or None,
                refusal=exc,
                form=values_of(form),
                form_name="slot",
            )
        month = first_of_month(day).isoformat()[:7]
        return see_other(
            f"{_period_path(group_id, period_id)}?plan={plan_id}&mois={month}", "creneau"
        )

    async def _on_slot(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        now: datetime,
        group_id: int,
        period_id: int,
        *,
        act: Callable[[FormMultiDict], Awaitable[str]],
        form_name: str,
    ) -> Redirect | Template:
        """A button on one slot of the calendar: `act` reads the form, acts and names its
        notice; the calendar comes back at the same version and month, with any refusal."""
        form = await read_form(request)
        plan_raw = text(form, "plan", length_max=12)
        month_raw = text(form, "mois", length_max=10)
        try:
            notice = await act(form)
        except TimebankError as exc:
            return await self._period_page(
                request,
                uow,
                actor,
                now,
                group_id,
                period_id,
                plan_raw=plan_raw,
                month_raw=month_raw,
                refusal=exc,
                form_name=form_name,
            )
        return see_other(
            f"{_period_path(group_id, period_id)}?plan={plan_raw}&mois={month_raw}", notice
        )

    @post("/groupements/{group_id:int}/periodes/{period_id:int}/creneaux/{slot_id:int}/retirer")
    async def remove_slot(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        slot_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        async def remove(form: FormMultiDict) -> str:
            del form
            await rotations.remove_slot(uow, actor, slot_id, now=now)
            return "creneau_retire"

        return await self._on_slot(
            request, uow, actor, now, group_id, period_id, act=remove, form_name="remove"
        )

    @post("/groupements/{group_id:int}/periodes/{period_id:int}/creneaux/{slot_id:int}/effectue")
    async def slot_worked(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        slot_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        """A published slot was worked, or not: the month's cost is shared by the slots worked."""

        async def note(form: FormMultiDict) -> str:
            return await _note_worked(uow, actor, slot_id, form, now)

        return await self._on_slot(
            request, uow, actor, now, group_id, period_id, act=note, form_name="worked"
        )

    @post("/groupements/{group_id:int}/periodes/{period_id:int}/plans/{plan_id:int}/publier")
    async def publish(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        period_id: FromPath[int],
        plan_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        try:
            await rotations.publish(uow, actor, plan_id, now=now)
        except TimebankError as exc:
            return await self._period_page(
                request,
                uow,
                actor,
                now,
                group_id,
                period_id,
                plan_raw=str(plan_id),
                refusal=exc,
                form_name="publish",
            )
        return see_other(f"{_period_path(group_id, period_id)}?plan={plan_id}", "publie")

    # -- Calendar feeds --------------------------------------------------------------------

    async def _feeds_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        group_id: int,
        *,
        feed_url: str | None = None,
        feed_owner: str | None = None,
        refusal: TimebankError | None = None,
    ) -> Template:
        group = await groups.get_group(uow, actor, group_id)
        staff = await groups.list_shared_staff(uow, actor, group_id, limit=100, offset=0)
        companies = await groups.group_companies(uow, actor, group_id)
        values: dict[str, Any] = {
            "group": group,
            "staff": staff.items,
            "companies": companies,
            "members": [m for m in group.members if m.left_on is None],
            "feeds": await rotations.live_feeds(uow, actor, group_id),
            "cdo_names": {e.id: e.full_name for e in staff.items},
            "feed_url": feed_url,
            "feed_owner": feed_owner,
        }
        if refusal is not None:
            return _refused(request, "groups/feeds.html", refusal, {}, **values)
        return render(request, "groups/feeds.html", **values)

    @get("/groupements/{group_id:int}/agendas")
    async def feeds(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template:
        """Calendar subscription URLs of the CDOs and members: create, revoke."""
        return await self._feeds_page(request, uow, actor, group_id)

    @post("/groupements/{group_id:int}/agendas")
    async def create_feed(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Template:
        form = await read_form(request)
        owner = text(form, "owner", length_max=30)
        kind, _, number = owner.partition("-")
        readable = number.isdigit() and len(number) <= 9  # Ids are int32.
        employee_id = int(number) if kind == "cdo" and readable else None
        company_id = int(number) if kind == "membre" and readable else None
        try:
            token = await rotations.create_feed(
                uow, actor, group_id, employee_id=employee_id, company_id=company_id, now=now
            )
        except TimebankError as exc:
            return await self._feeds_page(request, uow, actor, group_id, refusal=exc)
        return await self._feeds_page(
            request, uow, actor, group_id, feed_url=_feed_url(request, token), feed_owner=owner
        )

    @post("/groupements/{group_id:int}/agendas/revoquer")
    async def revoke_feed(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        owner = text(form, "owner", length_max=30)
        kind, _, number = owner.partition("-")
        readable = number.isdigit() and len(number) <= 9  # Ids are int32.
        try:
            await rotations.revoke_feed(
                uow,
                actor,
                group_id,
                employee_id=int(number) if kind == "cdo" and readable else None,
                company_id=int(number) if kind == "membre" and readable else None,
                now=now,
            )
        except TimebankError as exc:
            return await self._feeds_page(request, uow, actor, group_id, refusal=exc)
        return see_other(f"{_group_path(group_id)}/agendas", "agenda_revoque")

    # -- Documents ---------------------------------------------------------------------------

    async def _documents_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        group_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        group = await groups.get_group(uow, actor, group_id)
        staff = await groups.list_shared_staff(uow, actor, group_id, limit=100, offset=0)
        companies = await groups.group_companies(uow, actor, group_id)
        values: dict[str, Any] = {
            "group": group,
            "staff": staff.items,
            "companies": companies,
            "members": [m for m in group.members if m.left_on is None],
            "periods": await rotations.list_periods(uow, actor, group_id),
            "documents": await documents.group_documents(uow, actor, group_id),
            "cdo_names": {e.id: e.full_name for e in staff.items},
            "signers": SIGNERS,
            "kinds": (DocumentKind.MEMBER_AGREEMENT, DocumentKind.CDO_CONTRACT),
        }
        if refusal is not None:
            return _refused(request, "groups/documents.html", refusal, form or {}, **values)
        return render(request, "groups/documents.html", form=form or {}, **values)

    @get("/groupements/{group_id:int}/documents")
    async def group_documents(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template:
        """The CDOs' contracts and the members' agreements: draw up, read, sign."""
        return await self._documents_page(request, uow, actor, group_id)

    @post("/groupements/{group_id:int}/documents")
    async def make_document(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        kind = text(form, "kind", length_max=30)

        def number(name: str) -> int | None:
            raw = text(form, name, length_max=12)
            return int(raw) if raw.isdigit() and len(raw) <= 9 else None  # Ids are int32.

        try:
            document = await documents.make_group_document(
                uow,
                actor,
                group_id,
                kind=kind,
                employee_id=number("employee_id") if kind == "cdo_contract" else None,
                company_id=number("company_id") if kind == "member_agreement" else None,
                period_id=number("period_id") if kind == "member_agreement" else None,
                now=now,
                cdo_terms=_cdo_terms(form) if kind == "cdo_contract" else None,
            )
        except TimebankError as exc:
            return await self._documents_page(
                request, uow, actor, group_id, refusal=exc, form=values_of(form)
            )
        return see_other(f"{_group_path(group_id)}/documents/{document.id}")

    @get("/groupements/{group_id:int}/documents/{document_id:int}")
    async def group_document(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        document_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
    ) -> Template:
        return await self._document_page(
            request,
            uow,
            actor,
            document_id,
            (f"{_group_path(group_id)}/documents", "Retour aux documents du groupement"),
            f"{_group_path(group_id)}/documents/{document_id}",
        )

    @post("/groupements/{group_id:int}/documents/{document_id:int}")
    async def sign_document(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        document_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        path = f"{_group_path(group_id)}/documents/{document_id}"
        try:
            await documents.sign_group_document(
                uow, actor, document_id, sha256=text(form, "sha256", length_max=100), now=now
            )
        except TimebankError as exc:
            return await self._document_page(
                request,
                uow,
                actor,
                document_id,
                (f"{_group_path(group_id)}/documents", "Retour aux documents du groupement"),
                path,
                refusal=exc,
            )
        return see_other(path, "document_signe")

    # -- Cost allocation -------------------------------------------------------------------

    async def _costs_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: datetime,
        group_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        group = await groups.get_group(uow, actor, group_id)
        detailed, found = await rotations.list_allocations(uow, actor, group_id, month=None)
        companies = await groups.group_companies(uow, actor, group_id)
        months: dict[date, dict[int, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int))
        )
        for allocation in found:
            line = allocation.line
            share = months[allocation.month][line.company_id]
            share["cents"] += line.cents
            share["salary_cents"] += line.salary_cents
            share["management_cents"] += line.management_cents
            share["minutes"] += line.minutes
            share["slots"] += line.slots_worked
        last_month = first_of_month(first_of_month(now.date()) - timedelta(days=1))
        values: dict[str, Any] = {
            "group": group,
            "detailed": detailed,
            "companies": companies,
            "months": sorted(months.items(), reverse=True),
            "month_label": month_label,
            "days_label": days_label,
        }
        if refusal is not None:
            return _refused(request, "groups/costs.html", refusal, form or {}, **values)
        return render(
            request,
            "groups/costs.html",
            form=form or {"month": last_month.isoformat()[:7]},
            **values,
        )

    @get("/groupements/{group_id:int}/couts")
    async def costs(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Template:
        """Each finished month's CDO cost shared among the members at exact cost."""
        return await self._costs_page(request, uow, actor, now, group_id)

    @post("/groupements/{group_id:int}/couts")
    async def allocate(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            month = _month_of_form(form, "month")
            await rotations.allocate_month(uow, actor, group_id, month=month, now=now)
        except TimebankError as exc:
            return await self._costs_page(
                request, uow, actor, now, group_id, refusal=exc, form=values_of(form)
            )
        return see_other(f"{_group_path(group_id)}/couts", "imputation")


def _cents(form: FormMultiDict, name: str) -> int:
    return euros_to_cents(form, name, label_fr="Frais de gestion", label_en="Management costs")
