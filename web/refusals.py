"""The refusals of the pages and the API's own checks (forms, paths, sessions): each defined
once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import (
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    Refusal,
    TooManyAttempts,
)

CSRF_FAILED = Refusal(
    "csrf_failed",
    Forbidden,
    fr="Jeton anti-CSRF absent ou invalide : rechargez la page.",
    en="Missing or invalid CSRF token: reload the page.",
)


TOO_MANY_ATTEMPTS = Refusal(
    "too_many_attempts",
    TooManyAttempts,
    fr="Trop de tentatives : réessayez dans {minutes} min.",
    en="Too many attempts: try again in {minutes} min.",
)


DECISION_NOT_FOUND = Refusal(
    "decision_not_found",
    NotFound,
    fr="Décision introuvable : {id}.",
    en="Decision not found: {id}.",
)


DOCUMENT_NOT_FOUND = shared.DOCUMENT_NOT_FOUND


EMPLOYEE_NOT_FOUND = shared.EMPLOYEE_NOT_FOUND


FORM_TOO_LARGE = Refusal(
    "form_too_large",
    InvalidInput,
    fr="Formulaire trop volumineux.",
    en="Form too large.",
)

INVALID_CHOICE = Refusal(
    "invalid_choice",
    InvalidInput,
    fr="Valeur inconnue « {value} » (valeurs : {allowed}).",
    en="Unknown value '{value}' (values: {allowed}).",
)

INVALID_SELECTION = Refusal(
    "invalid_selection",
    InvalidInput,
    fr="Sélection illisible : rechargez la page.",
    en="Unreadable selection: reload the page.",
    field="entry_ids",
)

INVALID_SLOT_KIND = Refusal(
    "invalid_slot_kind",
    InvalidInput,
    fr="Découpage attendu : « day » (journées) ou « half_day » (demi-journées).",
    en='Slots expected: "day" (whole days) or "half_day" (half-days).',
    field="slot",
)

INVALID_WEEKDAYS = shared.INVALID_WEEKDAYS


INVOICE_NOT_FOUND = shared.INVOICE_NOT_FOUND


JSON_REQUIRED = Refusal(
    "json_required",
    InvalidInput,
    fr="Corps attendu en JSON (Content-Type: application/json).",
    en="A JSON body is expected (Content-Type: application/json).",
)

NOT_AN_AMOUNT = Refusal(
    "not_an_amount",
    InvalidInput,
    fr="{label_fr} : montant en euros attendu (par exemple 42 000 ou 42 000,50).",
    en="{label_en}: an amount in euros is expected (e.g. 42000 or 42000.50).",
)

NOT_AUTHENTICATED = Refusal(
    "not_authenticated",
    NotAuthenticated,
    fr="Connexion requise.",
    en="Login required.",
)

NOT_A_DATE = Refusal(
    "not_a_date",
    InvalidInput,
    fr="{label_fr} : date attendue (JJ/MM/AAAA){typed_fr}.",
    en="{label_en}: a date is expected (DD/MM/YYYY){typed_en}.",
)

NOT_A_MONTH = Refusal(
    "not_a_month",
    InvalidInput,
    fr="Mois attendu (AAAA-MM, par exemple 2026-11).",
    en="A month is expected (YYYY-MM, e.g. 2026-11).",
)

NOT_A_WHOLE_NUMBER = Refusal(
    "not_a_number",
    InvalidInput,
    fr="{label_fr} : nombre entier attendu.",
    en="{label_en}: a whole number is expected.",
)

NOT_A_DECIMAL_NUMBER = Refusal(
    "not_a_number",
    InvalidInput,
    fr="{label_fr} : nombre décimal attendu (par exemple 48,11).",
    en="{label_en}: a decimal number is expected (e.g. 48.11).",
)

NOT_A_NUMBER_OF_DAYS = Refusal(
    "not_a_number",
    InvalidInput,
    fr="{label_fr} : nombre de jours attendu.",
    en="{label_en}: a number of days is expected.",
)

NOT_A_NUMBER_OF_DAYS_OR_HALVES = Refusal(
    "not_a_number",
    InvalidInput,
    fr="{label_fr} : nombre de jours attendu (par exemple 2 ou 2,5).",
    en="{label_en}: a number of days is expected (e.g. 2 or 2.5).",
)

NOT_A_PERCENTAGE = Refusal(
    "not_a_percentage",
    InvalidInput,
    fr="{label_fr} : pourcentage attendu (par exemple 42 ou 42,5).",
    en="{label_en}: a percentage is expected (e.g. 42 or 42.5).",
)

GROUP_PAGE_NOT_FOUND = Refusal(
    "not_found",
    NotFound,
    fr="Groupement introuvable.",
    en="Employer group not found.",
)

NOT_A_MEMBER_OF_THIS_GROUP = Refusal(
    "not_found",
    NotFound,
    fr="Votre entreprise n'est pas membre de ce groupement.",
    en="Your company is not a member of this group.",
)

PERIOD_PAGE_NOT_FOUND = Refusal(
    "not_found",
    NotFound,
    fr="Période introuvable.",
    en="Period not found.",
)

LOAN_NOT_RUNNING = Refusal(
    "not_found",
    NotFound,
    fr="Mise à disposition introuvable parmi vos missions en cours.",
    en="Loan not found among your running loans.",
)

PAGE_NOT_FOUND = Refusal(
    "not_found",
    NotFound,
    fr="Page ou ressource introuvable.",
    en="Page or resource not found.",
)

OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="Nombre hors limites : entre {int32_min} et {int32_max}.",
    en="Number out of range: between {int32_min} and {int32_max}.",
)

RECEIPT_ENCODING = Refusal(
    "receipt_encoding",
    InvalidInput,
    fr="Justificatif illisible : le fichier doit être encodé en base64.",
    en="Unreadable receipt: the file must be base64-encoded.",
    field="receipt_base64",
)

RECEIPT_MISSING = Refusal(
    "receipt_missing",
    InvalidInput,
    fr="Joignez le justificatif (PDF, JPEG ou PNG).",
    en="Attach the receipt (PDF, JPEG or PNG).",
    field="receipt",
)

REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Choisissez la mise à disposition.",
    en="Choose the loan.",
    field="engagement_id",
)

REQUIRED_FIELD = Refusal(
    "required_field",
    InvalidInput,
    fr="{label_fr} : champ obligatoire.",
    en="{label_en}: required field.",
)

SKILL_LEVEL_REQUIRED = Refusal(
    "required_field",
    InvalidInput,
    fr="Choisissez le niveau de cette compétence.",
    en="Choose the level of this skill.",
)


STEP_NOT_FOUND = Refusal(
    "step_not_found",
    NotFound,
    fr="Action introuvable : {id}.",
    en="Step not found: {id}.",
)


TEMPLATE_NOT_FOUND = Refusal(
    "template_not_found",
    NotFound,
    fr="Modèle introuvable : {id}.",
    en="Template not found: {id}.",
)

TRAINING_NOT_FOUND = shared.TRAINING_NOT_FOUND
