"""The refusals of book: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank import refusals as shared
from timebank.errors import Forbidden, InvalidInput, NotFound, Refusal, ServiceUnavailable

ACCOUNT_NOT_FOUND = Refusal(
    "account_not_found",
    NotFound,
    fr="Compte introuvable : {id}.",
    en="Account not found: {id}.",
)

BATCH_TOO_LARGE = Refusal(
    "batch_too_large",
    InvalidInput,
    fr="Au plus {batch_events_max} virements par lot.",
    en="At most {batch_events_max} transfers per batch.",
    field="transfers",
)

CENTS_NOT_FOR_OPERATOR = Refusal(
    "cents_not_for_operator",
    Forbidden,
    fr="L'opérateur ne passe aucun virement en euros : leurs montants au coût révèlent les "
    "salaires, et chaque réponse en dirait un peu.",
    en="The operator posts no transfer in euros: their at-cost amounts reveal pay, and every "
    "answer would tell some of it.",
    field="transfers",
)

COMPANY_NOT_FOUND = shared.COMPANY_NOT_FOUND


END_BEFORE_START = Refusal(
    "end_before_start",
    InvalidInput,
    fr="La fin de période doit suivre le début.",
    en="The period's end must follow its start.",
    field="end",
)

LEDGER_BUSY = Refusal(
    "ledger_busy",
    ServiceUnavailable,
    fr="Le grand livre est très sollicité : réessayez avec les mêmes identifiants.",
    en="The ledger is busy: retry with the same transfer ids.",
)

SHUTTING_DOWN = Refusal(
    "ledger_busy",
    ServiceUnavailable,
    fr="Service en cours d'arrêt.",
    en="Service shutting down.",
)

LIMIT_ALREADY_BREACHED_BALANCE_MAX = Refusal(
    "limit_already_breached",
    InvalidInput,
    fr="Ce plafond est déjà dépassé par le solde du compte.",
    en="The account's balance is already above this ceiling.",
    field="balance_max",
)

LIMIT_ALREADY_BREACHED_BALANCE_MIN = Refusal(
    "limit_already_breached",
    InvalidInput,
    fr="Ce plancher est déjà dépassé par le solde disponible du compte.",
    en="The account's available balance is already below this floor.",
    field="balance_min",
)

PERIOD_TOO_LONG = Refusal(
    "period_too_long",
    InvalidInput,
    fr="Un relevé couvre au plus un an.",
    en="A statement covers at most one year.",
    field="end",
)
