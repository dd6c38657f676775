"""Input rules shared by every area: text lengths, e-mail, codes, ranges.

Each check raises `InvalidInput` naming the field, in French and English, before anything is
written. Limits are named with their unit so that the API docs and the checks agree.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from timebank.errors import InvalidInput

NAME_LENGTH_MAX: Final = 200
TITLE_LENGTH_MAX: Final = 200
DESCRIPTION_LENGTH_MAX: Final = 5000
EMAIL_LENGTH_MAX: Final = 254
PASSWORD_LENGTH_MIN: Final = 10
PASSWORD_LENGTH_MAX: Final = 200
# A month of full-time work under the 35-hour week: 35 h x 52 weeks / 12 months = 151 h 40.
MONTH_WORK_MINUTES_MAX: Final = 35 * 52 * 60 // 12
# A year of full-time work (the legal 1 607 hours), the most one need may ask for.
YEAR_WORK_MINUTES_MAX: Final = 1607 * 60
ANNUAL_WORK_HOURS_DEFAULT: Final = 1607
ANNUAL_WORK_HOURS_MAX: Final = 2400
SALARY_CENTS_MAX: Final = 100_000_000  # 1 000 000 € gross a year.
CHARGE_RATE_BASIS_POINTS_MAX: Final = 10_000  # 100 %.
TRAVEL_RADIUS_KM_MAX: Final = 1000
LANGUAGES_MAX: Final = 8
SKILLS_PER_PROFILE_MAX: Final = 40
SKILLS_PER_NEED_MAX: Final = 10
SKILL_LEVEL_MIN: Final = 1
SKILL_LEVEL_MAX: Final = 4
SKILL_WEIGHT_MAX: Final = 10
NEED_WINDOW_DAYS_MAX: Final = 731

# ISO 639-1 codes of the languages PMEs work in; a short closed list keeps typos out.
LANGUAGE_CODES: Final = frozenset(
    [
        "fr",
        "en",
        "de",
        "es",
        "it",
        "pt",
        "nl",
        "ar",
        "zh",
        "ja",
        "ru",
        "pl",
        "ro",
        "tr",
        "el",
        "sv",
        "da",
        "fi",
        "no",
        "cs",
        "hu",
        "uk",
        "he",
        "ko",
        "vi",
        "br",
        "eu",
        "ca",
        "oc",
        "co",
    ]
)

_EMAIL_RE: Final = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_NAF_RE: Final = re.compile(r"^\d{2}\.\d{2}[A-Z]$")
_SHA256_RE: Final = re.compile(r"^[0-9a-f]{64}$")
_POSTAL_CODE_RE: Final = re.compile(r"^\d{5}$")


def text(value: str, *, field: str, length_max: int, required: bool = True) -> str:
    """Strip a text and check its length; an empty required text is refused."""
    stripped = value.strip()
    if required and not stripped:
        raise InvalidInput(
            f"Le champ « {field} » est obligatoire.",
            f"The field '{field}' is required.",
            field=field,
            code="required",
        )
    if len(stripped) > length_max:
        raise InvalidInput(
            f"Le champ « {field} » dépasse {length_max} caractères.",
            f"The field '{field}' is longer than {length_max} characters.",
            field=field,
            code="text_too_long",
        )
    return stripped


def email(value: str, *, field: str = "email") -> str:
    """Normalise an e-mail address (lower case) and check its shape."""
    normalised = value.strip().lower()
    if len(normalised) > EMAIL_LENGTH_MAX or not _EMAIL_RE.match(normalised):
        raise InvalidInput(
            f"Adresse e-mail invalide : « {value.strip()[:80]} ».",
            f"Invalid e-mail address: '{value.strip()[:80]}'.",
            field=field,
            code="invalid_email",
        )
    return normalised


def password(value: str, *, field: str = "password") -> str:
    if not PASSWORD_LENGTH_MIN <= len(value) <= PASSWORD_LENGTH_MAX:
        raise InvalidInput(
            f"Le mot de passe doit compter entre {PASSWORD_LENGTH_MIN} et "
            f"{PASSWORD_LENGTH_MAX} caractères.",
            f"The password must be {PASSWORD_LENGTH_MIN} to {PASSWORD_LENGTH_MAX} characters long.",
            field=field,
            code="invalid_password",
        )
    return value


def integer_range(
    value: int, *, field: str, low: int, high: int, code: str = "out_of_range"
) -> int:
    """Refuse an integer outside [low, high] (bool is not an integer here)."""
    if isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(
            f"Le champ « {field} » doit être compris entre {low} et {high} (reçu : {value}).",
            f"The field '{field}' must be between {low} and {high} (got {value}).",
            field=field,
            code=code,
        )
    return value


def minutes(value: int, *, field: str, high: int) -> int:
    """A non-negative number of minutes, at most `high` (say, a month of work)."""
    if isinstance(value, bool) or value < 0:
        raise InvalidInput(
            f"Le champ « {field} » ne peut pas être négatif.",
            f"The field '{field}' cannot be negative.",
            field=field,
            code="negative_hours",
        )
    if value > high:
        raise InvalidInput(
            f"Le champ « {field} » dépasse le maximum de {high // 60} h.",
            f"The field '{field}' exceeds the maximum of {high // 60} h.",
            field=field,
            code="absurd_hours",
        )
    return value


def skill_level(value: int, *, field: str = "level") -> int:
    return integer_range(
        value, field=field, low=SKILL_LEVEL_MIN, high=SKILL_LEVEL_MAX, code="invalid_skill_level"
    )


def naf_code(value: str | None, *, field: str = "naf_code") -> str | None:
    if value is None or value.strip() == "":
        return None
    normalised = value.strip().upper()
    if not _NAF_RE.match(normalised):
        raise InvalidInput(
            f"Code NAF invalide : « {value[:20]} » (forme attendue : 62.01Z).",
            f"Invalid NAF code: '{value[:20]}' (expected form: 62.01Z).",
            field=field,
            code="invalid_naf_code",
        )
    return normalised


def postal_code(value: str, *, field: str = "postal_code") -> str:
    normalised = value.strip()
    if not _POSTAL_CODE_RE.match(normalised):
        raise InvalidInput(
            f"Code postal invalide : « {value[:20]} » (5 chiffres).",
            f"Invalid postal code: '{value[:20]}' (5 digits).",
            field=field,
            code="invalid_postal_code",
        )
    return normalised


def language(value: str, *, field: str = "language") -> str:
    normalised = value.strip().lower()
    if normalised not in LANGUAGE_CODES:
        raise InvalidInput(
            f"Langue inconnue : « {value[:10]} » (code ISO 639-1 attendu, ex. fr).",
            f"Unknown language: '{value[:10]}' (ISO 639-1 code expected, e.g. fr).",
            field=field,
            code="unknown_language",
        )
    return normalised


def languages(values: list[str], *, field: str = "languages") -> tuple[str, ...]:
    """A non-empty list of distinct language codes, in the given order."""
    if not values:
        raise InvalidInput(
            "Indiquez au moins une langue de travail.",
            "Give at least one working language.",
            field=field,
            code="required",
        )
    if len(values) > LANGUAGES_MAX:
        raise InvalidInput(
            f"Au plus {LANGUAGES_MAX} langues.",
            f"At most {LANGUAGES_MAX} languages.",
            field=field,
            code="too_many_items",
        )
    result: list[str] = []
    for value in values:
        code = language(value, field=field)
        if code not in result:
            result.append(code)
    return tuple(result)


def date_order(start: date, end: date, *, field: str = "end") -> None:
    """Refuse an end date before the start date."""
    if end < start:
        raise InvalidInput(
            f"La date de fin ({end:%d/%m/%Y}) précède la date de début ({start:%d/%m/%Y}).",
            f"The end date ({end.isoformat()}) is before the start date ({start.isoformat()}).",
            field=field,
            code="end_before_start",
        )


def sha256_digest(value: str, *, field: str) -> str:
    """A document's SHA-256 as its signer sends it: 64 lowercase hexadecimal characters."""
    if not _SHA256_RE.match(value):
        raise InvalidInput(
            "Empreinte SHA-256 attendue (64 caractères hexadécimaux).",
            "A SHA-256 digest is expected (64 hexadecimal characters).",
            field=field,
            code="invalid_document_hash",
        )
    return value
