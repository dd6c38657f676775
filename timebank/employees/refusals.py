"""The refusals of employees: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank import rules
from timebank.errors import Conflict, InvalidInput, Refusal
from timebank.formatting import euros, hours

ABSURD_HOURS = Refusal(
    "absurd_hours",
    InvalidInput,
    fr=(
        "{what_fr} ne peuvent pas dépasser {month_work_minutes_max} (un mois de travail à temps "
        "plein)."
    ),
    en="{what_en} cannot exceed {month_work_hours_max} hours (a month of full-time work).",
)

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


DUPLICATE_EMPLOYEE = Refusal(
    "duplicate_employee",
    Conflict,
    fr="{checked_email} est déjà salarié·e de cette entreprise.",
    en="{checked_email} is already an employee of this company.",
    field="email",
)

DUPLICATE_SKILL = shared.DUPLICATE_SKILL


EMPLOYEE_NOT_FOUND = shared.EMPLOYEE_NOT_FOUND


NEGATIVE_HOURS = Refusal(
    "negative_hours",
    InvalidInput,
    fr="{what_fr} ne peuvent pas être négatives.",
    en="{what_en} cannot be negative.",
)

TOO_MANY_ITEMS = Refusal(
    "too_many_items",
    InvalidInput,
    fr="Au plus {skills_per_profile_max} compétences par profil.",
    en="At most {skills_per_profile_max} skills per profile.",
)


# The limits of an hourly cost's inputs, in the sentences a person reads beside the field.
SALARY_OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr=f"Le salaire brut annuel doit être compris entre {euros(1)} et "
    f"{euros(rules.SALARY_CENTS_MAX)}.",
    en=f"The annual gross salary must be between 0.01 and {rules.SALARY_CENTS_MAX // 100} euros.",
    field="annual_gross_salary_cents",
)

CHARGE_RATE_OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="Le taux de charges patronales doit être compris entre 0 % et "
    f"{rules.CHARGE_RATE_BASIS_POINTS_MAX // 100} % du salaire brut.",
    en="The employer's charge rate must be between 0 % and "
    f"{rules.CHARGE_RATE_BASIS_POINTS_MAX // 100} % of the gross salary.",
    field="employer_charge_rate_basis_points",
)

ANNUAL_WORK_HOURS_OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="La durée annuelle de travail doit être comprise entre 1 h et "
    f"{hours(rules.ANNUAL_WORK_HOURS_MAX * 60)} "
    f"({hours(rules.ANNUAL_WORK_HOURS_DEFAULT * 60)} pour un temps plein).",
    en=f"The annual working time must be between 1 and {rules.ANNUAL_WORK_HOURS_MAX} hours "
    "(1607 hours full time).",
    field="annual_work_hours",
)


TRAVEL_RADIUS_OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr=f"Le rayon de déplacement doit être compris entre 0 et {rules.TRAVEL_RADIUS_KM_MAX} km.",
    en=f"The travel radius must be between 0 and {rules.TRAVEL_RADIUS_KM_MAX} km.",
    field="travel_radius_km",
)
