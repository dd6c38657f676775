"""The refusals of trainings: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, Forbidden, InvalidInput, Refusal

ALREADY_REVIEWED = Refusal(
    "already_reviewed",
    Conflict,
    fr="Formation déjà traitée.",
    en="Training already reviewed.",
    field="status",
)

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


EMPLOYEE_NOT_FOUND = shared.EMPLOYEE_NOT_FOUND


INVALID_PLAN_LINK = Refusal(
    "invalid_plan_link",
    InvalidInput,
    fr=(
        "Adresse du plan invalide : elle commence par https:// (ou http://) suivi du site ; "
        "sinon, donnez une référence comme « Plan 2026, axe 2 »."
    ),
    en=(
        "Invalid plan address: it starts with https:// (or http://) and the site; otherwise give "
        "a reference such as 'Plan 2026, section 2'."
    ),
    field="plan_link",
)

PLAN_LINK_TOO_LONG = Refusal(
    "plan_link_too_long",
    InvalidInput,
    fr="Lien vers le plan trop long : {plan_link_length_max} caractères au plus.",
    en="Plan link too long: at most {plan_link_length_max} characters.",
    field="plan_link",
)

SEARCH_TOO_LONG = Refusal(
    "search_too_long",
    InvalidInput,
    fr="Recherche trop longue : {search_length_max} caractères au plus.",
    en="Search too long: at most {search_length_max} characters.",
)

SELF_APPROVAL = Refusal(
    "self_approval",
    Forbidden,
    fr="Personne ne valide sa propre formation.",
    en="Nobody approves their own training.",
)

TRAINING_IN_FUTURE = Refusal(
    "training_in_future",
    InvalidInput,
    fr="On déclare une formation une fois suivie.",
    en="A training is logged once taken.",
    field="ends_on",
)

TRAINING_NOT_APPROVED = Refusal(
    "training_not_approved",
    Conflict,
    fr="On évalue une formation validée par l'employeur.",
    en="Only a training approved by the employer is rated.",
    field="status",
)

TRAINING_NOT_FOUND = shared.TRAINING_NOT_FOUND


TRAINING_TOO_LONG = Refusal(
    "training_too_long",
    InvalidInput,
    fr="Une formation dure au plus un an.",
    en="A training lasts at most a year.",
    field="ends_on",
)

UNKNOWN_DOMAIN = Refusal(
    "unknown_domain",
    InvalidInput,
    fr="Domaine de compétences inconnu : choisissez-en un dans la liste.",
    en="Unknown skill domain '{cleaned}': choose one from the list.",
)
