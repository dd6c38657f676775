"""The refusals of settlements: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal

FORBIDDEN = Refusal(
    "forbidden",
    Forbidden,
    fr="Vous n'avez pas le droit de faire cela pour cette entreprise.",
    en="You are not allowed to do this for this company.",
)

MONTH_NOT_FINISHED = Refusal(
    "month_not_finished",
    InvalidInput,
    fr="On ne clôt qu'un mois terminé.",
    en="Only a finished month is closed.",
    field="month",
)

REQUIRED = Refusal(
    "required",
    InvalidInput,
    fr="Indiquez le motif de la contestation.",
    en="Give the reason for the dispute.",
    field="reason",
)

SETTLEMENT_REFUSED = Refusal(
    "settlement_refused",
    Conflict,
    fr="Le grand livre a refusé le règlement : {result_fr}.",
    en="The ledger refused the settlement: {result_en}.",
    field="status",
)

STATEMENT_FROZEN_MONTH = Refusal(
    "statement_frozen",
    Conflict,
    fr="Relevé déjà validé : il est figé.",
    en="Statement agreed: it is frozen.",
    field="month",
)

STATEMENT_ALREADY_AGREED = Refusal(
    "statement_frozen",
    Conflict,
    fr="Relevé déjà validé par les deux entreprises.",
    en="Statement already agreed by both companies.",
    field="status",
)

STATEMENT_FROZEN = Refusal(
    "statement_frozen",
    Conflict,
    fr="Relevé figé : les corrections passent sur le mois suivant.",
    en="Statement frozen: corrections go into next month.",
    field="status",
)

STATEMENT_NOT_FOUND = Refusal(
    "statement_not_found",
    NotFound,
    fr="Relevé introuvable : {id}.",
    en="Statement not found: {id}.",
)
