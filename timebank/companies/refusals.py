"""The refusals of companies: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Conflict, InvalidInput, Refusal

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


DUPLICATE_SIREN = Refusal(
    "duplicate_siren",
    Conflict,
    fr="Une entreprise avec le SIREN {siren} est déjà inscrite.",
    en="A company with SIREN {siren} is already registered.",
    field="siren",
)

INCOMPLETE_COORDINATES = Refusal(
    "incomplete_coordinates",
    InvalidInput,
    fr="Indiquez la latitude et la longitude, ou aucune des deux.",
    en="Give both latitude and longitude, or neither.",
)

INVALID_HEADCOUNT_BAND = Refusal(
    "invalid_headcount_band",
    InvalidInput,
    fr="Tranche d'effectif inconnue : « {value} » (valeurs : {allowed}).",
    en="Unknown headcount band: '{value}' (values: {allowed}).",
)

INVALID_SIREN = Refusal(
    "invalid_siren",
    InvalidInput,
    fr="SIREN invalide : « {value} » ({why}).",
    en="Invalid SIREN: '{value}' ({exc}).",
)

OUT_OF_RANGE_LATITUDE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="Latitude hors limites.",
    en="Latitude out of range.",
    field="latitude",
)

OUT_OF_RANGE_LONGITUDE = Refusal(
    "out_of_range",
    InvalidInput,
    fr="Longitude hors limites.",
    en="Longitude out of range.",
    field="longitude",
)

UNKNOWN_REGION = Refusal(
    "unknown_region",
    InvalidInput,
    fr="Région inconnue : « {region} ».",
    en="Unknown region: '{region}'.",
    field="region",
)
