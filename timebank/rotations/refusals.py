"""The refusals of rotations: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, InvalidInput, NotFound, Refusal

ALLOCATION_REFUSED = Refusal(
    "allocation_refused",
    Conflict,
    fr="Le grand livre a refusé l'imputation : {result_fr}.",
    en="The ledger refused the allocation: {result_en}.",
    field="month",
)

ALREADY_ALLOCATED = Refusal(
    "already_allocated",
    Conflict,
    fr="{month} est déjà imputé aux membres.",
    en="{value} is already allocated to the members.",
    field="month",
)


CALENDAR_NOT_FOUND = Refusal(
    "calendar_not_found",
    NotFound,
    fr="Calendrier introuvable : {id}.",
    en="Calendar not found: {id}.",
)


CDO_COST_MISSING = Refusal(
    "cdo_cost_missing",
    Conflict,
    fr="Le coût du CDO n'est pas renseigné (salaire brut, charges).",
    en="The CDO's cost is not filled in (gross salary, charges).",
    field="employee_id",
)

CDO_NOT_GROUP_EMPLOYEE = shared.CDO_NOT_GROUP_EMPLOYEE


DATE_OUTSIDE_PERIOD = Refusal(
    "date_outside_period",
    InvalidInput,
    fr="Date hors de la période : {day}.",
    en="Date outside the period: {day_iso}.",
)

DAYS_BEYOND_CALENDAR = Refusal(
    "days_beyond_calendar",
    InvalidInput,
    fr="Demandé : {days_fr} ; le calendrier de la période n'en permet que {possible_fr}.",
    en="{days:g} days requested: the period's calendar allows only {possible:g}.",
    field="days",
)

DAY_OUTSIDE_PERIOD = Refusal(
    "day_outside_period",
    InvalidInput,
    fr="Le créneau doit être un jour ouvré de la période.",
    en="The slot must be a working day of the period.",
    field="day",
)

EMPLOYER_GROUP_NOT_FOUND = shared.EMPLOYER_GROUP_NOT_FOUND


FIXED_SLOTS_CONFLICT = Refusal(
    "fixed_slots_conflict",
    Conflict,
    fr=(
        "Des créneaux fixés à la main ou passés ne tiennent plus : {wrong_fr}. Retirez-les ou "
        "corrigez les indisponibilités."
    ),
    en=(
        "Slots set by hand or already past no longer fit: {wrong_en}. Remove them or correct the "
        "unavailable days."
    ),
    field="slots",
)

INVALID_DAYS = Refusal(
    "invalid_days",
    InvalidInput,
    fr="Nombre de jours invalide : {days_fr} (multiple positif de {step_fr}).",
    en="Invalid number of days: {days:g} (a non-negative multiple of {step:g} day).",
)

INVALID_WEEKDAYS = Refusal(
    "invalid_weekdays",
    InvalidInput,
    fr="Jours préférés : de 0 (lundi) à 4 (vendredi).",
    en="Preferred weekdays: from 0 (Monday) to 4 (Friday).",
)

INVALID_WEEKLY_MAXIMUM = Refusal(
    "invalid_weekly_maximum",
    InvalidInput,
    fr="Maximum hebdomadaire : de 0,5 à 5 jours.",
    en="Weekly maximum: from 0.5 to 5 days.",
    field="max_days_per_week",
)

MONTH_ALLOCATED = Refusal(
    "month_allocated",
    Conflict,
    fr="Le mois de ce créneau est déjà imputé aux membres.",
    en="This slot's month is already allocated to the members.",
    field="slot_id",
)

MONTH_NOT_FINISHED = Refusal(
    "month_not_finished",
    InvalidInput,
    fr="On n'impute qu'un mois terminé.",
    en="Only a finished month is allocated.",
    field="month",
)

NOT_A_CDO_IN_PERIOD = Refusal(
    "not_a_cdo",
    InvalidInput,
    fr="Ce salarié n'est pas CDO sur cette période.",
    en="This employee is not a CDO in this period.",
    field="employee_id",
)

NOT_A_CDO_OF_THE_GROUP = Refusal(
    "not_a_cdo",
    InvalidInput,
    fr="Ce salarié n'est pas CDO du groupement.",
    en="This employee is not a CDO of the group.",
    field="employee_id",
)

NOT_A_MEMBER_IN_PERIOD = Refusal(
    "not_a_member",
    InvalidInput,
    fr="Cette entreprise n'est pas membre du groupement sur la période.",
    en="This company is not a member of the group during the period.",
    field="company_id",
)

NOT_A_MEMBER_OF_THE_GROUP = Refusal(
    "not_a_member",
    InvalidInput,
    fr="Cette entreprise n'est pas membre du groupement.",
    en="This company is not a member of the group.",
    field="company_id",
)

NO_CDO = Refusal(
    "no_cdo",
    Conflict,
    fr="Aucun CDO n'est déclaré pour cette période.",
    en="No CDO is declared for this period.",
    field="cdos",
)

NO_REQUEST_OF_MEMBER = shared.NO_REQUEST


NO_REQUEST_REQUESTS = Refusal(
    "no_request",
    Conflict,
    fr="Aucun membre n'a encore demandé de jours sur cette période.",
    en="No member has requested days in this period yet.",
    field="requests",
)

ONE_CALENDAR = Refusal(
    "one_calendar",
    InvalidInput,
    fr="Indiquez soit un CDO (employee_id), soit un membre (company_id).",
    en="Give either a CDO (employee_id) or a member (company_id).",
    field="employee_id",
)

PERIOD_NOT_FOUND = Refusal(
    "period_not_found",
    NotFound,
    fr="Période introuvable : {id}.",
    en="Period not found: {id}.",
)

PERIOD_TOO_LONG = Refusal(
    "period_too_long",
    InvalidInput,
    fr="Une période dure au plus un an.",
    en="A period lasts at most one year.",
    field="ends_on",
)

PLAN_CHANGED = Refusal(
    "plan_changed",
    Conflict,
    fr="Le planning a changé pendant le calcul : relancez la génération.",
    en="The plan changed while it was computed: generate it again.",
    field="plan",
)

PLAN_NOT_DRAFT = Refusal(
    "plan_not_draft",
    Conflict,
    fr="Seul un projet de planning se modifie ; générez une nouvelle version.",
    en="Only a draft plan can be changed; generate a new version.",
    field="plan",
)


PLAN_NOT_FOUND = Refusal(
    "plan_not_found",
    NotFound,
    fr="Planning introuvable : {id}.",
    en="Plan not found: {id}.",
)


PLAN_NOT_PUBLISHED = Refusal(
    "plan_not_published",
    Conflict,
    fr="Seuls les créneaux du planning publié se déclarent travaillés.",
    en="Only slots of the published plan are recorded as worked.",
    field="slot_id",
)

PLAN_OUTDATED = Refusal(
    "plan_outdated",
    Conflict,
    fr="Ce projet change des jours déjà passés : générez une nouvelle version.",
    en="This draft changes days already past: generate a new version.",
    field="plan",
)

SLOT_BREAKS_RULE = Refusal(
    "slot_breaks_rule",
    InvalidInput,
    fr="Ce créneau enfreint une règle du planning : {wrong_fr}.",
    en="This slot breaks a rule of the plan: {wrong_en}.",
    field="day",
)

SLOT_IN_FUTURE = Refusal(
    "slot_in_future",
    InvalidInput,
    fr="Ce créneau n'a pas encore eu lieu.",
    en="This slot has not happened yet.",
    field="slot_id",
)

SLOT_IN_PAST = Refusal(
    "slot_in_past",
    InvalidInput,
    fr="Un créneau passé ne se modifie pas.",
    en="A past slot cannot be changed.",
    field="day",
)


SLOT_NOT_FOUND = Refusal(
    "slot_not_found",
    NotFound,
    fr="Créneau introuvable : {id}.",
    en="Slot not found: {id}.",
)

TOO_MANY_DATES = Refusal(
    "too_many_dates",
    InvalidInput,
    fr="Au plus {unavailable_dates_max} dates.",
    en="At most {unavailable_dates_max} dates.",
)


HALF_DAY_EXPECTED = Refusal(
    "wrong_slot_kind",
    InvalidInput,
    fr="Demi-journée attendue (am ou pm).",
    en="A half-day (am or pm) is expected.",
    field="half",
)

WHOLE_DAY_EXPECTED = Refusal(
    "wrong_slot_kind",
    InvalidInput,
    fr="Journée entière attendue.",
    en="A whole day is expected.",
    field="half",
)
