"""Input rules shared by every area: text lengths, e-mail, codes, ranges.

Each check raises `InvalidInput` naming the field, in French and English, before anything is
written. Limits are named with their unit so that the API docs and the checks agree.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from timebank import formatting, refusals
from timebank.errors import InvalidInput, Refusal

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

# What a person reads for each field the rules below name (French, English): the refusal's
# `field` keeps the API's name, its message the form's words. A path (`skills[0].level`) is
# read by its last name. `tests/unit/test_rules.py` holds every field the code names here.
FIELD_LABELS: Final[dict[str, tuple[str, str]]] = {
    "address": ("adresse", "address"),
    "city": ("ville", "city"),
    "comment": ("commentaire", "comment"),
    "description": ("description", "description"),
    "esco_uri": ("identifiant ESCO", "ESCO identifier"),
    "extra_minutes": ("heures supplémentaires", "extra hours"),
    "full_name": ("nom complet", "full name"),
    "job_title": ("intitulé du poste", "job title"),
    "label_en": ("libellé en anglais", "English label"),
    "label_fr": ("libellé en français", "French label"),
    "legal_form": ("forme juridique", "legal form"),
    "level": ("niveau", "level"),
    "level_min": ("niveau minimal", "minimum level"),
    "credit_line_hours": ("ligne de crédit (heures)", "credit line (hours)"),
    "limit": ("nombre par page", "page size"),
    "message": ("message", "message"),
    "minutes": ("durée", "duration"),
    "monthly_management_costs_cents": ("frais de gestion mensuels", "monthly management costs"),
    "name": ("nom", "name"),
    "note": ("note", "note"),
    "offset": ("position dans la liste", "offset"),
    "page": ("page", "page"),
    "place": ("lieu de travail", "place of work"),
    "place_city": ("ville", "city"),
    "planned_minutes": ("heures prévues", "planned hours"),
    "post_characteristics": ("caractéristiques du poste", "post characteristics"),
    "provider": ("organisme de formation", "training provider"),
    "rating": ("note", "rating"),
    "reason": ("motif", "reason"),
    "search": ("recherche", "search"),
    "size": ("nombre par page", "page size"),
    "tasks": ("missions", "tasks"),
    "title": ("intitulé", "title"),
    "travel_km_max": ("distance maximale (km)", "maximum distance (km)"),
    "working_hours": ("horaires de travail", "working hours"),
}


def field_words(field: str) -> dict[str, str]:
    """The `field_fr` and `field_en` of a refusal's message: the field's label (its name when it
    has none)."""
    name = field.rsplit(".", 1)[-1].split("[", 1)[0]
    french, english = FIELD_LABELS.get(name, (name, name))
    return {"field_fr": french, "field_en": english}


def text(value: str, *, field: str, length_max: int, required: bool = True) -> str:
    """Strip a text and check its length; an empty required text is refused."""
    stripped = value.strip()
    if required and not stripped:
        raise refusals.REQUIRED.error(**field_words(field), field=field)
    if len(stripped) > length_max:
        raise refusals.TEXT_TOO_LONG.error(**field_words(field), length_max=length_max, field=field)
    return stripped


def email(value: str, *, field: str = "email") -> str:
    """Normalise an e-mail address (lower case) and check its shape."""
    normalised = value.strip().lower()
    if len(normalised) > EMAIL_LENGTH_MAX or not _EMAIL_RE.match(normalised):
        raise refusals.INVALID_EMAIL.error(value=value.strip()[:80], field=field)
    return normalised


def password(value: str, *, field: str = "password") -> str:
    if not PASSWORD_LENGTH_MIN <= len(value) <= PASSWORD_LENGTH_MAX:
        raise refusals.INVALID_PASSWORD.error(
            password_length_min=PASSWORD_LENGTH_MIN,
            password_length_max=PASSWORD_LENGTH_MAX,
            field=field,
        )
    return value


def integer_range(
    value: int,
    *,
    field: str,
    low: int,
    high: int,
    refusal: Refusal[InvalidInput] = refusals.OUT_OF_RANGE,
) -> int:
    """Refuse an integer outside [low, high] (bool is not an integer here)."""
    if isinstance(value, bool) or not low <= value <= high:
        raise refusal.error(**field_words(field), low=low, high=high, value=value, field=field)
    return value


def minutes(value: int, *, field: str, high: int) -> int:
    """A non-negative number of minutes, at most `high` (say, a month of work)."""
    if isinstance(value, bool) or value < 0:
        raise refusals.NEGATIVE_HOURS.error(**field_words(field), field=field)
    if value > high:
        raise refusals.ABSURD_HOURS.error(
            **field_words(field), high=formatting.hours(high), field=field
        )
    return value


def skill_level(value: int, *, field: str = "level") -> int:
    return integer_range(
        value,
        field=field,
        low=SKILL_LEVEL_MIN,
        high=SKILL_LEVEL_MAX,
        refusal=refusals.SKILL_LEVEL_OUT_OF_RANGE,
    )


def naf_code(value: str | None, *, field: str = "naf_code") -> str | None:
    if value is None or value.strip() == "":
        return None
    normalised = value.strip().upper()
    if not _NAF_RE.match(normalised):
        raise refusals.INVALID_NAF_CODE.error(value=value[:20], field=field)
    return normalised


def postal_code(value: str, *, field: str = "postal_code") -> str:
    normalised = value.strip()
    if not _POSTAL_CODE_RE.match(normalised):
        raise refusals.INVALID_POSTAL_CODE.error(value=value[:20], field=field)
    return normalised


def language(value: str, *, field: str = "language") -> str:
    normalised = value.strip().lower()
    if normalised not in LANGUAGE_CODES:
        raise refusals.UNKNOWN_LANGUAGE.error(value=value[:10], field=field)
    return normalised


def languages(values: list[str], *, field: str = "languages") -> tuple[str, ...]:
    """A non-empty list of distinct language codes, in the given order."""
    if not values:
        raise refusals.LANGUAGE_REQUIRED.error(field=field)
    if len(values) > LANGUAGES_MAX:
        raise refusals.TOO_MANY_ITEMS.error(languages_max=LANGUAGES_MAX, field=field)
    result: list[str] = []
    for value in values:
        code = language(value, field=field)
        if code not in result:
            result.append(code)
    return tuple(result)


def date_order(start: date, end: date, *, field: str = "end") -> None:
    """Refuse an end date before the start date."""
    if end < start:
        raise refusals.END_BEFORE_START.error(
            end=end, start=start, end_iso=end.isoformat(), start_iso=start.isoformat(), field=field
        )


def sha256_digest(value: str, *, field: str) -> str:
    """A document's SHA-256 as its signer sends it: 64 lowercase hexadecimal characters."""
    if not _SHA256_RE.match(value):
        raise refusals.INVALID_DOCUMENT_HASH.error(field=field)
    return value
