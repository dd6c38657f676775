"""The shared refusals: the validation rules' (`timebank/rules.py`) and those several areas raise
(their catalogues alias them). Each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ledger.model import TransferResult
from timebank.errors import Forbidden, InvalidInput, NotFound, Refusal

# The ledger's answers to an event that went through (created now, or already).
LEDGER_PASSED: Final = frozenset({TransferResult.CREATED, TransferResult.EXISTS})

# Why the ledger refused a transfer, in words (French, English), for the few a person may meet;
# any other means the service and its ledger disagree, and is shown with its code for support.
LEDGER_RESULT_WORDS: dict[TransferResult, tuple[str, str]] = {
    TransferResult.EXCEEDS_DEBIT_LIMIT: (
        "le compte débité passerait sous sa limite de crédit",
        "the debited account would go below its credit line",
    ),
    TransferResult.EXCEEDS_CREDIT_LIMIT: (
        "le compte crédité dépasserait son plafond",
        "the credited account would exceed its ceiling",
    ),
}


def ledger_failure(results: Iterable[TransferResult]) -> TransferResult | None:
    """Why the ledger refused a batch, None when every event went through: in a linked chain,
    the event that failed, not those that failed with it (`linked_event_failed`)."""
    failed = [result for result in results if result not in LEDGER_PASSED]
    causes = [result for result in failed if result is not TransferResult.LINKED_EVENT_FAILED]
    return (causes or failed or [None])[0]


def ledger_words(result: TransferResult) -> dict[str, str]:
    """`result_fr` and `result_en` of a refusal that reports the ledger's answer."""
    french, english = LEDGER_RESULT_WORDS.get(
        result,
        (f"incohérence interne (code {result.value})", f"internal inconsistency ({result.value})"),
    )
    return {"result_fr": french, "result_en": english}


ABSURD_HOURS = Refusal(
    "absurd_hours",
    InvalidInput,
    fr="Le champ « {field_fr} » dépasse le maximum de {high}.",
    en="The field '{field_en}' exceeds the maximum of {high}.",
)

END_BEFORE_START = Refusal(
    "end_before_start",
    InvalidInput,
    fr="La date de fin ({end:%d/%m/%Y}) précède la date de début ({start:%d/%m/%Y}).",
    en="The end date ({end_iso}) is before the start date ({start_iso}).",
)

INVALID_DOCUMENT_HASH = Refusal(
    "invalid_document_hash",
    InvalidInput,
    fr="Empreinte SHA-256 attendue (64 caractères hexadécimaux).",
    en="A SHA-256 digest is expected (64 hexadecimal characters).",
)

INVALID_EMAIL = Refusal(
    "invalid_email",
    InvalidInput,
    fr="Adresse e-mail invalide : « {value} ».",
    en="Invalid e-mail address: '{value}'.",
)

INVALID_NAF_CODE = Refusal(
    "invalid_naf_code",
    InvalidInput,
    fr="Code NAF invalide : « {value} » (forme attendue : 62.01Z).",
    en="Invalid NAF code: '{value}' (expected form: 62.01Z).",
)

INVALID_PASSWORD = Refusal(
    "invalid_password",
    InvalidInput,
    fr=(
        "Le mot de passe doit compter entre {password_length_min} et {password_length_max} "
        "caractères."
    ),
    en="The password must be {password_length_min} to {password_length_max} characters long.",
)

INVALID_POSTAL_CODE = Refusal(
    "invalid_postal_code",
    InvalidInput,
    fr="Code postal invalide : « {value} » (5 chiffres).",
    en="Invalid postal code: '{value}' (5 digits).",
)

NEGATIVE_HOURS = Refusal(
    "negative_hours",
    InvalidInput,
    fr="Le champ « {field_fr} » ne peut pas être négatif.",
    en="The field '{field_en}' cannot be negative.",
)

REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Le champ « {field_fr} » est obligatoire.",
    en="The field '{field_en}' is required.",
)

LANGUAGE_REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Indiquez au moins une langue de travail.",
    en="Give at least one working language.",
)

TEXT_TOO_LONG = Refusal(
    "text_too_long",
    InvalidInput,
    fr="Le champ « {field_fr} » dépasse {length_max} caractères.",
    en="The field '{field_en}' is longer than {length_max} characters.",
)

