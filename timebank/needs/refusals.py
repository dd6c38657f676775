"""The refusals of needs: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, InvalidInput, Refusal

ABSURD_HOURS = Refusal(
    "absurd_hours",
    InvalidInput,
    fr="Heures estimées : au plus {minutes_max} h sur cette période (un temps plein par mois).",
    en="Estimated hours: at most {minutes_max} h over this window (full time each month).",
    field="estimated_minutes",
)

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


DUPLICATE_SKILL = shared.DUPLICATE_SKILL


STATUS_CHANGE_NOT_ALLOWED = Refusal(
    "illegal_status_change",
    Conflict,
    fr=(
        "Un besoin {status_words_fr} ne peut pas devenir {wanted_words_fr} (la page a peut-être "
        "changé entre-temps : rechargez-la)."
    ),
    en="A need in status '{current}' cannot move to '{wanted}'.",
    field="status",
)

NEW_NEED_STATUS = Refusal(
    "illegal_status_change",
    Conflict,
    fr="Un nouveau besoin est en brouillon ou ouvert.",
    en="A new need is either a draft or open.",
    field="status",
)

INVALID_SKILL_LEVEL = Refusal(
    "invalid_skill_level",
    InvalidInput,
    fr=(
        "Niveau minimum : choisissez entre {skill_level_min} et {skill_level_max} (reçu : "
        "{min_level})."
    ),
    en="Minimum level: choose between {skill_level_min} and {skill_level_max} (got {min_level}).",
)

UNKNOWN_STATUS = Refusal(
    "invalid_status",
    InvalidInput,
    fr="Statut inconnu : « {value} » (valeurs : {allowed}).",
    en="Unknown status: '{value}' (values: {allowed}).",
)

NEED_FROZEN = Refusal(
    "need_frozen",
    Conflict,
    fr="Un besoin clos ou annulé ne se modifie plus.",
    en="A closed or cancelled need can no longer be edited.",
    field="status",
)

NEED_NOT_FOUND = shared.NEED_NOT_FOUND


NEGATIVE_HOURS = Refusal(
    "negative_hours",
    InvalidInput,
    fr="Heures estimées : une durée ne peut pas être négative.",
    en="Estimated hours cannot be negative.",
    field="estimated_minutes",
)

OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="Importance : un nombre entre 1 et {skill_weight_max} (reçu : {weight}).",
    en="Weight: a number between 1 and {skill_weight_max} (got {weight}).",
)

FIELD_REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="{name_fr} : champ obligatoire.",
    en="{name_en}: required field.",
)

ESTIMATED_HOURS_REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Indiquez le nombre d'heures estimé (par exemple 20 h).",
    en="Give the estimated number of hours.",
    field="estimated_minutes",
)

REQUIRED_SKILLS = Refusal(
    "required",
    InvalidInput,
    fr="Un besoin demande au moins une compétence.",
    en="A need requires at least one skill.",
    field="skills",
)

TEXT_TOO_LONG = Refusal(
    "text_too_long",
    InvalidInput,
    fr="{name_fr} : {length_max} caractères au plus.",
    en="{name_en}: at most {length_max} characters.",
)

TOO_MANY_ITEMS = Refusal(
    "too_many_items",
    InvalidInput,
    fr="Au plus {skills_per_need_max} compétences par besoin.",
    en="At most {skills_per_need_max} skills per need.",
    field="skills",
)

WINDOW_TOO_LONG = Refusal(
    "window_too_long",
    InvalidInput,
    fr="La fenêtre d'un besoin ne peut dépasser {need_window_days_max} jours.",
    en="A need's window cannot exceed {need_window_days_max} days.",
    field="window_end",
)
