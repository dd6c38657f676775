"""The refusals of accounting: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import InvalidInput, NotFound, Refusal

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


EXPORT_NOT_FOUND = Refusal(
    "export_not_found",
    NotFound,
    fr="Export introuvable : {id}.",
    en="Export not found: {id}.",
)

INVALID_ASSET_ACCOUNT = Refusal(
    "invalid_asset_account",
    InvalidInput,
    fr="Compte d'immobilisation attendu : 203 (frais de développement) ou 205 (logiciels).",
    en="Asset account expected: 203 (development costs) or 205 (software).",
    field="account",
)

INVALID_YEAR = Refusal(
    "invalid_year",
    InvalidInput,
    fr="Exercice attendu : une année entre 2000 et 2100.",
    en="Fiscal year expected: a year from 2000 to 2100.",
)

NEED_NOT_FOUND = shared.NEED_NOT_FOUND