TOO_MANY_ITEMS = Refusal(
    "too_many_items",
    InvalidInput,
    fr="Au plus {languages_max} langues.",
    en="At most {languages_max} languages.",
)

UNKNOWN_DEPARTEMENT = Refusal(
    "unknown_departement",
    InvalidInput,
    fr="Le code postal {postal_code} ne correspond à aucun département français.",
    en="Postal code {postal_code} matches no French département.",
    field="postal_code",
)

UNKNOWN_LANGUAGE = Refusal(
    "unknown_language",
    InvalidInput,
    fr="Langue inconnue : « {value} » (code ISO 639-1 attendu, ex. fr).",
    en="Unknown language: '{value}' (ISO 639-1 code expected, e.g. fr).",
)

UNREADABLE_DURATION = Refusal(
    "unreadable_duration",
    InvalidInput,
    fr="Durée « {text} » illisible : écrivez par exemple 1h30, 1,5 h ou 45 min.",
    en="Unreadable duration '{text}': write e.g. 1h30, 1.5 h or 45 min.",
)


OUT_OF_RANGE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="Le champ « {field_fr} » doit être compris entre {low} et {high} (reçu : {value}).",
    en="The field '{field_en}' must be between {low} and {high} (got {value}).",
)

SKILL_LEVEL_OUT_OF_RANGE = Refusal(
    "invalid_skill_level",
    InvalidInput,
    fr=OUT_OF_RANGE.fr,
    en=OUT_OF_RANGE.en,
)


COMPANY_NOT_FOUND = Refusal(
    "company_not_found",
    NotFound,
    fr="Entreprise introuvable : {id}.",
    en="Company not found: {id}.",
)


NEED_NOT_FOUND = Refusal(
    "need_not_found",
    NotFound,
    fr="Besoin introuvable : {id}.",
    en="Need not found: {id}.",
)


CDO_NOT_GROUP_EMPLOYEE = Refusal(
    "cdo_not_group_employee",
    InvalidInput,
    fr="Le CDO doit être salarié du groupement.",
    en="The CDO must be an employee of the group.",
    field="employee_id",
)


DOCUMENT_NOT_FOUND = Refusal(
    "document_not_found",
    NotFound,
    fr="Document introuvable : {id}.",
    en="Document not found: {id}.",
)


ENGAGEMENT_NOT_FOUND = Refusal(
    "engagement_not_found",
    NotFound,
    fr="Mise à disposition introuvable : {id}.",
    en="Engagement not found: {id}.",
)


NO_REQUEST = Refusal(
    "no_request",
    InvalidInput,
    fr="Ce membre n'a pas de demande sur cette période.",
    en="This member has no request in this period.",
    field="company_id",
)


DUPLICATE_SKILL = Refusal(
    "duplicate_skill",
    InvalidInput,
    fr="La compétence « {code} » apparaît deux fois.",
    en="Skill '{code}' appears twice.",
)


EMPLOYEE_NOT_FOUND = Refusal(
    "employee_not_found",
    NotFound,
    fr="Salarié introuvable : {id}.",
    en="Employee not found: {id}.",
)


FORBIDDEN_FOR_COMPANY = Refusal(
    "forbidden_for_company",
    Forbidden,
    fr="Vous n'avez pas le droit de faire cela pour cette entreprise.",
    en="You are not allowed to do this for this company.",
)


EMPLOYER_GROUP_NOT_FOUND = Refusal(
    "employer_group_not_found",
    NotFound,
    fr="Groupement introuvable : {id}.",
    en="Employer group not found: {id}.",
)


INVALID_WEEKDAYS = Refusal(
    "invalid_weekdays",
    InvalidInput,
    fr="Jours préférés : du lundi au vendredi.",
    en="Preferred weekdays: Monday to Friday.",
)


INVOICE_NOT_FOUND = Refusal(
    "invoice_not_found",
    NotFound,
    fr="Facture introuvable : {id}.",
    en="Invoice not found: {id}.",
)


TRAINING_NOT_FOUND = Refusal(
    "training_not_found",
    NotFound,
    fr="Formation introuvable : {id}.",
    en="Training not found: {id}.",
)
